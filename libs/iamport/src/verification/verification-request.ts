export type VerificationSource =
  'redirect' | 'webhook' | 'reconciliation' | 'api';

/** What a caller knows of a payment. None of it is trusted: it only says which payment to fetch. */
export interface VerificationRequest {
  impUid?: string | null;
  /** When given, it must be the payment's own merchant_uid; when alone, the newest payment of it is fetched. */
  merchantUid?: string | null;
  source: VerificationSource;
  /**
   * What the notification says the payment now is (the webhook's `status`;
   * `paid` for a redirect with `imp_success=true`). Never trusted: it only
   * lets a lookup already under way answer this request (see `answersClaim`).
   */
  claimedStatus?: string | null;
}
