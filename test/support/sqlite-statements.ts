import type { DataSource } from 'typeorm';

type Method = (...args: unknown[]) => unknown;

/**
 * Every statement run on better-sqlite3's connection from now on, by TypeORM's
 * query runner or by the sample directly: each run of a prepared statement
 * (better-sqlite3's own transactions run their `BEGIN` and `COMMIT` as such),
 * its text pushed onto `statements`. Returns the undo.
 */
export function countSqliteStatements(
  dataSource: DataSource,
  statements: string[],
): () => void {
  const connection = (
    dataSource.driver as unknown as {
      databaseConnection: Record<string, unknown> & {
        prepare(sql: string): object;
      };
    }
  ).databaseConnection;
  const statement = Object.getPrototypeOf(
    connection.prepare('SELECT 1'),
  ) as Record<string, unknown>;
  const undo = ['run', 'all', 'get', 'iterate'].map((method) => {
    const original = statement[method] as Method;
    statement[method] = function (
      this: { source: string },
      ...args: unknown[]
    ) {
      statements.push(this.source.replace(/\s+/g, ' ').trim().slice(0, 80));
      return original.apply(this, args);
    };
    return () => {
      statement[method] = original;
    };
  });
  return () => {
    for (const restore of undo) restore();
  };
}
