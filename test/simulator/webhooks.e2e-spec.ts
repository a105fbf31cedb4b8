import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  startSimulator,
  type RunningSimulator,
} from '../../apps/iamport-simulator/src/index.js';
import {
  control,
  createPayment,
  sleep,
  startReceiver,
  type Receiver,
} from './helpers.js';

describe('webhooks', () => {
  let sim: RunningSimulator;
  let receiver: Receiver;
  const bodies = () => receiver.received.map((w) => JSON.parse(w.raw));

  beforeAll(async () => {
    receiver = await startReceiver();
    sim = await startSimulator({ port: 0 });
  });
  beforeEach(() => {
    sim.reset();
    receiver.received.length = 0;
    receiver.statusFor = () => 200;
    Object.assign(sim.config, {
      webhookUrl: receiver.url,
      webhookFormat: 'json',
      webhookRetries: 0,
      webhookRetryDelayMs: 60_000,
      webhookTimeoutMs: 30_000,
    });
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  it('posts {imp_uid, merchant_uid, status} as JSON', async () => {
    const payment = await createPayment(sim, {
      merchant_uid: 'wh-json',
      amount: 100,
      webhook: true,
    });
    const [webhook] = await receiver.waitFor(1);
    expect(webhook.contentType).toBe('application/json');
    expect(JSON.parse(webhook.raw)).toEqual({
      imp_uid: payment.imp_uid,
      merchant_uid: 'wh-json',
      status: 'paid',
    });
  });

  it('posts form-encoded when webhookFormat is form', async () => {
    sim.config.webhookFormat = 'form';
    const payment = await createPayment(sim, {
      merchant_uid: 'wh form&=',
      amount: 100,
      webhook: true,
    });
    const [webhook] = await receiver.waitFor(1);
    expect(webhook.contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(webhook.raw))).toEqual({
      imp_uid: payment.imp_uid,
      merchant_uid: 'wh form&=',
      status: 'paid',
    });
  });

  it('sends ready for an issued virtual account, paid on deposit, nothing on failure', async () => {
    const vbank = await createPayment(sim, {
      merchant_uid: 'wh-vbank',
      amount: 100,
      pay_method: 'vbank',
      status: 'ready',
      webhook: true,
    });
    await receiver.waitFor(1);
    const deposit = await control(
      sim,
      'POST',
      `/_sim/payments/${vbank.imp_uid}/deposit`,
      {},
    );
    expect(deposit.status).toBe(200);
    expect(deposit.body).toMatchObject({ status: 'paid', pay_method: 'vbank' });
    expect(deposit.body.paid_at).toBeGreaterThan(0);
    expect(deposit.body.deposit_history).toHaveLength(1);
    await receiver.waitFor(2);
    await createPayment(sim, {
      merchant_uid: 'wh-failed',
      amount: 100,
      status: 'failed',
      webhook: true,
    });
    await createPayment(sim, {
      merchant_uid: 'wh-closed',
      amount: 100,
      status: 'ready',
      webhook: true,
    });
    await sleep(100);
    expect(bodies().map((b) => b.status)).toEqual(['ready', 'paid']);
  });

  it('deposit answers 409 when the payment is not a ready virtual account, 404 when unknown', async () => {
    const card = await createPayment(sim, {
      merchant_uid: 'wh-card',
      amount: 100,
    });
    expect(
      (await control(sim, 'POST', `/_sim/payments/${card.imp_uid}/deposit`, {}))
        .status,
    ).toBe(409);
    expect(
      (
        await control(
          sim,
          'POST',
          '/_sim/payments/imp_000000000000/deposit',
          {},
        )
      ).status,
    ).toBe(404);
  });

  it('a console cancel sends cancelled with the cancellation_id (unless webhook is false)', async () => {
    const payment = await createPayment(sim, {
      merchant_uid: 'wh-cancel',
      amount: 1000,
    });
    const silent = await control(
      sim,
      'POST',
      `/_sim/payments/${payment.imp_uid}/cancel`,
      {
        amount: 100,
        webhook: false,
      },
    );
    expect(silent.body.cancel_amount).toBe(100);
    const loud = await control(
      sim,
      'POST',
      `/_sim/payments/${payment.imp_uid}/cancel`,
      { reason: 'console' },
    );
    expect(loud.body).toMatchObject({
      status: 'cancelled',
      cancel_amount: 1000,
      cancel_reason: 'console',
    });
    await receiver.waitFor(1);
    await sleep(50);
    expect(bodies()).toEqual([
      {
        imp_uid: payment.imp_uid,
        merchant_uid: 'wh-cancel',
        status: 'cancelled',
        cancellation_id: loud.body.cancel_history[1].cancellation_id,
      },
    ]);
    const refused = await control(
      sim,
      'POST',
      `/_sim/payments/${payment.imp_uid}/cancel`,
      {},
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/fully cancelled/);
  });

  it("a payment's notice_url overrides the configured URL", async () => {
    const other = await startReceiver();
    try {
      await createPayment(sim, {
        merchant_uid: 'wh-notice',
        amount: 100,
        notice_url: other.url,
        webhook: true,
      });
      await other.waitFor(1);
      await sleep(50);
      expect(receiver.received).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it('retries after a 5xx, as configured, and logs every attempt', async () => {
    Object.assign(sim.config, { webhookRetries: 3, webhookRetryDelayMs: 20 });
    receiver.statusFor = (i) => (i < 2 ? 503 : 200);
    const payment = await createPayment(sim, {
      merchant_uid: 'wh-retry',
      amount: 100,
      webhook: true,
    });
    await receiver.waitFor(3);
    await sleep(100);
    expect(receiver.received).toHaveLength(3);
    const log = (await control(sim, 'GET', '/_sim/webhooks')).body;
    expect(
      log.map((d: { attempt: number; status: number }) => [
        d.attempt,
        d.status,
      ]),
    ).toEqual([
      [1, 503],
      [2, 503],
      [3, 200],
    ]);
    expect(log[0]).toMatchObject({
      url: receiver.url,
      format: 'json',
      body: JSON.stringify({
        imp_uid: payment.imp_uid,
        merchant_uid: 'wh-retry',
        status: 'paid',
      }),
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const stats = (await control(sim, 'GET', '/_sim/stats')).body;
    expect(stats.webhooks).toEqual({
      sent: 3,
      delivered: 1,
      failed: 2,
      dropped: 0,
    });
  });

  it('never retries after a 4xx, nor by default', async () => {
    Object.assign(sim.config, { webhookRetries: 2, webhookRetryDelayMs: 10 });
    receiver.statusFor = () => 400;
    await createPayment(sim, {
      merchant_uid: 'wh-4xx',
      amount: 100,
      webhook: true,
    });
    sim.config.webhookRetries = 0;
    receiver.statusFor = (i) => (i === 0 ? 400 : 500);
    await createPayment(sim, {
      merchant_uid: 'wh-5xx-once',
      amount: 100,
      webhook: true,
    });
    await receiver.waitFor(2);
    await sleep(100);
    expect(receiver.received).toHaveLength(2);
  });

  it('retries after a network error and gives up after a timeout', async () => {
    const silent = createServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) =>
      silent.listen(0, '127.0.0.1', resolve),
    );
    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
    try {
      Object.assign(sim.config, {
        webhookUrl: silentUrl,
        webhookTimeoutMs: 50,
      });
      await createPayment(sim, {
        merchant_uid: 'wh-timeout',
        amount: 100,
        webhook: true,
      });
      await sleep(150);
      const [timedOut] = (await control(sim, 'GET', '/_sim/webhooks')).body;
      expect(timedOut).toMatchObject({
        status: null,
        error: 'timeout after 50 ms',
      });

      sim.reset();
      Object.assign(sim.config, {
        webhookUrl: 'http://127.0.0.1:1/',
        webhookRetries: 2,
        webhookRetryDelayMs: 10,
      });
      await createPayment(sim, {
        merchant_uid: 'wh-refused',
        amount: 100,
        webhook: true,
      });
      await sleep(200);
      const log = (await control(sim, 'GET', '/_sim/webhooks')).body;
      expect(log).toHaveLength(3);
      expect(
        log.every(
          (d: { status: null; error: string }) => d.status === null && d.error,
        ),
      ).toBe(true);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('drop_webhook swallows the next N webhooks and logs them as dropped', async () => {
    const fault = await control(sim, 'POST', '/_sim/faults', {
      kind: 'drop_webhook',
      times: 1,
    });
    expect(fault.status).toBe(201);
    await createPayment(sim, {
      merchant_uid: 'wh-dropped',
      amount: 100,
      webhook: true,
    });
    const kept = await createPayment(sim, {
      merchant_uid: 'wh-kept',
      amount: 100,
      webhook: true,
    });
    await receiver.waitFor(1);
    await sleep(50);
    expect(bodies().map((b) => b.imp_uid)).toEqual([kept.imp_uid]);
    const log = (await control(sim, 'GET', '/_sim/webhooks')).body;
    expect(log[0]).toMatchObject({
      dropped: true,
      status: null,
      payload: { merchant_uid: 'wh-dropped' },
    });
    const stats = (await control(sim, 'GET', '/_sim/stats')).body;
    expect(stats.webhooks).toEqual({
      sent: 1,
      delivered: 1,
      failed: 0,
      dropped: 1,
    });
  });

  describe('POST /_sim/webhooks', () => {
    it('resends, with a stale status and duplicates, and answers after sending', async () => {
      const payment = await createPayment(sim, {
        merchant_uid: 'wh-manual',
        amount: 100,
        status: 'cancelled',
      });
      const { status, body } = await control(sim, 'POST', '/_sim/webhooks', {
        imp_uid: payment.imp_uid,
        status: 'paid',
        times: 3,
      });
      expect(status).toBe(200);
      expect(body.deliveries).toEqual(
        Array(3).fill({ url: receiver.url, status: 200 }),
      );
      expect(receiver.received).toHaveLength(3);
      expect(bodies()).toEqual(
        Array(3).fill({
          imp_uid: payment.imp_uid,
          merchant_uid: 'wh-manual',
          status: 'paid',
        }),
      );
      await control(sim, 'POST', '/_sim/webhooks', {
        imp_uid: payment.imp_uid,
        format: 'form',
      });
      const latest = receiver.received[3];
      expect(latest.contentType).toBe('application/x-www-form-urlencoded');
      expect(new URLSearchParams(latest.raw).get('status')).toBe('cancelled');
      expect(new URLSearchParams(latest.raw).get('cancellation_id')).toBe(
        payment.cancel_history[0].cancellation_id,
      );
    });

    it('sends a forged webhook for an unknown imp_uid when given a merchant_uid, after delay_ms', async () => {
      const started = Date.now();
      const { body } = await control(sim, 'POST', '/_sim/webhooks', {
        imp_uid: 'imp_999999999999',
        merchant_uid: 'forged',
        delay_ms: 100,
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(95);
      expect(body.deliveries).toEqual([{ url: receiver.url, status: 200 }]);
      expect(bodies()).toEqual([
        { imp_uid: 'imp_999999999999', merchant_uid: 'forged', status: 'paid' },
      ]);
    });

    it('sends to url when given, and reports errors per delivery', async () => {
      const payment = await createPayment(sim, {
        merchant_uid: 'wh-url',
        amount: 100,
      });
      const { body } = await control(sim, 'POST', '/_sim/webhooks', {
        imp_uid: payment.imp_uid,
        url: 'http://127.0.0.1:1/nowhere',
      });
      expect(body.deliveries).toEqual([
        {
          url: 'http://127.0.0.1:1/nowhere',
          status: null,
          error: expect.any(String),
        },
      ]);
    });

    it('validates its input', async () => {
      const payment = await createPayment(sim, {
        merchant_uid: 'wh-validate',
        amount: 100,
      });
      for (const json of [
        {},
        { imp_uid: 'imp_000000000000' },
        { imp_uid: payment.imp_uid, status: 'refunded' },
        { imp_uid: payment.imp_uid, format: 'xml' },
        { imp_uid: payment.imp_uid, times: 0 },
        { imp_uid: payment.imp_uid, url: 'ftp://x' },
        { imp_uid: payment.imp_uid, colour: 'blue' },
      ]) {
        const { status, body } = await control(
          sim,
          'POST',
          '/_sim/webhooks',
          json,
        );
        expect([400, 404], JSON.stringify(json)).toContain(status);
        expect(body.error).toEqual(expect.any(String));
      }
      sim.config.webhookUrl = null;
      const noUrl = await control(sim, 'POST', '/_sim/webhooks', {
        imp_uid: payment.imp_uid,
      });
      expect(noUrl.status).toBe(400);
    });
  });
});
