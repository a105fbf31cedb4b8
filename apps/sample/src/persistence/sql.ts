import { type DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { DateUtils } from 'typeorm/util/DateUtils.js';
import { Batch } from './batch.js';
import {
  inSyncTransaction,
  inTransaction,
  sqliteConnection,
  type SqliteStatement,
} from './transactions.js';

/** One statement and its values, to run alone or to compose into a larger one. */
export interface Statement {
  sql: string;
  values: unknown[];
}

/** A statement of `writeAtomically`: with `oneRow`, the whole write fails unless it wrote exactly one row. */
export interface Step extends Statement {
  oneRow?: boolean;
}

/** `writeAtomically` met a `oneRow` step that did not write exactly one row: nothing was written. */
export class NotOneRow extends Error {}

function oneRow(step: Step, affected: number): void {
  if (step.oneRow && affected !== 1) throw new NotOneRow();
}

// What MariaDB's compound statement signals for a `oneRow` step that wrote another number of rows.
const NOT_ONE_ROW = 'sample: a step did not write exactly one row';

export interface SqlResult<Row> {
  rows: Row[];
  affected: number;
}

/** What of `pg`'s pool (TypeORM's PostgreSQL driver's `master`) is used here. */
interface PgPool {
  connect(): Promise<PgClient>;
}
interface PgClient {
  query(config: {
    name?: string;
    text: string;
    values: unknown[];
  }): Promise<{ rows: unknown[]; rowCount: number | null }>;
  release(error?: Error): void;
}

/** What of `mysql2`'s pool (TypeORM's MySQL driver's `pool`) is used here. */
interface MysqlPool {
  getConnection(
    callback: (error: Error | null, connection: MysqlConnection) => void,
  ): void;
}
interface MysqlConnection {
  query(
    sql: string,
    values: unknown[],
    callback: (error: MysqlError | null, result: unknown) => void,
  ): void;
  /** A prepared statement, kept by `mysql2` on the connection under its text. */
  execute(
    sql: string,
    values: unknown[],
    callback: (error: MysqlError | null, result: unknown) => void,
  ): void;
  release(): void;
  destroy(): void;
}
interface MysqlError extends Error {
  /** The connection is unusable (a lost socket); an error the server answered is not fatal. */
  fatal?: boolean;
}

// Prepared statements stay on every connection of the pool: only the first few texts are prepared
// (on PostgreSQL by name; `mysql2` keeps them by text).
const MOST_PREPARED = 64;
const MOST_CACHED = 512;
// SQLite: the most writes one commit carries. The batch runs synchronously and holds the event loop
// meanwhile (about 1 ms for 32 payments in `npm run bench:sqlite-group-commit`), so it stays short.
const MOST_WRITES_PER_COMMIT = 32;

/** How one write of a batch ended: `null` if it was committed, else why nothing of it was written. */
type Outcome = { error: unknown } | null;

/**
 * Plain SQL for the statements every payment runs (TypeORM's query builder
 * costs more CPU than the statement itself). One text for the three
 * databases: `?` placeholders become `$1…` on PostgreSQL, and dates become
 * TypeORM's UTC text on SQLite, which cannot bind a Date.
 */
export class Sql {
  /** On PostgreSQL, several writes can go as one statement (data-modifying `WITH`). */
  readonly postgres: boolean;
  /** MariaDB or MySQL (TypeORM's `mysql` driver, `mysql2`'s pool). */
  private readonly mysql: boolean;
  private readonly sqlite: boolean;
  private blocks: Promise<boolean> | null = null;
  private readonly sqliteStatements = new Map<string, SqliteStatement>();
  private readonly sqliteWrites = new Batch<Step[], Outcome>(
    (writes) => this.commitSqliteWrites(writes),
    MOST_WRITES_PER_COMMIT,
  );
  private readonly texts = new Map<string, string>();
  private readonly names = new Map<string, string>();

  constructor(readonly dataSource: DataSource) {
    this.postgres = dataSource.options.type === 'postgres';
    this.mysql =
      dataSource.options.type === 'mysql' ||
      dataSource.options.type === 'mariadb';
    this.sqlite = dataSource.options.type === 'better-sqlite3';
  }

  /** SQLite: an in-process library, where a statement costs no round trip. */
  get inProcess(): boolean {
    return this.sqlite;
  }

  /**
   * Whether several writes can go as one statement here: on MariaDB an
   * anonymous compound statement (`BEGIN NOT ATOMIC … END`, see `atomic`);
   * MySQL has none. Asked of the server once.
   */
  compoundStatements(): Promise<boolean> {
    if (!this.mysql) return Promise.resolve(false);
    this.blocks ??= this.run<{ version: string }>(
      'SELECT VERSION() AS version',
      [],
    ).then(
      ({ rows }) => /mariadb/i.test(rows[0]?.version ?? ''),
      (error: unknown) => {
        this.blocks = null;
        throw error;
      },
    );
    return this.blocks;
  }

  /**
   * `steps` all or nothing, in one transaction: on MariaDB one compound
   * statement (one round trip), on SQLite a savepoint in a synchronous
   * transaction shared with the writes of other requests (see
   * `commitSqliteWrites`), on MySQL a transaction of one round trip per
   * step. (On PostgreSQL callers compose a data-modifying `WITH` of their
   * own.) Throws `NotOneRow` for a
   * `oneRow` step that wrote another number of rows, and any other error (a
   * duplicate key) as the database reports it; either way nothing is written.
   */
  async writeAtomically(steps: Step[]): Promise<void> {
    if (this.sqlite) {
      const outcome = await this.sqliteWrites.add(steps);
      if (outcome) throw outcome.error;
      return;
    }
    if (await this.compoundStatements()) {
      const { sql, values } = Sql.atomic(steps);
      // A commit has a few shapes only, so MariaDB parses each once per connection.
      await this.prepared(sql, values).catch((error: unknown) => {
        throw isNotOneRowSignal(error) ? new NotOneRow() : error;
      });
      return;
    }
    await inTransaction(this.dataSource, async (manager) => {
      for (const step of steps)
        oneRow(step, (await this.run(step.sql, step.values, manager)).affected);
    });
  }

  /**
   * SQLite: the writes that requests ask for in the same turn of the event
   * loop, in one synchronous transaction, each in a savepoint of its own. Most
   * of a write's cost on SQLite is its commit (the WAL frames of every page it
   * touched), so a batch shares one. Each write is still all or nothing, and
   * its steps run in order after the writes before it in the batch, as if
   * alone: a compare-and-set that a write before it invalidated finds another
   * version and fails alone, rolled back to its savepoint. Its caller learns
   * so only once the batch is committed, so that what it reads next is the
   * winner's write. An error that ends the transaction itself (a full disk, an
   * I/O error), or a failed commit, fails every write of the batch: none of
   * them was committed. A write alone needs no savepoint: its transaction is
   * its own.
   */
  private commitSqliteWrites(writes: Step[][]): Promise<Outcome[]> {
    const runSteps = (steps: Step[]) => {
      for (const step of steps)
        oneRow(step, this.runSync(step.sql, step.values).affected);
    };
    if (writes.length === 1)
      return inSyncTransaction(this.dataSource, () => runSteps(writes[0])).then(
        () => [null],
        (error: unknown) => [{ error }],
      );
    const connection = sqliteConnection(this.dataSource);
    const write = connection.transaction(runSteps);
    return inSyncTransaction(this.dataSource, () =>
      writes.map((steps): Outcome => {
        try {
          write(steps);
          return null;
        } catch (error) {
          // SQLite rolled back the whole transaction: the writes before this one are gone too.
          if (!connection.inTransaction) throw error;
          return { error };
        }
      }),
    );
  }

  /**
   * MariaDB: `steps` as one statement and one transaction, all or nothing (an
   * error in any step rolls back every step and reaches the caller as that
   * error; a `oneRow` step that wrote another number of rows signals
   * `NOT_ONE_ROW`).
   */
  static atomic(steps: Step[]): Statement {
    const body = steps.map((step) =>
      step.oneRow
        ? `${step.sql}; IF ROW_COUNT() <> 1 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${NOT_ONE_ROW}'; END IF;`
        : `${step.sql};`,
    );
    return {
      sql: `BEGIN NOT ATOMIC DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END; START TRANSACTION; ${body.join(' ')} COMMIT; END`,
      values: steps.flatMap((step) => step.values),
    };
  }

  /**
   * Runs one statement, inside `manager`'s transaction when one is given. On
   * PostgreSQL and MariaDB a statement outside a transaction goes to the
   * driver's pool directly (TypeORM's query runner costs more CPU than the
   * round trip).
   */
  async run<Row = Record<string, unknown>>(
    statement: string,
    values: readonly unknown[],
    manager?: EntityManager,
  ): Promise<SqlResult<Row>> {
    if (this.postgres && !manager)
      return this.runOnPool<Row>(this.text(statement), values, false);
    if (this.mysql && !manager)
      return this.runOnMysqlPool<Row>(statement, values);
    const runner = manager?.queryRunner ?? this.dataSource.createQueryRunner();
    try {
      const result = await runner.query(
        this.text(statement),
        values.map((value) => this.value(value)),
        true,
      );
      return {
        rows: (result.records ?? []) as Row[],
        affected: result.affected ?? 0,
      };
    } finally {
      if (runner !== manager?.queryRunner) await runner.release();
    }
  }

  /**
   * `run` outside a transaction, for a statement whose text is one of a fixed
   * few: on PostgreSQL and MariaDB a prepared statement, which the server
   * parses once per connection, not once per payment (on MariaDB through
   * `mysql2`'s binary protocol, whose rows type their values by column).
   */
  prepared<Row = Record<string, unknown>>(
    statement: string,
    values: readonly unknown[],
  ): Promise<SqlResult<Row>> {
    if (this.postgres)
      return this.runOnPool<Row>(this.text(statement), values, true);
    if (this.mysql)
      return this.runOnMysqlPool<Row>(
        statement,
        values,
        this.nameOf(statement) !== undefined,
      );
    return this.run<Row>(statement, values);
  }

  private async runOnPool<Row>(
    text: string,
    values: readonly unknown[],
    prepare: boolean,
  ): Promise<SqlResult<Row>> {
    const pool = (this.dataSource.driver as unknown as { master: PgPool })
      .master;
    const name = prepare ? this.nameOf(text) : undefined;
    const client = await pool.connect();
    let broken: unknown;
    try {
      const result = await client.query({ name, text, values: [...values] });
      return { rows: result.rows as Row[], affected: result.rowCount ?? 0 };
    } catch (error) {
      // An error the server answered (a conflict, say) leaves the connection usable: only
      // another one (a lost socket) retires it. (`pool.query` would retire it for any error.)
      if (!(error instanceof Error && 'severity' in error)) broken = error;
      // The same error as through TypeORM, so that callers tell conflicts apart the same way.
      throw new QueryFailedError(text, [...values], error as Error);
    } finally {
      client.release(broken as Error | undefined);
    }
  }

  /**
   * SQLite: one statement, run now, synchronously (inside `inSyncTransaction`'s
   * work). Errors are TypeORM's `QueryFailedError`, as through its query runner.
   */
  private runSync<Row = Record<string, unknown>>(
    statement: string,
    values: readonly unknown[],
  ): SqlResult<Row> {
    const parameters = values.map((value) => this.value(value));
    try {
      const prepared = this.sqliteStatement(statement);
      if (prepared.reader)
        return { rows: prepared.all(...parameters) as Row[], affected: 0 };
      return { rows: [], affected: prepared.run(...parameters).changes };
    } catch (error) {
      throw new QueryFailedError(statement, parameters, error as Error);
    }
  }

  private sqliteStatement(statement: string): SqliteStatement {
    let prepared = this.sqliteStatements.get(statement);
    if (prepared === undefined) {
      prepared = sqliteConnection(this.dataSource).prepare(statement);
      if (this.sqliteStatements.size < MOST_CACHED)
        this.sqliteStatements.set(statement, prepared);
    }
    return prepared;
  }

  /**
   * `mysql2`'s text protocol, whose `?` the client fills in; or, with
   * `prepare`, a prepared statement (MariaDB prepares a compound statement
   * with its `?` too), where a value cannot be `undefined`.
   */
  private runOnMysqlPool<Row>(
    text: string,
    values: readonly unknown[],
    prepare = false,
  ): Promise<SqlResult<Row>> {
    const pool = (this.dataSource.driver as unknown as { pool: MysqlPool })
      .pool;
    return new Promise((resolve, reject) => {
      pool.getConnection((connectionError, connection) => {
        if (connectionError) {
          reject(connectionError);
          return;
        }
        const bound = prepare
          ? values.map((value) => value ?? null)
          : [...values];
        const answered = (error: MysqlError | null, result: unknown) => {
          if (error?.fatal) connection.destroy();
          else connection.release();
          if (error) {
            // The same error as through TypeORM, so that callers tell conflicts apart the same way.
            reject(new QueryFailedError(text, bound, error));
            return;
          }
          resolve(
            Array.isArray(result)
              ? { rows: result as Row[], affected: 0 }
              : {
                  rows: [],
                  affected:
                    (result as { affectedRows?: number }).affectedRows ?? 0,
                },
          );
        };
        if (prepare) connection.execute(text, bound, answered);
        else connection.query(text, bound, answered);
      });
    });
  }

  private nameOf(text: string): string | undefined {
    let name = this.names.get(text);
    if (name === undefined && this.names.size < MOST_PREPARED) {
      name = `sample_${this.names.size + 1}`;
      this.names.set(text, name);
    }
    return name;
  }

  /** `(?, ?, ?)` for `count` values. */
  static list(count: number): string {
    return `(${Array.from({ length: count }, () => '?').join(', ')})`;
  }

  private text(statement: string): string {
    if (!this.postgres) return statement;
    let text = this.texts.get(statement);
    if (text === undefined) {
      let index = 0;
      text = statement.replace(/\?/g, () => `$${++index}`);
      // Batched statements differ with their size (and group commits with their mix): only the
      // first few hundred texts are kept, so that the cache cannot grow with the traffic.
      if (this.texts.size < MOST_CACHED) this.texts.set(statement, text);
    }
    return text;
  }

  private value(value: unknown): unknown {
    if (this.sqlite && value instanceof Date)
      return DateUtils.mixedDateToUtcDatetimeString(value);
    // better-sqlite3 cannot bind booleans (TypeORM's query runner turns them into 0 and 1 too).
    if (this.sqlite && typeof value === 'boolean') return value ? 1 : 0;
    return value;
  }
}

/** MariaDB's answer to a compound statement of `atomic` whose `oneRow` step wrote another number of rows. */
function isNotOneRowSignal(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { errno?: number } | undefined)?.errno === 1644 &&
    error.message.includes(NOT_ONE_ROW)
  );
}
