import {
  ALLOWED_FROM,
  SETTLED_STATUSES,
  type TargetStatus,
} from '../ports/order-status.js';
import type {
  IamportOrder,
  OrderTransition,
} from '../ports/order.repository.js';
import type { Decision, Refund } from './decision.js';
import { neverHeldMoney } from './payment-facts.js';
import type { PortOnePayment } from './portone-payment.js';
import type {
  VerificationOutcome,
  VerificationPolicy,
} from './verification-outcome.js';

/** The facts about one (order, payment) pair that every rule below reads. */
interface Facts {
  order: IamportOrder;
  payment: PortOnePayment;
  policy: VerificationPolicy;
  /** Left to refund: amount − cancelledAmount. */
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
  /** The payment as PortOne's API answered it, through its adapter. */
  payment: PortOnePayment;
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
 * Both APIs' payments come through their adapters, so one set of rules decides both.
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
    claimedMerchantUid !== payment.merchantUid
  ) {
    return nothing(
      'merchant_uid_mismatch',
      `the payment belongs to ${payment.merchantUid}, not ${claimedMerchantUid}`,
    );
  }
  if (payment.testChannel && !policy.includeSandbox) {
    return nothing(
      'sandbox_rejected',
      'the payment was made on a test channel',
    );
  }
  const remaining = payment.amount - payment.cancelledAmount;
  if (order === null) return decideUnknownOrder(payment, policy, remaining);
  const ownPayment = order.impUid === payment.impUid;
  const facts: Facts = {
    order,
    payment,
    policy,
    remaining,
    ownPayment,
    settledByAnother: SETTLED_STATUSES.has(order.status) && !ownPayment,
    now,
  };
  return withoutNoOp(order, decideFor(facts));
}

function decideFor(facts: Facts): Decision {
  const { order, payment } = facts;
  const forged =
    payment.amount !== order.amount || payment.currency !== order.currency;
  // A payment that moved no money never blocks, settles or closes an order.
  if (neverHeldMoney(payment)) {
    if (forged)
      return nothing(
        'forgery',
        `${forgeryReason(facts)}; nothing was paid (refunded if it ever is)`,
      );
    if (payment.status === 'ready') return decideReady(facts);
    if (payment.status === 'failed') return decideFailed(facts);
    return decideRevoked(facts);
  }
  if (forged) return decideForged(facts);
  // iamport says `cancelled` for partial refunds too: refunds are read from the amounts.
  if (payment.status === 'cancelled' || payment.cancelledAmount > 0)
    return decideRefunded(facts);
  if (payment.status === 'paid') return decidePaid(facts);
  return nothing('pending', `unknown payment status ${String(payment.status)}`);
}

/** A payment for an order the shop does not know: money nobody accounts for. */
function decideUnknownOrder(
  payment: PortOnePayment,
  policy: VerificationPolicy,
  remaining: number,
): Decision {
  const refund =
    policy.unknownOrderPolicy === 'cancel' &&
    remaining > 0 &&
    !neverHeldMoney(payment)
      ? refundOf(payment, remaining, 'no such order')
      : null;
  return {
    outcome: 'not_found',
    reason: `no order ${payment.merchantUid}`,
    transition: null,
    refund,
  };
}

/**
 * Drops a transition that the order, as loaded, rules out: not allowed from
 * its status, already applied, or behind what the order already recorded of
 * the same payment. The repository refuses a transition kept here when the
 * order changed since it was read; it is then decided again.
 */
function withoutNoOp(order: IamportOrder, decision: Decision): Decision {
  const next = decision.transition;
  if (next === null || canApply(order, next)) return decision;
  return { ...decision, transition: null };
}

/** Whether `transition` moves `order` forward. */
export function canApply(
  order: IamportOrder,
  transition: OrderTransition,
): boolean {
  if (!ALLOWED_FROM[transition.to].includes(order.status)) return false;
  if (order.impUid !== transition.impUid) return true;
  if (transition.cancelledAmount !== order.cancelledAmount)
    return transition.cancelledAmount > order.cancelledAmount;
  return transition.to !== order.status;
}

function decidePaid(facts: Facts): Decision {
  if (facts.settledByAnother) return duplicate(facts);
  const { payment } = facts;
  return changed(
    'paid',
    'paid in full',
    move(facts, 'paid', { paidAt: payment.paidAt }),
  );
}

/** `ready` means "virtual account issued" only with an account; otherwise nothing is paid yet. */
function decideReady(facts: Facts): Decision {
  const { order, payment } = facts;
  if (payment.virtualAccount === null)
    return nothing('pending', 'the payment has not been completed');
  if (facts.settledByAnother)
    return nothing(
      'duplicate_payment',
      `a virtual account was issued for ${order.merchantUid}, already paid`,
    );
  return changed(
    'vbank_issued',
    'a virtual account was issued',
    move(facts, 'vbank_issued', {}),
  );
}

function decideFailed(facts: Facts): Decision {
  const reason = facts.payment.failReason ?? 'the payment failed';
  // An order waiting for a deposit fails only with its own virtual account.
  if (facts.order.status === 'vbank_issued' && !facts.ownPayment)
    return nothing('failed', reason);
  return changed(
    'failed',
    reason,
    move(facts, 'failed', {
      failedAt: facts.payment.failedAt ?? facts.now,
      reason,
    }),
  );
}

/** A virtual account revoked before any deposit: the order it waited for is open again. */
function decideRevoked(facts: Facts): Decision {
  const reason = 'the virtual account was revoked before any deposit';
  if (facts.order.status !== 'vbank_issued' || !facts.ownPayment)
    return nothing('cancelled', `${reason}; nothing was paid`);
  return changed(
    'cancelled',
    reason,
    move(facts, 'failed', {
      failedAt: facts.payment.cancelledAt ?? facts.now,
      reason,
    }),
  );
}

function decideRefunded(facts: Facts): Decision {
  const { payment, remaining, ownPayment } = facts;
  const partial = payment.cancelledAmount > 0 && remaining > 0;
  const outcome: VerificationOutcome = partial
    ? 'partially_cancelled'
    : 'cancelled';
  if (facts.settledByAnother) {
    if (remaining > 0) return duplicate(facts);
    // Still a second payment of a settled order (the redirect of one refunded by its webhook says so too).
    return nothing(
      'duplicate_payment',
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
    paidAt: payment.paidAt,
    cancelledAmount: payment.cancelledAmount,
    cancelledAt: payment.cancelledAt ?? facts.now,
  });
  const reason = partial
    ? `${payment.cancelledAmount} of ${payment.amount} refunded`
    : 'refunded in full';
  return changed(outcome, reason, next);
}

function decideForged(facts: Facts): Decision {
  const { order, payment, remaining } = facts;
  const reason = forgeryReason(facts);
  const refund =
    remaining > 0 && facts.policy.forgeryPolicy === 'cancel'
      ? refundOf(payment, remaining, 'forged amount')
      : null;
  // The order belongs to another payment (settled, or waiting for the buyer's own deposit).
  if (
    facts.settledByAnother ||
    (order.status === 'vbank_issued' && !facts.ownPayment)
  )
    return { outcome: 'forgery', reason, refund, transition: null };
  const alreadyRecorded =
    facts.ownPayment &&
    (order.status === 'forgery_cancelled' ||
      (order.status === 'forgery_flagged' && refund === null && remaining > 0));
  if (alreadyRecorded) return nothing('forgery', `${reason}; already recorded`);
  // Refunded before, and the order has moved on with another payment since (a stale webhook, or
  // reconciliation sweeping the order's payments): recording it again would repeat an old move.
  if (remaining === 0 && !facts.ownPayment && order.status !== 'pending')
    return nothing(
      'forgery',
      `${reason}; refunded before, the order has moved on`,
    );
  const moneyBack = refund !== null || remaining === 0;
  const next = move(
    facts,
    moneyBack ? 'forgery_cancelled' : 'forgery_flagged',
    {
      reason,
      cancelledAmount: moneyBack ? payment.amount : payment.cancelledAmount,
      cancelledAt: moneyBack ? facts.now : null,
    },
  );
  return { outcome: 'forgery', reason, refund, transition: next };
}

function forgeryReason({ order, payment }: Facts): string {
  return `paid ${payment.amount} ${payment.currency}, the order expects ${order.amount} ${order.currency}`;
}

function duplicate(facts: Facts): Decision {
  const refund =
    facts.policy.forgeryPolicy === 'cancel'
      ? refundOf(facts.payment, facts.remaining, 'duplicate payment')
      : null;
  const reason = `order ${facts.order.merchantUid} was already settled by ${facts.order.impUid ?? 'another payment'}`;
  return { outcome: 'duplicate_payment', reason, transition: null, refund };
}

/** Refund what is left of the payment; the checksum makes a second, concurrent refund fail instead of paying twice. */
function refundOf(
  payment: PortOnePayment,
  remaining: number,
  reason: string,
): Refund {
  return {
    impUid: payment.impUid,
    amount: remaining,
    checksum: remaining,
    reason,
  };
}

/** A transition that sets every field the order's payment state owns: what is not given is cleared. */
function move(
  { order, payment }: Facts,
  to: TargetStatus,
  details: Partial<
    Pick<
      OrderTransition,
      'paidAt' | 'failedAt' | 'cancelledAt' | 'cancelledAmount' | 'reason'
    >
  >,
): OrderTransition {
  return {
    merchantUid: order.merchantUid,
    expectedVersion: order.version,
    to,
    impUid: payment.impUid,
    paidAt: null,
    failedAt: null,
    cancelledAt: null,
    cancelledAmount: 0,
    virtualAccount: payment.virtualAccount,
    reason: null,
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
