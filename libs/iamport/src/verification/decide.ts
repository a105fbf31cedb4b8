import type { Payment } from '../client/iamport.types.js';
import {
  ALLOWED_FROM,
  type TargetStatus,
  SETTLED_STATUSES,
} from '../ports/order-status.js';
import type {
  IamportOrder,
  OrderTransition,
} from '../ports/order.repository.js';
import type { Decision, Refund } from './decision.js';
import type {
  VerificationOutcome,
  VerificationPolicy,
} from './verification-outcome.js';

/** The facts about one (order, payment) pair that every rule below reads. */
interface Facts {
  order: IamportOrder;
  payment: Payment;
  policy: VerificationPolicy;
  /** Left to refund: amount − cancel_amount. */
  remaining: number;
  /** The order was last moved by this very payment. */
  ownPayment: boolean;
  /** Another payment already paid this order. */
  settledByAnother: boolean;
  now: Date;
}

export interface DecisionInput {
  /** The merchant's order, loaded by the payment's own merchant_uid; null when there is none. */
  order: IamportOrder | null;
  /** The payment as iamport's API answered it. */
  payment: Payment;
  policy: VerificationPolicy;
  /** The merchant_uid a redirect or webhook named, if any. */
  claimedMerchantUid?: string | null;
  /** When the decision is made: the refund time of a refund iamport did not date. */
  now: Date;
}

/**
 * What a payment, fetched from iamport, means for the merchant's order. Pure:
 * the same inputs always give the same decision, and nothing from a redirect
 * or a webhook body is among them except the merchant_uid the caller claimed.
 */
export function decide({
  order,
  payment,
  policy,
  claimedMerchantUid = null,
  now,
}: DecisionInput): Decision {
  if (
    claimedMerchantUid !== null &&
    claimedMerchantUid !== payment.merchant_uid
  ) {
    return nothing(
      'merchant_uid_mismatch',
      `the payment belongs to ${payment.merchant_uid}, not ${claimedMerchantUid}`,
    );
  }
  if (order === null)
    return nothing('not_found', `no order ${payment.merchant_uid}`);
  if (payment.sandbox && !policy.includeSandbox) {
    return nothing(
      'sandbox_rejected',
      'the payment was made on a test channel',
    );
  }
  const ownPayment = order.impUid === payment.imp_uid;
  const facts: Facts = {
    order,
    payment,
    policy,
    remaining: payment.amount - payment.cancel_amount,
    ownPayment,
    settledByAnother: SETTLED_STATUSES.has(order.status) && !ownPayment,
    now,
  };
  return withoutNoOp(order, decideFor(facts));
}

function decideFor(facts: Facts): Decision {
  const { order, payment } = facts;
  if (payment.amount !== order.amount || payment.currency !== order.currency)
    return decideForged(facts);
  // iamport says `cancelled` for partial refunds too: refunds are read from the amounts.
  if (payment.status === 'cancelled' || payment.cancel_amount > 0)
    return decideRefunded(facts);
  if (payment.status === 'paid') return decidePaid(facts);
  if (payment.status === 'ready') return decideReady(facts);
  if (payment.status === 'failed') return decideFailed(facts);
  return nothing('pending', `unknown payment status ${String(payment.status)}`);
}

/**
 * Drops a transition that the order, as loaded, already rules out (already
 * applied, or not allowed from its status). A repository may still refuse a
 * transition kept here: then another instance moved the order in between.
 */
function withoutNoOp(order: IamportOrder, decision: Decision): Decision {
  const next = decision.transition;
  if (next === null || canApply(order, next)) return decision;
  return { ...decision, transition: null };
}

/** The conditions a repository checks in its conditional update, checked here on the loaded order. */
export function canApply(
  order: IamportOrder,
  transition: OrderTransition,
): boolean {
  if (!transition.from.includes(order.status)) return false;
  if (transition.requireSameImpUid && order.impUid !== transition.impUid)
    return false;
  const below = transition.requireCancelledAmountBelow;
  return below === null || order.cancelledAmount < below;
}

function decidePaid(facts: Facts): Decision {
  if (facts.settledByAnother) return duplicate(facts);
  return changed(
    'paid',
    'paid in full',
    move(facts, 'paid', { paidAt: seconds(facts.payment.paid_at) }),
  );
}

/** `ready` means "virtual account issued" only with pay_method vbank; otherwise nothing is paid yet. */
function decideReady({
  order,
  payment,
  settledByAnother,
  ...facts
}: Facts): Decision {
  if (payment.pay_method !== 'vbank')
    return nothing('pending', 'the payment has not been completed');
  if (settledByAnother)
    return nothing(
      'duplicate_payment',
      `a virtual account was issued for ${order.merchantUid}, already paid`,
    );
  const virtualAccount = {
    bankCode: payment.vbank_code,
    bankName: payment.vbank_name,
    accountNumber: payment.vbank_num ?? '',
    holder: payment.vbank_holder,
    dueAt: seconds(payment.vbank_date) ?? null,
  };
  const next = move(
    { order, payment, settledByAnother, ...facts },
    'vbank_issued',
    { virtualAccount },
  );
  return changed('vbank_issued', 'a virtual account was issued', next);
}

function decideFailed(facts: Facts): Decision {
  const reason = facts.payment.fail_reason ?? 'the payment failed';
  // An order waiting for a deposit fails only with its own virtual account.
  if (facts.order.status === 'vbank_issued' && !facts.ownPayment)
    return nothing('failed', reason);
  return changed(
    'failed',
    reason,
    move(facts, 'failed', {
      failedAt: seconds(facts.payment.failed_at),
      reason,
    }),
  );
}

function decideRefunded(facts: Facts): Decision {
  const { payment, remaining, ownPayment } = facts;
  const partial = payment.cancel_amount > 0 && remaining > 0;
  const outcome: VerificationOutcome = partial
    ? 'partially_cancelled'
    : 'cancelled';
  if (facts.settledByAnother) {
    if (remaining > 0) return duplicate(facts);
    return nothing(
      outcome,
      'a refunded payment of an order that another payment settled',
    );
  }
  if (!ownPayment && !partial) {
    // Paid and refunded in full before the order ever saw it: the money is back, the order stays open.
    return nothing(
      'cancelled',
      'the payment was refunded in full before it settled the order',
    );
  }
  const next = move(facts, outcome, {
    cancelledAmount: payment.cancel_amount,
    cancelledAt: seconds(payment.cancelled_at) ?? facts.now,
    // A partial refund of a payment the order never saw also tells that it was paid.
    ...(ownPayment ? {} : { paidAt: seconds(payment.paid_at) }),
    requireSameImpUid: ownPayment,
    requireCancelledAmountBelow:
      payment.cancel_amount > 0 ? payment.cancel_amount : null,
  });
  const reason = partial
    ? `${payment.cancel_amount} of ${payment.amount} refunded`
    : 'refunded in full';
  return changed(outcome, reason, next);
}

function decideForged(facts: Facts): Decision {
  const { order, payment, remaining } = facts;
  const reason = `paid ${payment.amount} ${payment.currency}, the order expects ${order.amount} ${order.currency}`;
  const nothingPaid =
    payment.status === 'failed' ||
    (payment.status === 'ready' && payment.pay_method !== 'vbank');
  if (nothingPaid) return nothing('forgery', `${reason}; nothing was paid`);
  // A virtual account not yet deposited has nothing to refund: flag it now, refund on deposit.
  const refundable = remaining > 0 && payment.status !== 'ready';
  const refund =
    refundable && facts.policy.forgeryPolicy === 'cancel'
      ? refundOf(facts, 'forged amount')
      : null;
  if (facts.settledByAnother)
    return { outcome: 'forgery', reason, refund, transition: null };
  const alreadyRecorded =
    facts.ownPayment &&
    (order.status === 'forgery_cancelled' ||
      (order.status === 'forgery_flagged' && !refund));
  if (alreadyRecorded) return nothing('forgery', `${reason}; already recorded`);
  const moneyBack = refund !== null || remaining === 0;
  const next = move(
    facts,
    moneyBack ? 'forgery_cancelled' : 'forgery_flagged',
    {
      reason,
      ...(moneyBack
        ? { cancelledAmount: payment.amount, cancelledAt: facts.now }
        : {}),
    },
  );
  return { outcome: 'forgery', reason, refund, transition: next };
}

function duplicate(facts: Facts): Decision {
  const refund =
    facts.policy.forgeryPolicy === 'cancel'
      ? refundOf(facts, 'duplicate payment')
      : null;
  const reason = `order ${facts.order.merchantUid} was already settled by ${facts.order.impUid ?? 'another payment'}`;
  return { outcome: 'duplicate_payment', reason, transition: null, refund };
}

/** Refund what is left of the payment; the checksum makes a second, concurrent refund fail instead of paying twice. */
function refundOf({ payment, remaining }: Facts, reason: string): Refund {
  return {
    impUid: payment.imp_uid,
    amount: remaining,
    checksum: remaining,
    reason,
  };
}

function move(
  { order, payment }: Facts,
  to: TargetStatus,
  details: Partial<OrderTransition>,
): OrderTransition {
  return {
    merchantUid: order.merchantUid,
    from: ALLOWED_FROM[to],
    to,
    impUid: payment.imp_uid,
    requireSameImpUid: false,
    requireCancelledAmountBelow: null,
    ...details,
  };
}

function changed(
  outcome: VerificationOutcome,
  reason: string,
  transition: OrderTransition,
): Decision {
  return { outcome, reason, transition, refund: null };
}

function nothing(outcome: VerificationOutcome, reason: string): Decision {
  return { outcome, reason, transition: null, refund: null };
}

/** iamport's timestamps are UNIX seconds, 0 when the event has not happened. */
function seconds(value: number | null | undefined): Date | undefined {
  return value ? new Date(value * 1000) : undefined;
}
