import { Injectable } from '@nestjs/common';
import { Batch } from './batch.js';
import { Sql, type Statement } from './sql.js';

/**
 * One kind of write that many requests make: how a batch of them becomes one
 * statement. Kinds must not write the same rows as each other: on PostgreSQL
 * a batch is one statement, whose sub-statements see one snapshot, so of two
 * updates of one row only one would stay.
 */
export interface WriteKind<Item> {
  statement(items: Item[]): Statement;
}

interface Entry {
  kind: WriteKind<unknown>;
  item: unknown;
}

/**
 * The writes that only record what happened (the notification log's rows,
 * the outbox's delivery marks), gathered across requests: what arrives in
 * the same turn of the event loop becomes one statement per kind, and on
 * PostgreSQL and MariaDB one statement for every kind (data-modifying `WITH`,
 * a compound statement). Each caller's promise settles once the batch is
 * stored; a failed batch fails every caller in it.
 */
@Injectable()
export class GroupCommit {
  private readonly writer = new Batch<Entry>((entries) => this.write(entries));

  constructor(private readonly sql: Sql) {}

  add<Item>(kind: WriteKind<Item>, item: Item): Promise<void> {
    return this.writer.add({ kind: kind as WriteKind<unknown>, item });
  }

  private async write(entries: Entry[]): Promise<void> {
    const byKind = new Map<WriteKind<unknown>, unknown[]>();
    for (const { kind, item } of entries) {
      const items = byKind.get(kind);
      if (items) items.push(item);
      else byKind.set(kind, [item]);
    }
    const statements = [...byKind].map(([kind, items]) =>
      kind.statement(items),
    );
    if (statements.length > 1 && this.sql.postgres) {
      await this.sql.run(
        `WITH ${statements.map((statement, index) => `w${index} AS (${statement.sql})`).join(', ')} SELECT 1`,
        statements.flatMap((statement) => statement.values),
      );
      return;
    }
    if (statements.length > 1 && (await this.sql.compoundStatements())) {
      const { sql, values } = Sql.atomic(statements);
      await this.sql.run(sql, values);
      return;
    }
    for (const statement of statements)
      await this.sql.run(statement.sql, statement.values);
  }
}
