import type { OrderStatus, TargetStatus } from './order-status.js';
import type { OutboxEvent } from './outbox.js';
import type { PaymentRecord } from './payment-record.js';

/** Injection token of the merchant's `IamportOrderRepository`. */
export const IAMPORT_ORDER_REPOSITORY = Symbol('IAMPORT_ORDER_REPOSITORY');

/** What verification needs to know of an order. */
export interface IamportOrder {
  merchantUid: string;
  /** The amount the merchant expects, in the currency's smallest unit. */
  amount: number;
  currency: string;
  status: OrderStatus;
  /** The payment that last moved the order (settled it, issued its account, failed it). */
  impUid: string | null;
  /** Refunded so far of the payment that settled it. */
  cancelledAmount: number;
  /** Incremented by every transition: a decision is written only onto the version it read. */
  version: number;
}

export interface VirtualAccount {
  bankCode: string | null;
  bankName: string | null;
  accountNumber: string;
  holder: string | null;
  /** Deposit deadline. */
  dueAt: Date | null;
}

/**
 * One move of one order. It sets every field it owns (null where it does not
 * apply), so nothing of an earlier payment is carried over.
 */
export interface OrderTransition {
  merchantUid: string;
  /** Apply only if the stored order is still at this version: the one the decision read. */
  expectedVersion: number;
  to: TargetStatus;
  impUid: string;
  paidAt: Date | null;
  failedAt: Date | null;
  cancelledAt: Date | null;
  cancelledAmount: number;
  virtualAccount: VirtualAccount | null;
  /** Why the order failed or was flagged, for people and result pages. */
  reason: string | null;
}

/** What `findOrderAndRecord` answers. */
export interface OrderAndRecord {
  order: IamportOrder | null;
  record: PaymentRecord | null;
}

/** Everything one decision writes, in one transaction, or nothing. */
export interface VerificationWrite {
  /** The order's move, if any: `UPDATE … WHERE merchant_uid = ? AND version = expectedVersion`, version + 1. */
  transition: OrderTransition | null;
  /**
   * The payment's record: inserted when `record.version` is 0 (a record for the
   * same imp_uid already stored makes the write fail), otherwise updated only
   * if the stored version is still `record.version`; the stored version becomes `record.version + 1`.
   */
  record: PaymentRecord;
  /** The event of the transition (with an outbox configured), inserted with it. */
  event: OutboxEvent | null;
}

/**
 * The merchant's persistence of orders and payment records, behind which the
 * module works. Several app instances may verify the same payment or order at
 * the same moment: `commit` is a compare-and-set on the versions the decision
 * read, so exactly one of them wins and the others read again and decide again.
 */
export interface IamportOrderRepository {
  /** The order with exactly this merchant_uid (compared byte for byte), or null. */
  findByMerchantUid(merchantUid: string): Promise<IamportOrder | null>;
  /** The record of this payment, or null when the module has not recorded it yet. */
  findPaymentRecord(impUid: string): Promise<PaymentRecord | null>;
  /**
   * Optional: both of the above in one round trip (every verification reads
   * them together). Without it the two finds run side by side.
   */
  findOrderAndRecord?(
    merchantUid: string,
    impUid: string,
  ): Promise<OrderAndRecord>;
  /**
   * Writes the transition, the record and the event in one transaction. true
   * when all of it was written; false (nothing written) when the order's or
   * the record's version was no longer the expected one.
   */
  commit(write: VerificationWrite): Promise<boolean>;
}
