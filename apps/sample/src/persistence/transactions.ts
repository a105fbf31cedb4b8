import type { DataSource, EntityManager } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel.js';

const queues = new WeakMap<DataSource, Promise<unknown>>();

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
  const previous = queues.get(dataSource) ?? Promise.resolve();
  const next = previous
    .catch(() => undefined)
    .then(() => dataSource.transaction(work));
  queues.set(dataSource, next);
  return next;
}
