import type { DataSource, EntityManager } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel.js';

const queues = new WeakMap<DataSource, Promise<unknown>>();

/** What of better-sqlite3's connection (TypeORM's driver's `databaseConnection`) the sample uses. */
interface SqliteConnection {
  /** The file, or `:memory:`. */
  readonly name: string;
  readonly memory: boolean;
  readonly open: boolean;
  readonly inTransaction: boolean;
  pragma(statement: string, options?: { simple?: boolean }): unknown;
  prepare(sql: string): SqliteStatement;
  /** Called inside another transaction, the function runs in a savepoint of its own. */
  transaction<A extends unknown[], T>(
    work: (...args: A) => T,
  ): ((...args: A) => T) & { immediate(...args: A): T };
}
export interface SqliteStatement {
  readonly reader: boolean;
  all(...values: unknown[]): unknown[];
  run(...values: unknown[]): { changes: number };
}

/** The process's one better-sqlite3 connection, which TypeORM holds. */
export function sqliteConnection(dataSource: DataSource): SqliteConnection {
  return (
    dataSource.driver as unknown as { databaseConnection: SqliteConnection }
  ).databaseConnection;
}

// A transaction of another flow still open after this many turns of the event loop is stuck.
const MOST_TURNS = 100_000;

/**
 * `dataSource.transaction(work)`, except on SQLite, where TypeORM holds one
 * connection per process and two transactions may not overlap on it: there
 * they wait for each other (SQLite has one writer anyway; other processes are
 * kept apart by its file lock and busy timeout).
 */
export function inTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
  isolation?: IsolationLevel,
): Promise<T> {
  if (dataSource.options.type !== 'better-sqlite3') {
    return isolation
      ? dataSource.transaction(isolation, work)
      : dataSource.transaction(work);
  }
  return queued(dataSource, () => dataSource.transaction(work));
}

/**
 * SQLite only: `work` as one synchronous transaction (`BEGIN IMMEDIATE` …
 * `COMMIT`, rolled back if it throws). A transaction that awaits between its
 * statements shares the process's one connection with every other request: a
 * statement another promise chain runs at one of those awaits falls inside it,
 * and is rolled back with it when it loses its race
 * (`test/persistence/order-repository.e2e-spec.ts` shows it). This one runs
 * from `BEGIN` to `COMMIT` without yielding, so nothing else can. It waits for
 * the transactions queued before it, and starts only when no other
 * transaction is open on the connection (TypeORM's own, of `save`).
 */
export function inSyncTransaction<T>(
  dataSource: DataSource,
  work: () => T,
): Promise<T> {
  const connection = sqliteConnection(dataSource);
  return queued(dataSource, async () => {
    for (let turn = 0; connection.inTransaction; turn++) {
      if (turn >= MOST_TURNS)
        throw new Error(
          'another transaction stays open on the SQLite connection',
        );
      await new Promise((resolve) => setImmediate(resolve));
    }
    // No await between the check above and BEGIN: nothing can start a transaction in between.
    return connection.transaction(work).immediate();
  });
}

function queued<T>(dataSource: DataSource, run: () => Promise<T>): Promise<T> {
  const previous = queues.get(dataSource) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(run);
  queues.set(dataSource, next);
  return next;
}
