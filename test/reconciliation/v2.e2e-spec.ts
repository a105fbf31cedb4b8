import { ReconciliationService } from 'nestjs-iamport';
import {
  type SampleApp,
  startSampleApp,
} from '../support/sample-app.fixture.js';

/**
 * PortOne V2 payments whose notifications never arrived, settled by the same
 * reconciliation run as V1's: the stale order is looked up by its paymentId,
 * and the sweep lists V2's recently paid and refunded payments.
 */
describe('reconciliation of PortOne V2 payments (sample app, SQLite)', () => {
  let shop: SampleApp;
  let reconciliation: ReconciliationService;

  beforeAll(async () => {
    shop = await startSampleApp({ databaseUrl: ':memory:' });
    reconciliation = shop.app.get(ReconciliationService);
    // No webhook reaches the shop: only reconciliation can settle what follows.
    await shop.sim.control('PATCH', '/_sim/v2/config', { v2WebhookUrl: null });
  });
  afterAll(() => shop.close());

  const pay = (input: Record<string, unknown>) =>
    shop.sim.control<Record<string, any>>(
      'POST',
      '/_sim/v2/payments',
      input,
      201,
    );

  it('settles a stale order paid through V2 (after a failed attempt), once', async () => {
    const order = await shop.createOrder({
      name: 'V2 mug',
      amount: 15_000,
      currency: 'KRW',
    });
    await pay({
      paymentId: order.merchant_uid,
      status: 'FAILED',
      totalAmount: 15_000,
    });
    const paid = await pay({
      paymentId: order.merchant_uid,
      status: 'PAID',
      totalAmount: 15_000,
    });

    const first = await reconciliation.reconcile({
      olderThanMs: 0,
      sweepWindowMs: 0,
    });
    expect(first.outcomes.paid).toBe(1);
    expect(first.v2Lookups).toBeGreaterThanOrEqual(1);
    expect(await shop.order(order.merchant_uid)).toMatchObject({
      status: 'paid',
    });
    const again = await reconciliation.reconcile({
      olderThanMs: 0,
      sweepWindowMs: 0,
    });
    expect(again.changed).toBe(0);
    expect((await shop.order(order.merchant_uid)).status).toBe('paid');
    // The order is settled by the paid attempt, not the failed one.
    const records = await shop.dataSource.query(
      'SELECT imp_uid, disposition FROM iamport_payments WHERE merchant_uid = ?',
      [order.merchant_uid],
    );
    expect(records).toContainEqual({
      imp_uid: paid.transactionId,
      disposition: 'settles_order',
    });
  });

  it('the sweep finds a refund made in the console of a settled V2 order', async () => {
    const order = await shop.createOrder({
      name: 'V2 lamp',
      amount: 20_000,
      currency: 'KRW',
    });
    await pay({
      paymentId: order.merchant_uid,
      status: 'PAID',
      totalAmount: 20_000,
    });
    await reconciliation.reconcile({ olderThanMs: 0, sweepWindowMs: 0 });
    expect((await shop.order(order.merchant_uid)).status).toBe('paid');

    await shop.sim.control(
      'POST',
      `/_sim/v2/payments/${order.merchant_uid}/cancel`,
      {
        webhook: false,
      },
    );
    const run = await reconciliation.reconcile({
      olderThanMs: 0,
      sweepWindowMs: 3_600_000,
    });
    expect(run.swept.verified).toBeGreaterThanOrEqual(1);
    expect((await shop.order(order.merchant_uid)).status).toBe('cancelled');
  });

  it('the sweep refunds nothing it should not, and flags a V2 payment for an order the shop does not know', async () => {
    await pay({
      paymentId: 'order_not_in_this_shop',
      status: 'PAID',
      totalAmount: 1_000,
    });
    const run = await reconciliation.reconcile({
      olderThanMs: 0,
      sweepWindowMs: 3_600_000,
    });
    expect(run.outcomes.not_found).toBeGreaterThanOrEqual(1);
    const held = await shop.sim.control<Record<string, any>>(
      'GET',
      '/_sim/v2/payments/order_not_in_this_shop',
    );
    // unknownOrderPolicy is `flag` by default: the money stays, a person decides.
    expect(held.payment.status).toBe('PAID');
    expect(run.flagged.map((record) => record.merchantUid)).toContain(
      'order_not_in_this_shop',
    );
  });
});
