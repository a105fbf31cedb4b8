import { randomBytes } from 'node:crypto';
import type { SimContext } from './context.js';
import { approve, newPgTid } from './payment-factory.js';
import {
  isIssuedVbank,
  isRevokedVbank,
  refundableBalance,
  type PaymentCancelHistoryEntry,
  type StoredPayment,
  type VbankDepositEntry,
} from './payment.js';

export interface CancelRequest {
  /** Omitted or 0: the whole remaining balance. */
  amount?: number;
  /** The refundable balance the caller believes is left; null skips the check. */
  checksum?: number | null;
  reason?: string | null;
  refundHolder?: string | null;
  refundBank?: string | null;
  refundAccount?: string | null;
  /** The API wants a refund account for a virtual account; the console collects it itself. */
  requireRefundAccount: boolean;
}

export type CancelOutcome =
  | { ok: true; entry: PaymentCancelHistoryEntry }
  | { ok: false; message: string };

/** Money compared to the cent, so that 0.1 + 0.2 refunds still add up. */
const money = (value: number): number => Math.round(value * 100) / 100;

/** iamport's cancel rules; the caller answers a refusal in its own shape. */
export function cancelPayment(
  ctx: SimContext,
  stored: StoredPayment,
  request: CancelRequest,
): CancelOutcome {
  const { payment } = stored;
  if (payment.status !== 'paid' && payment.status !== 'cancelled') {
    return {
      ok: false,
      message: `The payment is not paid (status ${payment.status})`,
    };
  }
  if (isRevokedVbank(payment)) {
    return {
      ok: false,
      message:
        'The virtual account was revoked before any deposit: there is nothing to refund',
    };
  }
  const balance = money(refundableBalance(payment));
  if (balance <= 0)
    return { ok: false, message: 'The payment is already fully cancelled' };
  if (request.checksum != null && money(request.checksum) !== balance) {
    return {
      ok: false,
      message: `checksum ${request.checksum} does not match the refundable balance ${balance}`,
    };
  }
  const amount = request.amount ? money(request.amount) : balance;
  if (amount > balance) {
    return {
      ok: false,
      message: `The cancel amount ${amount} exceeds the refundable balance ${balance}`,
    };
  }
  const refundGiven =
    request.refundHolder && request.refundBank && request.refundAccount;
  if (
    payment.pay_method === 'vbank' &&
    request.requireRefundAccount &&
    !refundGiven
  ) {
    return {
      ok: false,
      message:
        'A virtual account refund needs refund_holder, refund_bank and refund_account',
    };
  }
  const now = ctx.now();
  const cancellationId = randomBytes(10).toString('hex');
  const entry: PaymentCancelHistoryEntry = {
    pg_tid: newPgTid(),
    amount,
    cancelled_at: now,
    reason: request.reason ?? '',
    cancellation_id: cancellationId,
    receipt_url: `${ctx.baseUrl}/receipts/${payment.imp_uid}?cancellation_id=${cancellationId}`,
  };
  payment.cancel_amount = money(payment.cancel_amount + amount);
  payment.cancel_history.push(entry);
  payment.cancel_receipt_urls.push(entry.receipt_url as string);
  payment.cancel_reason = request.reason || null;
  payment.cancelled_at = now;
  // Fully or partly refunded, the status reads cancelled: partial refunds are read by amounts.
  payment.status = 'cancelled';
  stored.updatedAt = now;
  return { ok: true, entry };
}

/** The buyer pays into the issued virtual account: ready → paid. Null when it is not one. */
export function depositVbank(
  ctx: SimContext,
  stored: StoredPayment,
  depositorName?: string | null,
): VbankDepositEntry | null {
  const { payment } = stored;
  if (!isIssuedVbank(payment)) return null;
  approve(ctx, payment);
  const entry: VbankDepositEntry = {
    pg_tid: payment.pg_tid ?? newPgTid(),
    amount: payment.amount,
    depositor_name: depositorName || payment.buyer_name || '입금자',
    deposited_at: payment.paid_at,
  };
  payment.deposit_history.push(entry);
  stored.updatedAt = payment.paid_at;
  return entry;
}

/** cancel_reason of a revoked virtual account: the API takes no reason; this is its own title. */
export const VBANK_REVOKE_REASON = '가상계좌 발급취소';

export type RevokeOutcome = { ok: true } | { ok: false; message: string };

/**
 * Revokes a virtual account nobody paid into (DELETE /vbanks/{imp_uid}). iamport does not document
 * the result; the simulator's reading: status cancelled, cancelled_at now, paid_at stays 0,
 * cancel_reason set, no cancel_history entry (no money moved), cancel_amount per
 * `vbankRevokeCancelAmount` (0 by default, or the amount). The account details stay.
 */
export function revokeVbank(
  ctx: SimContext,
  stored: StoredPayment,
  reason = VBANK_REVOKE_REASON,
): RevokeOutcome {
  const { payment } = stored;
  if (payment.pay_method !== 'vbank') {
    return {
      ok: false,
      message: `The payment is not a virtual account payment (pay_method ${payment.pay_method})`,
    };
  }
  if (!isIssuedVbank(payment)) {
    return {
      ok: false,
      message:
        payment.status === 'ready'
          ? 'No virtual account was issued for this payment'
          : `The virtual account is not awaiting deposit (status ${payment.status})`,
    };
  }
  const now = ctx.now();
  payment.status = 'cancelled';
  payment.cancel_amount =
    ctx.config.vbankRevokeCancelAmount === 'amount' ? payment.amount : 0;
  payment.cancelled_at = now;
  payment.cancel_reason = reason;
  stored.updatedAt = now;
  return { ok: true };
}
