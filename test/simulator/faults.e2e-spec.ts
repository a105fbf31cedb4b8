import {
  startSimulator,
  type RunningSimulator,
} from '../../apps/iamport-simulator/src/index.js';
import { schemaViolations } from '../support/openapi-schema.js';
import { call, control, createPayment, getToken } from './helpers.js';

describe('faults', () => {
  let sim: RunningSimulator;
  let token: string;
  let impUid: string;
  const lookup = () => call(sim, 'GET', `/payments/${impUid}`, { token });
  const addFault = (json: Record<string, unknown>) =>
    control(sim, 'POST', '/_sim/faults', json);

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  beforeEach(async () => {
    sim.reset();
    sim.config.latencyMs = 0;
    token = await getToken(sim);
    impUid = (await createPayment(sim, { merchant_uid: 'faulty', amount: 100 }))
      .imp_uid;
  });
  afterAll(() => sim.close());

  it('latency delays the answer, which is then normal', async () => {
    expect((await addFault({ kind: 'latency', latency_ms: 150 })).status).toBe(
      201,
    );
    const started = Date.now();
    const { status, body } = await lookup();
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    expect(status).toBe(200);
    expect(body.response.imp_uid).toBe(impUid);
  });

  it('http_error answers a 5xx envelope once, then the API recovers', async () => {
    const { body: created } = await addFault({
      kind: 'http_error',
      status: 503,
    });
    expect(created).toEqual({ id: expect.any(String) });
    const failed = await lookup();
    expect(failed.status).toBe(503);
    expect(failed.body).toEqual({
      code: -1,
      message: expect.any(String),
      response: null,
    });
    expect((await lookup()).status).toBe(200);
  });

  it('error_code answers HTTP 200 with code 1', async () => {
    await addFault({ kind: 'error_code', operation: 'getPaymentByImpUid' });
    const { status, body } = await lookup();
    expect(status).toBe(200);
    expect(body).toEqual({
      code: 1,
      message: expect.any(String),
      response: null,
    });
  });

  it('malformed answers HTTP 200 with a body that is not JSON', async () => {
    await addFault({ kind: 'malformed' });
    const response = await fetch(`${sim.url}/payments/${impUid}`, {
      headers: { authorization: token },
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(() => JSON.parse(text)).toThrow();
  });

  describe('malformed_payment', () => {
    const dateOf = (seconds: number) =>
      new Date(seconds * 1000).toISOString().slice(0, 10);

    it('answers HTTP 200, code 0, with paid_at as a date string; the stored payment is untouched', async () => {
      const { status: created, body } = await addFault({
        kind: 'malformed_payment',
      });
      expect(created).toBe(201);
      const listed = (await control(sim, 'GET', '/_sim/faults')).body.faults;
      expect(listed).toEqual([
        {
          id: body.id,
          kind: 'malformed_payment',
          operation: '*',
          times: 1,
          ratio: null,
          latency_ms: 0,
          status: 500,
          field: 'paid_at',
          hits: 0,
        },
      ]);
      const spoiled = await lookup();
      expect(spoiled.status).toBe(200);
      expect(spoiled.body.code).toBe(0);
      const normal = await lookup();
      expect(normal.body.response.paid_at).toEqual(expect.any(Number));
      expect(spoiled.body.response).toEqual({
        ...normal.body.response,
        paid_at: dateOf(normal.body.response.paid_at),
      });
      expect(spoiled.body.response.paid_at).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(
        schemaViolations(spoiled.body.response, 'PaymentAnnotation'),
      ).toEqual([
        `paid_at: expected integer, got "${spoiled.body.response.paid_at}"`,
      ]);
      const [stored] = (await control(sim, 'GET', '/_sim/payments')).body;
      expect(stored.paid_at).toBe(normal.body.response.paid_at);
    });

    it('puts the given value in the given field of every payment of a list', async () => {
      await createPayment(sim, { merchant_uid: 'faulty', amount: 200 });
      await addFault({
        kind: 'malformed_payment',
        operation: 'getAllPaymentsByMerchantUid',
        field: 'started_at',
        value: 1e20,
        times: 2,
      });
      expect((await lookup()).body.response.started_at).toEqual(
        expect.any(Number),
      );
      const all = await call(sim, 'GET', '/payments/findAll/faulty', { token });
      expect(all.status).toBe(200);
      expect(all.body.code).toBe(0);
      expect(all.body.response.total).toBe(2);
      expect(
        all.body.response.list.map(
          (p: { started_at: unknown }) => p.started_at,
        ),
      ).toEqual([1e20, 1e20]);
      const { body: faults } = await control(sim, 'GET', '/_sim/faults');
      expect(faults.faults[0]).toMatchObject({
        field: 'started_at',
        value: 1e20,
        times: 1,
        hits: 1,
      });
    });

    it('applies to every operation that answers payments', async () => {
      const paths: [string, string, (body: any) => unknown[]][] = [
        ['getPaymentByImpUid', `/payments/${impUid}`, (b) => [b.response]],
        [
          'getPaymentListByImpUid',
          `/payments?imp_uid[]=${impUid}`,
          (b) => b.response,
        ],
        [
          'getPaymentByMerchantUid',
          '/payments/find/faulty',
          (b) => [b.response],
        ],
        [
          'getAllPaymentsByMerchantUid',
          '/payments/findAll/faulty',
          (b) => b.response.list,
        ],
        ['getPaymentsByStatus', '/payments/status/all', (b) => b.response.list],
      ];
      for (const [operation, path, payments] of paths) {
        await addFault({
          kind: 'malformed_payment',
          operation,
          field: 'cancelled_at',
          value: 'yesterday',
        });
        const { status, body } = await call(sim, 'GET', path, { token });
        expect(status, operation).toBe(200);
        expect(
          payments(body).map((p: any) => p.cancelled_at),
          operation,
        ).toEqual(['yesterday']);
      }
      await addFault({ kind: 'malformed_payment', operation: 'cancelPayment' });
      const cancel = await call(sim, 'POST', '/payments/cancel', {
        token,
        json: { imp_uid: impUid, amount: 10 },
      });
      expect(cancel.body.code).toBe(0);
      expect(cancel.body.response.paid_at).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(cancel.body.response.cancel_amount).toBe(10);
    });

    it('waits for a successful payment answer: other operations and refusals do not use it up', async () => {
      await addFault({ kind: 'malformed_payment', value: null });
      expect(
        (await call(sim, 'GET', '/payments/imp_000000000000', { token }))
          .status,
      ).toBe(404);
      expect(
        (
          await call(sim, 'POST', '/payments/prepare', {
            token,
            json: { merchant_uid: 'p', amount: 1 },
          })
        ).body.response,
      ).toEqual({ merchant_uid: 'p', amount: 1, currency: null });
      await getToken(sim);
      expect((await call(sim, 'GET', `/payments/${impUid}`)).status).toBe(401);
      expect((await control(sim, 'GET', '/_sim/faults')).body.faults).toEqual([
        expect.objectContaining({ kind: 'malformed_payment', hits: 0 }),
      ]);
      expect((await lookup()).body.response.paid_at).toBeNull();
      expect((await lookup()).body.response.paid_at).toEqual(
        expect.any(Number),
      );
    });

    it('with a date of now when the timestamp does not apply, and after other faults decided', async () => {
      await addFault({ kind: 'http_error', operation: 'getPaymentByImpUid' });
      await addFault({ kind: 'malformed_payment', field: 'failed_at' });
      expect((await lookup()).status).toBe(500);
      const before = dateOf(Math.floor(Date.now() / 1000));
      const spoiled = await lookup();
      const after = dateOf(Math.floor(Date.now() / 1000));
      expect([before, after]).toContain(spoiled.body.response.failed_at);
    });
  });

  it('reset destroys the socket without an answer', async () => {
    await addFault({ kind: 'reset' });
    await expect(lookup()).rejects.toThrow();
    expect((await lookup()).status).toBe(200);
  });

  it('timeout holds the request until the client gives up', async () => {
    await addFault({ kind: 'timeout' });
    const started = Date.now();
    const held = fetch(`${sim.url}/payments/${impUid}`, {
      headers: { authorization: token },
      signal: AbortSignal.timeout(200),
    });
    await expect(held).rejects.toThrow(/abort|timeout/i);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect((await lookup()).status).toBe(200);
  });

  it('expired_token answers 401 and really expires the token', async () => {
    await addFault({ kind: 'expired_token', operation: 'getPaymentByImpUid' });
    const refused = await lookup();
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({
      code: -1,
      message: 'Unauthorized',
      response: null,
    });
    expect((await lookup()).status).toBe(401);
    const fresh = await getToken(sim);
    expect(fresh).not.toBe(token);
    token = fresh;
    expect((await lookup()).status).toBe(200);
  });

  it('matches only its operation', async () => {
    await addFault({ kind: 'http_error', operation: 'cancelPayment' });
    expect((await lookup()).status).toBe(200);
    const cancel = await call(sim, 'POST', '/payments/cancel', {
      token,
      json: { imp_uid: impUid },
    });
    expect(cancel.status).toBe(500);
    expect((await lookup()).body.response.status).toBe('paid');
  });

  it('times counts down, ratio hits a share and stays, both are listed and can be cleared', async () => {
    await addFault({ kind: 'http_error', times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await lookup()).status);
    expect(statuses).toEqual([500, 500, 200]);

    const { body: created } = await addFault({
      kind: 'error_code',
      ratio: 0.5,
      operation: 'getPaymentByImpUid',
    });
    let hits = 0;
    for (let i = 0; i < 200; i++) if ((await lookup()).body.code === 1) hits++;
    expect(hits).toBeGreaterThan(50);
    expect(hits).toBeLessThan(150);
    const { body: listed } = await control(sim, 'GET', '/_sim/faults');
    expect(listed.faults).toEqual([
      {
        id: created.id,
        kind: 'error_code',
        operation: 'getPaymentByImpUid',
        times: null,
        ratio: 0.5,
        latency_ms: 0,
        status: 500,
        hits,
      },
    ]);
    expect((await control(sim, 'DELETE', '/_sim/faults')).body).toEqual({
      cleared: 1,
    });
    expect((await control(sim, 'GET', '/_sim/faults')).body.faults).toEqual([]);
    expect((await lookup()).body.code).toBe(0);
  });

  it('removes one fault by id', async () => {
    const { body } = await addFault({ kind: 'http_error', times: 5 });
    expect(
      (await control(sim, 'DELETE', `/_sim/faults/${body.id}`)).status,
    ).toBe(200);
    expect(
      (await control(sim, 'DELETE', `/_sim/faults/${body.id}`)).status,
    ).toBe(404);
    expect((await lookup()).status).toBe(200);
  });

  it('validates a fault', async () => {
    for (const json of [
      {},
      { kind: 'meteor' },
      { kind: 'http_error', operation: 'getEverything' },
      { kind: 'http_error', times: 2, ratio: 0.5 },
      { kind: 'http_error', ratio: 2 },
      { kind: 'http_error', status: 404 },
      { kind: 'latency', latency_ms: -1 },
      { kind: 'latency', colour: 'red' },
      { kind: 'malformed_payment', operation: 'getToken' },
      { kind: 'malformed_payment', operation: 'preparePayment' },
      { kind: 'malformed_payment', field: 'amount' },
      { kind: 'malformed_payment', value: { nested: true } },
      { kind: 'malformed_payment', value: [1] },
      { kind: 'http_error', field: 'paid_at' },
      { kind: 'error_code', value: 'x' },
    ]) {
      const { status, body } = await addFault(json);
      expect(status, JSON.stringify(json)).toBe(400);
      expect(body.error).toEqual(expect.any(String));
    }
  });

  it('latencyMs in the config delays every API answer but not control calls', async () => {
    sim.config.latencyMs = 120;
    let started = Date.now();
    await lookup();
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
    started = Date.now();
    await control(sim, 'GET', '/_sim/stats');
    expect(Date.now() - started).toBeLessThan(100);
  });
});

describe('closing with held requests', () => {
  it('close() releases requests held by a timeout fault', async () => {
    const sim = await startSimulator({ port: 0 });
    await control(sim, 'POST', '/_sim/faults', { kind: 'timeout', times: 3 });
    const held = Array.from({ length: 3 }, () =>
      fetch(`${sim.url}/users/getToken`, { method: 'POST' }).then(
        () => 'answered',
        () => 'released',
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await sim.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await Promise.all(held)).toEqual([
      'released',
      'released',
      'released',
    ]);
  });
});
