import type { VirtualAccount } from '../ports/order.repository.js';
import type {
  PortOnePayment,
  PortOnePaymentStatus,
} from '../verification/portone-payment.js';
import type { PortOneV2Payment } from './client/portone-v2.types.js';

/**
 * A V2 payment in the verification core's terms, so that the same rules
 * decide both APIs (facts file §9):
 * - `merchantUid` is V2's `paymentId` (the merchant's order key), `impUid`
 *   its `transactionId` (one per attempt);
 * - the amount compared is `amount.total`, refunds are `amount.cancelled`;
 * - `PARTIAL_CANCELLED` is paid with refunds, `READY` and `PAY_PENDING` are
 *   not paid, and a status this library does not know reads as not paid: it
 *   never pays and never crashes (V2 may add enum values at any time);
 * - a payment on a channel other than `LIVE` is a test payment.
 */
export function fromPortOneV2(payment: PortOneV2Payment): PortOnePayment {
  const status = String(payment.status);
  return {
    api: 'v2',
    merchantUid: payment.id,
    impUid: payment.transactionId,
    amount: payment.amount.total,
    cancelledAmount: payment.amount.cancelled,
    currency: payment.currency,
    status: statusOf(status),
    virtualAccount: virtualAccountOf(payment, status),
    testChannel: isTestPayment(payment, status),
    refunds: (payment.cancellations ?? [])
      .filter((cancellation) => cancellation.status === 'SUCCEEDED')
      .map((cancellation) => ({
        id: cancellation.id,
        amount: cancellation.totalAmount,
        at: dateOf(cancellation.cancelledAt),
        reason: cancellation.reason,
      })),
    failReason:
      status === 'FAILED'
        ? (payment.failure?.reason ??
          payment.failure?.pgMessage ??
          'the payment failed')
        : null,
    startedAt: dateOf(payment.requestedAt),
    paidAt: dateOf(payment.paidAt),
    failedAt: dateOf(payment.failedAt),
    cancelledAt: dateOf(payment.cancelledAt),
    raw: payment,
  };
}

/** Statuses reached only once a virtual account was issued. */
const ISSUED_OR_LATER = new Set([
  'VIRTUAL_ACCOUNT_ISSUED',
  'PAID',
  'PARTIAL_CANCELLED',
  'CANCELLED',
]);

/**
 * The account of a payment by virtual account. `READY` and `PAY_PENDING`
 * never carry one, whatever the method says: on a `ready` payment an account
 * means "issued, awaiting the deposit", which only VIRTUAL_ACCOUNT_ISSUED says.
 */
function virtualAccountOf(
  payment: PortOneV2Payment,
  status: string,
): VirtualAccount | null {
  const method =
    payment.method?.type === 'PaymentMethodVirtualAccount'
      ? payment.method
      : null;
  if (!ISSUED_OR_LATER.has(status)) return null;
  if (method === null && status !== 'VIRTUAL_ACCOUNT_ISSUED') return null;
  return {
    // V2 names the bank by one standard code (`KOOKMIN`), which serves as its name too.
    bankCode: method?.bank ?? null,
    bankName: method?.bank ?? null,
    accountNumber: method?.accountNumber ?? '',
    holder: method?.remitteeName ?? null,
    dueAt: dateOf(method?.expiredAt),
  };
}

function statusOf(status: string): PortOnePaymentStatus {
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

/** RFC 3339 (up to nine fractional digits, which Date truncates to milliseconds); null when absent. */
function dateOf(value: string | undefined): Date | null {
  const ms = Date.parse(value ?? '');
  return Number.isNaN(ms) ? null : new Date(ms);
}
