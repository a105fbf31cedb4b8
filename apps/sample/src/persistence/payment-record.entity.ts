import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PaymentDisposition, PaymentStatus } from 'nestjs-iamport';
import { bigintAsNumber } from './columns.js';

/** Every payment the module has seen, and what it did with it (written with the order's transition). */
@Entity('iamport_payments')
export class PaymentRecordEntity {
  @PrimaryColumn({ name: 'imp_uid', type: 'varchar', length: 64 })
  impUid: string;

  @Column({ name: 'merchant_uid', type: 'varchar', length: 200 })
  merchantUid: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  amount: number;

  @Column({
    name: 'cancelled_amount',
    type: 'bigint',
    transformer: bigintAsNumber,
  })
  cancelledAmount: number;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 16 })
  status: PaymentStatus;

  @Column({ type: 'varchar', length: 32 })
  disposition: PaymentDisposition;

  @Column({ type: 'varchar', length: 500 })
  reason: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ name: 'created_at', type: Date })
  createdAt: Date;

  @Column({ name: 'updated_at', type: Date })
  updatedAt: Date;
}
