import type { PaymentRecord } from './payment-record.js';

/** Injection token of the merchant's `IamportPaymentLedger`. */
export const IAMPORT_PAYMENT_LEDGER = Symbol('IAMPORT_PAYMENT_LEDGER');

/**
 * Reads of the payment records that `IamportOrderRepository.commit` writes, so
 * that "every payment accounted for" is a query over the merchant's own tables.
 */
export interface IamportPaymentLedger {
  /** The stored records of these payments (reconciliation skips payments recorded as iamport still has them). */
  findByImpUids(impUids: readonly string[]): Promise<PaymentRecord[]>;
  /**
   * Payments that, as last seen, hold money (paid, or partly refunded) and are
   * neither flagged nor settling an order that points back at them. Empty when
   * every payment is accounted for.
   */
  findUnaccounted(limit: number): Promise<PaymentRecord[]>;
  /** Payments flagged for a person, newest first. */
  findFlagged(limit: number): Promise<PaymentRecord[]>;
}
