import { freshDatabase } from '../support/databases.js';
import {
  type SampleApp,
  startSampleApp,
} from '../support/sample-app.fixture.js';
import { completeAsJson, paidPayment, postWebhook } from '../sample/shop.js';

/**
 * iamport lookups per payment when the redirect and the webhook of one
 * payment arrive together (issue 12: at most 1.01 per verified payment):
 * the webhook claims `paid` and takes the redirect's lookup still under way
 * once it shows `paid`; a refund's notice never does.
 */
describe('iamport lookups of a redirect and its webhook arriving together', () => {
  let shop: SampleApp;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const database = await freshDatabase('postgres');
    drop = () => database.drop();
    shop = await startSampleApp({ databaseUrl: database.url });
  });
  afterAll(async () => {
    await shop?.close();
    await drop?.();
  });
  afterEach(() => shop.sim.configure({ latency_ms: 0 }));

  /** The redirect first; the webhook while the redirect's lookup is still under way (300 ms upstream). */
  async function together(webhook: Record<string, string>) {
    const ids = await paidPayment(shop);
    await shop.sim.configure({ latency_ms: 300 });
    const before = await shop.sim.calls('getPaymentByImpUid');
    const redirect = completeAsJson(shop, { ...ids, imp_success: 'true' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const answers = await Promise.all([
      redirect,
      postWebhook(shop, { ...ids, ...webhook }),
    ]);
    await shop.sim.configure({ latency_ms: 0 });
    const lookups = (await shop.sim.calls('getPaymentByImpUid')) - before;
    return { answers, lookups, order: await shop.order(ids.merchant_uid) };
  }

  it('one lookup for both when the webhook claims paid', async () => {
    const { answers, lookups, order } = await together({ status: 'paid' });
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(answers.map((answer) => answer.body.outcome)).toEqual([
      'paid',
      'paid',
    ]);
    expect(lookups).toBe(1);
    expect(order.status).toBe('paid');
  });

  it('a lookup of its own for a webhook that claims nothing', async () => {
    const { lookups, order } = await together({});
    expect(lookups).toBe(2);
    expect(order.status).toBe('paid');
  });

  it('a lookup of its own for a refund notice, whatever status it says', async () => {
    const { lookups } = await together({
      status: 'paid',
      cancellation_id: 'cancel_1',
    });
    expect(lookups).toBe(2);
  });
});
