/**
 * The invariant checks themselves, without any server: a world built to keep
 * the promise passes every check, and each way of breaking it is reported
 * under the invariant it breaks. (A harness that reported a bug that is not
 * there, or missed one that is, would make promise.e2e-spec.ts worthless.)
 */
import { fc, test } from '@fast-check/vitest';
import { checkSignatures, checkWorld, HANDLER_OF } from './invariants.js';
import type { PaymentHistory, V2WebhookTally } from './runner.js';
import type {
  HandledRow,
  LedgerRow,
  OrderRow,
  OutboxRow,
  SimPayment,
  World,
} from './world.js';

/** How an order ended, in a world that keeps the promise. */
type Ending =
  | { kind: 'open' }
  | { kind: 'settled'; refunded: number }
  | { kind: 'cancelled' }
  | { kind: 'forgery_cancelled' };

interface OrderSpec {
  /** V2: its payments are attempts of one paymentId, as the module reads them (PARTIAL_CANCELLED is `paid`). */
  api?: 'v1' | 'v2';
  amount: number;
  ending: Ending;
  /** Other payments of the order: refunded by the module, failed, flagged for a person, or (V2) paid on a test channel and refused. */
  others: Array<'duplicate_refunded' | 'failed' | 'flagged' | 'test_channel'>;
}

const orderSpec: fc.Arbitrary<OrderSpec> = fc
  .record({
    amount: fc.integer({ min: 10, max: 500 }).map((hundreds) => hundreds * 100),
    ending: fc.oneof(
      fc.constant<Ending>({ kind: 'open' }),
      fc
        .integer({ min: 0, max: 9 })
        .map<Ending>((tenths) => ({ kind: 'settled', refunded: tenths })),
      fc.constant<Ending>({ kind: 'cancelled' }),
      fc.constant<Ending>({ kind: 'forgery_cancelled' }),
    ),
    others: fc.array(
      fc.constantFrom(
        'duplicate_refunded',
        'failed',
        'flagged',
        'test_channel',
      ),
      {
        maxLength: 3,
      },
    ),
    api: fc.constantFrom('v1', 'v2'),
  })
  .map((spec) => ({
    ...spec,
    // V1 has no test channels in this model.
    others:
      spec.api === 'v1'
        ? spec.others.filter((other) => other !== 'test_channel')
        : spec.others,
  }))
  .map((spec) => spec as OrderSpec);

let counter = 0;
const impUid = () => `imp_${String(++counter).padStart(12, '0')}`;

function payment(
  merchantUid: string,
  amount: number,
  status: string,
  cancelled: Array<[number, string]> = [],
): SimPayment {
  return {
    imp_uid: impUid(),
    merchant_uid: merchantUid,
    pay_method: 'card',
    amount,
    currency: 'KRW',
    status,
    cancel_amount: cancelled.reduce((sum, [amount]) => sum + amount, 0),
    paid_at: status === 'failed' || status === 'ready' ? 0 : 1_700_000_000,
    cancel_history: cancelled.map(([amount, reason]) => ({ amount, reason })),
  };
}

/** A world that keeps every invariant, by construction. */
function buildWorld(specs: OrderSpec[]): {
  world: World;
  created: Map<string, string[]>;
} {
  const orders = new Map<string, OrderRow>();
  const payments: SimPayment[] = [];
  const outbox: OutboxRow[] = [];
  const handled: HandledRow[] = [];
  const ledger = new Map<string, LedgerRow>();
  const created = new Map<string, string[]>();
  const event = (
    merchantUid: string,
    type: string,
    paymentId: string,
    to: string,
    cancelledAmount: number | null,
  ) => {
    const id = `event-${++counter}`;
    outbox.push({
      id,
      type,
      merchant_uid: merchantUid,
      imp_uid: paymentId,
      to,
      cancelledAmount,
      delivered: true,
      attempts: 0,
    });
    const handler = HANDLER_OF[type];
    if (handler)
      handled.push({
        event_id: id,
        handler,
        merchant_uid: merchantUid,
        type,
        deliveries: 1,
      });
  };
  const record = (
    p: SimPayment,
    disposition: string,
    reason: string | null = null,
  ) =>
    ledger.set(p.imp_uid, {
      imp_uid: p.imp_uid,
      merchant_uid: p.merchant_uid,
      amount: p.amount,
      cancelled_amount: p.cancel_amount,
      status: p.status,
      disposition,
      reason,
    });
  specs.forEach((spec, index) => {
    const merchantUid = `order_${String(index).padStart(24, '0')}`;
    const order: OrderRow = {
      merchant_uid: merchantUid,
      amount: spec.amount,
      status: 'pending',
      imp_uid: null,
      cancelled_amount: 0,
      fulfilment: 'none',
      failure_reason: null,
      version: 1,
    };
    const own: SimPayment[] = [];
    const settled = spec.ending.kind === 'settled';
    const v2 = spec.api === 'v2';
    if (spec.ending.kind === 'settled') {
      const refunded = Math.floor((spec.amount * spec.ending.refunded) / 10);
      const p = payment(
        merchantUid,
        spec.amount,
        // iamport says cancelled after a partial refund; V2's PARTIAL_CANCELLED reads as paid.
        refunded > 0 && !v2 ? 'cancelled' : 'paid',
        refunded > 0 ? [[refunded, 'console refund']] : [],
      );
      own.push(p);
      record(p, 'settles_order');
      Object.assign(order, {
        status: refunded > 0 ? 'partially_cancelled' : 'paid',
        imp_uid: p.imp_uid,
        cancelled_amount: refunded,
        fulfilment: 'ready_to_ship',
      });
      event(merchantUid, 'paid', p.imp_uid, 'paid', null);
      if (refunded > 0)
        event(
          merchantUid,
          'cancelled',
          p.imp_uid,
          'partially_cancelled',
          refunded,
        );
    } else if (spec.ending.kind === 'cancelled') {
      const p = payment(merchantUid, spec.amount, 'cancelled', [
        [spec.amount, 'console refund'],
      ]);
      own.push(p);
      record(p, 'refunded');
      Object.assign(order, {
        status: 'cancelled',
        imp_uid: p.imp_uid,
        cancelled_amount: spec.amount,
        fulfilment: 'cancelled',
      });
      event(merchantUid, 'paid', p.imp_uid, 'paid', null);
      event(merchantUid, 'cancelled', p.imp_uid, 'cancelled', spec.amount);
    } else if (spec.ending.kind === 'forgery_cancelled') {
      const forged = spec.amount + 100;
      const p = payment(merchantUid, forged, 'cancelled', [
        [forged, 'forged amount'],
      ]);
      own.push(p);
      record(p, 'refunded');
      Object.assign(order, {
        status: 'forgery_cancelled',
        imp_uid: p.imp_uid,
        cancelled_amount: forged,
        fulfilment: 'held',
      });
      event(merchantUid, 'forgery', p.imp_uid, 'forgery_cancelled', forged);
    }
    for (const other of spec.others) {
      if (other === 'failed') {
        const p = payment(merchantUid, spec.amount, 'failed');
        own.push(p);
        record(p, 'no_money');
      } else if (other === 'duplicate_refunded') {
        const p = payment(merchantUid, spec.amount, 'cancelled', [
          [spec.amount, settled ? 'duplicate payment' : 'forged amount'],
        ]);
        own.push(p);
        record(p, 'refunded');
      } else if (other === 'test_channel') {
        // Refused (sandbox_rejected): no ledger row, no event, no refund.
        own.push({ ...payment(merchantUid, spec.amount, 'paid'), test: true });
      } else {
        const p = payment(merchantUid, spec.amount, 'paid');
        own.push(p);
        record(p, 'flagged', 'iamport refused the refund');
      }
    }
    if (v2)
      for (const p of own) {
        p.api = 'v2';
        p.v2_status =
          p.status === 'paid'
            ? p.cancel_amount > 0
              ? 'PARTIAL_CANCELLED'
              : 'PAID'
            : p.status.toUpperCase();
      }
    orders.set(merchantUid, order);
    payments.push(...own);
    created.set(
      merchantUid,
      own.map((p) => p.imp_uid),
    );
  });
  return {
    world: {
      merchantUids: [...orders.keys()],
      orders,
      payments,
      outbox,
      handled,
      ledger: { present: true, rows: ledger },
      webhooksRecorded: new Map(),
    },
    created,
  };
}

const specs = fc.array(orderSpec, { minLength: 1, maxLength: 12 });

/** One way of breaking the promise, and the invariant that must then report it. */
interface Breakage {
  name: string;
  invariant: string;
  /** Breaks the world; false when this world has nothing it applies to. */
  apply(world: World, pick: number): boolean;
}

const nth = <T>(items: T[], pick: number): T | undefined =>
  items.length === 0 ? undefined : items[pick % items.length];

const settledOrders = (world: World) =>
  [...world.orders.values()].filter((order) =>
    ['paid', 'partially_cancelled'].includes(order.status),
  );

const BREAKAGES: Breakage[] = [
  {
    name: 'a flagged payment loses its ledger flag',
    invariant: '1',
    apply(world, pick) {
      if (!world.ledger.present) return false;
      const row = nth(
        [...world.ledger.rows.values()].filter(
          (candidate) => candidate.disposition === 'flagged',
        ),
        pick,
      );
      if (!row) return false;
      row.disposition = 'settles_order';
      return true;
    },
  },
  {
    name: 'a paid payment nobody looked at (no ledger row, not the order’s)',
    invariant: '1',
    apply(world, pick) {
      const order = nth([...world.orders.values()], pick);
      if (!order) return false;
      world.payments.push(payment(order.merchant_uid, order.amount, 'paid'));
      return true;
    },
  },
  {
    name: 'a settled order misses a partial refund',
    invariant: '2',
    apply(world, pick) {
      const order = nth(settledOrders(world), pick);
      const p = world.payments.find(
        (candidate) => candidate.imp_uid === order?.imp_uid,
      );
      if (!order || !p || p.amount - p.cancel_amount < 2) return false;
      p.cancel_amount += 1;
      p.status = 'cancelled';
      p.cancel_history.push({ amount: 1, reason: 'console refund' });
      return true;
    },
  },
  {
    name: 'a settled order whose payment was refunded in full',
    invariant: '5',
    apply(world, pick) {
      const order = nth(settledOrders(world), pick);
      const p = world.payments.find(
        (candidate) => candidate.imp_uid === order?.imp_uid,
      );
      if (!order || !p) return false;
      p.cancel_history.push({
        amount: p.amount - p.cancel_amount,
        reason: 'console refund',
      });
      p.cancel_amount = p.amount;
      p.status = 'cancelled';
      return true;
    },
  },
  {
    name: 'a payment refunded twice by the module',
    invariant: '3',
    apply(world, pick) {
      const p = nth(
        world.payments.filter((candidate) =>
          candidate.cancel_history.some((entry) =>
            /forged|duplicate/.test(entry.reason ?? ''),
          ),
        ),
        pick,
      );
      if (!p) return false;
      p.cancel_history.push({ amount: 0, reason: 'duplicate payment' });
      return true;
    },
  },
  {
    name: 'an event never delivered',
    invariant: '4',
    apply(world, pick) {
      const event = nth(world.outbox, pick);
      if (!event) return false;
      event.delivered = false;
      return true;
    },
  },
  {
    name: 'a handler that never ran',
    invariant: '4',
    apply(world, pick) {
      const row = nth(world.handled, pick);
      if (!row) return false;
      world.handled.splice(world.handled.indexOf(row), 1);
      return true;
    },
  },
  {
    name: 'a transition committed twice',
    invariant: '4',
    apply(world, pick) {
      const event = nth(world.outbox, pick);
      if (!event) return false;
      world.outbox.push({ ...event, id: `${event.id}-again` });
      return true;
    },
  },
  {
    name: 'an order shipped without a settling payment',
    invariant: '5',
    apply(world, pick) {
      const order = nth(
        [...world.orders.values()].filter(
          (candidate) =>
            !['paid', 'partially_cancelled'].includes(candidate.status),
        ),
        pick,
      );
      if (!order) return false;
      order.fulfilment = 'ready_to_ship';
      return true;
    },
  },
  {
    name: 'a V2 test-channel payment settles its order',
    invariant: 'T',
    apply(world, pick) {
      const p = nth(
        world.payments.filter((candidate) => candidate.test),
        pick,
      );
      const order = p && world.orders.get(p.merchant_uid);
      if (!p || !order || order.status !== 'pending') return false;
      Object.assign(order, {
        status: 'paid',
        imp_uid: p.imp_uid,
        fulfilment: 'ready_to_ship',
      });
      return true;
    },
  },
  {
    name: 'a V2 test-channel payment is kept in the ledger as settling its order',
    invariant: 'T',
    apply(world, pick) {
      const p = nth(
        world.payments.filter((candidate) => candidate.test),
        pick,
      );
      if (!p || !world.ledger.present) return false;
      world.ledger.rows.set(p.imp_uid, {
        imp_uid: p.imp_uid,
        merchant_uid: p.merchant_uid,
        amount: p.amount,
        cancelled_amount: p.cancel_amount,
        status: p.status,
        disposition: 'flagged',
        reason: 'paid on a test channel',
      });
      return true;
    },
  },
  {
    name: 'the ledger is out of date',
    invariant: 'L',
    apply(world, pick) {
      if (!world.ledger.present) return false;
      const order = nth(settledOrders(world), pick);
      const row = order && world.ledger.rows.get(order.imp_uid!);
      if (!row) return false;
      row.cancelled_amount += 1;
      return true;
    },
  },
];

describe('the invariant checks (no servers)', () => {
  test.prop([specs])('a world that keeps the promise passes', (orders) => {
    const { world, created } = buildWorld(orders);
    expect(
      checkWorld(world, created, new Map<string, PaymentHistory>()),
    ).toEqual([]);
  });

  test.prop([specs, fc.constantFrom(...BREAKAGES), fc.nat()])(
    'each way of breaking it is reported under its invariant',
    (orders, breakage, pick) => {
      const { world, created } = buildWorld(orders);
      fc.pre(breakage.apply(world, pick));
      const found = checkWorld(world, created).map(
        (violation) => violation.invariant,
      );
      expect(found, breakage.name).toContain(breakage.invariant);
    },
  );

  it('a missing ledger table is one clear violation, and flags count for nothing', () => {
    const { world, created } = buildWorld([
      {
        amount: 1000,
        ending: { kind: 'settled', refunded: 0 },
        others: ['flagged'],
      },
    ]);
    world.ledger = { present: false, why: 'no such table: iamport_payments' };
    const found = checkWorld(world, created);
    expect(found.map((violation) => violation.invariant).sort()).toEqual([
      '1',
      'L',
    ]);
    expect(
      found.find((violation) => violation.invariant === 'L')?.message,
    ).toMatch(/no such table: iamport_payments/);
  });

  it('a revoked virtual account holds nothing', () => {
    const { world, created } = buildWorld([
      { amount: 1000, ending: { kind: 'open' }, others: [] },
    ]);
    const revoked: SimPayment = {
      ...payment(world.merchantUids[0], 1000, 'cancelled'),
      pay_method: 'vbank',
      paid_at: 0,
    };
    world.payments.push(revoked);
    created.get(world.merchantUids[0])!.push(revoked.imp_uid);
    expect(checkWorld(world, created)).toEqual([]);
  });
  describe('forged V2 webhooks (invariant S)', () => {
    const tally = (
      statuses: Array<number | null>,
      authentic: number,
    ): V2WebhookTally => ({
      authentic,
      forged: [
        {
          impUid: 'tx-1',
          fault: 'bad_signature',
          target: 0,
          statuses,
          error: null,
        },
      ],
    });
    const world = (recorded: number) => {
      const { world } = buildWorld([
        { api: 'v2', amount: 1000, ending: { kind: 'open' }, others: [] },
      ]);
      world.webhooksRecorded.set(world.merchantUids[0], recorded);
      return world;
    };

    it('refused with 401, and not recorded: nothing to report', () => {
      const w = world(2);
      expect(
        checkSignatures(w, new Map([[w.merchantUids[0], tally([401], 2)]])),
      ).toEqual([]);
    });

    it('a forged webhook answered 200 is reported', () => {
      const w = world(2);
      const found = checkSignatures(
        w,
        new Map([[w.merchantUids[0], tally([200], 2)]]),
      );
      expect(found.map((violation) => violation.invariant)).toEqual(['S']);
      expect(found[0].message).toMatch(/bad_signature .* answered 200/);
    });

    it('a forged webhook let in (recorded) is reported, whatever it was answered', () => {
      const w = world(3);
      const found = checkSignatures(
        w,
        new Map([[w.merchantUids[0], tally([401], 2)]]),
      );
      expect(found.map((violation) => violation.invariant)).toEqual(['S']);
      expect(found[0].message).toMatch(/recorded 3 webhooks .* only 2/);
    });
  });

  it('a V2 test-channel payment holds no money and, refused, breaks nothing', () => {
    const { world, created } = buildWorld([
      {
        api: 'v2',
        amount: 1000,
        ending: { kind: 'settled', refunded: 3 },
        others: ['test_channel', 'failed'],
      },
    ]);
    expect(checkWorld(world, created)).toEqual([]);
  });
});
