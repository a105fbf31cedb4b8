import { IAMPORT_WEBHOOK_IPS } from 'nestjs-iamport';

/** The sample app's configuration, read once from the environment. */
export interface SampleConfig {
  port: number;
  host: string;
  /** How buyers' browsers reach this app (for m_redirect_url). */
  publicUrl: string;
  databaseUrl: string | undefined;
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
  simulatorPort: number;
  trustProxy: boolean | string;
  httpAdapter: 'express' | 'fastify';
  /** Outbox events younger than this are left to the instance that wrote them. */
  outboxRedeliveryDelayMs: number;
  reconciliation: { intervalSeconds: number; olderThanSeconds: number };
  /** Simulated time to book a shipment in the paid handler (a stand-in for a slow side effect). */
  shippingDelayMs: number;
}

export class ConfigError extends Error {
  constructor(problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export const SIMULATOR_KEY = 'imp_key_test';
export const SIMULATOR_SECRET = 'imp_secret_test';

export function readConfig(env: NodeJS.ProcessEnv = process.env): SampleConfig {
  const problems: string[] = [];
  const port = integer(env.PORT, 3000, 'PORT', problems);
  const host = env.HOST ?? '127.0.0.1';
  const hasKeys = Boolean(env.IAMPORT_IMP_KEY || env.IAMPORT_IMP_SECRET);
  const apiUrl =
    env.IAMPORT_API_URL || (hasKeys ? 'https://api.iamport.kr' : null);
  if (hasKeys && !(env.IAMPORT_IMP_KEY && env.IAMPORT_IMP_SECRET)) {
    problems.push('IAMPORT_IMP_KEY and IAMPORT_IMP_SECRET go together');
  }
  const config: SampleConfig = {
    port,
    host,
    publicUrl: (env.PUBLIC_URL ?? `http://127.0.0.1:${port}`).replace(
      /\/+$/,
      '',
    ),
    databaseUrl: env.DATABASE_URL || undefined,
    migrationsRun: flag(
      env.DATABASE_MIGRATIONS_RUN,
      true,
      'DATABASE_MIGRATIONS_RUN',
      problems,
    ),
    iamport: {
      apiUrl,
      impKey: env.IAMPORT_IMP_KEY || SIMULATOR_KEY,
      impSecret: env.IAMPORT_IMP_SECRET || SIMULATOR_SECRET,
      impCode: env.IAMPORT_IMP_CODE || 'imp00000000',
      sdkUrl:
        env.IAMPORT_SDK_URL ||
        (apiUrl === 'https://api.iamport.kr'
          ? 'https://cdn.iamport.kr/v1/iamport.js'
          : null),
      includeSandbox: flag(
        env.IAMPORT_INCLUDE_SANDBOX,
        false,
        'IAMPORT_INCLUDE_SANDBOX',
        problems,
      ),
      webhookAllowList: allowList(env.IAMPORT_WEBHOOK_ALLOWLIST),
    },
    simulatorPort: integer(
      env.IAMPORT_SIM_PORT,
      4010,
      'IAMPORT_SIM_PORT',
      problems,
    ),
    trustProxy: trustProxy(env.TRUST_PROXY),
    httpAdapter: env.HTTP_ADAPTER === 'fastify' ? 'fastify' : 'express',
    outboxRedeliveryDelayMs: milliseconds(
      env.OUTBOX_REDELIVERY_DELAY_MS,
      30_000,
      'OUTBOX_REDELIVERY_DELAY_MS',
      problems,
    ),
    reconciliation: {
      intervalSeconds: seconds(
        env.RECONCILE_INTERVAL_SECONDS,
        300,
        'RECONCILE_INTERVAL_SECONDS',
        problems,
      ),
      olderThanSeconds: seconds(
        env.RECONCILE_OLDER_THAN_SECONDS,
        600,
        'RECONCILE_OLDER_THAN_SECONDS',
        problems,
      ),
    },
    shippingDelayMs: milliseconds(
      env.SHIPPING_DELAY_MS,
      0,
      'SHIPPING_DELAY_MS',
      problems,
    ),
  };
  if (
    env.HTTP_ADAPTER &&
    env.HTTP_ADAPTER !== 'express' &&
    env.HTTP_ADAPTER !== 'fastify'
  ) {
    problems.push(
      `HTTP_ADAPTER must be express or fastify (got ${env.HTTP_ADAPTER})`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
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

function trustProxy(value: string | undefined): boolean | string {
  if (value === undefined || value === '' || value === 'false') return false;
  return value === 'true' ? true : value;
}

function integer(
  value: string | undefined,
  fallback: number,
  name: string,
  problems: string[],
): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535)
    problems.push(`${name} must be a port number (got ${value})`);
  return parsed;
}

function seconds(
  value: string | undefined,
  fallback: number,
  name: string,
  problems: string[],
): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    problems.push(`${name} must be a whole number of seconds (got ${value})`);
  return parsed;
}

function milliseconds(
  value: string | undefined,
  fallback: number,
  name: string,
  problems: string[],
): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    problems.push(`${name} must be a number of milliseconds (got ${value})`);
  return parsed;
}

function flag(
  value: string | undefined,
  fallback: boolean,
  name: string,
  problems: string[],
): boolean {
  if (value === undefined || value === '') return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  problems.push(`${name} must be true or false (got ${value})`);
  return fallback;
}
