import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { OrderStatus } from 'nestjs-iamport';
import { bigintAsNumber } from './columns.js';

export type FulfilmentStatus =
  'none' | 'awaiting_deposit' | 'ready_to_ship' | 'cancelled' | 'held';

@Entity('orders')
export class OrderEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'merchant_uid', type: 'varchar', length: 40, unique: true })
  merchantUid: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** The product the order was priced from (null for orders made before products existed). */
  @Column({ name: 'product_id', type: 'integer', nullable: true })
  productId: number | null;

  @Column({ type: 'integer', default: 1 })
  quantity: number;

  /** In the currency's smallest unit (won for KRW). */
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  amount: number;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 32 })
  status: OrderStatus;

  /** The payment that last moved the order; unique, so one payment settles at most one order. */
  @Column({
    name: 'imp_uid',
    type: 'varchar',
    length: 64,
    nullable: true,
    unique: true,
  })
  impUid: string | null;

  @Column({
    name: 'cancelled_amount',
    type: 'bigint',
    default: 0,
    transformer: bigintAsNumber,
  })
  cancelledAmount: number;

  @Column({ name: 'paid_at', type: Date, nullable: true })
  paidAt: Date | null;

  @Column({ name: 'failed_at', type: Date, nullable: true })
  failedAt: Date | null;

  @Column({ name: 'cancelled_at', type: Date, nullable: true })
  cancelledAt: Date | null;

  @Column({ name: 'vbank_code', type: 'varchar', length: 16, nullable: true })
  vbankCode: string | null;

  @Column({ name: 'vbank_name', type: 'varchar', length: 64, nullable: true })
  vbankName: string | null;

  @Column({ name: 'vbank_num', type: 'varchar', length: 40, nullable: true })
  vbankNum: string | null;

  @Column({ name: 'vbank_holder', type: 'varchar', length: 64, nullable: true })
  vbankHolder: string | null;

  @Column({ name: 'vbank_due_at', type: Date, nullable: true })
  vbankDueAt: Date | null;

  /** Why the order failed, or what the forged payment said. */
  @Column({
    name: 'failure_reason',
    type: 'varchar',
    length: 500,
    nullable: true,
  })
  failureReason: string | null;

  /** A stand-in for shipping, moved by the payment event handlers. */
  @Column({ type: 'varchar', length: 32, default: 'none' })
  fulfilment: FulfilmentStatus;

  /** Which reconciliation run holds the order, and until when (a lease). */
  @Column({
    name: 'reconcile_owner',
    type: 'varchar',
    length: 80,
    nullable: true,
  })
  reconcileOwner: string | null;

  @Column({ name: 'reconcile_until', type: Date, nullable: true })
  reconcileUntil: Date | null;

  @Column({ name: 'reconciled_at', type: Date, nullable: true })
  reconciledAt: Date | null;

  /** Incremented by every transition: the module writes a decision only onto the version it read. */
  @Column({ type: 'integer', default: 0 })
  version: number;

  /** Reconciliation attempts in a row that failed, and when the next may be made. */
  @Column({ name: 'reconcile_failures', type: 'integer', default: 0 })
  reconcileFailures: number;

  @Column({ name: 'reconcile_retry_after', type: Date, nullable: true })
  reconcileRetryAfter: Date | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;
}
