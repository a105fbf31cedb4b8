import {
  type RunningSimulator,
  startSimulator,
} from '../../apps/iamport-simulator/src/index.js';
import { createV2Payment, v2 } from './helpers.js';

async function fault(sim: RunningSimulator, spec: Record<string, unknown>) {
  const response = await fetch(`${sim.url}/_sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(spec),
  });
  return { status: response.status, body: await response.json() };
}

/** V2 API faults: named `v2.*`, never hit by V1's `*`. */
describe('simulator: faults of the V2 API', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.reset());

  it('answers a V2 http_error in V2 shape, for the number of calls asked', async () => {
    const paid = await createV2Payment(sim);
    expect(
      (
        await fault(sim, {
          kind: 'http_error',
          operation: 'v2.getPayment',
          status: 503,
          times: 2,
        })
      ).status,
    ).toBe(201);
    const first = await v2(sim, 'GET', `/payments/${paid.id}`);
    const second = await v2(sim, 'GET', `/payments/${paid.id}`);
    const third = await v2(sim, 'GET', `/payments/${paid.id}`);
    expect([first.status, second.status, third.status]).toEqual([
      503, 503, 200,
    ]);
    expect(first.body).toMatchObject({ type: 'SIMULATED_ERROR' });
  });

  it('a malformed answer is a gateway page, not JSON', async () => {
    const paid = await createV2Payment(sim);
    await fault(sim, { kind: 'malformed', operation: 'v2.cancelPayment' });
    const answer = await v2(sim, 'POST', `/payments/${paid.id}/cancel`, {
      json: { reason: 'test' },
    });
    expect(answer.status).toBe(502);
    expect(answer.headers.get('content-type')).toContain('text/html');
    // Nothing was cancelled.
    expect((await v2(sim, 'GET', `/payments/${paid.id}`)).body.status).toBe(
      'PAID',
    );
  });

  it('V1 faults on `*` leave the V2 API alone', async () => {
    const paid = await createV2Payment(sim);
    await fault(sim, { kind: 'http_error', ratio: 1 });
    expect((await v2(sim, 'GET', `/payments/${paid.id}`)).status).toBe(200);
  });

  it('refuses V1-only fault kinds on V2 operations, and unknown operations', async () => {
    expect(
      (await fault(sim, { kind: 'error_code', operation: 'v2.getPayment' }))
        .status,
    ).toBe(400);
    expect(
      (await fault(sim, { kind: 'reset', operation: 'v2.nothing' })).status,
    ).toBe(400);
  });

  it('latency delays a V2 call', async () => {
    const paid = await createV2Payment(sim);
    await fault(sim, {
      kind: 'latency',
      operation: 'v2.getPayment',
      latency_ms: 150,
    });
    const started = performance.now();
    await v2(sim, 'GET', `/payments/${paid.id}`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });
});
