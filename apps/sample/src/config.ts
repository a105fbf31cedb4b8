import { IAMPORT_WEBHOOK_IPS } from 'nestjs-iamport';
import { V2_DEFAULT_CONFIG } from '../../iamport-simulator/src/index.js';
import { EnvReader } from './env-reader.js';
import { DEFAULT_POOL_SIZE } from './persistence/database-options.js';

/** The sample app's configuration, read once from the environment. */
export interface SampleConfig {
  port: number;
  host: string;
  /** How buyers' browsers reach this app (for m_redirect_url). */
  publicUrl: string;
  databaseUrl: string | undefined;
  /**
   * `DATABASE_POOL_SIZE`: connections per app instance on PostgreSQL and
   * MariaDB (default 10). A first webhook holds one for each of its few
   * statements in turn, so a busy instance wants more than the one or two a
   * plain UPDATE needs.
   */
  databasePoolSize: number;
  /** Run pending migrations at start-up. */
  migrationsRun: boolean;
  iamport: {
    /** null: no keys were given, so the bundled simulator is started and used. */
    apiUrl: string | null;
    impKey: string;
    impSecret: string;
    impCode: string;
    /** The browser SDK the checkout page loads. */
    sdkUrl: string | null;
    includeSandbox: boolean;
    webhookAllowList: string[] | undefined;
  };
  /**
   * PortOne V2, beside V1. With none of `PORTONE_V2_API_SECRET`,
   * `PORTONE_V2_STORE_ID`, `PORTONE_V2_CHANNEL_KEY`, `PORTONE_V2_WEBHOOK_SECRET`,
   * it runs against the simulator that serves V1 (the bundled one, or
   * `IAMPORT_API_URL` without keys); with real iamport keys and no V2 secrets
   * it is off (its routes answer 404), never pointed at a simulator in production.
   */
  portoneV2: {
    enabled: boolean;
    /** null: the V2 API of the simulator that serves V1 (`<its URL>/v2`). */
    apiUrl: string | null;
    apiSecret: string;
    storeId: string;
    /** The checkout's channel (console: 결제 연동 > 채널 관리). */
    channelKey: string;
    webhookSecret: string;
    /** The V2 browser SDK the checkout page loads; null: the simulator's stand-in. */
    sdkUrl: string | null;
    /** `PORTONE_V2_ALLOW_TEST_CHANNEL`: let test-channel payments settle orders (default false). */
    allowTestChannel: boolean;
  };
  /** The bundled simulator (used when no iamport keys are given): where it listens, and how browsers reach it. */
  simulatorPort: number;
  simulatorHost: string;
  /** null: the listening URL (`http://<host>:<port>`). */
  simulatorPublicUrl: string | null;
  trustProxy: boolean | string;
  httpAdapter: 'express' | 'fastify';
  /** Outbox events younger than this are left to the instance that wrote them. */
  outboxRedeliveryDelayMs: number;
  reconciliation: { intervalSeconds: number; olderThanSeconds: number };
  /** The most detailed log level printed: one line per settled payment at `log`, per handler at `debug`. */
  logLevel: LogLevelName;
  /** `text` (Nest's coloured lines) or `json` (one object per line, for log collectors). */
  logFormat: 'text' | 'json';
  /** `ADMIN_TOKEN`: the bearer token of the `/admin` routes; null turns them off (404). */
  adminToken: string | null;
  /** Simulated time to book a shipment in the paid handler (a stand-in for a slow side effect). */
  shippingDelayMs: number;
  /** `METRICS_ENABLED`: the OpenTelemetry metrics SDK and `GET /metrics` (false: no SDK, `/metrics` is 404). */
  metricsEnabled: boolean;
}

export class ConfigError extends Error {
  constructor(problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

const REAL_API_URL = 'https://api.iamport.kr';
const REAL_V2_API_URL = 'https://api.portone.io';
const V2_SECRETS = [
  'PORTONE_V2_API_SECRET',
  'PORTONE_V2_STORE_ID',
  'PORTONE_V2_CHANNEL_KEY',
  'PORTONE_V2_WEBHOOK_SECRET',
] as const;
export const SIMULATOR_KEY = 'imp_key_test';
export const SIMULATOR_SECRET = 'imp_secret_test';

export function readConfig(env: NodeJS.ProcessEnv = process.env): SampleConfig {
  const read = new EnvReader(env);
  const port = read.wholeNumber('PORT', 3000, 'a port number', 65_535);
  const impKey = read.text('IAMPORT_IMP_KEY');
  const impSecret = read.text('IAMPORT_IMP_SECRET');
  if (Boolean(impKey) !== Boolean(impSecret))
    read.problems.push('IAMPORT_IMP_KEY and IAMPORT_IMP_SECRET go together');
  const apiUrl = read.text('IAMPORT_API_URL') ?? (impKey ? REAL_API_URL : null);
  const v2Given = V2_SECRETS.filter((name) => read.text(name) !== undefined);
  if (v2Given.length > 0 && v2Given.length < V2_SECRETS.length)
    read.problems.push(`${V2_SECRETS.join(', ')} go together`);
  const v2ApiUrl =
    read.httpUrl('PORTONE_V2_API_URL') ??
    (v2Given.length > 0 ? REAL_V2_API_URL : null);
  const v2Enabled = v2Given.length > 0 || v2ApiUrl !== null || !impKey;
  const config: SampleConfig = {
    port,
    host: read.text('HOST') ?? '127.0.0.1',
    publicUrl: (read.text('PUBLIC_URL') ?? `http://127.0.0.1:${port}`).replace(
      /\/+$/,
      '',
    ),
    databaseUrl: read.text('DATABASE_URL'),
    databasePoolSize: read.wholeNumber(
      'DATABASE_POOL_SIZE',
      DEFAULT_POOL_SIZE,
      'a number of connections from 1 to 1000',
      1000,
    ),
    migrationsRun: read.flag('DATABASE_MIGRATIONS_RUN', true),
    iamport: {
      apiUrl,
      impKey: impKey ?? SIMULATOR_KEY,
      impSecret: impSecret ?? SIMULATOR_SECRET,
      impCode: read.text('IAMPORT_IMP_CODE') ?? 'imp00000000',
      sdkUrl:
        read.text('IAMPORT_SDK_URL') ??
        (apiUrl === REAL_API_URL
          ? 'https://cdn.iamport.kr/v1/iamport.js'
          : null),
      includeSandbox: read.flag('IAMPORT_INCLUDE_SANDBOX', false),
      webhookAllowList: allowList(read.text('IAMPORT_WEBHOOK_ALLOWLIST')),
    },
    portoneV2: {
      enabled: v2Enabled,
      apiUrl: v2ApiUrl,
      apiSecret:
        read.text('PORTONE_V2_API_SECRET') ?? V2_DEFAULT_CONFIG.v2ApiSecret,
      storeId: read.text('PORTONE_V2_STORE_ID') ?? V2_DEFAULT_CONFIG.v2StoreId,
      channelKey:
        read.text('PORTONE_V2_CHANNEL_KEY') ?? V2_DEFAULT_CONFIG.v2ChannelKey,
      webhookSecret:
        read.text('PORTONE_V2_WEBHOOK_SECRET') ??
        V2_DEFAULT_CONFIG.v2WebhookSecret,
      sdkUrl:
        read.httpUrl('PORTONE_V2_SDK_URL') ??
        (v2ApiUrl === REAL_V2_API_URL
          ? 'https://cdn.portone.io/v2/browser-sdk.js'
          : null),
      allowTestChannel: read.flag('PORTONE_V2_ALLOW_TEST_CHANNEL', false),
    },
    simulatorPort: read.wholeNumber(
      'IAMPORT_SIM_PORT',
      4010,
      'a port number',
      65_535,
    ),
    simulatorHost: read.text('IAMPORT_SIM_HOST') ?? '127.0.0.1',
    simulatorPublicUrl: read.httpUrl('IAMPORT_SIM_PUBLIC_URL') ?? null,
    trustProxy: trustProxy(read.text('TRUST_PROXY')),
    httpAdapter: read.oneOf('HTTP_ADAPTER', ['express', 'fastify'], 'express'),
    outboxRedeliveryDelayMs: read.wholeNumber(
      'OUTBOX_REDELIVERY_DELAY_MS',
      30_000,
      'milliseconds',
    ),
    reconciliation: {
      intervalSeconds: read.wholeNumber(
        'RECONCILE_INTERVAL_SECONDS',
        300,
        'whole seconds',
      ),
      olderThanSeconds: read.wholeNumber(
        'RECONCILE_OLDER_THAN_SECONDS',
        600,
        'whole seconds',
      ),
    },
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'log'),
    logFormat: read.oneOf('LOG_FORMAT', ['text', 'json'], 'text'),
    shippingDelayMs: read.wholeNumber('SHIPPING_DELAY_MS', 0, 'milliseconds'),
    adminToken: read.text('ADMIN_TOKEN') ?? null,
    metricsEnabled: read.flag('METRICS_ENABLED', true),
  };
  if (config.databasePoolSize === 0)
    read.problems.push(
      'DATABASE_POOL_SIZE must be a number of connections from 1 to 1000 (got 0)',
    );
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}

/** `iamport` stands for iamport's three published addresses; otherwise a comma-separated list. */
function allowList(value: string | undefined): string[] | undefined {
  if (!value) return undefined;
  return value
    .split(',')
    .map((entry) => entry.trim())
    .flatMap((entry) =>
      entry === 'iamport' ? [...IAMPORT_WEBHOOK_IPS] : entry ? [entry] : [],
    );
}

/** Express's `trust proxy` / Fastify's `trustProxy`: false, true, or addresses and names such as `loopback`. */
function trustProxy(value: string | undefined): boolean | string {
  if (value === undefined || value === 'false') return false;
  return value === 'true' ? true : value;
}
