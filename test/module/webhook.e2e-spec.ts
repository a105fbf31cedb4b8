import { IAMPORT_WEBHOOK_IPS } from 'nestjs-iamport';
import {
  type ModuleApp,
  type Platform,
  startModuleApp,
} from '../support/module-app.fixture.js';
import { SimulatorControl } from '../support/simulator-control.js';

interface Answer {
  status: number;
  body: any;
}

async function post(
  url: string,
  body: string,
  contentType: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType, ...headers },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

const json = (value: object) => JSON.stringify(value);
const form = (value: Record<string, string>) =>
  new URLSearchParams(value).toString();
const FORM = 'application/x-www-form-urlencoded';

describe.each<Platform>(['express', 'fastify'])(
  'WebhookController on %s',
  (platform) => {
    let sim: SimulatorControl;
    let shop: ModuleApp;
    let webhookUrl: string;

    beforeAll(async () => {
      sim = await SimulatorControl.start();
      shop = await startModuleApp(sim, { platform });
      webhookUrl = `${shop.url}/payments/webhook`;
      await sim.configure({ webhook_url: webhookUrl });
    });
    afterAll(async () => {
      await shop.close();
      await sim.close();
    });
    beforeEach(() => {
      shop.events.length = 0;
    });

    /** Has the simulator send the webhook, as iamport would, and returns what our app answered. */
    async function simulatorSends(
      impUid: string,
      extra: Record<string, unknown> = {},
    ) {
      const { deliveries } = await sim.control('POST', '/_sim/webhooks', {
        imp_uid: impUid,
        ...extra,
      });
      return deliveries as Array<{ status: number | null }>;
    }

    it.each(['json', 'form'])(
      'settles a paid order from a %s webhook sent by the simulator',
      async (format) => {
        const merchantUid = await shop.createOrder(12_000);
        const payment = await sim.createPayment({
          merchant_uid: merchantUid,
          amount: 12_000,
        });
        const deliveries = await simulatorSends(payment.imp_uid, { format });
        expect(deliveries.map((delivery) => delivery.status)).toEqual([200]);
        expect((await shop.order(merchantUid)).status).toBe('paid');
        expect(shop.events.map((event) => [event.type, event.source])).toEqual([
          ['paid', 'webhook'],
        ]);
      },
    );

    it('answers duplicates with 200 and changes nothing more, whatever status they claim', async () => {
      const merchantUid = await shop.createOrder(8000);
      const payment = await sim.createPayment({
        merchant_uid: merchantUid,
        amount: 8000,
      });
      const deliveries = await simulatorSends(payment.imp_uid, { times: 3 });
      expect(deliveries.map((delivery) => delivery.status)).toEqual([
        200, 200, 200,
      ]);
      const stale = await post(
        webhookUrl,
        json({
          imp_uid: payment.imp_uid,
          merchant_uid: merchantUid,
          status: 'ready',
        }),
        'application/json',
      );
      expect(stale).toEqual({
        status: 200,
        body: {
          merchant_uid: merchantUid,
          imp_uid: payment.imp_uid,
          outcome: 'paid',
          changed: false,
        },
      });
      expect(shop.events).toHaveLength(1);
      const log = await shop.notifications.findBy({
        merchantUid,
        kind: 'webhook',
      });
      expect(log.map((row) => row.changed)).toEqual([
        true,
        false,
        false,
        false,
      ]);
    });

    it('moves a virtual account from issued to paid on the deposit webhook', async () => {
      const merchantUid = await shop.createOrder(30_000);
      const payment = await sim.createPayment({
        merchant_uid: merchantUid,
        amount: 30_000,
        status: 'ready',
        pay_method: 'vbank',
        webhook: true,
      });
      await expect
        .poll(async () => (await shop.order(merchantUid)).status)
        .toBe('vbank_issued');
      await sim.control(
        'POST',
        `/_sim/payments/${payment.imp_uid}/deposit`,
        {},
      );
      await expect
        .poll(async () => (await shop.order(merchantUid)).status)
        .toBe('paid');
      expect(shop.events.map((event) => event.type)).toEqual([
        'vbank_issued',
        'paid',
      ]);
    });

    it('cancels the order when the payment is refunded from the console', async () => {
      const merchantUid = await shop.createOrder(9000);
      const payment = await sim.createPayment({
        merchant_uid: merchantUid,
        amount: 9000,
      });
      await simulatorSends(payment.imp_uid);
      await sim.control('POST', `/_sim/payments/${payment.imp_uid}/cancel`, {
        amount: 4000,
        reason: 'one item',
      });
      await expect
        .poll(async () => (await shop.order(merchantUid)).status)
        .toBe('partially_cancelled');
      expect((await shop.order(merchantUid)).cancelledAmount).toBe(4000);
      await sim.control('POST', `/_sim/payments/${payment.imp_uid}/cancel`, {});
      await expect
        .poll(async () => (await shop.order(merchantUid)).status)
        .toBe('cancelled');
      expect(
        shop.events.map((event) => [event.type, event.order.status]),
      ).toEqual([
        ['paid', 'paid'],
        ['cancelled', 'partially_cancelled'],
        ['cancelled', 'cancelled'],
      ]);
    });

    it('refunds a second successful payment of a paid order, without touching the order', async () => {
      const merchantUid = await shop.createOrder(5000);
      const first = await sim.createPayment({
        merchant_uid: merchantUid,
        amount: 5000,
      });
      const second = await sim.createPayment({
        merchant_uid: merchantUid,
        amount: 5000,
      });
      await simulatorSends(first.imp_uid);
      const answer = await post(
        webhookUrl,
        form({
          imp_uid: second.imp_uid,
          merchant_uid: merchantUid,
          status: 'paid',
        }),
        FORM,
      );
      expect(answer.body).toMatchObject({
        outcome: 'duplicate_payment',
        changed: true,
      });
      expect((await sim.payment(second.imp_uid)).cancel_amount).toBe(5000);
      expect((await sim.payment(first.imp_uid)).cancel_amount).toBe(0);
      const order = await shop.order(merchantUid);
      expect([order.status, order.impUid]).toEqual(['paid', first.imp_uid]);
    });

    it('answers 200 for a payment of an unknown order, and records it', async () => {
      const payment = await sim.createPayment({
        merchant_uid: 'order-of-another-shop',
        amount: 100,
      });
      const answer = await post(
        webhookUrl,
        json({
          imp_uid: payment.imp_uid,
          merchant_uid: 'order-of-another-shop',
          status: 'paid',
        }),
        'application/json',
      );
      expect(answer).toMatchObject({
        status: 200,
        body: { outcome: 'not_found', changed: false },
      });
      expect(
        await shop.notifications.countBy({
          merchantUid: 'order-of-another-shop',
          outcome: 'not_found',
        }),
      ).toBe(1);
    });

    it('answers 503 when iamport cannot be reached, leaves the order untouched, and settles it on the retry', async () => {
      const merchantUid = await shop.createOrder(6000);
      const payment = await sim.createPayment({
        merchant_uid: merchantUid,
        amount: 6000,
      });
      await sim.fault({
        kind: 'reset',
        operation: 'getPaymentByImpUid',
        times: 3,
      });
      const body = json({
        imp_uid: payment.imp_uid,
        merchant_uid: merchantUid,
        status: 'paid',
      });
      const failed = await post(webhookUrl, body, 'application/json');
      expect(failed.status).toBe(503);
      expect(JSON.stringify(failed.body)).not.toContain(sim.impSecret);
      expect((await shop.order(merchantUid)).status).toBe('pending');
      expect(
        (await post(webhookUrl, body, 'application/json')).body.outcome,
      ).toBe('paid');
    });

    it.each([
      [
        'a missing imp_uid',
        'application/json',
        json({ merchant_uid: 'm', status: 'paid' }),
        400,
        /imp_uid is required/,
      ],
      [
        'a repeated imp_uid',
        FORM,
        'imp_uid=imp_123456789012&imp_uid=imp_123456789013',
        400,
        /imp_uid was given more than once/,
      ],
      [
        'an imp_uid that is not a string',
        'application/json',
        json({ imp_uid: ['imp_123456789012'] }),
        400,
        /imp_uid was given more than once/,
      ],
      [
        'a numeric imp_uid',
        'application/json',
        json({ imp_uid: 123 }),
        400,
        /imp_uid must be a string/,
      ],
      [
        'text/plain',
        'text/plain',
        'imp_uid=imp_123456789012',
        415,
        /application\/json or application\/x-www-form-urlencoded/,
      ],
      [
        'JSON sent as a form',
        FORM,
        json({ imp_uid: 'imp_123456789012' }),
        400,
        /imp_uid is required/,
      ],
      [
        'a form sent as JSON',
        'application/json',
        form({ imp_uid: 'imp_123456789012' }),
        400,
        /./,
      ],
    ])(
      'answers 4xx for %s, and fetches and stores nothing',
      async (_label, type, body, status, reason) => {
        const callsBefore = (await sim.stats()).total;
        const logBefore = await shop.notifications.count();
        const answer = await post(webhookUrl, body, type);
        // Fastify refuses unknown content types itself, with the same status.
        expect(answer.status).toBe(status);
        if (status !== 415 || platform === 'express')
          expect(JSON.stringify(answer.body)).toMatch(reason);
        expect((await sim.stats()).total).toBe(callsBefore);
        expect(await shop.notifications.count()).toBe(logBefore);
      },
    );

    it('answers 413 for a body larger than a webhook', async () => {
      const answer = await post(
        webhookUrl,
        json({ imp_uid: 'imp_123456789012', padding: 'x'.repeat(20_000) }),
        'application/json',
      );
      expect(answer.status).toBe(413);
    });
  },
);

describe.each<Platform>(['express', 'fastify'])(
  'webhook source allow-list on %s',
  (platform) => {
    let sim: SimulatorControl;

    beforeAll(async () => {
      sim = await SimulatorControl.start();
    });
    afterAll(() => sim.close());

    it('refuses other addresses with 403, and does not believe a spoofed X-Forwarded-For', async () => {
      const shop = await startModuleApp(sim, {
        platform,
        options: { webhookAllowList: IAMPORT_WEBHOOK_IPS },
      });
      try {
        const merchantUid = await shop.createOrder(1000);
        const payment = await sim.createPayment({
          merchant_uid: merchantUid,
          amount: 1000,
        });
        const body = json({
          imp_uid: payment.imp_uid,
          merchant_uid: merchantUid,
          status: 'paid',
        });
        const direct = await post(
          `${shop.url}/payments/webhook`,
          body,
          'application/json',
        );
        expect(direct.status).toBe(403);
        const spoofed = await post(
          `${shop.url}/payments/webhook`,
          body,
          'application/json',
          { 'x-forwarded-for': '52.78.100.19' },
        );
        expect(spoofed.status).toBe(403);
        expect((await shop.order(merchantUid)).status).toBe('pending');
        expect(await sim.calls('getPaymentByImpUid')).toBe(0);
      } finally {
        await shop.close();
      }
    });

    it('accepts iamport’s address forwarded by a trusted proxy', async () => {
      const shop = await startModuleApp(sim, {
        platform,
        trustProxy: 'loopback',
        options: { webhookAllowList: IAMPORT_WEBHOOK_IPS },
      });
      try {
        const merchantUid = await shop.createOrder(1000);
        const payment = await sim.createPayment({
          merchant_uid: merchantUid,
          amount: 1000,
        });
        const body = json({
          imp_uid: payment.imp_uid,
          merchant_uid: merchantUid,
          status: 'paid',
        });
        const outsider = await post(
          `${shop.url}/payments/webhook`,
          body,
          'application/json',
          { 'x-forwarded-for': '203.0.113.9' },
        );
        expect(outsider.status).toBe(403);
        const iamport = await post(
          `${shop.url}/payments/webhook`,
          body,
          'application/json',
          { 'x-forwarded-for': '52.78.48.223' },
        );
        expect(iamport).toMatchObject({
          status: 200,
          body: { outcome: 'paid' },
        });
        const [row] = await shop.notifications.findBy({ merchantUid });
        expect(row.sourceIp).toBe('52.78.48.223');
      } finally {
        await shop.close();
      }
    });
  },
);
