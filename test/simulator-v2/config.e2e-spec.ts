import {
  startSimulator,
  V2_DEFAULT_CONFIG,
  type RunningSimulator,
} from '../../apps/iamport-simulator/src/index.js';
import { configFromEnv } from '../../apps/iamport-simulator/src/env.js';
import { createV2Payment, simV2, v2 } from './helpers.js';

describe('V2 config, reset and coexistence with V1', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  afterAll(() => sim.close());

  it('has documented defaults and reads IAMPORT_SIM_V2_* variables', () => {
    expect(V2_DEFAULT_CONFIG).toMatchObject({
      v2ApiSecret: 'portone_v2_secret_test',
      v2StoreId: 'store-00000000-0000-4000-8000-000000000001',
      v2ChannelKey: 'channel-key-00000000-0000-4000-8000-000000000001',
      v2WebhookSecret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]+=*$/),
      v2WebhookUrl: null,
      v2WebhookRetryUnitMs: 60_000,
    });
    expect(
      configFromEnv({
        IAMPORT_SIM_V2_API_SECRET: 's',
        IAMPORT_SIM_V2_STORE_ID: 'store-x',
        IAMPORT_SIM_V2_WEBHOOK_URL: 'http://127.0.0.1:1/hook',
        IAMPORT_SIM_V2_WEBHOOK_RETRY_UNIT_MS: '5',
        IAMPORT_SIM_V2_CHANNEL_TYPE: 'TEST',
      }),
    ).toMatchObject({
      v2ApiSecret: 's',
      v2StoreId: 'store-x',
      v2WebhookUrl: 'http://127.0.0.1:1/hook',
      v2WebhookRetryUnitMs: 5,
      v2ChannelType: 'TEST',
    });
  });

  it('rejects bad V2 options at start', async () => {
    await expect(
      startSimulator({ port: 0, v2WebhookSecret: 'not base64!' }),
    ).rejects.toThrow(/v2WebhookSecret/);
  });

  it('shows and patches V2 config at /_sim/v2/config; /_sim/config stays V1-only', async () => {
    const { body } = await simV2(sim, 'GET', '/config');
    expect(body.v2ApiSecret).toBe('portone_v2_secret_test');
    const v1 = await (await fetch(`${sim.url}/_sim/config`)).json();
    expect(Object.keys(v1).some((key) => key.startsWith('v2'))).toBe(false);

    const bad = await simV2(sim, 'PATCH', '/config', {
      v2ChannelType: 'SANDBOX',
      v2ApiSecret: 'x',
    });
    expect(bad.status).toBe(400);
    expect(sim.config.v2ApiSecret).toBe('portone_v2_secret_test');
    const patched = await simV2(sim, 'PATCH', '/config', {
      v2ChannelType: 'TEST',
    });
    expect(patched.body.v2ChannelType).toBe('TEST');
    const payment = await createV2Payment(sim);
    expect(payment.channel.type).toBe('TEST');
    await simV2(sim, 'PATCH', '/config', { v2ChannelType: 'LIVE' });
  });

  it('keeps V1 and V2 routes apart: V1 payments are not V2 payments', async () => {
    const v1 = await fetch(`${sim.url}/payments/imp_000000000000`);
    expect((await v1.json()).code).toBe(-1);
    const payment = await createV2Payment(sim);
    expect(
      (await fetch(`${sim.url}/_sim/payments`).then((r) => r.json())).length,
    ).toBe(0);
    expect((await v2(sim, 'GET', `/payments/${payment.id}`)).status).toBe(200);
  });

  it('clears V2 state on /_sim/v2/reset and on sim.reset()', async () => {
    const a = await createV2Payment(sim);
    await simV2(sim, 'POST', '/reset');
    expect((await v2(sim, 'GET', `/payments/${a.id}`)).status).toBe(404);
    const b = await createV2Payment(sim);
    sim.reset();
    expect((await v2(sim, 'GET', `/payments/${b.id}`)).status).toBe(404);
  });
});
