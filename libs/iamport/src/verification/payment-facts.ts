import type {
  PortOnePayment,
  PortOnePaymentStatus,
} from './portone-payment.js';

/**
 * Whether the payment never moved any money: failed, abandoned (`ready`), a
 * virtual account not yet deposited (`ready`), or one revoked before any
 * deposit. iamport does not document what a revoked virtual account looks
 * like (`DELETE /vbanks/{imp_uid}`): `cancelled` with `paid_at` 0 and either
 * `cancel_amount` 0 or the full amount. Both readings have no paid time and no
 * refund listed; a payment with either is treated as having held money, the
 * safe side.
 */
export function neverHeldMoney(payment: PortOnePayment): boolean {
  if (payment.status === 'ready' || payment.status === 'failed') return true;
  return (
    payment.status === 'cancelled' &&
    payment.paidAt === null &&
    payment.refunds.length === 0
  );
}

/** What the payment holds now: 0 for one that never held money or is refunded in full. */
export function heldAmount(payment: PortOnePayment): number {
  if (neverHeldMoney(payment)) return 0;
  return Math.max(0, payment.amount - payment.cancelledAmount);
}

/**
 * Whether a payment as fetched is older than the state recorded for it (by
 * another instance that fetched it later). A payment only moves forward:
 * ready → paid or failed → cancelled, and the refunded amount only grows;
 * deciding on a snapshot behind that would undo what a newer one decided.
 */
export function isBehind(
  payment: PortOnePayment,
  recorded: { status: PortOnePaymentStatus; cancelledAmount: number },
): boolean {
  if (recorded.cancelledAmount !== payment.cancelledAmount)
    return recorded.cancelledAmount > payment.cancelledAmount;
  return rankOf(recorded.status) > rankOf(payment.status);
}

function rankOf(status: PortOnePaymentStatus): number {
  if (status === 'ready') return 0;
  return status === 'cancelled' ? 2 : 1;
}
