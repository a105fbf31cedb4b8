import { ConsoleLogger, Logger, type LogLevel } from '@nestjs/common';
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
import {
  AppModule,
  DEFAULT_SQLITE_FILE,
  portoneV2Endpoints,
} from './app.module.js';
import { documentApp } from './openapi/openapi.js';
import { runReconcileCommand } from './reconciliation/reconcile-command.js';
import {
  ConfigError,
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
  // With no iamport keys, the shop runs against the bundled simulator (V1 and V2): no internet, no real money.
  const simulator =
    config.iamport.apiUrl === null ? await startBundledSimulator(config) : null;
  const apiUrl = simulator?.url ?? config.iamport.apiUrl!;
  // Browsers load the SDK (and open the window) where they reach the simulator, which may differ.
  const sdkUrl =
    config.iamport.sdkUrl ?? `${simulator?.publicUrl ?? apiUrl}/v1/iamport.js`;
  const v2 = portoneV2Endpoints(config, apiUrl, simulator?.publicUrl ?? apiUrl);
  if (!config.databaseUrl)
    mkdirSync(dirname(DEFAULT_SQLITE_FILE), { recursive: true });

  const module = AppModule.forConfig(config, apiUrl, sdkUrl, v2);
  // rawBody: PortOne V2 signs the exact bytes of its webhook; a re-serialised body would not verify.
  const app =
    config.httpAdapter === 'fastify'
      ? await NestFactory.create<NestFastifyApplication>(
          module,
          new FastifyAdapter({ trustProxy: config.trustProxy }),
          { logger: appLogger(config), rawBody: true },
        )
      : await NestFactory.create<NestExpressApplication>(module, {
          logger: appLogger(config),
          rawBody: true,
        });
  if (config.httpAdapter === 'express')
    (app as NestExpressApplication).set('trust proxy', config.trustProxy);
  // The OpenAPI document of every route: Swagger UI at /docs, JSON at /docs-json.
  documentApp(app, config);
  app.enableShutdownHooks();
  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    await app.close();
    await simulator?.close();
    throw portProblem(error, config.port, 'PORT');
  }

  logger.log(
    `shop listening on ${config.publicUrl} (${config.httpAdapter}, ${describeDatabase(config)})`,
  );
  logger.log(
    simulator
      ? `iamport simulator on ${simulator.publicUrl} (no real money)`
      : `iamport API at ${apiUrl}`,
  );
  logger.log(
    config.portoneV2.enabled
      ? `PortOne V2 API at ${v2.apiUrl}`
      : 'PortOne V2 is off (iamport keys without PORTONE_V2_* secrets)',
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
    AppModule.forConfig(
      scheduleOff,
      apiUrl,
      sdkUrl,
      portoneV2Endpoints(config, apiUrl, apiUrl),
    ),
    { logger: appLogger(config) },
  );
  try {
    return await runReconcileCommand(
      app,
      process.argv.slice(3),
      config.reconciliation.olderThanSeconds,
      apiUrl,
    );
  } finally {
    await app.close();
  }
}

/** Nest's console logger at `LOG_LEVEL`, as text or, with `LOG_FORMAT=json`, one JSON object per line. */
function appLogger(config: SampleConfig): ConsoleLogger {
  return new ConsoleLogger({
    logLevels: logLevels(config),
    json: config.logFormat === 'json',
  });
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

async function startBundledSimulator(
  config: SampleConfig,
): Promise<RunningSimulator> {
  try {
    return await startSimulator({
      host: config.simulatorHost,
      port: config.simulatorPort,
      publicUrl: config.simulatorPublicUrl,
      impKey: SIMULATOR_KEY,
      impSecret: SIMULATOR_SECRET,
      webhookUrl: `http://127.0.0.1:${config.port}/payments/webhook`,
      v2WebhookUrl: `http://127.0.0.1:${config.port}/payments/v2/webhook`,
    });
  } catch (error) {
    throw portProblem(error, config.simulatorPort, 'IAMPORT_SIM_PORT');
  }
}

/** A start-up problem the operator fixes by changing a setting: printed as one line, no stack. */
class StartupError extends Error {}

/** A port that is taken names the variable that moves it; any other error is left as it is. */
function portProblem(error: unknown, port: number, variable: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE')
    return new StartupError(
      `port ${port} is already in use: stop what holds it, or set ${variable} to a free port`,
    );
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL')
    return new StartupError(
      `cannot listen on port ${port} (${code}): set ${variable} to another port, or check the host`,
    );
  return error;
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

await bootstrap().catch((error: unknown) => {
  // What a setting fixes is said in one line; anything else keeps its stack.
  if (error instanceof StartupError || error instanceof ConfigError)
    console.error(`sample shop: ${error.message}`);
  else console.error(error);
  process.exit(1);
});
