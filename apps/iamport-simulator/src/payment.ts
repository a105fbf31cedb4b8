export type PaymentStatus = 'ready' | 'paid' | 'cancelled' | 'failed';

export const PAYMENT_STATUSES: readonly PaymentStatus[] = [
  'ready',
  'paid',
  'cancelled',
  'failed',
];

/** One entry of `cancel_history` (schema: PaymentCancelAnnotation). */
export interface PaymentCancelHistoryEntry {
  pg_tid: string;
  amount: number;
  cancelled_at: number;
  reason: string;
  cancellation_id: string;
  receipt_url: string | null;
}

/** One entry of `deposit_history` (schema: VbankDepositAnnotation). */
export interface VbankDepositEntry {
  pg_tid: string;
  amount: number;
  depositor_name: string;
  deposited_at: number;
}

/**
 * The payment object exactly as GET /payments/{imp_uid} sends it: every property of the schema's
 * PaymentAnnotation, in its order. Strings that do not apply are null; timestamps that do not
 * apply are 0 (observed).
 */
export interface IamportPayment {
  imp_uid: string;
  merchant_uid: string;
  pay_method: string | null;
  channel: 'pc' | 'mobile' | 'api';
  pg_provider: string;
  emb_pg_provider: string | null;
  pg_tid: string | null;
  pg_id: string | null;
  sandbox: boolean;
  escrow: boolean;
  apply_num: string | null;
  bank_code: string | null;
  bank_name: string | null;
  card_code: string | null;
  card_name: string | null;
  card_issuer_code: string | null;
  card_issuer_name: string | null;
  card_publisher_code: string | null;
  card_publisher_name: string | null;
  card_quota: number;
  card_number: string | null;
  card_type: number | null;
  vbank_code: string | null;
  vbank_name: string | null;
  vbank_num: string | null;
  vbank_holder: string | null;
  vbank_date: number;
  vbank_issued_at: number;
  name: string | null;
  amount: number;
  cancel_amount: number;
  currency: string;
  buyer_name: string | null;
  buyer_email: string | null;
  buyer_tel: string | null;
  buyer_addr: string | null;
  buyer_postcode: string | null;
  custom_data: string | null;
  user_agent: string | null;
  status: PaymentStatus;
  started_at: number;
  paid_at: number;
  failed_at: number;
  cancelled_at: number;
  fail_reason: string | null;
  cancel_reason: string | null;
  receipt_url: string | null;
  cancel_history: PaymentCancelHistoryEntry[];
  deposit_history: VbankDepositEntry[];
  cancel_receipt_urls: string[];
  cash_receipt_issued: boolean;
  customer_uid: string | null;
  customer_uid_usage: string | null;
  promotion: { id: string; discount: number } | null;
}

/** What the simulator keeps beside the public object. */
export interface StoredPayment {
  payment: IamportPayment;
  /** notice_url given to request_pay; overrides the configured webhook URL. */
  noticeUrls: string[];
  /** Insertion order: breaks ties between payments started in the same second. */
  seq: number;
  /** API-clock seconds of the last change, for the `updated` sortings. */
  updatedAt: number;
}

/**
 * A virtual account revoked before any deposit (DELETE /vbanks/{imp_uid}): cancelled, never paid.
 * Its cancel_amount is 0 or the amount (config `vbankRevokeCancelAmount`): no money moved either way.
 */
export const isRevokedVbank = (payment: IamportPayment): boolean =>
  payment.status === 'cancelled' &&
  payment.pay_method === 'vbank' &&
  payment.paid_at === 0;

/** What iamport still lets you refund: nothing for a revoked virtual account. */
export const refundableBalance = (payment: IamportPayment): number =>
  isRevokedVbank(payment) ? 0 : payment.amount - payment.cancel_amount;

export const isIssuedVbank = (payment: IamportPayment): boolean =>
  payment.status === 'ready' &&
  payment.pay_method === 'vbank' &&
  payment.vbank_num !== null;
