import { setTimeout as sleep } from 'node:timers/promises';
import { IamportAuthError } from 'nestjs-iamport';
import {
  type ClientFixture,
  createClient,
  rejectionOf,
} from '../support/iamport-client.fixture.js';
import { SimulatorControl } from '../support/simulator-control.js';

describe('IamportClient token life cycle (over HTTP, against the simulator)', () => {
  let sim: SimulatorControl;
  let fixture: ClientFixture;
  let impUid: string;

  beforeAll(async () => {
    sim = await SimulatorControl.start();
  });
  afterAll(() => sim.close());

  beforeEach(async () => {
    await sim.reset();
    await sim.configure({ token_ttl_seconds: 1800, clock_offset_seconds: 0 });
    impUid = (
      await sim.createPayment({ merchant_uid: 'order-token', amount: 1000 })
    ).imp_uid;
    fixture = await createClient(sim);
  });
  afterEach(() => fixture.close());

  it('reuses one token for many calls', async () => {
    for (let i = 0; i < 10; i++) await fixture.client.getPayment(impUid);
    const stats = await sim.stats();
    expect(stats.calls.getToken).toBe(1);
    expect(stats.calls.getPaymentByImpUid).toBe(10);
  });

  it('makes one token request for many concurrent first calls (single flight)', async () => {
    const payments = await Promise.all(
      Array.from({ length: 25 }, () => fixture.client.getPayment(impUid)),
    );
    expect(payments.every((payment) => payment.imp_uid === impUid)).toBe(true);
    expect(await sim.calls('getToken')).toBe(1);
  });

  it('gets a new token once the old one has expired, without a 401 round trip', async () => {
    await sim.configure({ token_ttl_seconds: 2 });
    await fixture.client.getPayment(impUid);
    await sleep(2200);
    await fixture.client.getPayment(impUid);
    const stats = await sim.stats();
    expect(stats.tokens_issued).toBe(2);
    // Expiry was known locally: no lookup was refused and repeated.
    expect(stats.calls.getPaymentByImpUid).toBe(2);
  });

  it('refreshes ahead of expiry, and iamport answers with the same token', async () => {
    await sim.configure({ token_ttl_seconds: 4 });
    await fixture.client.getPayment(impUid);
    await sleep(2200); // past half of the lifetime (the margin), before expiry
    await fixture.client.getPayment(impUid);
    const stats = await sim.stats();
    expect(stats.calls.getToken).toBe(2);
    expect(stats.tokens_issued).toBe(1);
  });

  it.each([
    ['ten days behind', -864_000],
    ['ten days ahead', 864_000],
  ])(
    'never compares clocks: an API clock %s changes nothing',
    async (_label, offset) => {
      await sim.configure({ clock_offset_seconds: offset });
      for (let i = 0; i < 5; i++) await fixture.client.getPayment(impUid);
      expect(await sim.calls('getToken')).toBe(1);
    },
  );

  it('recovers from a 401 by refreshing once and retrying once', async () => {
    await fixture.client.getPayment(impUid);
    await sim.expireTokens();
    const payment = await fixture.client.getPayment(impUid);
    expect(payment.imp_uid).toBe(impUid);
    const stats = await sim.stats();
    expect(stats.calls.getToken).toBe(2);
    expect(stats.tokens_issued).toBe(2);
    expect(stats.calls.getPaymentByImpUid).toBe(3);
  });

  it('recovers when many concurrent calls hit the same expired token, with one refresh', async () => {
    await fixture.client.getPayment(impUid);
    await sim.expireTokens();
    await Promise.all(
      Array.from({ length: 10 }, () => fixture.client.getPayment(impUid)),
    );
    expect(await sim.calls('getToken')).toBe(2);
  });

  it('gives up with IamportAuthError when even a fresh token is refused', async () => {
    await fixture.client.getPayment(impUid);
    await sim.fault({
      kind: 'expired_token',
      operation: 'getPaymentByImpUid',
      times: 2,
    });
    const error = await rejectionOf(fixture.client.getPayment(impUid));
    expect(error).toBeInstanceOf(IamportAuthError);
    expect(error.retryable).toBe(false);
    expect(error.httpStatus).toBe(401);
    expect(await sim.calls('getPaymentByImpUid')).toBe(3);
  });

  it('refuses wrong credentials without retrying and without echoing the secret', async () => {
    const wrong = await createClient(sim, {
      impSecret: 'a-wrong-secret-value',
    });
    try {
      const error = await rejectionOf(wrong.client.getPayment(impUid));
      expect(error).toBeInstanceOf(IamportAuthError);
      expect(error.operation).toBe('getToken');
      expect(error.retryable).toBe(false);
      expect(await sim.calls('getToken')).toBe(1);
      expect(JSON.stringify(error)).not.toContain('a-wrong-secret-value');
      expect(String(error.stack)).not.toContain('a-wrong-secret-value');
    } finally {
      await wrong.close();
    }
  });
});
