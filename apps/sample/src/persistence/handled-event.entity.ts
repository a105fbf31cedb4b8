import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Which handler has handled which payment event: the outbox delivers at least
 * once, so handlers record the event id and skip one they have seen.
 * `deliveries` counts how often it was delivered (1 unless a crash or a failure
 * forced a redelivery).
 */
@Entity('handled_events')
@Index(['merchantUid'])
export class HandledEventEntity {
  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: 36 })
  eventId: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  handler: string;

  @Column({ name: 'merchant_uid', type: 'varchar', length: 40 })
  merchantUid: string;

  @Column({ type: 'varchar', length: 32 })
  type: string;

  @Column({ type: 'integer', default: 1 })
  deliveries: number;

  @Column({ name: 'handled_at', type: Date })
  handledAt: Date;
}
