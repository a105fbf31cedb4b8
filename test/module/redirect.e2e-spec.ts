import {
  type ModuleApp,
  type Platform,
  startModuleApp,
} from '../support/module-app.fixture.js';
import { SimulatorControl } from '../support/simulator-control.js';

async function getJson(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { redirect: 'manual' });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

describe.each<Platform>(['express', 'fastify'])(
  'RedirectController on %s',
  (platform) => {
    let sim: SimulatorControl;
    let shop: ModuleApp;

    beforeAll(async () => {
      sim = await SimulatorControl.start();
      shop = await startModuleApp(sim, { platform });
    });
    afterAll(async () => {
      await shop.close();
      await sim.close();
    });
    beforeEach(() => {
      shop.events.length = 0;
    });

    const complete = (query: Record<string, string>) =>
      getJson(`${shop.url}/payments/complete?${new URLSearchParams(query)}`);

    it('verifies a paid payment, settles the order once, and runs the paid handler once', async () => {
      const merchantUid = await shop.createOrder(15_000);
      const payment = await sim.createPayment({
        merchant_uid: merchantUid,
        amount: 15_000,
      });
      const first = await complete({
        imp_uid: payment.imp_uid,
        merchant_uid: merchantUid,
        imp_success: 'true',
      });
      expect(first).toEqual({
        status: 200,
        body: {
          merchant_uid: merchantUid,
          imp_uid: payment.imp_uid,
          outcome: 'paid',
          message: 'Payment confirmed.',
        },
      });
      const order = await shop.order(merchantUid);
      expect(order.status).toBe('paid');
      expect(order.impUid).toBe(payment.imp_uid);
      expect(order.paidAt).toBeInstanceOf(Date);

      const again = await complete({
        imp_uid: payment.imp_uid,
        merchant_uid: merchantUid,
        imp_success: 'true',
      });
      expect(again.body.outcome).toBe('paid');
      expect(
        shop.events.map((event) => [event.type, event.merchantUid]),
      ).toEqual([['paid', merchantUid]]);
      const log = await shop.notifications.findBy({ merchantUid });
      expect(log.map((row) => [row.kind, row.outcome, row.changed])).toEqual([
        ['redirect', 'paid', true],
        ['redirect', 'paid', false],
      ]);
      expect(JSON.parse(log[0].params)).toMatchObject({
        imp_uid: payment.imp_uid,
        imp_success: 'true',
      });
      expect(log[0].sourceIp).toBe('127.0.0.1');
    });

    it('believes the payment, not imp_success=false, for a paid payment', async () => {
      const merchantUid = await shop.createOrder(1000);
      const payment = await sim.createPayment({
        merchant_uid: merchantUid,
        amount: 1000,
      });
      const answer = await complete({
        imp_uid: payment.imp_uid,
        merchant_uid: merchantUid,
        imp_success: 'false',
      });
      expect(answer.body.outcome).toBe('paid');
      expect((await shop.order(merchantUid)).status).toBe('paid');
    });

    it('believes the payment, not imp_success=true, for a failed payment', async () => {
      const merchantUid = await shop.createOrder(1000);
      const payment = await sim.createPayment({
        merchant_uid: merchantUid,
        amount: 1000,
        status: 'failed',
        fail_reason: 'declined',
      });
      const answer = await complete({
        imp_uid: payment.imp_uid,
        merchant_uid: merchantUid,
        imp_success: 'true',
      });
      expect(answer.body.outcome).toBe('failed');
      const order = await shop.order(merchantUid);
      expect(order.status).toBe('failed');
      expect(order.failureReason).toBe('declined');
      expect(shop.events.map((event) => event.type)).toEqual(['failed']);
    });

    it.each([
      ['success instead of imp_success', { success: 'true' }],
      ['neither flag', {}],
    ])('accepts %s', async (_label, flags) => {
      const merchantUid = await shop.createOrder(2000);
      const payment = await sim.createPayment({
        merchant_uid: merchantUid,
        amount: 2000,
      });
      const answer = await complete({
        imp_uid: payment.imp_uid,
        merchant_uid: merchantUid,
        ...flags,
      });
      expect(answer.body.outcome).toBe('paid');
    });

    it('looks up the newest payment of the merchant_uid when imp_uid is missing or empty', async () => {
      const merchantUid = await shop.createOrder(3000);
      await sim.createPayment({
        merchant_uid: merchantUid,
        amount: 3000,
        status: 'failed',
      });
      const paid = await sim.createPayment({
        merchant_uid: merchantUid,
        amount: 3000,
      });
      const answer = await complete({
        imp_uid: '',
        merchant_uid: merchantUid,
        imp_success: 'false',
      });
      expect(answer.body).toMatchObject({
        outcome: 'paid',
        imp_uid: paid.imp_uid,
      });
      const missing = await complete({ merchant_uid: merchantUid });
      expect(missing.body.outcome).toBe('paid');
    });

    it('issues a virtual account and keeps its details', async () => {
      const merchantUid = await shop.createOrder(45_000);
      const payment = await sim.createPayment({
        merchant_uid: merchantUid,
        amount: 45_000,
        status: 'ready',
        pay_method: 'vbank',
      });
      const answer = await complete({
        imp_uid: payment.imp_uid,
        merchant_uid: merchantUid,
        imp_success: 'true',
      });
      expect(answer.body.outcome).toBe('vbank_issued');
      const order = await shop.order(merchantUid);
      expect(order.status).toBe('vbank_issued');
      expect(order.vbankNum).toBe(payment.vbank_num);
      expect(order.vbankName).toBe(payment.vbank_name);
      expect(order.vbankDueAt?.getTime()).toBe(payment.vbank_date * 1000);
    });

    it('reports a payment left in the window as pending and changes nothing', async () => {
      const merchantUid = await shop.createOrder(1000);
      const payment = await sim.createPayment({
        merchant_uid: merchantUid,
        amount: 1000,
        status: 'ready',
      });
      const answer = await complete({
        imp_uid: payment.imp_uid,
        merchant_uid: merchantUid,
        imp_success: 'false',
      });
      expect(answer.body.outcome).toBe('pending');
      expect((await shop.order(merchantUid)).status).toBe('pending');
    });

    it('refunds a forged amount with checksum and records the order as forgery_cancelled', async () => {
      const merchantUid = await shop.createOrder(50_000);
      const payment = await sim.createPayment({
        merchant_uid: merchantUid,
        amount: 500,
      });
      const answer = await complete({
        imp_uid: payment.imp_uid,
        merchant_uid: merchantUid,
        imp_success: 'true',
      });
      expect(answer.body.outcome).toBe('forgery');
      const refunded = await sim.payment(payment.imp_uid);
      expect(refunded.cancel_amount).toBe(500);
      expect(refunded.cancel_history).toHaveLength(1);
      const order = await shop.order(merchantUid);
      expect(order.status).toBe('forgery_cancelled');
      expect(order.failureReason).toContain('500');
      expect(
        shop.events.map((event) => [event.type, event.order.status]),
      ).toEqual([['forgery', 'forgery_cancelled']]);
      // A repeat refunds nothing more and runs no handler.
      const cancelsBefore = await sim.calls('cancelPayment');
      expect(
        (
          await complete({
            imp_uid: payment.imp_uid,
            merchant_uid: merchantUid,
          })
        ).body.outcome,
      ).toBe('forgery');
      expect(await sim.calls('cancelPayment')).toBe(cancelsBefore);
      expect((await sim.payment(payment.imp_uid)).cancel_history).toHaveLength(
        1,
      );
      expect(shop.events).toHaveLength(1);
    });

    it('refuses a merchant_uid swap (409) and changes neither order', async () => {
      const cheap = await shop.createOrder(100);
      const dear = await shop.createOrder(990_000);
      const payment = await sim.createPayment({
        merchant_uid: cheap,
        amount: 100,
      });
      const answer = await complete({
        imp_uid: payment.imp_uid,
        merchant_uid: dear,
        imp_success: 'true',
      });
      expect(answer.status).toBe(409);
      expect(answer.body.outcome).toBe('merchant_uid_mismatch');
      expect((await shop.order(cheap)).status).toBe('pending');
      expect((await shop.order(dear)).status).toBe('pending');
    });

    it('refuses an imp_uid replayed for another order, and the paid order stays as it was', async () => {
      const paidOrder = await shop.createOrder(1000);
      const otherOrder = await shop.createOrder(1000);
      const payment = await sim.createPayment({
        merchant_uid: paidOrder,
        amount: 1000,
      });
      await complete({ imp_uid: payment.imp_uid, merchant_uid: paidOrder });
      const replay = await complete({
        imp_uid: payment.imp_uid,
        merchant_uid: otherOrder,
        imp_success: 'true',
      });
      expect(replay.status).toBe(409);
      expect(replay.body.outcome).toBe('merchant_uid_mismatch');
      expect((await shop.order(otherOrder)).status).toBe('pending');
      const paid = await shop.order(paidOrder);
      expect([paid.status, paid.impUid]).toEqual(['paid', payment.imp_uid]);
      expect(shop.events).toHaveLength(1);
    });

    it('settles once when the redirect and many webhooks of one payment arrive at the same moment', async () => {
      const merchantUid = await shop.createOrder(25_000);
      const payment = await sim.createPayment({
        merchant_uid: merchantUid,
        amount: 25_000,
      });
      const webhook = () =>
        fetch(`${shop.url}/payments/webhook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            imp_uid: payment.imp_uid,
            merchant_uid: merchantUid,
            status: 'paid',
          }),
        }).then((response) => response.json());
      const answers = await Promise.all([
        complete({
          imp_uid: payment.imp_uid,
          merchant_uid: merchantUid,
          imp_success: 'true',
        }).then((answer) => answer.body),
        ...Array.from({ length: 9 }, webhook),
      ]);
      expect(answers.map((answer) => answer.outcome)).toEqual(
        Array(10).fill('paid'),
      );
      expect(shop.events.map((event) => event.type)).toEqual(['paid']);
      const log = await shop.notifications.findBy({ merchantUid });
      expect(log).toHaveLength(10);
      expect(log.filter((row) => row.changed)).toHaveLength(1);
    });

    it('rejects a test-channel payment', async () => {
      const merchantUid = await shop.createOrder(1000);
      const payment = await sim.createPayment({
        merchant_uid: merchantUid,
        amount: 1000,
        sandbox: true,
      });
      const answer = await complete({
        imp_uid: payment.imp_uid,
        merchant_uid: merchantUid,
      });
      expect(answer.body.outcome).toBe('sandbox_rejected');
      expect((await shop.order(merchantUid)).status).toBe('pending');
    });

    it('answers 404 for a payment iamport does not know', async () => {
      const answer = await complete({
        imp_uid: 'imp_000000000404',
        merchant_uid: 'order-unknown',
      });
      expect(answer.status).toBe(404);
      expect(answer.body.outcome).toBe('not_found');
    });

    it.each([
      [
        'no imp_uid nor merchant_uid',
        '',
        /imp_uid or merchant_uid is required/,
      ],
      [
        'a malformed imp_uid',
        'imp_uid=12345&merchant_uid=m',
        /imp_uid must look like/,
      ],
      [
        'imp_success=yes',
        'imp_uid=imp_123456789012&imp_success=yes',
        /imp_success must be true or false/,
      ],
      [
        'a repeated imp_uid',
        'imp_uid=imp_123456789012&imp_uid=imp_123456789013',
        /imp_uid was given more than once/,
      ],
      [
        'an over-long merchant_uid',
        `merchant_uid=${'m'.repeat(41)}`,
        /merchant_uid must be 1 to 40/,
      ],
      [
        'a non-ASCII merchant_uid',
        `merchant_uid=${encodeURIComponent('주문')}`,
        /merchant_uid must be 1 to 40/,
      ],
      [
        'control characters in error_msg',
        `imp_uid=imp_123456789012&error_msg=${encodeURIComponent('a\u0000b')}`,
        /error_msg/,
      ],
    ])(
      'answers 400 for %s, and fetches and stores nothing',
      async (_label, query, reason) => {
        const callsBefore = (await sim.stats()).total;
        const logBefore = await shop.notifications.count();
        const answer = await getJson(`${shop.url}/payments/complete?${query}`);
        expect(answer.status).toBe(400);
        expect(JSON.stringify(answer.body.message)).toMatch(reason);
        expect((await sim.stats()).total).toBe(callsBefore);
        expect(await shop.notifications.count()).toBe(logBefore);
      },
    );

    it('answers 503 "being confirmed" and leaves the order untouched when iamport is down', async () => {
      const merchantUid = await shop.createOrder(7000);
      const payment = await sim.createPayment({
        merchant_uid: merchantUid,
        amount: 7000,
      });
      await sim.fault({
        kind: 'http_error',
        status: 503,
        operation: 'getPaymentByImpUid',
        times: 10,
      });
      try {
        const answer = await complete({
          imp_uid: payment.imp_uid,
          merchant_uid: merchantUid,
          imp_success: 'true',
        });
        expect(answer.status).toBe(503);
        expect(answer.body).toMatchObject({
          outcome: 'unconfirmed',
          merchant_uid: merchantUid,
        });
        expect(answer.body.message).toMatch(/being confirmed/);
        expect((await shop.order(merchantUid)).status).toBe('pending');
        const [row] = await shop.notifications.findBy({ merchantUid });
        expect(row.outcome).toBe('unconfirmed');
        expect(row.error).toMatch(/getPaymentByImpUid/);
        expect(row.error).not.toContain(sim.impSecret);
      } finally {
        await sim.control('DELETE', '/_sim/faults');
      }
      // Once iamport answers again, the same redirect settles it.
      expect(
        (
          await complete({
            imp_uid: payment.imp_uid,
            merchant_uid: merchantUid,
          })
        ).body.outcome,
      ).toBe('paid');
    });

    describe('with iamport hanging', () => {
      // Each attempt hangs until the client gives up after 2 s; the redirect's budget is 300 ms.
      const TIMEOUT_MS = 2000;
      let slow: ModuleApp;
      beforeAll(async () => {
        slow = await startModuleApp(sim, {
          platform,
          options: {
            redirectTimeBudgetMs: 300,
            timeoutMs: TIMEOUT_MS,
            maxRetries: 2,
            retryBaseDelayMs: 10,
          },
        });
      });
      afterAll(() => slow.close());
      afterEach(() => sim.control('DELETE', '/_sim/faults'));

      const paidPayment = async () => {
        const merchantUid = await slow.createOrder(8000);
        const payment = await sim.createPayment({
          merchant_uid: merchantUid,
          amount: 8000,
        });
        const query = { imp_uid: payment.imp_uid, merchant_uid: merchantUid };
        // The first two lookups never answer; the third (the last retry) does.
        await sim.fault({
          kind: 'timeout',
          operation: 'getPaymentByImpUid',
          times: 2,
        });
        return query;
      };

      it('the redirect answers "being confirmed" within its budget, and the verification it started settles the order later', async () => {
        const query = await paidPayment();
        const answer = await getJson(
          `${slow.url}/payments/complete?${new URLSearchParams(query)}`,
        );
        expect(answer.status).toBe(503);
        expect(answer.body).toMatchObject({
          outcome: 'unconfirmed',
          merchant_uid: query.merchant_uid,
        });
        // Answered while the first lookup was still hanging: nothing was decided yet.
        expect((await slow.order(query.merchant_uid)).status).toBe('pending');
        const deadline = Date.now() + 4 * TIMEOUT_MS;
        while (
          (await slow.order(query.merchant_uid)).status === 'pending' &&
          Date.now() < deadline
        )
          await new Promise((resolve) => setTimeout(resolve, 100));
        expect((await slow.order(query.merchant_uid)).status).toBe('paid');
        const log = await slow.notifications.findBy({
          merchantUid: query.merchant_uid,
        });
        expect(log.map((row) => [row.kind, row.outcome])).toEqual([
          ['redirect', 'paid'],
        ]);
        expect(
          slow.events.map((event) => [event.type, event.merchantUid]),
        ).toContainEqual(['paid', query.merchant_uid]);
      });

      it('the webhook keeps its full retries: it waits through both hanging lookups and settles the order', async () => {
        const query = await paidPayment();
        const answer = await fetch(`${slow.url}/payments/webhook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...query, status: 'paid' }),
        });
        expect(answer.status).toBe(200);
        expect(await answer.json()).toMatchObject({
          outcome: 'paid',
          changed: true,
        });
        expect((await slow.order(query.merchant_uid)).status).toBe('paid');
      });
    });
  },
);
