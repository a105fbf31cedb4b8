import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  FastifyAdapter,
  type NestFastifyApplication,
} from '@nestjs/platform-fastify';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type RunningSimulator,
  startSimulator,
} from '../../iamport-simulator/src/index.js';
import { AppModule, DEFAULT_SQLITE_FILE } from './app.module.js';
import { runReconcileCommand } from './reconciliation/reconcile-command.js';
import {
  readConfig,
  SIMULATOR_KEY,
  SIMULATOR_SECRET,
  type SampleConfig,
} from './config.js';

const logger = new Logger('Sample');

async function bootstrap(): Promise<void> {
  const config = readConfig();
  if (process.argv[2] === 'reconcile') {
    process.exitCode = await reconcile(config);
    return;
  }
  // With no iamport keys, the shop runs against the bundled simulator: no internet, no real money.
  const simulator =
    config.iamport.apiUrl === null ? await startBundledSimulator(config) : null;
  const apiUrl = simulator?.url ?? config.iamport.apiUrl!;
  const sdkUrl = config.iamport.sdkUrl ?? `${apiUrl}/v1/iamport.js`;
  if (!config.databaseUrl)
    mkdirSync(dirname(DEFAULT_SQLITE_FILE), { recursive: true });

  const module = AppModule.forConfig(config, apiUrl, sdkUrl);
  const app =
    config.httpAdapter === 'fastify'
      ? await NestFactory.create<NestFastifyApplication>(
          module,
          new FastifyAdapter({ trustProxy: config.trustProxy }),
          { logger: logLevels(config) },
        )
      : await NestFactory.create<NestExpressApplication>(module, {
          logger: logLevels(config),
        });
  if (config.httpAdapter === 'express')
    (app as NestExpressApplication).set('trust proxy', config.trustProxy);
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);

  logger.log(
    `shop listening on ${config.publicUrl} (${config.httpAdapter}, ${describeDatabase(config)})`,
  );
  logger.log(
    simulator
      ? `iamport simulator on ${simulator.url} (no real money)`
      : `iamport API at ${apiUrl}`,
  );
  logger.log(`open ${config.publicUrl}/ to buy something`);
}

/** `npm run reconcile`: one run, without the HTTP server; with no keys, against the simulator `npm start` runs. */
async function reconcile(config: SampleConfig): Promise<number> {
  const apiUrl =
    config.iamport.apiUrl ?? `http://127.0.0.1:${config.simulatorPort}`;
  const sdkUrl = config.iamport.sdkUrl ?? `${apiUrl}/v1/iamport.js`;
  const scheduleOff = {
    ...config,
    reconciliation: { ...config.reconciliation, intervalSeconds: 0 },
  };
  const app = await NestFactory.createApplicationContext(
    AppModule.forConfig(scheduleOff, apiUrl, sdkUrl),
    { logger: logLevels(config) },
  );
  try {
    return await runReconcileCommand(
      app,
      process.argv.slice(3),
      config.reconciliation.olderThanSeconds,
    );
  } finally {
    await app.close();
  }
}

/** `LOG_LEVEL` and everything more severe. */
function logLevels(config: SampleConfig): LogLevel[] {
  const order: LogLevel[] = [
    'fatal',
    'error',
    'warn',
    'log',
    'debug',
    'verbose',
  ];
  return order.slice(0, order.indexOf(config.logLevel) + 1);
}

function startBundledSimulator(
  config: SampleConfig,
): Promise<RunningSimulator> {
  return startSimulator({
    port: config.simulatorPort,
    impKey: SIMULATOR_KEY,
    impSecret: SIMULATOR_SECRET,
    webhookUrl: `http://127.0.0.1:${config.port}/payments/webhook`,
  });
}

function describeDatabase(config: SampleConfig): string {
  if (!config.databaseUrl) return `SQLite ${DEFAULT_SQLITE_FILE}`;
  const url = config.databaseUrl.includes('://')
    ? new URL(config.databaseUrl)
    : null;
  // Never print the password of a DATABASE_URL.
  return url
    ? `${url.protocol.replace(':', '')} ${url.host}${url.pathname}`
    : `SQLite ${config.databaseUrl}`;
}

await bootstrap();
