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

export interface FreshDatabase {
  kind: DatabaseKind;
  /** What the sample app takes as `DATABASE_URL`. */
  url: string;
  /** Drops the database (deletes the SQLite file); safe to call twice. */
  drop(): Promise<void>;
}

/** Admin connections: a server's maintenance database, never the test databases themselves. */
export const DEFAULT_POSTGRES_URL =
  'postgres://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_MARIADB_URL = 'mysql://root@127.0.0.1:3306/';

const CONNECT_TIMEOUT_MS = 5_000;

/**
 * A new, empty database on a real server for one test file (or one
 * `describe.each` block), named `iamport_test_<random>` so that suites running
 * in parallel never share one. A server that cannot be reached fails the
 * suite with a message that says how to start it: a database suite never
 * skips silently.
 */
export async function freshDatabase(
  kind: DatabaseKind,
): Promise<FreshDatabase> {
  switch (kind) {
    case 'sqlite':
      return freshSqlite();
    case 'postgres':
      return freshPostgres(
        process.env.TEST_POSTGRES_URL || DEFAULT_POSTGRES_URL,
      );
    case 'mariadb':
      return freshMariaDb(process.env.TEST_MARIADB_URL || DEFAULT_MARIADB_URL);
  }
}

function uniqueName(): string {
  return `iamport_test_${randomBytes(6).toString('hex')}`;
}

function freshSqlite(): FreshDatabase {
  const directory = mkdtempSync(join(tmpdir(), 'iamport-test-'));
  return {
    kind: 'sqlite',
    url: join(directory, `${uniqueName()}.sqlite`),
    drop: () => {
      rmSync(directory, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

// `pg` ships no type declarations (and @types/pg is not a dependency): the little used here, typed here.
interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}
type PgClientClass = new (config: {
  connectionString: string;
  connectionTimeoutMillis: number;
}) => PgClient;
const { Client: PgClientImpl } = createRequire(import.meta.url)('pg') as {
  Client: PgClientClass;
};

/** `postgres://user:secret@host:5432/db` → `host:5432`, for messages (never the password). */
function addressOf(url: string, defaultPort: number): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || defaultPort}`;
}

function unreachable(
  server: string,
  address: string,
  envName: string,
  start: string,
  error: unknown,
): Error {
  const why = error instanceof Error ? error.message : String(error);
  return new Error(
    `${server} is not reachable at ${address} (${why}). ` +
      `These tests need a running ${server} server: start it with \`${start}\` ` +
      `(what .ci/run does), or set ${envName} to the URL of an admin database on another server.`,
  );
}

async function withPostgres<T>(
  adminUrl: string,
  work: (client: PgClient) => Promise<T>,
): Promise<T> {
  const client = new PgClientImpl({
    connectionString: adminUrl,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw unreachable(
      'PostgreSQL',
      addressOf(adminUrl, 5432),
      'TEST_POSTGRES_URL',
      'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
      error,
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function freshPostgres(adminUrl: string): Promise<FreshDatabase> {
  const name = uniqueName();
  await withPostgres(adminUrl, (client) =>
    client.query(`CREATE DATABASE "${name}"`),
  );
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    kind: 'postgres',
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      // FORCE: a connection the app left open must not keep the database alive.
      await withPostgres(adminUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
    },
  };
}

async function withMariaDb<T>(
  adminUrl: string,
  work: (query: (sql: string) => Promise<unknown>) => Promise<T>,
): Promise<T> {
  const url = new URL(adminUrl.replace(/^mariadb:/, 'mysql:'));
  let connection;
  try {
    connection = await createConnection({
      host: url.hostname,
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username || 'root'),
      password: decodeURIComponent(url.password),
      connectTimeout: CONNECT_TIMEOUT_MS,
    });
  } catch (error) {
    throw unreachable(
      'MariaDB',
      addressOf(url.toString(), 3306),
      'TEST_MARIADB_URL',
      'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd',
      error,
    );
  }
  try {
    return await work((sql) => connection.query(sql));
  } finally {
    await connection.end();
  }
}

async function freshMariaDb(adminUrl: string): Promise<FreshDatabase> {
  const name = uniqueName();
  await withMariaDb(adminUrl, (query) =>
    query(
      `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    ),
  );
  // The sample app reads `mariadb://` as well as `mysql://`; keep the scheme the admin URL was given in.
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  if (!process.env.TEST_MARIADB_URL) url.protocol = 'mariadb:';
  let dropped = false;
  return {
    kind: 'mariadb',
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      await withMariaDb(adminUrl, (query) =>
        query(`DROP DATABASE IF EXISTS \`${name}\``),
      );
    },
  };
}
