/** What a verified payment means for its order. */
export type VerificationOutcome =
  /** Paid in full, amount and currency equal to the order's. */
  | 'paid'
  /** A virtual account was issued for the right amount; the deposit comes later. */
  | 'vbank_issued'
  | 'failed'
  /** Refunded in full (or a virtual account revoked before the deposit). */
  | 'cancelled'
  | 'partially_cancelled'
  /** Amount or currency differ from the order's. */
  | 'forgery'
  /** Made on a test channel while the module does not accept those. */
  | 'sandbox_rejected'
  /** iamport knows no such payment, or the merchant no such order. */
  | 'not_found'
  /** Still `ready` without a virtual account: the buyer left the window or has not finished. */
  | 'pending'
  /** A second successful payment for an order another payment already settled. */
  | 'duplicate_payment'
  /** The caller named another order than the payment's own merchant_uid. */
  | 'merchant_uid_mismatch';

export type ForgeryPolicy = 'cancel' | 'flag';

export interface VerificationPolicy {
  /** Accept payments with `sandbox: true`. */
  includeSandbox: boolean;
  /** Refund a forged or duplicate payment (`cancel`), or only record it (`flag`). */
  forgeryPolicy: ForgeryPolicy;
  /** Refund a payment for an order the shop does not know (`cancel`), or flag it for a person (`flag`). */
  unknownOrderPolicy: ForgeryPolicy;
}
