import {
  type SampleApp,
  startSampleApp,
} from '../support/sample-app.fixture.js';
import { orderWhen } from './shop.js';

/** The sample shop's PortOne V2 interface over HTTP, as a buyer's browser and PortOne reach it. */
describe('the sample shop speaks PortOne V2 (SQLite, Express)', () => {
  let shop: SampleApp;

  beforeAll(async () => {
    shop = await startSampleApp({ databaseUrl: ':memory:' });
  });
  afterAll(() => shop.close());

  const pay = (input: Record<string, unknown>) =>
    shop.sim.control<Record<string, any>>(
      'POST',
      '/_sim/v2/payments',
      input,
      201,
    );

  it('the redirect lands on the result page; the signed webhook settles the order once', async () => {
    const order = await shop.createOrder({
      name: 'V2 plate',
      amount: 14_000,
      currency: 'KRW',
    });
    const payment = await pay({
      paymentId: order.merchant_uid,
      status: 'PAID',
      totalAmount: 14_000,
    });
    const redirect = await fetch(
      `${shop.url}/payments/v2/complete?paymentId=${order.merchant_uid}&txId=${payment.transactionId}&transactionType=PAYMENT`,
      { redirect: 'manual' },
    );
    expect(redirect.status).toBe(303);
    expect(redirect.headers.get('location')).toBe(
      `/result?merchant_uid=${order.merchant_uid}&outcome=paid`,
    );
    const { deliveries } = await shop.sim.control<{
      deliveries: { status: number }[];
    }>('POST', '/_sim/v2/webhooks', {
      paymentId: order.merchant_uid,
      type: 'Transaction.Paid',
      fault: 'duplicate',
    });
    expect(deliveries.map((delivery) => delivery.status)).toEqual([200, 200]);
    const paid = await shop.order(order.merchant_uid);
    expect(paid).toMatchObject({ status: 'paid' });
  });

  it('a forged signature changes nothing; the genuine retry settles it', async () => {
    const order = await shop.createOrder({
      name: 'V2 bowl',
      amount: 8_000,
      currency: 'KRW',
    });
    await pay({
      paymentId: order.merchant_uid,
      status: 'PAID',
      totalAmount: 8_000,
    });
    const forged = await shop.sim.control<{ deliveries: { status: number }[] }>(
      'POST',
      '/_sim/v2/webhooks',
      {
        paymentId: order.merchant_uid,
        type: 'Transaction.Paid',
        fault: 'bad_signature',
      },
    );
    expect(forged.deliveries.map((delivery) => delivery.status)).toEqual([401]);
    expect((await shop.order(order.merchant_uid)).status).toBe('pending');
    await shop.sim.control('POST', '/_sim/v2/webhooks', {
      paymentId: order.merchant_uid,
      type: 'Transaction.Paid',
    });
    const paid = await orderWhen(
      shop,
      order.merchant_uid,
      (found) => found.status === 'paid',
    );
    expect(paid.status).toBe('paid');
  });

  it('GET /health/portone-v2: up, apart from readiness', async () => {
    const answer = await fetch(`${shop.url}/health/portone-v2`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({
      status: 'ok',
      info: { portoneV2: { status: 'up' } },
    });
  });
});
