import { SETTLING_STATUSES } from '../ports/order-status.js';
import type { IamportOrder } from '../ports/order.repository.js';
import type {
  PaymentDisposition,
  PaymentRecord,
} from '../ports/payment-record.js';
import type { Decision } from './decision.js';
import { heldAmount, neverHeldMoney } from './payment-facts.js';
import type { PortOnePayment } from './portone-payment.js';

/**
 * What the module did with a payment, read from the money: a payment that
 * holds money and is not the one its order is settled by is flagged for a
 * person, whatever the decision was (the safe default for any case no rule
 * foresaw).
 */
export function recordOf(
  payment: PortOnePayment,
  order: IamportOrder | null,
  decision: Decision,
  stored: PaymentRecord | null,
): PaymentRecord {
  const [disposition, reason] = dispositionOf(payment, order, decision);
  return {
    impUid: payment.impUid,
    merchantUid: payment.merchantUid,
    amount: payment.amount,
    cancelledAmount: payment.cancelledAmount,
    currency: payment.currency,
    status: payment.status,
    disposition,
    reason: reason.slice(0, 500),
    version: stored?.version ?? 0,
  };
}

function dispositionOf(
  payment: PortOnePayment,
  order: IamportOrder | null,
  decision: Decision,
): [PaymentDisposition, string] {
  if (neverHeldMoney(payment)) {
    const waiting =
      payment.status === 'ready' && payment.virtualAccount !== null;
    return waiting
      ? ['awaiting_deposit', decision.reason]
      : ['no_money', decision.reason];
  }
  if (heldAmount(payment) === 0) return ['refunded', decision.reason];
  // The amounts say money is held but the word says cancelled: a person must look.
  if (payment.status === 'cancelled' && payment.cancelledAmount === 0)
    return ['flagged', 'iamport says cancelled, but no amount was refunded'];
  const settles =
    order !== null &&
    order.impUid === payment.impUid &&
    SETTLING_STATUSES.has(order.status);
  return settles
    ? ['settles_order', decision.reason]
    : ['flagged', decision.reason];
}

/** Whether storing `next` would change nothing a person or a query reads. */
export function sameRecord(
  stored: PaymentRecord | null,
  next: PaymentRecord,
): boolean {
  return (
    stored !== null &&
    stored.merchantUid === next.merchantUid &&
    stored.amount === next.amount &&
    stored.cancelledAmount === next.cancelledAmount &&
    stored.currency === next.currency &&
    stored.status === next.status &&
    stored.disposition === next.disposition
  );
}
