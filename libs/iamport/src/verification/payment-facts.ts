import type { Payment } from '../client/iamport.types.js';
import type { VirtualAccount } from '../ports/order.repository.js';

/**
 * Whether the payment never moved any money: failed, abandoned (`ready`), a
 * virtual account not yet deposited (`ready`), or one revoked before any
 * deposit. iamport does not document what a revoked virtual account looks
 * like (`DELETE /vbanks/{imp_uid}`): `cancelled` with `paid_at` 0 and either
 * `cancel_amount` 0 or the full amount. Both readings have no `paid_at` and no
 * refund in `cancel_history`; a payment with either is treated as having held
 * money, the safe side.
 */
export function neverHeldMoney(payment: Payment): boolean {
  if (payment.status === 'ready' || payment.status === 'failed') return true;
  return (
    payment.status === 'cancelled' &&
    !payment.paid_at &&
    (payment.cancel_history ?? []).length === 0
  );
}

/** What the payment holds now: 0 for one that never held money or is refunded in full. */
export function heldAmount(payment: Payment): number {
  if (neverHeldMoney(payment)) return 0;
  return Math.max(0, payment.amount - payment.cancel_amount);
}

/**
 * Whether a payment as fetched is older than the state recorded for it (by
 * another instance that fetched it later). A payment only moves forward:
 * ready → paid or failed → cancelled, and `cancel_amount` only grows; deciding
 * on a snapshot behind that would undo what a newer one decided.
 */
export function isBehind(
  payment: Payment,
  recorded: { status: Payment['status']; cancelledAmount: number },
): boolean {
  if (recorded.cancelledAmount !== payment.cancel_amount)
    return recorded.cancelledAmount > payment.cancel_amount;
  return rankOf(recorded.status) > rankOf(payment.status);
}

function rankOf(status: Payment['status']): number {
  if (status === 'ready') return 0;
  return status === 'cancelled' ? 2 : 1;
}

/** iamport's timestamps are UNIX seconds, 0 when the event has not happened. */
export function seconds(value: number | null | undefined): Date | null {
  return value ? new Date(value * 1000) : null;
}

export function virtualAccountOf(payment: Payment): VirtualAccount | null {
  if (payment.pay_method !== 'vbank') return null;
  return {
    bankCode: payment.vbank_code,
    bankName: payment.vbank_name,
    accountNumber: payment.vbank_num ?? '',
    holder: payment.vbank_holder,
    dueAt: seconds(payment.vbank_date),
  };
}
