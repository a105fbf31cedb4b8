import type { PaymentHistory, V2WebhookTally } from './runner.js';
import type { OrderRow, SimPayment, World } from './world.js';

/**
 * The module's promise, as checks on the state at quiescence: every payment
 * that holds money either settles its own order exactly once, or is refunded,
 * or is flagged for a person; nothing is fulfilled against money iamport no
 * longer holds. Pure: (what the simulator and the database hold) → violations.
 */
export type InvariantId =
  '1' | '2' | '3' | '4' | '5' | 'L' | 'S' | 'T' | 'Q' | 'H';

export const INVARIANTS: Record<InvariantId, string> = {
  '1': 'every payment that holds money settles its own order or is flagged for a person',
  '2': 'every paid or partially cancelled order is settled by a payment that still holds exactly what the order says',
  '3': 'no payment is refunded twice, nor more than it was paid',
  '4': 'each handler runs once per transition, and every event is delivered',
  '5': 'nothing is fulfilled against money iamport no longer holds',
  L: 'the payment ledger (iamport_payments) knows every payment that holds money, as iamport last reported it',
  S: 'a PortOne V2 webhook without PortOne’s signature (another key, a stale timestamp, a tampered body) is answered 401 and changes nothing: not even recorded',
  T: 'a PortOne V2 payment on a test channel is refused: it moves no order, and is neither recorded, refunded nor handled',
  Q: 'quiescence: every request answered, every outbox event delivered, the reconciliation run succeeded',
  H: 'harness self-check: the simulator holds exactly the payments the harness made',
};

export interface Violation {
  invariant: InvariantId;
  merchantUid: string | null;
  impUid: string | null;
  /** What is wrong, with the figures. */
  message: string;
  /** The situation without the particulars: equal for the same bug in another order (distinct violations). */
  kind: string;
}

const SETTLING = new Set(['paid', 'partially_cancelled']);
/** Statuses in which an order belongs to the payment that moved it there (refunded or not). */
const SETTLED = new Set(['paid', 'partially_cancelled', 'cancelled']);

/** The sample app's handler of each event type, as it stood when this suite was written (`failed` had none). */
export const HANDLER_OF: Readonly<Record<string, string | null>> = {
  paid: 'ship',
  vbank_issued: 'awaitDeposit',
  cancelled: 'stop',
  forgery: 'hold',
  failed: null,
};

const EVENT_OF_DECORATOR: Readonly<Record<string, string>> = {
  Paid: 'paid',
  VbankIssued: 'vbank_issued',
  Cancelled: 'cancelled',
  Forgery: 'forgery',
  Failed: 'failed',
};

/**
 * The handler of each event type as the sample app's source declares it
 * (`@OnIamportPaid() … handled.once(event, 'ship', …)`): the app the suite
 * runs is built from it. Falls back to HANDLER_OF for what it cannot read.
 */
export function handlersIn(source: string): Record<string, string | null> {
  const handlers: Record<string, string | null> = { ...HANDLER_OF };
  const pattern =
    /@OnIamport(\w+)\(\)[\s\S]*?handled\.once\(\s*event,\s*'(\w+)'/g;
  for (const [, decorator, handler] of source.matchAll(pattern)) {
    const type = EVENT_OF_DECORATOR[decorator];
    if (type) handlers[type] = handler;
  }
  return handlers;
}

/** The module's own refunds say why (`forged amount`, `duplicate payment`); the console's do not. */
const MODULE_REFUND = /forged|duplicate/i;

/**
 * What iamport holds of a payment: money came in (`paid_at`: a card approved,
 * a virtual account deposited) and was not all refunded. A revoked virtual
 * account reads `cancelled` with `cancel_amount` 0 but never held anything.
 */
export function heldBy(payment: SimPayment): number {
  // A V2 test channel moves no real money (and the shop refuses such payments).
  if (payment.test) return 0;
  if (!payment.paid_at) return 0;
  if (payment.status !== 'paid' && payment.status !== 'cancelled') return 0;
  return Math.max(0, payment.amount - payment.cancel_amount);
}

export function moduleRefunds(payment: SimPayment) {
  return payment.cancel_history.filter((entry) =>
    MODULE_REFUND.test(entry.reason ?? ''),
  );
}

function describePayment(payment: SimPayment, order: OrderRow | undefined) {
  const forged = order && payment.amount !== order.amount ? 'forged ' : '';
  const method =
    payment.pay_method === 'vbank' ? 'deposited virtual account' : 'card';
  const refunded =
    payment.cancel_amount >= payment.amount ? ' refunded in full' : '';
  const v2 =
    payment.api === 'v2' ? `V2 ${payment.test ? 'test-channel ' : ''}` : '';
  return `${v2}${forged}${method}${refunded}`;
}

/** How the apps answered the notifications of a payment: the facts a diagnosis starts from. */
function describeAnswers(history: PaymentHistory | undefined): string {
  const answered = [...new Set(history?.answered ?? [])];
  return answered.length === 0
    ? 'no notification of it answered'
    : `answered ${answered.join(', ')}`;
}

function describeRefund(history: PaymentHistory | undefined): string {
  if (!history || history.refundNotified === null) return '';
  return history.refundNotified
    ? ' (its console refund was notified)'
    : ' (its console refund was never notified)';
}

/** Where the order stands with respect to a payment that is not settling it. */
function describeOrder(order: OrderRow | undefined, impUid: string): string {
  if (!order) return 'no order';
  if (order.imp_uid !== impUid && SETTLED.has(order.status))
    return 'the order is settled by another payment';
  const by =
    order.imp_uid === impUid
      ? ' by it'
      : order.imp_uid
        ? ' by another payment'
        : '';
  return `the order is ${order.status}${by}`;
}

function paymentFigures(payment: SimPayment): string {
  const v2 =
    payment.api === 'v2'
      ? `V2 ${payment.v2_status ?? '?'}${payment.test ? ' on a TEST channel' : ''}, `
      : '';
  return `${payment.imp_uid} (${v2}${payment.pay_method}, ${payment.status}, amount ${payment.amount}, cancel_amount ${payment.cancel_amount})`;
}

function orderFigures(order: OrderRow | undefined): string {
  if (!order) return 'no order row';
  return `order ${order.status} (imp_uid ${order.imp_uid ?? 'null'}, amount ${order.amount}, cancelled_amount ${order.cancelled_amount}, fulfilment ${order.fulfilment})`;
}

export function checkWorld(
  world: World,
  /** merchant_uid → the imp_uids the harness created for it. */
  created: Map<string, string[]>,
  /** imp_uid → how its notifications were answered. */
  histories: Map<string, PaymentHistory> = new Map(),
  /** The handler of each event type. */
  handlerOf: Readonly<Record<string, string | null>> = HANDLER_OF,
): Violation[] {
  const violations: Violation[] = [];
  const add = (violation: Violation) => violations.push(violation);
  const byImpUid = new Map(
    world.payments.map((payment) => [payment.imp_uid, payment]),
  );

  // H: the harness's own bookkeeping (a failure here is a harness bug, not the product's).
  for (const merchantUid of world.merchantUids) {
    if (!world.orders.has(merchantUid))
      add({
        invariant: 'H',
        merchantUid,
        impUid: null,
        message: 'the order row is missing',
        kind: 'H: order row missing',
      });
    const made = [...(created.get(merchantUid) ?? [])].sort();
    const held = world.payments
      .filter((payment) => payment.merchant_uid === merchantUid)
      .map((payment) => payment.imp_uid)
      .sort();
    if (JSON.stringify(made) !== JSON.stringify(held))
      add({
        invariant: 'H',
        merchantUid,
        impUid: null,
        message: `the harness made ${JSON.stringify(made)}, the simulator holds ${JSON.stringify(held)}`,
        kind: 'H: payments differ from those the harness made',
      });
  }

  // L: the ledger exists at all.
  if (!world.ledger.present)
    add({
      invariant: 'L',
      merchantUid: null,
      impUid: null,
      message: `the payment ledger cannot be read: ${world.ledger.why}. No payment can be "flagged for a person" (invariant 1 counts none), and the ledger checks cannot hold.`,
      kind: 'L: the table iamport_payments is missing',
    });

  for (const payment of world.payments) {
    const order = world.orders.get(payment.merchant_uid);
    const held = heldBy(payment);
    const ledgerRow = world.ledger.present
      ? world.ledger.rows.get(payment.imp_uid)
      : undefined;

    // 1: money held is accounted for.
    if (held > 0) {
      const settles =
        order !== undefined &&
        order.imp_uid === payment.imp_uid &&
        SETTLING.has(order.status) &&
        order.amount === payment.amount;
      const flagged = ledgerRow?.disposition === 'flagged';
      if (!settles && !flagged) {
        const ledgerState = !world.ledger.present
          ? ''
          : ledgerRow
            ? `; ledger says ${ledgerRow.disposition}`
            : '; not in the ledger';
        add({
          invariant: '1',
          merchantUid: payment.merchant_uid,
          impUid: payment.imp_uid,
          message: `${paymentFigures(payment)} holds ${held}, but it does not settle the order (${orderFigures(order)}) and is not flagged for a person${ledgerState}`,
          kind: `1: ${describePayment(payment, order)} holds money, ${describeAnswers(histories.get(payment.imp_uid))}; ${describeOrder(order, payment.imp_uid)}${ledgerState}`,
        });
      }
    }

    // L: the ledger knows it, as iamport last said.
    if (world.ledger.present && held > 0) {
      if (!ledgerRow)
        add({
          invariant: 'L',
          merchantUid: payment.merchant_uid,
          impUid: payment.imp_uid,
          message: `${paymentFigures(payment)} holds ${held} and has no iamport_payments row`,
          kind: `L: ${describePayment(payment, order)} holding money has no ledger row`,
        });
      else if (
        ledgerRow.cancelled_amount !== payment.cancel_amount ||
        ledgerRow.status !== payment.status
      )
        add({
          invariant: 'L',
          merchantUid: payment.merchant_uid,
          impUid: payment.imp_uid,
          message: `${paymentFigures(payment)}: the ledger says status ${ledgerRow.status}, cancelled_amount ${ledgerRow.cancelled_amount} (disposition ${ledgerRow.disposition})`,
          kind: `L: ledger row out of date (${ledgerRow.status} → ${payment.status})`,
        });
      else if (
        ledgerRow.disposition === 'refunded' ||
        ledgerRow.disposition === 'no_money'
      )
        add({
          invariant: 'L',
          merchantUid: payment.merchant_uid,
          impUid: payment.imp_uid,
          message: `${paymentFigures(payment)} holds ${held}, but the ledger says ${ledgerRow.disposition}`,
          kind: `L: ledger says ${ledgerRow.disposition} of a payment that holds money`,
        });
    }
    if (
      ledgerRow?.disposition === 'settles_order' &&
      order?.imp_uid !== payment.imp_uid
    )
      add({
        invariant: 'L',
        merchantUid: payment.merchant_uid,
        impUid: payment.imp_uid,
        message: `the ledger says ${payment.imp_uid} settles the order, but ${orderFigures(order)}`,
        kind: 'L: ledger says settles_order of a payment the order does not name',
      });

    // T: a test-channel payment is refused: nothing moves, nothing is kept of it.
    if (payment.test) {
      const problems = [
        order?.imp_uid === payment.imp_uid
          ? `the order names it (${orderFigures(order)})`
          : null,
        ledgerRow ? `the ledger has it (${ledgerRow.disposition})` : null,
        world.outbox.some((event) => event.imp_uid === payment.imp_uid)
          ? `events were committed for it (${world.outbox
              .filter((event) => event.imp_uid === payment.imp_uid)
              .map((event) => event.type)
              .join(', ')})`
          : null,
        moduleRefunds(payment).length > 0 ? 'the module refunded it' : null,
      ].filter((problem): problem is string => problem !== null);
      for (const problem of problems)
        add({
          invariant: 'T',
          merchantUid: payment.merchant_uid,
          impUid: payment.imp_uid,
          message: `${paymentFigures(payment)} is a test-channel payment, yet ${problem}`,
          kind: `T: a test-channel payment was not refused: ${problem.replace(/ \(.*\)$/, '')}`,
        });
    }

    // 3: refunds happen once, and never beyond the amount.
    if (payment.cancel_amount > payment.amount)
      add({
        invariant: '3',
        merchantUid: payment.merchant_uid,
        impUid: payment.imp_uid,
        message: `${paymentFigures(payment)}: more cancelled than paid`,
        kind: '3: cancelled more than paid',
      });
    const automatic = moduleRefunds(payment);
    if (automatic.length > 1)
      add({
        invariant: '3',
        merchantUid: payment.merchant_uid,
        impUid: payment.imp_uid,
        message: `${paymentFigures(payment)} was refunded ${automatic.length} times by the module: ${JSON.stringify(automatic.map((entry) => [entry.amount, entry.reason]))}`,
        kind: `3: refunded ${automatic.length > 2 ? 'more than twice' : 'twice'} by the module`,
      });
    if (
      automatic.length > 0 &&
      order?.imp_uid === payment.imp_uid &&
      SETTLING.has(order.status)
    )
      add({
        invariant: '3',
        merchantUid: payment.merchant_uid,
        impUid: payment.imp_uid,
        message: `the module refunded ${paymentFigures(payment)} (${JSON.stringify(automatic.map((entry) => [entry.amount, entry.reason]))}), yet it settles the ${orderFigures(order)}`,
        kind: `3: the module refunded the payment that settles its order (${order.status})`,
      });
  }

  for (const order of world.orders.values()) {
    // 2: a settled order is backed by its own payment, as it says.
    if (SETTLING.has(order.status)) {
      const payment = order.imp_uid ? byImpUid.get(order.imp_uid) : undefined;
      const problem = !payment
        ? {
            message: `names ${order.imp_uid ?? 'no payment'}, which iamport does not have for it`,
            kind: 'names no payment of its own',
          }
        : payment.amount !== order.amount
          ? {
              message: `is settled by ${paymentFigures(payment)}, of another amount`,
              kind: 'settled by a payment of another amount',
            }
          : heldBy(payment) === 0
            ? {
                message: `is settled by ${paymentFigures(payment)}, which holds nothing`,
                kind: `its payment holds nothing (${describePayment(payment, order)})${describeRefund(histories.get(payment.imp_uid))}`,
              }
            : payment.cancel_amount !== order.cancelled_amount
              ? {
                  message: `says cancelled_amount ${order.cancelled_amount}, but ${paymentFigures(payment)}`,
                  kind:
                    payment.cancel_amount > order.cancelled_amount
                      ? `misses a partial refund of its payment${describeRefund(histories.get(payment.imp_uid))}`
                      : world.outbox.some(
                            (event) =>
                              event.merchant_uid === order.merchant_uid &&
                              event.type === 'forgery' &&
                              event.cancelledAmount === order.cancelled_amount,
                          )
                        ? 'records more refund than iamport did: the cancelled_amount of an earlier refunded forgery'
                        : 'records more refund than iamport did',
                }
              : null;
      if (problem)
        add({
          invariant: '2',
          merchantUid: order.merchant_uid,
          impUid: order.imp_uid,
          message: `the ${orderFigures(order)} ${problem.message}`,
          kind: `2: order ${order.status} ${problem.kind}`,
        });
    }

    // 5: nothing ships without the money.
    if (order.fulfilment === 'ready_to_ship') {
      const payment = order.imp_uid ? byImpUid.get(order.imp_uid) : undefined;
      if (!SETTLING.has(order.status))
        add({
          invariant: '5',
          merchantUid: order.merchant_uid,
          impUid: order.imp_uid,
          message: `the ${orderFigures(order)} is ready to ship`,
          kind: `5: ready_to_ship while the order is ${order.status}`,
        });
      else if (!payment || heldBy(payment) === 0)
        add({
          invariant: '5',
          merchantUid: order.merchant_uid,
          impUid: order.imp_uid,
          message: `the ${orderFigures(order)} is ready to ship, but ${payment ? `${paymentFigures(payment)} holds nothing` : 'iamport has no such payment'}`,
          kind: `5: ready_to_ship (order ${order.status}) against a payment that holds nothing${payment ? describeRefund(histories.get(payment.imp_uid)) : ''}`,
        });
    }
  }

  // 4: every transition's event delivered, its handler once; nothing handled that was not an event.
  const eventIds = new Set(world.outbox.map((event) => event.id));
  const transitions = new Map<string, number>();
  for (const event of world.outbox) {
    const handler = handlerOf[event.type];
    const rows = world.handled.filter((row) => row.event_id === event.id);
    const about = `the ${event.type} event ${event.id} of ${event.imp_uid} (to ${event.to ?? '?'})`;
    if (!event.delivered)
      add({
        invariant: '4',
        merchantUid: event.merchant_uid,
        impUid: event.imp_uid,
        message: `${about} was never marked delivered (${event.attempts} redelivery attempts)`,
        kind: `4: ${event.type} event never delivered`,
      });
    if (handler === undefined)
      add({
        invariant: '4',
        merchantUid: event.merchant_uid,
        impUid: event.imp_uid,
        message: `${about} has a type no handler is known for`,
        kind: `4: unknown event type ${event.type}`,
      });
    else if (
      handler !== null &&
      !rows.some((row) => row.handler === handler) &&
      event.delivered
    )
      add({
        invariant: '4',
        merchantUid: event.merchant_uid,
        impUid: event.imp_uid,
        message: `${about} was delivered, but its handler ${handler} has no handled_events row`,
        kind: `4: ${event.type} delivered without its handler ${handler}`,
      });
    for (const row of rows.filter((row) => row.handler !== handler))
      add({
        invariant: '4',
        merchantUid: event.merchant_uid,
        impUid: event.imp_uid,
        message: `${about} was handled by ${row.handler}`,
        kind: `4: ${event.type} event handled by ${row.handler}`,
      });
    const key = [
      event.merchant_uid,
      event.type,
      event.imp_uid,
      event.to,
      event.cancelledAmount,
    ].join(' ');
    transitions.set(key, (transitions.get(key) ?? 0) + 1);
    if (transitions.get(key) === 2)
      add({
        invariant: '4',
        merchantUid: event.merchant_uid,
        impUid: event.imp_uid,
        message: `the same transition (${event.type} to ${event.to ?? '?'} by ${event.imp_uid}${event.cancelledAmount !== null ? `, cancelled_amount ${event.cancelledAmount}` : ''}) was committed twice`,
        kind: `4: the same ${event.type} transition committed twice`,
      });
  }
  for (const row of world.handled)
    if (!eventIds.has(row.event_id))
      add({
        invariant: '4',
        merchantUid: row.merchant_uid,
        impUid: null,
        message: `handled_events has ${row.handler} for event ${row.event_id} (${row.type}), which is no outbox event`,
        kind: `4: ${row.handler} ran for an event that is not in the outbox`,
      });

  return violations;
}

/**
 * S: every forged V2 webhook was answered 401, and none was let in: the
 * apps recorded no more webhooks of an order than the validly signed ones the
 * harness (or the simulator) delivered. (A webhook that passes the signature
 * check is always recorded, with its outcome or as `unconfirmed`.)
 */
export function checkSignatures(
  world: World,
  /** merchant_uid → the V2 webhooks sent for it. */
  sent: Map<string, V2WebhookTally>,
): Violation[] {
  const violations: Violation[] = [];
  for (const [merchantUid, tally] of sent) {
    for (const forged of tally.forged) {
      const wrong = forged.statuses.filter(
        (status) => status !== null && status !== 401,
      );
      if (wrong.length > 0)
        violations.push({
          invariant: 'S',
          merchantUid,
          impUid: forged.impUid,
          message: `a ${forged.fault} webhook of ${forged.impUid} to app-${forged.target + 1} was answered ${wrong.join(', ')}, not 401`,
          kind: `S: a ${forged.fault} webhook was answered ${[...new Set(wrong)].join('/')}, not 401`,
        });
    }
    const recorded = world.webhooksRecorded.get(merchantUid) ?? 0;
    if (recorded > tally.authentic)
      violations.push({
        invariant: 'S',
        merchantUid,
        impUid: null,
        message: `the apps recorded ${recorded} webhooks of the order, but only ${tally.authentic} validly signed ones were delivered (and ${tally.forged.length} forged ones): a forged webhook was let in`,
        kind: 'S: more webhooks recorded than validly signed ones delivered',
      });
  }
  return violations;
}
