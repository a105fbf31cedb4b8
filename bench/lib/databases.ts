import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';

export type DatabaseKind = 'sqlite' | 'postgres' | 'mariadb';

export const DATABASE_KINDS: readonly DatabaseKind[] = [
  'sqlite',
  'postgres',
  'mariadb',
];

/** For reports. */
export const DATABASE_LABELS: Record<DatabaseKind, string> = {
  sqlite: 'SQLite',
  postgres: 'PostgreSQL',
  mariadb: 'MariaDB',
};

/** The maintenance database of the local server: only CREATE/DROP DATABASE go through it. */
export const ADMIN_POSTGRES_URL =
  process.env.BENCH_POSTGRES_URL ||
  'postgres://postgres@127.0.0.1:5432/postgres';

/** The local MariaDB server, no database: only CREATE/DROP DATABASE go through it. */
export const ADMIN_MARIADB_URL =
  process.env.BENCH_MARIADB_URL || 'mysql://root@127.0.0.1:3306/';

/** A database made for one benchmark run, dropped afterwards (also on failure). */
export interface BenchDatabase {
  kind: DatabaseKind;
  /** What the apps take as `DATABASE_URL`. */
  url: string;
  /** For reports: never a password. */
  label: string;
  connect(): Promise<DatabaseConnection>;
  drop(): Promise<void>;
}

/** A connection of the benchmark's own (set-up and checks, never the timed work). */
export interface DatabaseConnection {
  /** `sql` uses `?` placeholders on every database. */
  query<T = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<T[]>;
  close(): Promise<void>;
}

// `pg` and `better-sqlite3` ship no declarations (and no @types here): the little used, typed here.
interface PgClient {
  connect(): Promise<void>;
  query(
    sql: string,
    params?: unknown[],
  ): Promise<{ rows: unknown[]; rowCount: number | null }>;
  end(): Promise<void>;
}
type PgClientClass = new (config: {
  connectionString: string;
  connectionTimeoutMillis: number;
}) => PgClient;
interface SqliteStatement {
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number };
  reader: boolean;
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  pragma(pragma: string): unknown;
  close(): void;
}
type SqliteDatabaseClass = new (
  file: string,
  options?: { timeout?: number },
) => SqliteDatabase;

const require = createRequire(import.meta.url);
const { Client: PgClientImpl } = require('pg') as { Client: PgClientClass };
const SqliteImpl = require('better-sqlite3') as SqliteDatabaseClass;

const live = new Set<BenchDatabase>();

function uniqueName(): string {
  return `iamport_bench_${randomBytes(6).toString('hex')}`;
}

export function freshDatabase(kind: DatabaseKind): Promise<BenchDatabase> {
  switch (kind) {
    case 'sqlite':
      return Promise.resolve(freshSqlite());
    case 'postgres':
      return freshPostgres();
    case 'mariadb':
      return freshMariaDb();
  }
}

/** Drops every database this process made and has not dropped yet. */
export async function dropAll(): Promise<void> {
  await Promise.all(
    [...live].map((database) => database.drop().catch(() => undefined)),
  );
}

function freshSqlite(): BenchDatabase {
  const directory = mkdtempSync(join(tmpdir(), 'iamport-bench-'));
  const file = join(directory, `${uniqueName()}.sqlite`);
  const database: BenchDatabase = {
    kind: 'sqlite',
    url: file,
    label: 'SQLite',
    connect: () => Promise.resolve(sqliteConnection(file)),
    drop() {
      live.delete(database);
      rmSync(directory, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
  live.add(database);
  return database;
}

function sqliteConnection(file: string): DatabaseConnection {
  const db = new SqliteImpl(file, { timeout: 10_000 });
  db.pragma('journal_mode = WAL');
  return {
    query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
      const statement = db.prepare(sql);
      if (statement.reader)
        return Promise.resolve(statement.all(...params) as T[]);
      statement.run(...params);
      return Promise.resolve([]);
    },
    close() {
      db.close();
      return Promise.resolve();
    },
  };
}

async function withAdmin<T>(
  work: (client: PgClient) => Promise<T>,
): Promise<T> {
  const client = new PgClientImpl({
    connectionString: ADMIN_POSTGRES_URL,
    connectionTimeoutMillis: 5_000,
  });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new Error(
      `PostgreSQL is not reachable (${error instanceof Error ? error.message : String(error)}); ` +
        'start it, or set BENCH_POSTGRES_URL to an admin database',
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function freshPostgres(): Promise<BenchDatabase> {
  const name = uniqueName();
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(ADMIN_POSTGRES_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  const database: BenchDatabase = {
    kind: 'postgres',
    url: url.toString(),
    label: 'PostgreSQL',
    connect: () => postgresConnection(url.toString()),
    async drop() {
      if (dropped) return;
      dropped = true;
      live.delete(database);
      // FORCE: a connection an app left open must not keep the database alive.
      await withAdmin((client) =>
        client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
    },
  };
  live.add(database);
  return database;
}

async function postgresConnection(url: string): Promise<DatabaseConnection> {
  const client = new PgClientImpl({
    connectionString: url,
    connectionTimeoutMillis: 5_000,
  });
  await client.connect();
  return {
    async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
      let index = 0;
      const text = sql.replace(/\?/g, () => `$${++index}`);
      return (await client.query(text, params)).rows as T[];
    },
    close: () => client.end(),
  };
}

/** mysql2's connection options from a `mysql://` or `mariadb://` URL (`database` when it names one). */
function mariaDbOptions(url: string) {
  const parsed = new URL(url.replace(/^mariadb:/, 'mysql:'));
  const database = decodeURIComponent(parsed.pathname.slice(1));
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username || 'root'),
    password: decodeURIComponent(parsed.password),
    ...(database ? { database } : {}),
    connectTimeout: 5_000,
  };
}

async function withMariaDbAdmin<T>(
  work: (query: (sql: string) => Promise<unknown>) => Promise<T>,
): Promise<T> {
  let connection;
  try {
    connection = await createConnection(mariaDbOptions(ADMIN_MARIADB_URL));
  } catch (error) {
    throw new Error(
      `MariaDB is not reachable (${error instanceof Error ? error.message : String(error)}); ` +
        'start it, or set BENCH_MARIADB_URL to an admin URL (mysql://user:password@host:port/)',
    );
  }
  try {
    return await work((sql) => connection.query(sql));
  } finally {
    await connection.end();
  }
}

/** As test/support/databases.ts makes them: utf8mb4, and a `mariadb://` URL unless BENCH_MARIADB_URL says otherwise. */
async function freshMariaDb(): Promise<BenchDatabase> {
  const name = uniqueName();
  await withMariaDbAdmin((query) =>
    query(
      `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    ),
  );
  const url = new URL(ADMIN_MARIADB_URL);
  url.pathname = `/${name}`;
  if (!process.env.BENCH_MARIADB_URL) url.protocol = 'mariadb:';
  let dropped = false;
  const database: BenchDatabase = {
    kind: 'mariadb',
    url: url.toString(),
    label: 'MariaDB',
    connect: () => mariaDbConnection(url.toString()),
    async drop() {
      if (dropped) return;
      dropped = true;
      live.delete(database);
      await withMariaDbAdmin((query) =>
        query(`DROP DATABASE IF EXISTS \`${name}\``),
      );
    },
  };
  live.add(database);
  return database;
}

async function mariaDbConnection(url: string): Promise<DatabaseConnection> {
  const connection = await createConnection({
    ...mariaDbOptions(url),
    // As the sample app: UTC (TypeORM's `timezone: 'Z'`).
    timezone: 'Z',
    charset: 'utf8mb4',
  });
  return {
    async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
      const [rows] = await connection.query(sql, params);
      // A statement that returns no rows answers a ResultSetHeader.
      return Array.isArray(rows) ? (rows as T[]) : [];
    },
    close: () => connection.end(),
  };
}

export interface PendingOrder {
  merchantUid: string;
  amount: number;
}

/** Many pending orders at once (multi-row INSERTs in one transaction), created `createdAt`. */
export async function insertPendingOrders(
  connection: DatabaseConnection,
  kind: DatabaseKind,
  orders: readonly PendingOrder[],
  createdAt: Date,
): Promise<void> {
  const at =
    kind === 'sqlite' || kind === 'mariadb'
      ? // TypeORM's SQLite and MariaDB (timezone 'Z') format: UTC, 'YYYY-MM-DD HH:MM:SS.SSS'.
        createdAt.toISOString().replace('T', ' ').replace('Z', '')
      : createdAt.toISOString();
  const rowsPerStatement = 1_000;
  await connection.query('BEGIN');
  try {
    for (let start = 0; start < orders.length; start += rowsPerStatement) {
      const chunk = orders.slice(start, start + rowsPerStatement);
      const values = chunk.map(() => "(?, 'bench', ?, 'KRW', 'pending', ?, ?)");
      const params = chunk.flatMap((order) => [
        order.merchantUid,
        order.amount,
        at,
        at,
      ]);
      await connection.query(
        `INSERT INTO orders (merchant_uid, name, amount, currency, status, created_at, updated_at) VALUES ${values.join(', ')}`,
        params,
      );
    }
    await connection.query('COMMIT');
  } catch (error) {
    await connection.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** How many of these orders are `paid` now. */
export async function countPaid(
  connection: DatabaseConnection,
  merchantUids: readonly string[],
): Promise<number> {
  let paid = 0;
  const perQuery = 500;
  for (let start = 0; start < merchantUids.length; start += perQuery) {
    const chunk = merchantUids.slice(start, start + perQuery);
    const rows = await connection.query<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM orders WHERE status = 'paid' AND merchant_uid IN (${chunk.map(() => '?').join(', ')})`,
      chunk,
    );
    paid += Number(rows[0]?.n ?? 0);
  }
  return paid;
}
