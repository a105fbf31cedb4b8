import type { DataSource, DataSourceOptions } from 'typeorm';

/** What both baseline apps read from the environment (the same variables as the sample app). */
export interface BaselineConfig {
  port: number;
  host: string;
  databaseUrl: string;
  apiUrl: string;
  impKey: string;
  impSecret: string;
  httpAdapter: 'express' | 'fastify';
  /** `DATABASE_POOL_SIZE`, as the sample app reads it (default 10). */
  poolSize: number;
}

export const BASELINE_CONFIG = Symbol('BASELINE_CONFIG');

export function readBaselineConfig(
  env: NodeJS.ProcessEnv = process.env,
): BaselineConfig {
  const required = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  return {
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: required('DATABASE_URL'),
    apiUrl: required('IAMPORT_API_URL').replace(/\/+$/, ''),
    impKey: required('IAMPORT_IMP_KEY'),
    impSecret: required('IAMPORT_IMP_SECRET'),
    httpAdapter: env.HTTP_ADAPTER === 'fastify' ? 'fastify' : 'express',
    poolSize: Number(env.DATABASE_POOL_SIZE ?? 10),
  };
}

/**
 * The same connection settings as the sample app (a `postgres://` URL, a
 * `mysql://` or `mariadb://` URL through mysql2 in UTC and utf8mb4, or a
 * SQLite file in WAL mode with a busy timeout), no entities: the baselines
 * write plain SQL into the sample app's `orders` table.
 */
export function databaseOptions(
  databaseUrl: string,
  poolSize = 10,
): DataSourceOptions {
  if (/^postgres(ql)?:\/\//.test(databaseUrl))
    return { type: 'postgres', url: databaseUrl, poolSize };
  if (/^(mysql|mariadb):\/\//.test(databaseUrl))
    return {
      type: 'mysql',
      url: databaseUrl.replace(/^mariadb:/, 'mysql:'),
      timezone: 'Z',
      charset: 'utf8mb4',
      poolSize,
    };
  return {
    type: 'better-sqlite3',
    database: databaseUrl.replace(/^sqlite:(\/\/)?/, ''),
    enableWAL: true,
    timeout: 10_000,
    // The same durability setting as the sample app, so that the comparison is fair.
    prepareDatabase: (database: { pragma(statement: string): unknown }) => {
      database.pragma('synchronous = NORMAL');
    },
  };
}

/** `?` placeholders, as PostgreSQL wants them (`$1`, `$2`, …) when it is PostgreSQL. */
export function placeholders(dataSource: DataSource, sql: string): string {
  if (dataSource.options.type !== 'postgres') return sql;
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}
