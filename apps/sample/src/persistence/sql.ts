import type { DataSource, EntityManager } from 'typeorm';
import { DateUtils } from 'typeorm/util/DateUtils.js';

/** One statement and its values, to run alone or to compose into a larger one. */
export interface Statement {
  sql: string;
  values: unknown[];
}

export interface SqlResult<Row> {
  rows: Row[];
  affected: number;
}

/**
 * Plain SQL for the statements every payment runs (TypeORM's query builder
 * costs more CPU than the statement itself). One text for the three
 * databases: `?` placeholders become `$1…` on PostgreSQL, and dates become
 * TypeORM's UTC text on SQLite, which cannot bind a Date.
 */
export class Sql {
  /** On PostgreSQL, several writes can go as one statement (data-modifying `WITH`). */
  readonly postgres: boolean;
  private readonly sqlite: boolean;
  private readonly texts = new Map<string, string>();

  constructor(readonly dataSource: DataSource) {
    this.postgres = dataSource.options.type === 'postgres';
    this.sqlite = dataSource.options.type === 'better-sqlite3';
  }

  /** Runs one statement, inside `manager`'s transaction when one is given. */
  async run<Row = Record<string, unknown>>(
    statement: string,
    values: readonly unknown[],
    manager?: EntityManager,
  ): Promise<SqlResult<Row>> {
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
      this.texts.set(statement, text);
    }
    return text;
  }

  private value(value: unknown): unknown {
    if (this.sqlite && value instanceof Date)
      return DateUtils.mixedDateToUtcDatetimeString(value);
    return value;
  }
}
