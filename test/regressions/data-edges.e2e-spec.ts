import { ReconciliationService } from 'nestjs-iamport';
import { DataSource } from 'typeorm';
import { postWebhook, useShop } from '../sample/shop.js';
import { DEFAULT_MARIADB_URL, freshDatabase } from '../support/databases.js';
import {
  type SampleApp,
  startSampleApp,
} from '../support/sample-app.fixture.js';
import { recordOf } from './regression-kit.js';

const AMOUNT = 30_000;

/** Class 6 of issue 9: data edges. */
describe('identifiers compared exactly on mariadb', () => {
  const shop = useShop('mariadb');

  it.each([
    ['another case', (uid: string) => uid.toUpperCase()],
    ['a trailing space', (uid: string) => `${uid} `],
  ])(
    'a payment whose merchant_uid differs by %s settles nothing and is flagged',
    async (_, vary) => {
      const { merchant_uid } = await shop.current.createOrder({
        amount: AMOUNT,
      });
      const lookalike = vary(merchant_uid);
      const payment = await shop.current.sim.createPayment({
        merchant_uid: lookalike,
        amount: AMOUNT,
      });
      // Found by reconciliation's sweep of recent payments (a webhook naming a merchant_uid with a
      // space is refused at the door; one naming only the other case is answered not_found too).
      const summary = await shop.current.app
        .get(ReconciliationService)
        .reconcile({ olderThanMs: 60_000 });
      expect(summary.outcomes.not_found).toBeGreaterThanOrEqual(1);
      expect(await shop.current.order(merchant_uid)).toMatchObject({
        status: 'pending',
        imp_uid: null,
      });
      expect(await recordOf(shop.current, payment.imp_uid)).toMatchObject({
        disposition: 'flagged',
      });
    },
  );

  it('a payment whose event is larger than TEXT’s 64 KiB is recorded (custom_data of control characters, escaped twice as long)', async () => {
    const { merchant_uid } = await shop.current.createOrder({ amount: AMOUNT });
    // A form body keeps it under the simulator's 64 KiB limit; as JSON each character takes 6 bytes.
    const form = new URLSearchParams({
      merchant_uid,
      amount: String(AMOUNT),
      custom_data: '\u0001'.repeat(20_000),
    });
    const created = await fetch(`${shop.current.sim.url}/_sim/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(created.status).toBe(201);
    const payment = (await created.json()) as { imp_uid: string };
    expect(
      JSON.stringify(await shop.current.sim.payment(payment.imp_uid)).length,
    ).toBeGreaterThan(100_000);
    const answer = await postWebhook(shop.current, {
      imp_uid: payment.imp_uid,
      merchant_uid,
      status: 'paid',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ outcome: 'paid', changed: true });
  });
});

describe.each(['sqlite', 'mariadb'] as const)(
  'malformed timestamps from iamport on %s',
  (kind) => {
    const shop = useShop(kind);

    it.each([
      ['a date string', '2026-11-30'],
      ['an absurd number', 1e20],
      ['a negative number', -5],
    ])(
      'paid_at as %s: not stored, answered 5xx (so iamport retries), the order still readable; settled once iamport answers well',
      async (_, value) => {
        const { merchant_uid } = await shop.current.createOrder({
          amount: AMOUNT,
        });
        const payment = await shop.current.sim.createPayment({
          merchant_uid,
          amount: AMOUNT,
        });
        const fault = await shop.current.sim.fault({
          kind: 'malformed_payment',
          operation: 'getPaymentByImpUid',
          field: 'paid_at',
          value,
          times: 100,
        });
        const body = {
          imp_uid: payment.imp_uid as string,
          merchant_uid,
          status: 'paid',
        };
        const refused = await postWebhook(shop.current, body);
        expect(refused.status).toBeGreaterThanOrEqual(500);
        const order = await shop.current.getOrder(merchant_uid);
        expect(order.status).toBe(200);
        expect(order.body).toMatchObject({ status: 'pending', paid_at: null });
        expect(await recordOf(shop.current, payment.imp_uid)).toBeNull();

        await shop.current.sim.control('DELETE', `/_sim/faults/${fault.id}`);
        expect((await postWebhook(shop.current, body)).body).toMatchObject({
          outcome: 'paid',
        });
        expect((await shop.current.order(merchant_uid)).paid_at).toBe(
          new Date(payment.paid_at * 1000).toISOString(),
        );
      },
    );
  },
);

describe('a MariaDB server in +09:00 (the usual Korean setting)', () => {
  let admin: DataSource;
  let previous: string;
  let shop: SampleApp;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const database = await freshDatabase('mariadb');
    drop = () => database.drop();
    admin = new DataSource({
      type: 'mysql',
      url: process.env.TEST_MARIADB_URL ?? DEFAULT_MARIADB_URL,
    });
    await admin.initialize();
    previous = (await admin.query('SELECT @@global.time_zone AS zone'))[0].zone;
    // New connections (the app's) get +09:00; the app must not depend on it.
    await admin.query("SET GLOBAL time_zone = '+09:00'");
    shop = await startSampleApp({ databaseUrl: database.url });
  });
  afterAll(async () => {
    await shop?.close();
    if (previous) await admin.query('SET GLOBAL time_zone = ?', [previous]);
    await admin?.destroy();
    await drop?.();
  });

  it('stores the time an order was created in UTC, and reconciliation looks at it at once', async () => {
    const zone = (
      await shop.dataSource.query('SELECT @@session.time_zone AS zone')
    )[0].zone;
    expect(zone).toBe('+09:00');
    const before = Date.now();
    const { merchant_uid } = await shop.createOrder({ amount: AMOUNT });
    const created = Date.parse((await shop.order(merchant_uid)).created_at);
    expect(Math.abs(created - before)).toBeLessThan(60_000);

    await shop.sim.createPayment({ merchant_uid, amount: AMOUNT });
    const summary = await shop.app
      .get(ReconciliationService)
      .reconcile({ olderThanMs: 0 });
    expect(summary.examined).toBe(1);
    expect((await shop.order(merchant_uid)).status).toBe('paid');
  });
});
