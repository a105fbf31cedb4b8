import type { DataSource } from 'typeorm';
import { countSqliteStatements } from './sqlite-statements.js';

/**
 * A counting wrapper around the database driver: on PostgreSQL every query
 * sent on a connection of the pool (`pg`; transaction control included), on
 * MariaDB every command packet written on one (`mysql2`: a query, and a
 * prepared statement's prepare and execute each), whoever sends it
 * (TypeORM's query runners, or the adapters straight to the pool); on
 * SQLite, an in-process library with no connection, every statement run on
 * its connection (TypeORM's or the sample's own, `BEGIN` and `COMMIT`
 * included).
 */
export interface Counter {
  statements: string[];
  stop(): void;
}

type Query = (...args: unknown[]) => unknown;

/** The text of `pg`'s `query(text | config, …)`. */
function queryText(_connection: unknown, [first]: unknown[]): string {
  return typeof first === 'string'
    ? first
    : ((first as { text?: string }).text ?? '');
}

/** What `mysql2`'s connection is writing a packet for: its command in flight. */
function commandText(connection: unknown): string {
  const command = (
    connection as {
      _command?: {
        sql?: string;
        query?: string;
        constructor: { name: string };
      };
    }
  )._command;
  const kind = command?.constructor.name ?? 'packet';
  return `${kind}: ${command?.sql ?? command?.query ?? ''}`;
}

/** Wraps `owner[method]` to record what each call sends; returns the undo. */
function countCalls(
  owner: Record<string, unknown>,
  method: string,
  statements: string[],
  describe: (owner: unknown, args: unknown[]) => string,
): () => void {
  const original = owner[method] as Query;
  owner[method] = function (this: unknown, ...args: unknown[]) {
    const text = describe(this, args);
    statements.push(text.replace(/\s+/g, ' ').trim());
    return original.apply(this, args);
  };
  return () => {
    owner[method] = original;
  };
}

/**
 * Every query of every connection the pool hands out from now on (`pg`:
 * connect, then each query; `mysql2`: getConnection, then each command
 * packet).
 */
function countPool(
  pool: Record<string, unknown>,
  acquire: 'connect' | 'getConnection',
  statements: string[],
): () => void {
  const [sent, describe] =
    acquire === 'connect' ? ['query', queryText] : ['writePacket', commandText];
  const undo = new Map<object, () => void>();
  const counted = (connection: unknown) => {
    if (connection && !undo.has(connection as object))
      undo.set(
        connection as object,
        countCalls(
          connection as Record<string, unknown>,
          sent,
          statements,
          describe,
        ),
      );
  };
  const original = pool[acquire] as Query;
  pool[acquire] = function (this: unknown, ...args: unknown[]) {
    const callback = args[0];
    if (typeof callback !== 'function')
      return (original.apply(this, args) as Promise<unknown>).then(
        (connection) => {
          counted(connection);
          return connection;
        },
      );
    return original.call(
      this,
      (error: unknown, connection: unknown, ...rest: unknown[]) => {
        counted(connection);
        (callback as Query)(error, connection, ...rest);
      },
    );
  };
  return () => {
    pool[acquire] = original;
    for (const restore of undo.values()) restore();
  };
}

export function countRoundTrips(dataSource: DataSource): Counter {
  const statements: string[] = [];
  const driver = dataSource.driver as unknown as Record<
    string,
    Record<string, unknown>
  >;
  const stop =
    dataSource.options.type === 'postgres'
      ? countPool(driver.master, 'connect', statements)
      : dataSource.options.type === 'mysql'
        ? countPool(driver.pool, 'getConnection', statements)
        : countSqliteStatements(dataSource, statements);
  return { statements, stop };
}

/** The statements sent while `work` runs, and its result. */
export async function roundTripsDuring<Result>(
  dataSource: DataSource,
  work: () => Promise<Result>,
): Promise<{ result: Result; statements: string[] }> {
  const counter = countRoundTrips(dataSource);
  try {
    return { result: await work(), statements: counter.statements };
  } finally {
    counter.stop();
  }
}
