import {
  startSimulator,
  type RunningSimulator,
} from '../../apps/iamport-simulator/src/index.js';
import { call, control, createPayment, getToken } from './helpers.js';

describe('startSimulator', () => {
  it('listens on a random port, answers on url, and runs independent instances', async () => {
    const [a, b] = await Promise.all([
      startSimulator(),
      startSimulator({ port: 0, impKey: 'key_b' }),
    ]);
    try {
      expect(a.url).toBe(`http://127.0.0.1:${a.port}`);
      expect(a.port).toBeGreaterThan(0);
      expect(a.port).not.toBe(b.port);
      expect(a.config.port).toBe(a.port);
      await createPayment(a, { merchant_uid: 'only-in-a', amount: 1 });
      expect((await control(a, 'GET', '/_sim/payments')).body).toHaveLength(1);
      expect((await control(b, 'GET', '/_sim/payments')).body).toHaveLength(0);
      expect(b.config.impKey).toBe('key_b');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    await expect(fetch(`${a.url}/_sim/stats`)).rejects.toThrow();
  });

  it('rejects invalid options with every problem named', async () => {
    await expect(
      startSimulator({ port: -1, webhookFormat: 'xml' as 'json' }),
    ).rejects.toThrow(/port: .*webhookFormat: /);
  });
});

describe('control endpoints and HTTP edges', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  beforeEach(() => {
    sim.reset();
    sim.config.latencyMs = 0;
  });
  afterAll(() => sim.close());

  describe('POST /_sim/payments', () => {
    it('creates a payment from the given fields and answers 201 with it, not enveloped', async () => {
      const { status, body } = await control(sim, 'POST', '/_sim/payments', {
        merchant_uid: 'ctl-1',
        amount: 12.5,
        currency: 'USD',
        imp_uid: 'imp_100000000001',
        name: '머그컵',
        buyer_name: '홍길동',
        buyer_email: 'hong@example.com',
        custom_data: { coupon: 'X' },
        pg: 'kcp.T0000',
      });
      expect(status).toBe(201);
      expect(body).toMatchObject({
        imp_uid: 'imp_100000000001',
        merchant_uid: 'ctl-1',
        amount: 12.5,
        currency: 'USD',
        name: '머그컵',
        buyer_name: '홍길동',
        buyer_email: 'hong@example.com',
        custom_data: '{"coupon":"X"}',
        pg_provider: 'kcp',
        pg_id: 'T0000',
        status: 'paid',
        pay_method: 'card',
      });
      expect(body.apply_num).toMatch(/^\d{8}$/);
      expect(body.receipt_url).toBe(`${sim.url}/receipts/imp_100000000001`);
      const receipt = await fetch(body.receipt_url);
      expect(receipt.headers.get('content-type')).toContain('text/html');
      expect(await receipt.text()).toContain('ctl-1');
    });

    it('creates failed payments with a fail_reason', async () => {
      const failed = await createPayment(sim, {
        merchant_uid: 'f',
        amount: 1,
        status: 'failed',
        fail_reason: '잔액 부족',
      });
      expect(failed).toMatchObject({
        status: 'failed',
        fail_reason: '잔액 부족',
        paid_at: 0,
      });
      expect(failed.failed_at).toBeGreaterThan(0);
    });

    it('answers 400 with a reason for bad input, 409 for a duplicate imp_uid', async () => {
      for (const json of [
        { amount: 1 },
        { merchant_uid: 'x' },
        { merchant_uid: 'x', amount: 'ten' },
        { merchant_uid: 'x', amount: 1, status: 'refunded' },
        { merchant_uid: 'x', amount: 1, sandbox: 'maybe' },
        { merchant_uid: 'x'.repeat(41), amount: 1 },
        { merchant_uid: 'x', amount: 1, amout: 2 },
        { merchant_uid: 'x', amount: 1, notice_url: 'not a url' },
      ]) {
        const { status, body } = await control(
          sim,
          'POST',
          '/_sim/payments',
          json,
        );
        expect(status, JSON.stringify(json)).toBe(400);
        expect(body.error).toEqual(expect.any(String));
      }
      await createPayment(sim, {
        merchant_uid: 'x',
        amount: 1,
        imp_uid: 'imp_200000000002',
      });
      const duplicate = await control(sim, 'POST', '/_sim/payments', {
        merchant_uid: 'y',
        amount: 1,
        imp_uid: 'imp_200000000002',
      });
      expect(duplicate.status).toBe(409);
    });
  });

  it('GET /_sim/stats counts calls per operationId; control calls are not counted', async () => {
    const token = await getToken(sim);
    const payment = await createPayment(sim, {
      merchant_uid: 'stats',
      amount: 100,
    });
    await call(sim, 'GET', `/payments/${payment.imp_uid}`, { token });
    await call(sim, 'GET', `/payments/${payment.imp_uid}`);
    await call(sim, 'GET', '/payments/find/stats', { token });
    await call(sim, 'POST', '/payments/prepare', {
      token,
      json: { merchant_uid: 'p', amount: 1 },
    });
    await fetch(`${sim.url}/v1/iamport.js`);
    await control(sim, 'GET', '/_sim/config');
    const { body } = await control(sim, 'GET', '/_sim/stats');
    expect(body).toEqual({
      calls: expect.objectContaining({
        getToken: 1,
        getPaymentByImpUid: 2,
        getPaymentByMerchantUid: 1,
        preparePayment: 1,
        cancelPayment: 0,
        sdkScript: 1,
      }),
      total: 6,
      tokens_issued: 1,
      webhooks: { sent: 0, delivered: 0, failed: 0, dropped: 0 },
    });
  });

  it('POST /_sim/reset clears payments, tokens, prepared amounts, faults and stats but keeps config', async () => {
    sim.config.latencyMs = 1;
    const token = await getToken(sim);
    const payment = await createPayment(sim, {
      merchant_uid: 'reset',
      amount: 100,
    });
    await call(sim, 'POST', '/payments/prepare', {
      token,
      json: { merchant_uid: 'reset', amount: 100 },
    });
    await control(sim, 'POST', '/_sim/faults', {
      kind: 'latency',
      latency_ms: 1,
      times: 100,
    });
    expect((await control(sim, 'POST', '/_sim/reset')).body).toEqual({
      reset: true,
    });
    expect(sim.config.latencyMs).toBe(1);
    expect(
      (await call(sim, 'GET', `/payments/${payment.imp_uid}`, { token }))
        .status,
    ).toBe(401);
    const fresh = await getToken(sim);
    expect(
      (await call(sim, 'GET', `/payments/${payment.imp_uid}`, { token: fresh }))
        .status,
    ).toBe(404);
    expect(
      (await call(sim, 'GET', '/payments/prepare/reset', { token: fresh }))
        .status,
    ).toBe(404);
    expect((await control(sim, 'GET', '/_sim/faults')).body.faults).toEqual([]);
    // Counted since the reset: the refused lookup, getToken, the lookup and the prepare read.
    const stats = (await control(sim, 'GET', '/_sim/stats')).body;
    expect([stats.total, stats.tokens_issued]).toEqual([4, 1]);
  });

  describe('/_sim/config', () => {
    it('shows the config in snake_case', async () => {
      const { body } = await control(sim, 'GET', '/_sim/config');
      expect(body).toEqual({
        host: '127.0.0.1',
        public_url: null,
        port: sim.port,
        imp_key: 'imp_key_test',
        imp_secret: 'imp_secret_test',
        webhook_url: null,
        webhook_format: 'json',
        webhook_retries: 0,
        webhook_retry_delay_ms: 60000,
        webhook_timeout_ms: 30000,
        redirect_flag: 'imp_success',
        latency_ms: 0,
        token_ttl_seconds: 1800,
        token_extend_window_seconds: 60,
        token_extend_seconds: 300,
        clock_offset_seconds: 0,
        vbank_revoke_cancel_amount: 'zero',
      });
    });

    it('changes it live, validated and all-or-nothing', async () => {
      const patched = await control(sim, 'PATCH', '/_sim/config', {
        imp_key: 'key2',
        token_ttl_seconds: 60,
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        imp_key: 'key2',
        token_ttl_seconds: 60,
      });
      expect(sim.config.impKey).toBe('key2');
      const token = await call(sim, 'POST', '/users/getToken', {
        json: { imp_key: 'key2', imp_secret: 'imp_secret_test' },
      });
      expect(token.body.response.expired_at - token.body.response.now).toBe(60);
      for (const json of [
        { webhook_format: 'xml' },
        { port: 1234 },
        { public_url: 'http://192.168.0.7:4010' },
        { latency_ms: -1 },
        { webhook_retries: 6 },
        { webhook_url: 'mailto:x' },
        { redirect_flag: 'imp_success', bogus: 1 },
        { vbank_revoke_cancel_amount: 'half' },
      ]) {
        const { status, body } = await control(
          sim,
          'PATCH',
          '/_sim/config',
          json,
        );
        expect(status, JSON.stringify(json)).toBe(400);
        expect(body.error).toEqual(expect.any(String));
      }
      expect(sim.config.port).toBe(sim.port);
      await control(sim, 'PATCH', '/_sim/config', {
        imp_key: 'imp_key_test',
        token_ttl_seconds: 1800,
      });
    });
  });

  describe('HTTP edges', () => {
    it('answers unknown routes with a 404 envelope, and unknown /_sim routes with {error}', async () => {
      const api = await call(sim, 'GET', '/nothing/here');
      expect(api.status).toBe(404);
      expect(api.body).toEqual({
        code: -1,
        message: expect.any(String),
        response: null,
      });
      const ctl = await control(sim, 'GET', '/_sim/nothing');
      expect(ctl.status).toBe(404);
      expect(ctl.body).toEqual({ error: expect.any(String) });
    });

    it('refuses a body over 64 KiB with 413 and malformed JSON with 400', async () => {
      const big = await call(sim, 'POST', '/users/getToken', {
        json: { imp_key: 'x'.repeat(70_000), imp_secret: 'y' },
      });
      expect(big.status).toBe(413);
      expect(big.body).toEqual({
        code: -1,
        message: expect.any(String),
        response: null,
      });
      const broken = await fetch(`${sim.url}/users/getToken`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"imp_key":',
      });
      expect(broken.status).toBe(400);
      expect((await broken.json()).code).toBe(-1);
    });
  });
});
