import { createHmac, randomUUID } from 'node:crypto';
import { PortOneV2HealthIndicator } from 'nestjs-iamport';
import { V2_DEFAULT_CONFIG } from '../../apps/iamport-simulator/src/index.js';
import {
  type ModuleApp,
  type Platform,
  startModuleApp,
} from '../support/module-app.fixture.js';
import { SimulatorControl } from '../support/simulator-control.js';

const SECRET = V2_DEFAULT_CONFIG.v2WebhookSecret;

interface Answer {
  status: number;
  body: any;
}

async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body };
}

/** Standard Webhooks signature of `body` (the test's own, to forge and replay messages). */
function signed(
  body: string,
  options: { id?: string; timestamp?: number; secret?: string } = {},
): Record<string, string> {
  const id = options.id ?? `msg_${randomUUID()}`;
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const key = Buffer.from(
    (options.secret ?? SECRET).replace(/^whsec_/, ''),
    'base64',
  );
  const signature = createHmac('sha256', key)
    .update(`${id}.${timestamp}.${body}`)
    .digest('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': `v1,${signature}`,
  };
}

function webhookBody(
  paymentId: string,
  type = 'Transaction.Paid',
  transactionId = randomUUID(),
): string {
  return JSON.stringify({
    type,
    timestamp: new Date().toISOString(),
    data: { paymentId, storeId: V2_DEFAULT_CONFIG.v2StoreId, transactionId },
  });
}

async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each<Platform>(['express', 'fastify'])(
  'PortOne V2 routes on %s',
  (platform) => {
    let sim: SimulatorControl;
    let shop: ModuleApp;
    let webhookUrl: string;

    beforeAll(async () => {
      sim = await SimulatorControl.start();
      shop = await startModuleApp(sim, {
        platform,
        options: {
          v2: {
            apiSecret: V2_DEFAULT_CONFIG.v2ApiSecret,
            storeId: V2_DEFAULT_CONFIG.v2StoreId,
            webhookSecret: SECRET,
            apiBaseUrl: `${sim.url}/v2`,
          },
        },
      });
      webhookUrl = `${shop.url}/payments/v2/webhook`;
      await sim.control('PATCH', '/_sim/v2/config', {
        v2WebhookUrl: webhookUrl,
        v2WebhookRetries: 0,
      });
    });
    afterAll(async () => {
      await shop.close();
      await sim.close();
    });
    beforeEach(() => {
      shop.events.length = 0;
    });

    const createPayment = (input: Record<string, unknown>) =>
      sim.control<Record<string, any>>('POST', '/_sim/v2/payments', input, 201);
    const post = async (body: string, headers: Record<string, string>) =>
      answerOf(
        await fetch(webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
        }),
      );
    const notifications = () => shop.notifications.count();

    it('settles a card payment once from its signed webhook, the event naming V2', async () => {
      const merchantUid = await shop.createOrder(12_000);
      const payment = await createPayment({
        paymentId: merchantUid,
        status: 'PAID',
        totalAmount: 12_000,
        webhook: true,
      });
      const order = await until(
        () => shop.order(merchantUid),
        (found) => found.status === 'paid',
        'the order to be paid',
      );
      expect(order.impUid).toBe(payment.transactionId);
      // The same message again (PortOne retries, duplicates): absorbed, nothing moves twice.
      await sim.control('POST', '/_sim/v2/webhooks', {
        paymentId: merchantUid,
        transactionId: payment.transactionId,
        type: 'Transaction.Paid',
        fault: 'duplicate',
      });
      const direct = webhookBody(
        merchantUid,
        'Transaction.Paid',
        payment.transactionId,
      );
      const replay = signed(direct);
      const first = await post(direct, replay);
      const again = await post(direct, replay);
      expect([first.status, again.status]).toEqual([200, 200]);
      expect(again.body).toMatchObject({ outcome: 'paid', changed: false });
      const paid = shop.events.filter(
        (event) => event.merchantUid === merchantUid,
      );
      expect(paid).toHaveLength(1);
      expect(paid[0]).toMatchObject({
        api: 'v2',
        type: 'paid',
        impUid: payment.transactionId,
        payment: { api: 'v2', amount: 12_000, merchantUid },
      });
      expect((await shop.order(merchantUid)).version).toBe(order.version);
    });

    it('verifies the redirect by fetching the payment: `code` or its absence decides nothing', async () => {
      const merchantUid = await shop.createOrder(5_000);
      const payment = await createPayment({
        paymentId: merchantUid,
        status: 'PAID',
        totalAmount: 5_000,
      });
      const failedClaim = await answerOf(
        await fetch(
          `${shop.url}/payments/v2/complete?paymentId=${merchantUid}&txId=${payment.transactionId}&transactionType=PAYMENT&code=PG_PROVIDER_ERROR&message=declined`,
        ),
      );
      expect(failedClaim).toMatchObject({
        status: 200,
        body: { merchant_uid: merchantUid, outcome: 'paid' },
      });
      expect((await shop.order(merchantUid)).status).toBe('paid');
    });

    it('accepts the legacy payment_id/tx_id spelling', async () => {
      const merchantUid = await shop.createOrder(4_000);
      await createPayment({
        paymentId: merchantUid,
        status: 'PAID',
        totalAmount: 4_000,
      });
      const answer = await answerOf(
        await fetch(
          `${shop.url}/payments/v2/complete?payment_id=${merchantUid}`,
        ),
      );
      expect(answer.body).toMatchObject({ outcome: 'paid' });
    });

    it('refunds a forged amount through V2 cancel, and never fulfils it', async () => {
      const merchantUid = await shop.createOrder(50_000);
      await createPayment({
        paymentId: merchantUid,
        status: 'PAID',
        totalAmount: 100,
      });
      const body = webhookBody(merchantUid);
      const answer = await post(body, signed(body));
      expect(answer).toMatchObject({
        status: 200,
        body: { outcome: 'forgery', changed: true },
      });
      const order = await shop.order(merchantUid);
      expect(order.status).toBe('forgery_cancelled');
      const held = await sim.control<Record<string, any>>(
        'GET',
        `/_sim/v2/payments/${merchantUid}`,
      );
      expect(held.payment).toMatchObject({
        status: 'CANCELLED',
        amount: { cancelled: 100 },
      });
      expect(shop.events.filter((event) => event.type === 'paid')).toEqual([]);
    });

    it('refuses a payment made through a test channel', async () => {
      const merchantUid = await shop.createOrder(3_000);
      await createPayment({
        paymentId: merchantUid,
        status: 'PAID',
        totalAmount: 3_000,
        channelType: 'TEST',
      });
      const body = webhookBody(merchantUid);
      const answer = await post(body, signed(body));
      expect(answer.body).toMatchObject({
        outcome: 'sandbox_rejected',
        changed: false,
      });
      expect((await shop.order(merchantUid)).status).toBe('pending');
    });

    it('a virtual account: issued, then paid once the deposit arrives', async () => {
      const merchantUid = await shop.createOrder(7_000);
      await createPayment({
        paymentId: merchantUid,
        status: 'VIRTUAL_ACCOUNT_ISSUED',
        method: 'VIRTUAL_ACCOUNT',
        totalAmount: 7_000,
        webhook: true,
      });
      await until(
        () => shop.order(merchantUid),
        (o) => o.status === 'vbank_issued',
        'vbank_issued',
      );
      await sim.control('POST', `/_sim/v2/payments/${merchantUid}/deposit`, {});
      await until(
        () => shop.order(merchantUid),
        (o) => o.status === 'paid',
        'paid after deposit',
      );
      expect(shop.events.map((event) => event.type)).toEqual([
        'vbank_issued',
        'paid',
      ]);
    });

    it('a partial refund in the console: PARTIAL_CANCELLED is paid with refunds', async () => {
      const merchantUid = await shop.createOrder(10_000);
      await createPayment({
        paymentId: merchantUid,
        status: 'PAID',
        totalAmount: 10_000,
        webhook: true,
      });
      await until(
        () => shop.order(merchantUid),
        (o) => o.status === 'paid',
        'paid',
      );
      await sim.control('POST', `/_sim/v2/payments/${merchantUid}/cancel`, {
        amount: 3_000,
      });
      const order = await until(
        () => shop.order(merchantUid),
        (o) => o.status === 'partially_cancelled',
        'partially cancelled',
      );
      expect(order.cancelledAmount).toBe(3_000);
    });

    it('the 2024-01-01 body, sent as a signed form, settles the order too', async () => {
      const merchantUid = await shop.createOrder(6_000);
      const payment = await createPayment({
        paymentId: merchantUid,
        status: 'PAID',
        totalAmount: 6_000,
      });
      const form = new URLSearchParams({
        payment_id: merchantUid,
        tx_id: payment.transactionId,
        status: 'Paid',
      }).toString();
      const forged = await answerOf(
        await fetch(webhookUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            ...signed(`${form}&extra=1`),
          },
          body: form,
        }),
      );
      expect(forged.status).toBe(401);
      const twice = `${form}&payment_id=${merchantUid}`;
      const repeated = await answerOf(
        await fetch(webhookUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            ...signed(twice),
          },
          body: twice,
        }),
      );
      expect(repeated.status).toBe(400);
      expect((await shop.order(merchantUid)).status).toBe('pending');
      const answer = await answerOf(
        await fetch(webhookUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            ...signed(form),
          },
          body: form,
        }),
      );
      expect(answer).toMatchObject({
        status: 200,
        body: { outcome: 'paid', changed: true },
      });
      expect((await shop.order(merchantUid)).status).toBe('paid');
    });

    it('an unknown status or an unknown type never pays and never crashes', async () => {
      const merchantUid = await shop.createOrder(2_000);
      await createPayment({
        paymentId: merchantUid,
        status: 'PAY_PENDING',
        totalAmount: 2_000,
      });
      const body = webhookBody(merchantUid, 'Transaction.SomethingNew');
      const answer = await post(body, signed(body));
      expect(answer).toMatchObject({
        status: 200,
        body: { outcome: 'pending', changed: false },
      });
      const billing = JSON.stringify({
        type: 'BillingKey.Issued',
        timestamp: new Date().toISOString(),
        data: { storeId: V2_DEFAULT_CONFIG.v2StoreId, billingKey: 'bk' },
      });
      expect(await post(billing, signed(billing))).toMatchObject({
        status: 200,
        body: { outcome: 'ignored' },
      });
      expect((await shop.order(merchantUid)).status).toBe('pending');
    });

    it('PortOne down: 503, the order untouched; a transient failure is retried; the retry settles it', async () => {
      const merchantUid = await shop.createOrder(11_000);
      await createPayment({
        paymentId: merchantUid,
        status: 'PAID',
        totalAmount: 11_000,
      });
      const body = webhookBody(merchantUid);
      // One failure: the client's retry hides it.
      await sim.fault({
        kind: 'http_error',
        operation: 'v2.getPayment',
        status: 503,
        times: 1,
      });
      expect(await post(body, signed(body))).toMatchObject({
        status: 200,
        body: { outcome: 'paid', changed: true },
      });
      const second = await shop.createOrder(11_000);
      await createPayment({
        paymentId: second,
        status: 'PAID',
        totalAmount: 11_000,
      });
      const again = webhookBody(second);
      await sim.fault({ kind: 'reset', operation: 'v2.getPayment', times: 10 });
      const down = await post(again, signed(again));
      expect(down.status).toBe(503);
      expect(JSON.stringify(down.body)).toMatch(/PortOne could not be reached/);
      expect((await shop.order(second)).status).toBe('pending');
      await sim.control('DELETE', '/_sim/faults');
      expect(await post(again, signed(again))).toMatchObject({
        status: 200,
        body: { outcome: 'paid', changed: true },
      });
    });

    it('health: up while PortOne V2 accepts the API secret', async () => {
      const health = await shop.app.get(PortOneV2HealthIndicator).isHealthy();
      expect(health).toEqual({
        portoneV2: { status: 'up', responseTimeMs: expect.any(Number) },
      });
    });

    describe('attacks on the webhook: 4xx with a reason, nothing fetched or stored', () => {
      let merchantUid: string;
      let body: string;

      beforeAll(async () => {
        merchantUid = await shop.createOrder(9_000);
        await createPayment({
          paymentId: merchantUid,
          status: 'PAID',
          totalAmount: 9_000,
        });
        body = webhookBody(merchantUid);
      });

      const cases: Array<
        [string, () => [string, Record<string, string>], number, RegExp]
      > = [
        [
          'no signature',
          () => [body, {}],
          401,
          /webhook-id, webhook-timestamp and webhook-signature/,
        ],
        [
          'a wrong secret',
          () => [
            body,
            signed(body, { secret: 'whsec_d3Jvbmctc2VjcmV0LWZvci10ZXN0cw==' }),
          ],
          401,
          /does not match/,
        ],
        [
          'the signature of another body',
          () => [body, signed(webhookBody('order-someone-else'))],
          401,
          /does not match/,
        ],
        [
          'the same JSON serialised again (not the bytes signed)',
          () => [JSON.stringify(JSON.parse(body), null, 2), signed(body)],
          401,
          /does not match/,
        ],
        [
          'a stale timestamp (over 300 s)',
          () => [
            body,
            signed(body, { timestamp: Math.floor(Date.now() / 1000) - 301 }),
          ],
          401,
          /in the past/,
        ],
        [
          'a timestamp from the future',
          () => [
            body,
            // 330, not 301: a busy machine can take a second between signing and checking, and a
            // 301 signed in one second and checked in the next is only 300 ahead.
            signed(body, { timestamp: Math.floor(Date.now() / 1000) + 330 }),
          ],
          401,
          /in the future/,
        ],
        [
          'a signed body that is not JSON',
          () => ['{not json', signed('{not json')],
          400,
          /JSON/,
        ],
        [
          'a signed body that is not a webhook',
          () => ['{"hello":1}', signed('{"hello":1}')],
          400,
          /not a PortOne V2 webhook/,
        ],
        [
          'a signed paymentId with control characters',
          () => {
            const bad = JSON.stringify({
              type: 'Transaction.Paid',
              data: { paymentId: 'a\nb' },
            });
            return [bad, signed(bad)];
          },
          400,
          /paymentId/,
        ],
        [
          'an oversized body',
          () => {
            const big = JSON.stringify({
              type: 'Transaction.Paid',
              data: { paymentId: merchantUid },
              pad: 'x'.repeat(20_000),
            });
            return [big, signed(big)];
          },
          413,
          /at most/,
        ],
      ];

      it.each(cases)('%s', async (_name, make, status, reason) => {
        const before = await notifications();
        const [sent, headers] = make();
        const answer = await post(sent, headers);
        expect(answer.status).toBe(status);
        expect(JSON.stringify(answer.body)).toMatch(reason);
        expect(await notifications()).toBe(before);
        expect((await shop.order(merchantUid)).status).toBe('pending');
      });

      it('a body that is not JSON by its content type', async () => {
        const answer = await answerOf(
          await fetch(webhookUrl, {
            method: 'POST',
            headers: { 'content-type': 'text/plain', ...signed(body) },
            body,
          }),
        );
        expect(answer.status).toBe(415);
        expect((await shop.order(merchantUid)).status).toBe('pending');
      });

      it('a genuine message for another order settles that order only, by its own payment', async () => {
        const other = await shop.createOrder(1_000);
        const sent = webhookBody(other, 'Transaction.Paid');
        const answer = await post(sent, signed(sent));
        // The other order has no payment at all: nothing to settle, whatever the message says.
        expect(answer.body).toMatchObject({
          outcome: 'not_found',
          changed: false,
        });
        expect((await shop.order(other)).status).toBe('pending');
        expect((await shop.order(merchantUid)).status).toBe('pending');
      });
    });

    describe('attacks on the redirect', () => {
      it.each([
        ['no paymentId', '', /paymentId is required/],
        ['paymentId twice', '?paymentId=a&paymentId=b', /more than once/],
        ['control characters', '?paymentId=a%0Ab', /visible ASCII/],
        [
          'a message with control characters',
          '?paymentId=a&code=X&message=a%00b',
          /control characters/,
        ],
      ])('%s: 400 and nothing fetched', async (_name, query, reason) => {
        const answer = await answerOf(
          await fetch(`${shop.url}/payments/v2/complete${query}`),
        );
        expect(answer.status).toBe(400);
        expect(JSON.stringify(answer.body)).toMatch(reason);
      });

      it("another order's paymentId verifies that order's own payment, nothing else", async () => {
        const mine = await shop.createOrder(8_000);
        const theirs = await shop.createOrder(8_000);
        const paid = await createPayment({
          paymentId: mine,
          status: 'PAID',
          totalAmount: 8_000,
        });
        const answer = await answerOf(
          await fetch(
            `${shop.url}/payments/v2/complete?paymentId=${theirs}&txId=${paid.transactionId}`,
          ),
        );
        expect(answer).toMatchObject({
          status: 404,
          body: { outcome: 'not_found' },
        });
        expect((await shop.order(theirs)).status).toBe('pending');
        expect((await shop.order(mine)).status).toBe('pending');
      });
    });
  },
);

describe('V2 routes without V2 options', () => {
  let sim: SimulatorControl;
  let shop: ModuleApp;

  beforeAll(async () => {
    sim = await SimulatorControl.start();
    shop = await startModuleApp(sim);
  });
  afterAll(async () => {
    await shop.close();
    await sim.close();
  });

  it('answer 404: V2 is not configured', async () => {
    const redirect = await fetch(
      `${shop.url}/payments/v2/complete?paymentId=x`,
    );
    const webhook = await fetch(`${shop.url}/payments/v2/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect([redirect.status, webhook.status]).toEqual([404, 404]);
    expect(await webhook.text()).toMatch(/PortOne V2 is not configured/);
    const health = await shop.app.get(PortOneV2HealthIndicator).isHealthy('v2');
    expect(health.v2).toMatchObject({
      status: 'down',
      lastError: 'PortOne V2 is not configured',
    });
  });

  it('routes switched off answer 404 though V2 is configured, at other paths they answer', async () => {
    const v2 = {
      apiSecret: V2_DEFAULT_CONFIG.v2ApiSecret,
      storeId: V2_DEFAULT_CONFIG.v2StoreId,
      webhookSecret: SECRET,
      apiBaseUrl: `${sim.url}/v2`,
    };
    const off = await startModuleApp(sim, {
      options: { v2 },
      routes: { v2Redirect: false, v2Webhook: 'hooks/portone' },
    });
    try {
      const redirect = await fetch(
        `${off.url}/payments/v2/complete?paymentId=x`,
      );
      const oldWebhook = await fetch(`${off.url}/payments/v2/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      const moved = await fetch(`${off.url}/hooks/portone`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect([redirect.status, oldWebhook.status, moved.status]).toEqual([
        404, 404, 401,
      ]);
    } finally {
      await off.close();
    }
  });

  it('health: down with a refused secret, which the report never prints', async () => {
    const secret = 'v2-secret-that-portone-refuses';
    const wrong = await startModuleApp(sim, {
      options: {
        v2: {
          apiSecret: secret,
          storeId: V2_DEFAULT_CONFIG.v2StoreId,
          webhookSecret: SECRET,
          apiBaseUrl: `${sim.url}/v2`,
        },
      },
    });
    try {
      const health = await wrong.app.get(PortOneV2HealthIndicator).isHealthy();
      expect(health.portoneV2).toMatchObject({
        status: 'down',
        lastError: expect.stringMatching(/HTTP 401/),
      });
      expect(JSON.stringify(health)).not.toContain(secret);
      expect(wrong.logger.lines.join('\n')).not.toContain(secret);
    } finally {
      await wrong.close();
    }
  });
});
