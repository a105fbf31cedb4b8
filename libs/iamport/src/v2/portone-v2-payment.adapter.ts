import type {
  Payment,
  PaymentCancellation,
  PaymentStatus,
} from '../client/iamport.types.js';
import type { PortOneV2Payment } from './client/portone-v2.types.js';

/**
 * A V2 payment in the verification core's shape (see `PaymentGateway`), so
 * that the same rules decide both APIs (facts file §9):
 * - `merchant_uid` is V2's `paymentId` (the merchant's order key), `imp_uid`
 *   its `transactionId` (one per attempt);
 * - the amount compared is `amount.total`, refunds are `amount.cancelled`;
 * - `PARTIAL_CANCELLED` is paid with refunds, `READY` and `PAY_PENDING` are
 *   not paid, and a status this library does not know reads as not paid: it
 *   never pays and never crashes (V2 may add enum values at any time);
 * - a payment on a channel other than `LIVE` is a test payment.
 */
export function fromPortOneV2(payment: PortOneV2Payment): Payment {
  const status = String(payment.status);
  const method = payment.method ? String(payment.method.type) : null;
  const virtualAccount =
    payment.method?.type === 'PaymentMethodVirtualAccount'
      ? payment.method
      : null;
  // `ready` with pay_method `vbank` is the core's "account issued": only VIRTUAL_ACCOUNT_ISSUED says so.
  const issued = status === 'VIRTUAL_ACCOUNT_ISSUED';
  const cancellations = (payment.cancellations ?? [])
    .filter((cancellation) => cancellation.status === 'SUCCEEDED')
    .map((cancellation): PaymentCancellation => ({
      pg_tid: cancellation.pgCancellationId ?? '',
      amount: cancellation.totalAmount,
      cancelled_at: seconds(cancellation.cancelledAt),
      reason: cancellation.reason,
      cancellation_id: cancellation.id,
      receipt_url: cancellation.receiptUrl ?? null,
    }));
  return {
    imp_uid: payment.transactionId,
    merchant_uid: payment.id,
    pay_method: issued ? 'vbank' : payMethodOf(method),
    channel: payment.channel?.key ?? null,
    pg_provider: payment.channel?.pgProvider ?? null,
    emb_pg_provider: null,
    pg_tid: null,
    pg_id: payment.channel?.pgMerchantId ?? null,
    sandbox: isTestPayment(payment, status),
    escrow: null,
    apply_num: null,
    bank_code: null,
    bank_name: null,
    card_code: null,
    card_name: null,
    card_quota: null,
    card_number: null,
    card_type: null,
    vbank_code: issued ? (virtualAccount?.bank ?? null) : null,
    vbank_name: issued ? (virtualAccount?.bank ?? null) : null,
    vbank_num: issued ? (virtualAccount?.accountNumber ?? null) : null,
    vbank_holder: issued ? (virtualAccount?.remitteeName ?? null) : null,
    vbank_date: issued ? seconds(virtualAccount?.expiredAt) : 0,
    vbank_issued_at: issued ? seconds(virtualAccount?.issuedAt) : 0,
    name: payment.orderName,
    amount: payment.amount.total,
    cancel_amount: payment.amount.cancelled,
    currency: payment.currency,
    buyer_name: null,
    buyer_email: null,
    buyer_tel: null,
    buyer_addr: null,
    buyer_postcode: null,
    custom_data: payment.customData ?? null,
    user_agent: null,
    status: statusOf(status),
    started_at: seconds(payment.requestedAt),
    paid_at: seconds(payment.paidAt),
    failed_at: seconds(payment.failedAt),
    cancelled_at: seconds(payment.cancelledAt),
    fail_reason:
      status === 'FAILED'
        ? (payment.failure?.reason ??
          payment.failure?.pgMessage ??
          'the payment failed')
        : null,
    cancel_reason: cancellations.at(-1)?.reason ?? null,
    receipt_url: null,
    cancel_history: cancellations,
    cancel_receipt_urls: null,
    cash_receipt_issued: null,
    customer_uid: null,
    customer_uid_usage: null,
  };
}

function statusOf(status: string): PaymentStatus {
  switch (status) {
    case 'PAID':
    case 'PARTIAL_CANCELLED':
      return 'paid';
    case 'CANCELLED':
      return 'cancelled';
    case 'FAILED':
      return 'failed';
    default:
      // READY, PAY_PENDING, VIRTUAL_ACCOUNT_ISSUED, and any status V2 adds later: nothing paid yet.
      return 'ready';
  }
}

const HOLDS_MONEY = new Set(['PAID', 'PARTIAL_CANCELLED', 'CANCELLED']);

/**
 * `channel.type` other than `LIVE` is a test channel. The schema requires a
 * channel on every status that moved money; should one come without it, it is
 * read as a test payment (refused unless test channels are allowed), the safe
 * side, while payments that moved no money are judged by their status alone.
 */
function isTestPayment(payment: PortOneV2Payment, status: string): boolean {
  if (payment.channel) return payment.channel.type !== 'LIVE';
  return HOLDS_MONEY.has(status);
}

function payMethodOf(method: string | null): string | null {
  // The core reads only `vbank` (an issued account); other methods keep V2's name, a card V1's.
  return method === 'PaymentMethodCard' ? 'card' : method;
}

/** RFC 3339 (up to nine fractional digits, which Date truncates to milliseconds) to UNIX seconds; 0 when absent. */
function seconds(value: string | undefined): number {
  const ms = Date.parse(value ?? '');
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}
