import type { Refund } from './decision.js';
import type { RefundResult } from './payment-refunder.js';
import type { PaymentApi, PortOnePayment } from './portone-payment.js';

/**
 * How the verification core reaches one PortOne API. Every payment it
 * returns has come through its API's adapter (`PortOnePayment`), so the
 * rules, the compare-and-set, the payment record and the outbox are the same
 * for both APIs.
 */
export interface PaymentGateway {
  readonly api: PaymentApi;
  /** Whether payments made on a test channel may settle orders. */
  acceptsTestPayments(): boolean;
  /**
   * The key a notification's payment is fetched by, shared by concurrent
   * lookups: V1's imp_uid, V2's paymentId. Null when the notification names
   * none (then `findByOrder`).
   */
  lookupKey(ids: {
    impUid?: string | null;
    merchantUid?: string | null;
  }): string | null;
  /** The same key for a payment already fetched. */
  lookupKeyOf(payment: PortOnePayment): string;
  /** The payment as PortOne answers it now; null when it knows none. */
  get(key: string): Promise<PortOnePayment | null>;
  /** The newest payment of an order, for a notification that names no payment. */
  findByOrder(merchantUid: string): Promise<PortOnePayment | null>;
  /** Refunds with a checksum, so that a repeated or concurrent refund is refused instead of paid twice. */
  refund(refund: Refund, payment: PortOnePayment): Promise<RefundResult>;
}
