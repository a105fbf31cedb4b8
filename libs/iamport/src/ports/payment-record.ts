import type { PortOnePaymentStatus } from '../verification/portone-payment.js';

/**
 * What the module did with a payment it saw:
 * - `settles_order`: it holds money and is the payment its own order is settled by;
 * - `refunded`: it held money and all of it is back with the buyer;
 * - `flagged`: it holds money that no order accounts for (forged or duplicate under the `flag`
 *   policy, a refund iamport refused, an order the shop does not know): a person must act;
 * - `awaiting_deposit`: a virtual account, nothing deposited yet;
 * - `no_money`: it never held money (failed, abandoned, a virtual account revoked before any deposit).
 */
export type PaymentDisposition =
  'settles_order' | 'refunded' | 'flagged' | 'awaiting_deposit' | 'no_money';

/** One payment the module has seen, as it last saw it, and what it did with it. */
export interface PaymentRecord {
  impUid: string;
  merchantUid: string;
  amount: number;
  /** Refunded so far, in all (V1 `cancel_amount`, V2 `amount.cancelled`). */
  cancelledAmount: number;
  currency: string;
  /** The payment's status, as last seen. */
  status: PortOnePaymentStatus;
  disposition: PaymentDisposition;
  /** One sentence: why this disposition. */
  reason: string;
  /** Incremented by every write; 0 for a record not stored yet. */
  version: number;
}
