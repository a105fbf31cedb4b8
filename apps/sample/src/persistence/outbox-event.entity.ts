import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The module's payment events, written in the same transaction as the order's transition. */
@Entity('iamport_outbox')
@Index(['deliveredAt', 'createdAt'])
export class OutboxEventEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 32 })
  type: string;

  @Column({ name: 'merchant_uid', type: 'varchar', length: 40 })
  merchantUid: string;

  @Column({ name: 'imp_uid', type: 'varchar', length: 64 })
  impUid: string;

  @Column({ type: 'text' })
  payload: string;

  @Column({ name: 'created_at', type: Date })
  createdAt: Date;

  @Column({ name: 'delivered_at', type: Date, nullable: true })
  deliveredAt: Date | null;

  @Column({ name: 'lease_owner', type: 'varchar', length: 80, nullable: true })
  leaseOwner: string | null;

  @Column({ name: 'lease_until', type: Date, nullable: true })
  leaseUntil: Date | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;
}
