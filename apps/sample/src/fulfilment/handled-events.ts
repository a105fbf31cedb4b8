import { Injectable } from '@nestjs/common';
import type { IamportPaymentEvent } from 'nestjs-iamport';
import { isUniqueViolation } from '../persistence/database-errors.js';
import { Sql, type Statement } from '../persistence/sql.js';

const JOURNAL =
  'INSERT INTO handled_events (event_id, handler, merchant_uid, type, deliveries, handled_at) VALUES (?, ?, ?, ?, 1, ?)';

/** Runs a handler's work once per event, however often the outbox delivers it. */
@Injectable()
export class HandledEvents {
  constructor(private readonly sql: Sql) {}

  /**
   * Journals the event for this handler and runs `work` (an `UPDATE … WHERE …`)
   * with it, all or nothing. Returns false when this handler had already
   * handled the event (its work is skipped).
   */
  async once(
    event: IamportPaymentEvent,
    handler: string,
    work: Statement | null,
  ): Promise<boolean> {
    const journal: Statement = {
      sql: JOURNAL,
      values: [event.id, handler, event.merchantUid, event.type, new Date()],
    };
    const first = this.sql.postgres
      ? await this.asOneStatement(journal, work)
      : await this.inTransaction(journal, work);
    if (!first)
      await this.sql.run(
        'UPDATE handled_events SET deliveries = deliveries + 1 WHERE event_id = ? AND handler = ?',
        [event.id, handler],
      );
    return first;
  }

  /** Elsewhere than on PostgreSQL: the journal row and the work, all or nothing. */
  private async inTransaction(
    journal: Statement,
    work: Statement | null,
  ): Promise<boolean> {
    try {
      // Insert first, in the work's transaction: the primary key decides. (An UPDATE of the
      // not-yet-existing row first would take a gap lock on InnoDB and deadlock concurrent inserts.)
      await this.sql.writeAtomically(work ? [journal, work] : [journal]);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** PostgreSQL: the journal row and the work in one statement, the work only if the row is new. */
  private async asOneStatement(
    journal: Statement,
    work: Statement | null,
  ): Promise<boolean> {
    const then = work
      ? `, work AS (${work.sql} AND EXISTS (SELECT 1 FROM journal) RETURNING 1)`
      : '';
    const { rows } = await this.sql.prepared<{ journaled: number | string }>(
      `WITH journal AS (${journal.sql} ON CONFLICT (event_id, handler) DO NOTHING RETURNING 1)${then} SELECT count(*) AS journaled FROM journal`,
      [...journal.values, ...(work?.values ?? [])],
    );
    return Number(rows[0]?.journaled) === 1;
  }
}
