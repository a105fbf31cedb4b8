export type VerificationSource =
  'redirect' | 'webhook' | 'reconciliation' | 'api';

/** What a caller knows of a payment. None of it is trusted: it only says which payment to fetch. */
export interface VerificationRequest {
  impUid?: string | null;
  /** When given, it must be the payment's own merchant_uid; when alone, the newest payment of it is fetched. */
  merchantUid?: string | null;
  source: VerificationSource;
}
