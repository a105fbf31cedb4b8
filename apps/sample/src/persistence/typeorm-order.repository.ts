import { Injectable } from '@nestjs/common';
import type {
  IamportOrder,
  IamportOrderRepository,
  OrderAndRecord,
  PaymentRecord,
  VerificationWrite,
} from 'nestjs-iamport';
import { QueryFailedError } from 'typeorm';
import { isDeadlock, isUniqueViolation } from './database-errors.js';
import { Batch } from './batch.js';
import { NotOneRow, Sql } from './sql.js';
import {
  enqueue,
  type FirstCommit,
  firstCommits,
  isFirstCommit,
  LOST_RACE,
  move,
  steps,
  store,
} from './order-statements.js';

interface OrderRow {
  merchant_uid: string;
  amount: number | string;
  currency: string;
  status: IamportOrder['status'];
  imp_uid: string | null;
  cancelled_amount: number | string;
  version: number | string;
}

interface RecordRow {
  imp_uid: string;
  merchant_uid: string;
  amount: number | string;
  cancelled_amount: number | string;
  currency: string;
  status: PaymentRecord['status'];
  disposition: PaymentRecord['disposition'];
  reason: string;
  version: number | string;
}

// The most first commits one statement carries: the orders it moves stay locked until it commits.
const MOST_COMMITS_TOGETHER = 32;
// MariaDB: the most keys one read carries (see readPadded).
const MOST_READS_TOGETHER = 32;

/** How one write of a batch ended: written or not (a lost compare-and-set), or an error. */
type Committed = { written: boolean } | { error: unknown };

/**
 * The module's order port. `commit` writes the order's transition, the
 * payment's record and the outbox event all or nothing, each write a
 * compare-and-set on the version the decision read: on PostgreSQL and
 * MariaDB as one statement (one round trip; on PostgreSQL the first commits
 * of concurrent requests share one), on SQLite as one synchronous
 * transaction of the same statements, on MySQL as a transaction of them.
 */
@Injectable()
export class TypeOrmOrderRepository implements IamportOrderRepository {
  // The reads of concurrent requests, one statement per batch (see findOrderAndRecord).
  private readonly reads: Batch<Wanted, Row | undefined>;

  // PostgreSQL: the first commits of concurrent requests, one statement per batch.
  private readonly firstCommits = new Batch<FirstCommit, Committed>(
    (writes) => this.commitTogether(writes),
    MOST_COMMITS_TOGETHER,
  );

  constructor(private readonly sql: Sql) {
    this.reads = new Batch(
      (wanted) => this.readMany(wanted),
      sql.postgres ? undefined : MOST_READS_TOGETHER,
    );
  }

  async findByMerchantUid(merchantUid: string): Promise<IamportOrder | null> {
    const { rows } = await this.sql.run<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE merchant_uid = ?`,
      [merchantUid],
    );
    const row = rows[0];
    return row && row.merchant_uid === merchantUid ? orderOf(row) : null;
  }

  async findPaymentRecord(impUid: string): Promise<PaymentRecord | null> {
    const { rows } = await this.sql.run<RecordRow>(
      `SELECT ${RECORD_COLUMNS} FROM iamport_payments WHERE imp_uid = ?`,
      [impUid],
    );
    const row = rows[0];
    return row && row.imp_uid === impUid ? recordOf(row) : null;
  }

  /**
   * Both in one statement, each side possibly missing. On PostgreSQL and
   * MariaDB the reads that requests ask for in the same turn of the event
   * loop go as one statement (`Batch`; on MariaDB one per 32 keys): each
   * gets the rows of its own keys, read after it asked, so nothing is shared
   * between callers but the round trip. SQLite, in process, reads each at
   * once.
   */
  async findOrderAndRecord(
    merchantUid: string,
    impUid: string,
  ): Promise<OrderAndRecord> {
    const wanted = { merchantUid, impUid };
    const row = this.sql.inProcess
      ? (await this.sql.prepared(readOne, [merchantUid, impUid])).rows[0]
      : await this.reads.add(wanted);
    return orderAndRecordOf(wanted, row ?? {});
  }

  private async readMany(wanted: Wanted[]): Promise<Array<Row | undefined>> {
    if (!this.sql.postgres) return this.readPadded(wanted);
    // One text for every batch size: one prepared statement.
    const { rows } = await this.sql.prepared(
      `SELECT w.i AS wanted, ${BOTH_COLUMNS}
       FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS w(merchant_uid, imp_uid, i)
       ${JOINED}`,
      [wanted.map((w) => w.merchantUid), wanted.map((w) => w.impUid)],
    );
    return inOrder(rows, wanted.length);
  }

  /**
   * MariaDB (and MySQL): a batch of at most 32 keys as a statement of 1, 2,
   * 4 … 32 keys, the last key repeated to fill it, so that six prepared texts
   * serve every batch (a text per batch size would be parsed again and
   * again). The keys go as parameters, which take the collation of the
   * column they are compared with, whatever the tables' character set.
   */
  private async readPadded(wanted: Wanted[]): Promise<Array<Row | undefined>> {
    let size = 1;
    while (size < wanted.length) size *= 2;
    const keys = Array.from(
      { length: size },
      (_, index) => wanted[Math.min(index, wanted.length - 1)],
    );
    const { rows } = await this.sql.prepared(
      `SELECT w.i AS wanted, ${BOTH_COLUMNS}
       FROM (${keys.map((_, index) => `SELECT ${index + 1} AS i, ? AS merchant_uid, ? AS imp_uid`).join(' UNION ALL ')}) AS w
       ${JOINED}`,
      keys.flatMap((w) => [w.merchantUid, w.impUid]),
    );
    return inOrder(rows, wanted.length);
  }

  async commit(write: VerificationWrite): Promise<boolean> {
    if (!this.sql.postgres || !isFirstCommit(write))
      return this.commitAlone(write);
    const outcome = await this.firstCommits.add(write);
    if ('error' in outcome) throw outcome.error;
    return outcome.written;
  }

  private async commitAlone(write: VerificationWrite): Promise<boolean> {
    try {
      if (this.sql.postgres) return await this.commitAsOneStatement(write);
      await this.sql.writeAtomically(steps(write));
      return true;
    } catch (error) {
      // A compare-and-set that found another version, a record inserted by someone else first, or
      // a deadlock between two writers: nothing was written.
      if (
        error instanceof NotOneRow ||
        isLostRace(error) ||
        isUniqueViolation(error) ||
        isDeadlock(error)
      )
        return false;
      throw error;
    }
  }

  /**
   * PostgreSQL: the first commits that requests ask for in the same turn of
   * the event loop (a storm of webhooks of new payments), as one statement
   * (`firstCommits`): one round trip, and one commit for the server instead
   * of one per payment. Each caller is told whether its own write was
   * written; nothing else is shared. A payment whose keys another write of
   * the batch already has goes alone after the batch, as does every write of
   * a batch whose statement failed (a record someone else wrote meanwhile, a
   * deadlock between two processes' batches, a lost connection): such a
   * statement wrote nothing, so each write is then decided as if it had
   * never been batched. (If a lost connection hid a commit that did happen,
   * each write alone finds its order moved and answers false, as for any lost
   * race: its caller reads again and finds its own write.) MariaDB keeps one
   * statement per commit: two batched forms measured no cheaper there (see
   * bench/README.md).
   */
  private async commitTogether(writes: FirstCommit[]): Promise<Committed[]> {
    const together: number[] = [];
    const alone: number[] = [];
    const taken = new Set<string>();
    writes.forEach((write, index) => {
      const keys = [
        `order ${write.transition.merchantUid}`,
        `payment ${write.transition.impUid}`,
        `payment ${write.record.impUid}`,
      ];
      if (keys.some((key) => taken.has(key))) alone.push(index);
      else {
        keys.forEach((key) => taken.add(key));
        together.push(index);
      }
    });
    const outcomes: Committed[] = [];
    if (together.length === 1) alone.unshift(together[0]);
    else
      try {
        // In the order of their keys: where the plan follows it, two processes' batches lock alike.
        together.sort((a, b) =>
          compare(
            writes[a].transition.merchantUid,
            writes[b].transition.merchantUid,
          ),
        );
        const { sql, values } = firstCommits(
          together.map((index) => writes[index]),
        );
        const { rows } = await this.sql.prepared<{ written: number | string }>(
          sql,
          values,
        );
        const written = new Set(rows.map((row) => Number(row.written)));
        together.forEach((index, position) => {
          outcomes[index] = { written: written.has(position + 1) };
        });
      } catch {
        alone.unshift(...together);
      }
    await Promise.all(
      alone.map((index) =>
        this.commitAlone(writes[index]).then(
          (written) => {
            outcomes[index] = { written };
          },
          (error: unknown) => {
            outcomes[index] = { error };
          },
        ),
      ),
    );
    return outcomes;
  }

  /**
   * `WITH moved AS (UPDATE orders …), recorded AS (INSERT|UPDATE
   * iamport_payments …), queued AS (INSERT INTO iamport_outbox …) SELECT …`:
   * one statement, so one implicit transaction. The record and the event are
   * written only if the order moved, so the usual lost race (the redirect and
   * the webhook of one payment, decided on the same read) writes nothing and
   * is no error. The rare one left, an order that moved while its record had
   * moved too, aborts the statement, and so undoes the move.
   */
  private async commitAsOneStatement(
    write: VerificationWrite,
  ): Promise<boolean> {
    const record = store(write.record);
    const recordOnly = `${record.sql}${write.record.version === 0 ? ' ON CONFLICT DO NOTHING' : ''}`;
    if (!write.transition) {
      const { rows } = await this.sql.prepared<{ written: number | string }>(
        `WITH recorded AS (${recordOnly} RETURNING 1) SELECT count(*) AS written FROM recorded`,
        record.values,
      );
      return Number(rows[0]?.written) === 1;
    }
    const moved = move(write.transition);
    const ifMoved = 'EXISTS (SELECT 1 FROM moved)';
    const parts = [
      `moved AS (${moved.sql} RETURNING 1)`,
      write.record.version === 0
        ? `recorded AS (${record.sql} WHERE ${ifMoved} ON CONFLICT DO NOTHING RETURNING 1)`
        : `recorded AS (${record.sql} AND ${ifMoved} RETURNING 1)`,
    ];
    const values = [...moved.values, ...record.values];
    if (write.event) {
      const queued = enqueue(write.event);
      parts.push(`queued AS (${queued.sql} WHERE ${ifMoved} RETURNING 1)`);
      values.push(...queued.values);
    }
    // A few shapes only: an insert or an update of the record, with or without an event.
    const { rows } = await this.sql.prepared<{ written: number | string }>(
      `WITH ${parts.join(', ')}
       SELECT CASE WHEN m.n = 0 THEN 0 WHEN r.n = 1 THEN 1 ELSE CAST('${LOST_RACE} ' || r.n AS integer) END AS written
       FROM (SELECT count(*) AS n FROM moved) m, (SELECT count(*) AS n FROM recorded) r`,
      values,
    );
    return Number(rows[0]?.written) === 1;
  }
}

/** The row of each of the first `count` keys, by its `wanted` position (1-based). */
function inOrder(rows: Row[], count: number): Array<Row | undefined> {
  const byIndex = new Map(rows.map((row) => [Number(row.wanted), row]));
  return Array.from({ length: count }, (_, index) => byIndex.get(index + 1));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** PostgreSQL's answer to the single-statement commit that found another version. */
function isLostRace(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { code?: string } | undefined)?.code === '22P02' &&
    error.message.includes(LOST_RACE)
  );
}

const ORDER_COLUMNS =
  'merchant_uid, amount, currency, status, imp_uid, cancelled_amount, version';

/** `o.a AS o_a, o.b AS o_b` */
function prefixed(prefix: string, columns: string): string {
  return columns
    .split(', ')
    .map((column) => `${prefix}.${column} AS ${prefix}_${column}`)
    .join(', ');
}

function unprefixed<Row>(prefix: string, row: Record<string, unknown>): Row {
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row))
    if (key.startsWith(`${prefix}_`)) own[key.slice(prefix.length + 1)] = value;
  return own as Row;
}

function orderOf(row: OrderRow): IamportOrder {
  return {
    merchantUid: row.merchant_uid,
    // PostgreSQL answers BIGINT as text.
    amount: Number(row.amount),
    currency: row.currency,
    status: row.status,
    impUid: row.imp_uid,
    cancelledAmount: Number(row.cancelled_amount),
    version: Number(row.version),
  };
}

export const RECORD_COLUMNS =
  'imp_uid, merchant_uid, amount, cancelled_amount, currency, status, disposition, reason, version';

type Row = Record<string, unknown>;

interface Wanted {
  merchantUid: string;
  impUid: string;
}

const BOTH_COLUMNS = `${prefixed('o', ORDER_COLUMNS)}, ${prefixed('p', RECORD_COLUMNS)}`;

const JOINED = `LEFT JOIN orders o ON o.merchant_uid = w.merchant_uid
  LEFT JOIN iamport_payments p ON p.imp_uid = w.imp_uid`;

const readOne = `SELECT ${BOTH_COLUMNS}
  FROM (SELECT 1 AS wanted) AS wanted
  LEFT JOIN orders o ON o.merchant_uid = ?
  LEFT JOIN iamport_payments p ON p.imp_uid = ?`;

/** The row's order and record, each only if it is the one wanted (the key compared exactly). */
function orderAndRecordOf(wanted: Wanted, row: Row): OrderAndRecord {
  const order = unprefixed<OrderRow>('o', row);
  const record = unprefixed<RecordRow>('p', row);
  return {
    order: order.merchant_uid === wanted.merchantUid ? orderOf(order) : null,
    record: record.imp_uid === wanted.impUid ? recordOf(record) : null,
  };
}

export function recordOf(row: RecordRow): PaymentRecord {
  return {
    impUid: row.imp_uid,
    merchantUid: row.merchant_uid,
    amount: Number(row.amount),
    cancelledAmount: Number(row.cancelled_amount),
    currency: row.currency,
    status: row.status,
    disposition: row.disposition,
    reason: row.reason,
    version: Number(row.version),
  };
}

export type { RecordRow };
