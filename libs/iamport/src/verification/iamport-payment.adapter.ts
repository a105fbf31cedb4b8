import type { Payment } from '../client/iamport.types.js';
import type { VirtualAccount } from '../ports/order.repository.js';
import type { PortOnePayment } from './portone-payment.js';

/** A V1 (iamport) payment in the verification core's terms: V1's fields, renamed. */
export function fromIamport(payment: Payment): PortOnePayment {
  return {
    api: 'v1',
    merchantUid: payment.merchant_uid,
    impUid: payment.imp_uid,
    amount: payment.amount,
    cancelledAmount: payment.cancel_amount,
    currency: payment.currency,
    status: payment.status,
    virtualAccount: virtualAccountOf(payment),
    testChannel: payment.sandbox,
    refunds: (payment.cancel_history ?? []).map((cancellation) => ({
      id: cancellation.cancellation_id,
      amount: cancellation.amount,
      at: seconds(cancellation.cancelled_at),
      reason: cancellation.reason,
    })),
    failReason: payment.fail_reason,
    startedAt: seconds(payment.started_at),
    paidAt: seconds(payment.paid_at),
    failedAt: seconds(payment.failed_at),
    cancelledAt: seconds(payment.cancelled_at),
    raw: payment,
  };
}

/** `ready` with pay_method `vbank` is iamport's "virtual account issued"; the account comes with every later status too. */
function virtualAccountOf(payment: Payment): VirtualAccount | null {
  if (payment.pay_method !== 'vbank') return null;
  return {
    bankCode: payment.vbank_code,
    bankName: payment.vbank_name,
    accountNumber: payment.vbank_num ?? '',
    holder: payment.vbank_holder,
    dueAt: seconds(payment.vbank_date),
  };
}

/** iamport's timestamps are UNIX seconds, 0 when the event has not happened. */
function seconds(value: number | null | undefined): Date | null {
  return value ? new Date(value * 1000) : null;
}
