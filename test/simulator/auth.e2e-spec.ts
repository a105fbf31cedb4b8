import {
  startSimulator,
  type RunningSimulator,
} from '../../apps/iamport-simulator/src/index.js';
import { call, control, createPayment } from './helpers.js';

const credentials = { imp_key: 'imp_key_test', imp_secret: 'imp_secret_test' };

describe('access tokens', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  beforeEach(() => {
    sim.reset();
    sim.config.clockOffsetSeconds = 0;
    sim.config.tokenTtlSeconds = 1800;
  });
  afterAll(() => sim.close());

  const getToken = () =>
    call(sim, 'POST', '/users/getToken', { json: credentials });

  it('issues a token with now and expired_at on the API clock', async () => {
    sim.config.clockOffsetSeconds = 5000;
    const { status, body } = await getToken();
    expect(status).toBe(200);
    const localNow = Math.floor(Date.now() / 1000);
    expect(body.response.now - localNow).toBeGreaterThanOrEqual(4999);
    expect(body.response.now - localNow).toBeLessThanOrEqual(5001);
    expect(body.response.expired_at - body.response.now).toBe(1800);
    expect(body.response.access_token).toMatch(/^[0-9a-f]{40}$/);
  });

  it('accepts the credentials form-encoded', async () => {
    const { status, body } = await call(sim, 'POST', '/users/getToken', {
      form: credentials,
    });
    expect(status).toBe(200);
    expect(body.code).toBe(0);
  });

  it('answers 401 with code -1 for a wrong key or secret', async () => {
    for (const json of [
      { ...credentials, imp_secret: 'nope' },
      { ...credentials, imp_key: 'nope' },
      {},
    ]) {
      const { status, body } = await call(sim, 'POST', '/users/getToken', {
        json,
      });
      expect(status).toBe(401);
      expect(body).toEqual({
        code: -1,
        message: expect.any(String),
        response: null,
      });
    }
  });

  it('returns the same token and expiry when asked again before it expires', async () => {
    const first = (await getToken()).body.response;
    sim.config.clockOffsetSeconds = 600;
    const second = (await getToken()).body.response;
    expect(second.access_token).toBe(first.access_token);
    expect(second.expired_at).toBe(first.expired_at);
    expect(second.now).toBeGreaterThanOrEqual(first.now + 600);
    const stats = await control(sim, 'GET', '/_sim/stats');
    expect(stats.body.tokens_issued).toBe(1);
  });

  it('pushes the expiry 5 minutes when asked within the last minute', async () => {
    const first = (await getToken()).body.response;
    sim.config.clockOffsetSeconds = first.expired_at - first.now - 30;
    const extended = (await getToken()).body.response;
    expect(extended.access_token).toBe(first.access_token);
    expect(extended.expired_at).toBe(first.expired_at + 300);
  });

  it('issues a new token once the old one expired, and the old one is refused', async () => {
    sim.config.tokenTtlSeconds = 10;
    const first = (await getToken()).body.response;
    const payment = await createPayment(sim, {
      merchant_uid: 'auth-expiry',
      amount: 100,
    });
    sim.config.clockOffsetSeconds = 11;
    const refused = await call(sim, 'GET', `/payments/${payment.imp_uid}`, {
      token: first.access_token,
    });
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({
      code: -1,
      message: 'Unauthorized',
      response: null,
    });
    const second = (await getToken()).body.response;
    expect(second.access_token).not.toBe(first.access_token);
    const accepted = await call(sim, 'GET', `/payments/${payment.imp_uid}`, {
      token: second.access_token,
    });
    expect(accepted.status).toBe(200);
  });

  it('POST /_sim/tokens/expire expires every token now', async () => {
    const first = (await getToken()).body.response;
    const expired = await control(sim, 'POST', '/_sim/tokens/expire');
    expect(expired.body).toEqual({ expired: 1 });
    const refused = await call(sim, 'GET', '/payments/imp_000000000000', {
      token: first.access_token,
    });
    expect(refused.status).toBe(401);
    const second = (await getToken()).body.response;
    expect(second.access_token).not.toBe(first.access_token);
  });

  it('accepts the token as Bearer, raw Authorization or X-ImpTokenHeader', async () => {
    const token = (await getToken()).body.response.access_token as string;
    const payment = await createPayment(sim, {
      merchant_uid: 'auth-headers',
      amount: 100,
    });
    const path = `/payments/${payment.imp_uid}`;
    const forms: Record<string, string>[] = [
      { authorization: `Bearer ${token}` },
      { authorization: `bearer ${token}` },
      { authorization: token },
      { 'x-imptokenheader': token },
    ];
    for (const headers of forms) {
      const { status, body } = await call(sim, 'GET', path, { headers });
      expect(status, JSON.stringify(headers)).toBe(200);
      expect(body.response.imp_uid).toBe(payment.imp_uid);
    }
  });

  it('answers 401 Unauthorized without a token or with an unknown one, on every API route', async () => {
    const routes: [string, string][] = [
      ['GET', '/payments/imp_000000000000'],
      ['GET', '/payments?imp_uid[]=imp_000000000000'],
      ['GET', '/payments/find/o'],
      ['GET', '/payments/findAll/o'],
      ['GET', '/payments/status/paid'],
      ['POST', '/payments/cancel'],
      ['POST', '/payments/prepare'],
      ['PUT', '/payments/prepare'],
      ['GET', '/payments/prepare/o'],
      ['DELETE', '/vbanks/imp_000000000000'],
    ];
    for (const [method, path] of routes) {
      const attempts: Record<string, string>[] = [
        {},
        { authorization: 'Bearer unknown' },
        { 'x-imptokenheader': 'nope' },
      ];
      for (const headers of attempts) {
        const { status, body } = await call(sim, method, path, { headers });
        expect(status, `${method} ${path}`).toBe(401);
        expect(body).toEqual({
          code: -1,
          message: 'Unauthorized',
          response: null,
        });
      }
    }
  });
});
