import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { IamportPaymentEvent } from 'nestjs-iamport';
import type { EntityManager, Repository } from 'typeorm';
import { isUniqueViolation } from '../persistence/database-errors.js';
import { HandledEventEntity } from '../persistence/handled-event.entity.js';
import { inTransaction } from '../persistence/transactions.js';

/** Runs a handler's work once per event, however often the outbox delivers it. */
@Injectable()
export class HandledEvents {
  constructor(
    @InjectRepository(HandledEventEntity)
    private readonly handled: Repository<HandledEventEntity>,
  ) {}

  /** Returns false when this handler had already handled the event (its work is skipped). */
  async once(
    event: IamportPaymentEvent,
    handler: string,
    work: (manager: EntityManager) => Promise<unknown>,
  ): Promise<boolean> {
    try {
      // Insert first, in the work's transaction: the primary key decides. (An UPDATE of the
      // not-yet-existing row first would take a gap lock on InnoDB and deadlock concurrent inserts.)
      await inTransaction(this.handled.manager.connection, async (manager) => {
        await manager.insert(HandledEventEntity, {
          eventId: event.id,
          handler,
          merchantUid: event.merchantUid,
          type: event.type,
          deliveries: 1,
          handledAt: new Date(),
        });
        await work(manager);
      });
      return true;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await this.handled.increment(
        { eventId: event.id, handler },
        'deliveries',
        1,
      );
      return false;
    }
  }
}
