import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Every redirect and webhook received, as received, and what verification made of it. */
@Entity('payment_notifications')
@Index(['merchantUid'])
export class PaymentNotificationEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 16 })
  kind: string;

  /** The parameters as JSON text. */
  @Column({ type: 'text' })
  params: string;

  @Column({ name: 'source_ip', type: 'varchar', length: 64, nullable: true })
  sourceIp: string | null;

  @Column({ name: 'imp_uid', type: 'varchar', length: 40, nullable: true })
  impUid: string | null;

  @Column({ name: 'merchant_uid', type: 'varchar', length: 40, nullable: true })
  merchantUid: string | null;

  @Column({ type: 'varchar', length: 32 })
  outcome: string;

  @Column({ type: Boolean })
  changed: boolean;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error: string | null;

  @Column({ name: 'received_at', type: Date })
  receivedAt: Date;
}
