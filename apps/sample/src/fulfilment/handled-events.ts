import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { IamportPaymentEvent } from 'nestjs-iamport';
import type { EntityManager, Repository } from 'typeorm';
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
  once(
    event: IamportPaymentEvent,
    handler: string,
    work: (manager: EntityManager) => Promise<unknown>,
  ): Promise<boolean> {
    return inTransaction(this.handled.manager.connection, async (manager) => {
      const again = await manager.increment(
        HandledEventEntity,
        { eventId: event.id, handler },
        'deliveries',
        1,
      );
      if (again.affected) return false;
      // A concurrent first delivery makes this insert fail on the primary key: the event stays
      // undelivered for that instance, and its redelivery is then skipped here.
      await manager.insert(HandledEventEntity, {
        eventId: event.id,
        handler,
        merchantUid: event.merchantUid,
        type: event.type,
        deliveries: 1,
        handledAt: new Date(),
      });
      await work(manager);
      return true;
    });
  }
}
