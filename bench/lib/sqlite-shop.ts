import { createRequire } from 'node:module';

/**
 * A SQLite file with the writes of a first webhook as the sample makes them,
 * for the micro-benchmarks of SQLite (`bench/sqlite-*.ts`): the same pragmas
 * as the sample (WAL, `synchronous = NORMAL`); the order's compare-and-set,
 * its payment record and outbox event in one transaction (`commit`), the
 * handler's journal and its work in another (`handle`).
 */
export interface Statement {
  run(...parameters: unknown[]): unknown;
}
/** A better-sqlite3 transaction function: called inside another transaction, a savepoint. */
export type Transaction = ((uid: string) => void) & {
  immediate(uid: string): void;
};
export interface Database {
  pragma(statement: string): unknown;
  exec(sql: string): void;
  prepare(sql: string): Statement;
  transaction<A extends unknown[]>(
    work: (...args: A) => void,
  ): ((...args: A) => void) & { immediate(...args: A): void };
  close(): void;
}
type DatabaseConstructor = new (file: string) => Database;

const require = createRequire(import.meta.url);
/** better-sqlite3's entry point, for a worker thread to load. */
export const SQLITE_DRIVER = require.resolve('better-sqlite3');
const SQLite = require(SQLITE_DRIVER) as DatabaseConstructor;

export interface Shop {
  database: Database;
  /** A pending order, as checkout makes it. */
  insertOrder: Statement;
  commit: Transaction;
  handle: Transaction;
}

export function openShop(file: string): Shop {
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.exec(`
    create table orders (id integer primary key, merchant_uid text unique, status text, amount integer);
    create table payment_records (id integer primary key, merchant_uid text, body text);
    create table outbox (id integer primary key, merchant_uid text, body text);
    create table journal (id integer primary key, merchant_uid text unique);
    create table stock (id integer primary key, left integer);
    insert into stock (id, left) values (1, 1000000000);
  `);
  const body = JSON.stringify({ padding: 'x'.repeat(600) });
  const insertOrder = database.prepare(
    "insert into orders (merchant_uid, status, amount) values (?, 'pending', 15000)",
  );
  const move = database.prepare(
    "update orders set status = 'paid' where merchant_uid = ? and status = 'pending'",
  );
  const record = database.prepare(
    'insert into payment_records (merchant_uid, body) values (?, ?)',
  );
  const event = database.prepare(
    'insert into outbox (merchant_uid, body) values (?, ?)',
  );
  const journal = database.prepare(
    'insert into journal (merchant_uid) values (?)',
  );
  const work = database.prepare(
    'update stock set left = left - 1 where id = 1',
  );
  const commit = database.transaction((uid: string) => {
    move.run(uid);
    record.run(uid, body);
    event.run(uid, body);
  });
  const handle = database.transaction((uid: string) => {
    journal.run(uid);
    work.run();
  });
  return { database, insertOrder, commit, handle };
}
