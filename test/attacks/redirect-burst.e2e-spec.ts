import { IamportClient } from 'nestjs-iamport';
import { HandledEventEntity } from '../../apps/sample/src/persistence/handled-event.entity.js';
import { OutboxEventEntity } from '../../apps/sample/src/persistence/outbox-event.entity.js';
import { PaymentNotificationEntity } from '../../apps/sample/src/persistence/payment-notification.entity.js';
import type { SampleApp } from '../support/sample-app.fixture.js';
import {
  type Answer,
  exposedText,
  redirect,
  type RunningShop,
  ShopPool,
  snapshot,
} from './attack-kit.js';

const BURST = 500;

/**
 * Counts, per imp_uid, the lookups the shop's IamportClient has in flight at
 * once: concurrent verifications of one payment in one process must share
 * one lookup (PaymentVerificationService's single flight).
 */
function watchLookups(shop: SampleApp): {
  maxInFlight: () => number;
  restore: () => void;
} {
  const client = shop.app.get(IamportClient);
  const original = client.getPayment.bind(client);
  const inFlight = new Map<string, number>();
  let max = 0;
  client.getPayment = async (impUid, options) => {
    const now = (inFlight.get(impUid) ?? 0) + 1;
    inFlight.set(impUid, now);
    max = Math.max(max, now);
    try {
      return await original(impUid, options);
    } finally {
      inFlight.set(impUid, inFlight.get(impUid)! - 1);
    }
  };
  return {
    maxInFlight: () => max,
    restore: () => {
      client.getPayment = original;
    },
  };
}

function countStatuses(answers: Answer[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const answer of answers)
    counts[answer.status] = (counts[answer.status] ?? 0) + 1;
  return counts;
}

describe('a burst of 500 concurrent redirects against the sample app (sqlite)', () => {
  const shops = new ShopPool(() => 'sqlite');
  let running: RunningShop;
  beforeAll(async () => {
    running = await shops.get('production');
  });
  afterAll(() => shops.closeAll());

  it('for one paid payment: every request answered 200 (or 503), one transition, one handler run, lookups shared', async () => {
    const { shop, secrets } = running;
    const order = await shop.createOrder();
    const payment = await shop.sim.createPayment({
      merchant_uid: order.merchant_uid,
      amount: order.amount,
    });
    const bystander = await shop.createOrder();
    const before = await snapshot(shop);
    const watch = watchLookups(shop);
    let answers: Answer[];
    try {
      answers = await Promise.all(
        Array.from({ length: BURST }, () =>
          redirect(shop, {
            imp_uid: payment.imp_uid,
            merchant_uid: order.merchant_uid,
            imp_success: 'true',
          }),
        ),
      );
    } finally {
      watch.restore();
    }
    const after = await snapshot(shop);
    const lookups =
      after.calls.getPaymentByImpUid - before.calls.getPaymentByImpUid;
    const statuses = countStatuses(answers);
    console.log(
      `burst of ${BURST} redirects for one paid payment: answers ${JSON.stringify(statuses)}, ` +
        `${lookups} getPaymentByImpUid lookups, at most ${watch.maxInFlight()} in flight`,
    );

    // Every request answered, none with a 500; the verified ones say paid.
    expect(answers).toHaveLength(BURST);
    expect(Object.keys(statuses).map(Number)).toEqual(
      expect.arrayContaining([200]),
    );
    for (const answer of answers) {
      expect(answer.status).toBeOneOf([200, 503]);
      if (answer.status === 200)
        expect(answer.body).toMatchObject({
          outcome: 'paid',
          merchant_uid: order.merchant_uid,
        });
      for (const secret of secrets)
        expect(exposedText(answer)).not.toContain(secret);
    }
    // Lookups of the same imp_uid are shared while one is in flight: never two at once, never more than the requests.
    expect(watch.maxInFlight()).toBe(1);
    expect(lookups).toBeGreaterThanOrEqual(1);
    expect(lookups).toBeLessThanOrEqual(BURST);
    expect(after.calls.cancelPayment - before.calls.cancelPayment).toBe(0);

    // The order moved once: one event, one shipment, one notification that changed it.
    const paid = await shop.order(order.merchant_uid);
    expect([paid.status, paid.imp_uid, paid.fulfilment]).toEqual([
      'paid',
      payment.imp_uid,
      'ready_to_ship',
    ]);
    const { dataSource } = shop;
    const events = await dataSource
      .getRepository(OutboxEventEntity)
      .findBy({ merchantUid: order.merchant_uid });
    expect(events.map((event) => event.type)).toEqual(['paid']);
    const handled = await dataSource
      .getRepository(HandledEventEntity)
      .findBy({ merchantUid: order.merchant_uid });
    expect(
      handled.map((row) => [row.handler, row.eventId, row.deliveries]),
    ).toEqual([['ship', events[0].id, 1]]);
    const notifications = await dataSource
      .getRepository(PaymentNotificationEntity)
      .findBy({ merchantUid: order.merchant_uid });
    // Every request is recorded (a 503 too, as unconfirmed); one of them moved the order.
    expect(notifications).toHaveLength(BURST);
    expect(notifications.filter((row) => row.changed)).toHaveLength(1);
    expect(after.outbox - before.outbox).toBe(1);

    // Nothing else moved, and the app still answers.
    expect(await shop.order(bystander.merchant_uid)).toMatchObject({
      status: 'pending',
      imp_uid: null,
    });
    expect(
      [...after.orders].filter(([id]) => id !== order.merchant_uid),
    ).toEqual([...before.orders].filter(([id]) => id !== order.merchant_uid));
    expect((await shop.createOrder()).status).toBe('pending');
  });

  it('for 500 random unknown imp_uids: every request answered 404 (or 503), nothing changed, one lookup each', async () => {
    const { shop, secrets } = running;
    const order = await shop.createOrder();
    const before = await snapshot(shop);
    const watch = watchLookups(shop);
    const impUids = Array.from(
      { length: BURST },
      (_, index) =>
        `imp_unknown${String(index).padStart(4, '0')}${Math.random().toString(36).slice(2, 10)}`,
    );
    let answers: Answer[];
    try {
      answers = await Promise.all(
        impUids.map((impUid) =>
          redirect(shop, { imp_uid: impUid, merchant_uid: order.merchant_uid }),
        ),
      );
    } finally {
      watch.restore();
    }
    const after = await snapshot(shop);
    const lookups =
      after.calls.getPaymentByImpUid - before.calls.getPaymentByImpUid;
    const statuses = countStatuses(answers);
    console.log(
      `burst of ${BURST} redirects for unknown imp_uids: answers ${JSON.stringify(statuses)}, ` +
        `${lookups} getPaymentByImpUid lookups, at most ${watch.maxInFlight()} in flight per imp_uid`,
    );

    expect(answers).toHaveLength(BURST);
    for (const answer of answers) {
      expect(answer.status).toBeOneOf([404, 503]);
      if (answer.status === 404)
        expect(answer.body).toMatchObject({ outcome: 'not_found' });
      for (const secret of secrets)
        expect(exposedText(answer)).not.toContain(secret);
    }
    expect(statuses[404]).toBeGreaterThan(0);
    // One lookup per imp_uid (a 404 is an answer, not retried); never two of one imp_uid at once.
    expect(watch.maxInFlight()).toBe(1);
    expect(lookups).toBe(BURST);

    // Nothing changed but the notification log (one row per request).
    expect(after.orders).toEqual(before.orders);
    expect(after.outbox).toBe(before.outbox);
    expect(after.payments).toEqual(before.payments);
    expect(after.notifications - before.notifications).toBe(BURST);
    expect(await shop.order(order.merchant_uid)).toMatchObject({
      status: 'pending',
      imp_uid: null,
    });
    expect((await shop.createOrder()).status).toBe('pending');
  });
});
