import {
  completeAsJson,
  orderWhen,
  postWebhook,
  until,
} from '../sample/shop.js';
import { freshDatabase } from '../support/databases.js';
import {
  type SampleApp,
  startSampleApp,
} from '../support/sample-app.fixture.js';
import { handlersOf } from './regression-kit.js';

const SHIPPING_DELAY_MS = 1500;

/**
 * Class 1 of issue 9: a late notification answered with an earlier run's
 * result. A payment verified by its redirect (the paid handler still running)
 * is refunded in full meanwhile; iamport's cancellation webhook must be decided
 * on a lookup that started after it arrived, not joined to the run in flight.
 */
describe.each(['sqlite', 'postgres'] as const)(
  'a late notification on %s',
  (kind) => {
    let shop: SampleApp;
    let drop: () => Promise<void>;
    beforeAll(async () => {
      const database = await freshDatabase(kind);
      drop = () => database.drop();
      shop = await startSampleApp({
        databaseUrl: database.url,
        env: { SHIPPING_DELAY_MS: String(SHIPPING_DELAY_MS) },
      });
    });
    afterAll(async () => {
      await shop?.close();
      await drop?.();
    });

    it('a cancellation webhook during the redirect’s paid handler is decided on the refunded payment, and nothing ships', async () => {
      const order = await shop.createOrder({ amount: 30_000 });
      const payment = await shop.sim.createPayment({
        merchant_uid: order.merchant_uid,
        amount: 30_000,
      });
      const redirect = completeAsJson(shop, {
        imp_uid: payment.imp_uid,
        merchant_uid: order.merchant_uid,
        imp_success: 'true',
      });
      // The redirect's verification committed `paid`; its handler is still booking the shipment.
      const paid = await orderWhen(
        shop,
        order.merchant_uid,
        (current) => current.status === 'paid',
      );
      expect(paid.status).toBe('paid');
      await shop.sim.cancelInConsole(payment.imp_uid, { webhook: false });

      const webhook = await postWebhook(shop, {
        imp_uid: payment.imp_uid,
        merchant_uid: order.merchant_uid,
        status: 'cancelled',
      });
      expect(webhook.status).toBe(200);
      expect(webhook.body).toMatchObject({
        outcome: 'cancelled',
        changed: true,
      });
      expect((await redirect).body).toMatchObject({ outcome: 'paid' });

      // Both handlers have run (the paid one after its delay): the shipment is cancelled, never booked.
      expect(
        await until(
          async () => (await handlersOf(shop, order.merchant_uid)).length === 2,
        ),
      ).toBe(true);
      expect(await shop.order(order.merchant_uid)).toMatchObject({
        status: 'cancelled',
        cancelled_amount: 30_000,
        fulfilment: 'cancelled',
      });
    });
  },
);
