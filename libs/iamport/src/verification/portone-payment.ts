import type { Payment as IamportPayment } from '../client/iamport.types.js';
import type { VirtualAccount } from '../ports/order.repository.js';
import type { PortOneV2Payment } from '../v2/client/portone-v2.types.js';

/** Which PortOne API a payment was made through. */
export type PaymentApi = 'v1' | 'v2';

/**
 * Where a payment stands, in the words the rules use (V1's, which V2 maps onto):
 * - `ready`: nothing paid yet: not completed, or a virtual account awaiting its deposit;
 * - `paid`: the money moved (refunds, partial ones included, are read from `cancelledAmount`);
 * - `cancelled`: refunded in full, or a virtual account revoked before any deposit;
 * - `failed`: the payment failed.
 */
export type PortOnePaymentStatus = 'ready' | 'paid' | 'cancelled' | 'failed';

/** One refund PortOne lists for the payment. */
export interface PaymentRefund {
  /** PortOne's id of the refund (V1 `cancellation_id`, V2 cancellation `id`). */
  id: string;
  amount: number;
  at: Date | null;
  reason: string | null;
}

/** What the rules read of a payment, whichever API answered it. */
interface PaymentFacts {
  /** The merchant's order key: V1's `merchant_uid`, V2's `paymentId`. */
  merchantUid: string;
  /** PortOne's key for this attempt: V1's `imp_uid`, V2's `transactionId`. */
  impUid: string;
  amount: number;
  /** Refunded so far, in all (V1 `cancel_amount`, V2 `amount.cancelled`). */
  cancelledAmount: number;
  currency: string;
  status: PortOnePaymentStatus;
  /**
   * The account of a payment by virtual account, null for any other method.
   * On a `ready` payment it means the account is issued and awaits the deposit.
   */
  virtualAccount: VirtualAccount | null;
  /** Made on a test channel (V1 `sandbox`, V2 a `channel.type` other than `LIVE`). */
  testChannel: boolean;
  /** The refunds PortOne lists, oldest first. */
  refunds: PaymentRefund[];
  failReason: string | null;
  startedAt: Date | null;
  paidAt: Date | null;
  failedAt: Date | null;
  cancelledAt: Date | null;
}

/**
 * A payment as PortOne answered it, in API-neutral terms: what the rules,
 * the payment record, the events and reconciliation read. Made only by the
 * adapters (`fromIamport`, `fromPortOneV2`) from an API answer, which stays
 * beside it as `raw` for whatever else a handler needs.
 */
export type PortOnePayment = PaymentFacts &
  ({ api: 'v1'; raw: IamportPayment } | { api: 'v2'; raw: PortOneV2Payment });
