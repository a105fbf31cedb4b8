import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { BaselineConfig } from './baseline-config.js';

/** Starts a baseline app on the configured adapter, as the sample app's main.ts does. */
export async function listen(
  module: DynamicModule,
  config: BaselineConfig,
  name: string,
): Promise<INestApplication> {
  const logger = ['log', 'warn', 'error'] as ('log' | 'warn' | 'error')[];
  const app =
    config.httpAdapter === 'fastify'
      ? await NestFactory.create(module, new FastifyAdapter(), { logger })
      : await NestFactory.create(module, { logger });
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  console.log(
    `${name} listening on http://${config.host}:${config.port} (${config.httpAdapter})`,
  );
  return app;
}
