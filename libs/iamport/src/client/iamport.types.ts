/**
 * Shapes of the iamport V1 REST API, taken from PortOne's official schema
 * (definitions PaymentAnnotation, PaymentCancelAnnotation, AuthAnnotation, ...).
 * The schema has no `nullable`: the real API sends `null` for strings that do
 * not apply and `0` for timestamps that do not apply (paid_at of an unpaid
 * payment), so both are typed here as they really come.
 */

/** UNIX seconds on iamport's clock; 0 when the event has not happened. */
export type UnixSeconds = number;

export type PaymentStatus = 'ready' | 'paid' | 'cancelled' | 'failed';

/** Every answer is wrapped; `code != 0` is a failure even with HTTP 200. */
export interface IamportEnvelope<T> {
  code: number;
  message: string | null;
  response: T | null;
}

export interface AccessToken {
  access_token: string;
  now: UnixSeconds;
  expired_at: UnixSeconds;
}

export interface PaymentCancellation {
  pg_tid: string;
  amount: number;
  cancelled_at: UnixSeconds;
  reason: string;
  cancellation_id: string;
  receipt_url: string | null;
}

export interface VbankDeposit {
  pg_tid: string;
  amount: number;
  reason: string;
  depositor_name: string;
  deposited_at: UnixSeconds;
}

export interface Payment {
  imp_uid: string;
  merchant_uid: string;
  pay_method: string | null;
  channel: string | null;
  pg_provider: string | null;
  emb_pg_provider: string | null;
  pg_tid: string | null;
  pg_id: string | null;
  /** true for payments made on a test channel; production must refuse them. */
  sandbox: boolean;
  escrow: boolean | null;
  apply_num: string | null;
  bank_code: string | null;
  bank_name: string | null;
  card_code: string | null;
  card_name: string | null;
  card_issuer_code?: string | null;
  card_issuer_name?: string | null;
  card_publisher_code?: string | null;
  card_publisher_name?: string | null;
  card_quota: number | null;
  card_number: string | null;
  card_type: number | null;
  vbank_code: string | null;
  vbank_name: string | null;
  vbank_num: string | null;
  vbank_holder: string | null;
  vbank_date: UnixSeconds;
  vbank_issued_at: UnixSeconds;
  name: string | null;
  amount: number;
  /** Cumulative refunded amount; partial refunds are read from it, not from `status`. */
  cancel_amount: number;
  currency: string;
  buyer_name: string | null;
  buyer_email: string | null;
  buyer_tel: string | null;
  buyer_addr: string | null;
  buyer_postcode: string | null;
  /** A JSON string, as the merchant passed it to IMP.request_pay. */
  custom_data: string | null;
  user_agent: string | null;
  status: PaymentStatus;
  started_at: UnixSeconds;
  paid_at: UnixSeconds;
  failed_at: UnixSeconds;
  cancelled_at: UnixSeconds;
  fail_reason: string | null;
  cancel_reason: string | null;
  receipt_url: string | null;
  cancel_history: PaymentCancellation[] | null;
  deposit_history?: VbankDeposit[] | null;
  cancel_receipt_urls: string[] | null;
  cash_receipt_issued: boolean | null;
  customer_uid: string | null;
  customer_uid_usage: string | null;
  promotion?: { id: string; discount: number } | null;
}

/** `GET /payments/findAll/...` and `GET /payments/status/...`; previous/next are page numbers, 0 when none. */
export interface PaymentPage {
  total: number;
  previous: number;
  next: number;
  list: Payment[];
}

export interface PreparedPayment {
  merchant_uid: string;
  amount: number;
  currency?: string | null;
}

export type PaymentSorting =
  '-started' | 'started' | '-paid' | 'paid' | '-updated' | 'updated';

export interface CancelPaymentRequest {
  /** Wins over merchant_uid when both are given. */
  imp_uid?: string;
  merchant_uid?: string;
  /** Omitted or 0: the whole remaining balance. */
  amount?: number;
  tax_free?: number;
  vat_amount?: number;
  /**
   * The refundable balance the caller believes is left. iamport refuses the
   * cancel when it differs, so a repeated cancel cannot refund twice; only a
   * cancel that carries it is ever retried by this client.
   */
  checksum?: number;
  reason?: string;
  refund_holder?: string;
  refund_bank?: string;
  refund_account?: string;
  refund_tel?: string;
  /** API cancels send no webhook unless this is true. */
  enable_webhook?: boolean;
}

export interface PreparePaymentRequest {
  merchant_uid: string;
  amount: number;
  /** null: iamport does not check the currency. */
  currency?: string;
}
