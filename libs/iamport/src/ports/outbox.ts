import type { IamportEventType } from '../events/iamport-event.js';

/** A payment event as stored in the outbox, written in the same transaction as its transition. */
export interface OutboxEvent {
  /** Unique; handlers may use it to recognise a redelivery. */
  id: string;
  type: IamportEventType;
  merchantUid: string;
  impUid: string;
  /** The `IamportPaymentEvent` as JSON. */
  payload: string;
  createdAt: Date;
}

export interface OutboxClaim {
  /** Only events older than this: younger ones are still being delivered by the instance that wrote them. */
  createdBefore: Date;
  limit: number;
  /** Who claims; a claim lasts until `leaseUntil`, so a crashed instance's claims are taken over later. */
  owner: string;
  leaseUntil: Date;
  now: Date;
}

/**
 * The transactional outbox: `IamportOrderRepository.applyTransition` writes
 * the event in the same transaction as the transition, so a crash between the
 * commit and the handlers loses nothing; the module delivers it right after
 * the commit and redelivers whatever is left undelivered (at least once).
 */
export interface IamportOutbox {
  /** Leases up to `limit` undelivered events that nobody holds a live lease on. */
  claimUndelivered(claim: OutboxClaim): Promise<OutboxEvent[]>;
  markDelivered(id: string, deliveredAt: Date): Promise<void>;
  /**
   * Optional, for the `iamport.outbox.backlog` and `iamport.outbox.oldest_age`
   * gauges: how many events are undelivered and when the oldest of them was
   * written (null when none). Read at each metrics collection, so one cheap
   * query (a COUNT and a MIN over the undelivered events).
   */
  backlog?(): Promise<OutboxBacklog>;
}

/** What `IamportOutbox.backlog()` answers. */
export interface OutboxBacklog {
  count: number;
  oldestCreatedAt: Date | null;
}
