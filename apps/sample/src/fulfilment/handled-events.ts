import { Injectable } from '@nestjs/common';
import type { IamportPaymentEvent } from 'nestjs-iamport';
import type { EntityManager } from 'typeorm';
import { isUniqueViolation } from '../persistence/database-errors.js';
import { Sql } from '../persistence/sql.js';
import { inTransaction } from '../persistence/transactions.js';

/** Runs a handler's work once per event, however often the outbox delivers it. */
@Injectable()
export class HandledEvents {
  constructor(private readonly sql: Sql) {}

  /** Returns false when this handler had already handled the event (its work is skipped). */
  async once(
    event: IamportPaymentEvent,
    handler: string,
    work: (manager: EntityManager) => Promise<unknown>,
  ): Promise<boolean> {
    try {
      // Insert first, in the work's transaction: the primary key decides. (An UPDATE of the
      // not-yet-existing row first would take a gap lock on InnoDB and deadlock concurrent inserts.)
      await inTransaction(this.sql.dataSource, async (manager) => {
        await this.sql.run(
          'INSERT INTO handled_events (event_id, handler, merchant_uid, type, deliveries, handled_at) VALUES (?, ?, ?, ?, 1, ?)',
          [event.id, handler, event.merchantUid, event.type, new Date()],
          manager,
        );
        await work(manager);
      });
      return true;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await this.sql.run(
        'UPDATE handled_events SET deliveries = deliveries + 1 WHERE event_id = ? AND handler = ?',
        [event.id, handler],
      );
      return false;
    }
  }
}
