import type { PortOnePayment } from './portone-payment.js';
import type { IamportOrder } from '../ports/order.repository.js';
import type { VerificationOutcome } from './verification-outcome.js';

export interface VerificationResult {
  outcome: VerificationOutcome;
  /** The payment's own merchant_uid (the claimed one when no payment was found). */
  merchantUid: string | null;
  impUid: string | null;
  /** The order after this verification; null when there is none. */
  order: IamportOrder | null;
  /** The payment as PortOne answered it, through its API's adapter; null when PortOne knows none. */
  payment: PortOnePayment | null;
  /** Whether this call moved the order or refunded money. A repeat of a settled verification says false. */
  changed: boolean;
  /** What this call refunded (forgery, duplicate payment); 0 when nothing. */
  refundedAmount: number;
  /**
   * iamport's reason when it refused a refund the decision asked for (a paid
   * virtual account can only be refunded to the buyer's bank account): money
   * a person must return. Recorded in the notification log.
   */
  refundRefused: string | null;
  /** One sentence on why. */
  reason: string;
}
