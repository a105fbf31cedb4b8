import {
  IamportAuthError,
  IamportError,
  IamportHttpError,
  IamportMalformedResponseError,
  IamportNetworkError,
  IamportResponseError,
  IamportTimeoutError,
} from 'nestjs-iamport';
import {
  type ClientFixture,
  createClient,
  rejectionOf,
} from '../support/iamport-client.fixture.js';
import {
  type FaultRequest,
  SimulatorControl,
} from '../support/simulator-control.js';

type ErrorClass = new (...args: any[]) => IamportError;

/** Faults that a retry can cure: the kind, and the error the client reports when it never clears. */
const transientFaults: Array<[string, FaultRequest, ErrorClass]> = [
  ['HTTP 500', { kind: 'http_error', status: 500 }, IamportHttpError],
  ['HTTP 503', { kind: 'http_error', status: 503 }, IamportHttpError],
  ['a timeout', { kind: 'timeout' }, IamportTimeoutError],
  ['a connection reset', { kind: 'reset' }, IamportNetworkError],
  ['a malformed body', { kind: 'malformed' }, IamportMalformedResponseError],
];

describe('IamportClient under faults (over HTTP, against the simulator)', () => {
  let sim: SimulatorControl;
  let fixture: ClientFixture;
  let impUid: string;

  beforeAll(async () => {
    sim = await SimulatorControl.start();
  });
  afterAll(() => sim.close());

  beforeEach(async () => {
    await sim.reset();
    impUid = (
      await sim.createPayment({ merchant_uid: 'order-faults', amount: 5000 })
    ).imp_uid;
    fixture = await createClient(sim, { timeoutMs: 300, maxRetries: 2 });
  });
  afterEach(() => fixture.close());

  describe.each(transientFaults)('%s', (_label, fault, errorClass) => {
    it('is retried and the read succeeds once the fault clears', async () => {
      await sim.fault({ ...fault, operation: 'getPaymentByImpUid', times: 2 });
      const payment = await fixture.client.getPayment(impUid);
      expect(payment.amount).toBe(5000);
      expect(await sim.calls('getPaymentByImpUid')).toBe(3);
    });

    it('ends, after the retries, in a typed error that says a retry could help', async () => {
      await sim.fault({ ...fault, operation: 'getPaymentByImpUid', times: 10 });
      const error = await rejectionOf(fixture.client.getPayment(impUid));
      expect(error).toBeInstanceOf(errorClass);
      expect(error.operation).toBe('getPaymentByImpUid');
      expect(error.retryable).toBe(true);
      expect(await sim.calls('getPaymentByImpUid')).toBe(3);
    });

    it('is not retried on a cancel without checksum, whose repeat could refund twice', async () => {
      await sim.fault({ ...fault, operation: 'cancelPayment', times: 1 });
      const error = await rejectionOf(
        fixture.client.cancelPayment({ imp_uid: impUid, amount: 1000 }),
      );
      expect(error).toBeInstanceOf(errorClass);
      expect(error.retryable).toBe(false);
      expect(await sim.calls('cancelPayment')).toBe(1);
    });

    it('is retried on a cancel with checksum, and refunds once', async () => {
      await sim.fault({ ...fault, operation: 'cancelPayment', times: 1 });
      const cancelled = await fixture.client.cancelPayment({
        imp_uid: impUid,
        amount: 1000,
        checksum: 5000,
      });
      expect(cancelled.cancel_amount).toBe(1000);
      expect(cancelled.cancel_history).toHaveLength(1);
      expect(await sim.calls('cancelPayment')).toBe(2);
    });

    it('on the token request is retried too', async () => {
      await sim.fault({ ...fault, operation: 'getToken', times: 1 });
      expect((await fixture.client.getPayment(impUid)).imp_uid).toBe(impUid);
      expect(await sim.calls('getToken')).toBe(2);
    });
  });

  it('waits out latency below the timeout without retrying', async () => {
    await sim.fault({
      kind: 'latency',
      latency_ms: 150,
      operation: 'getPaymentByImpUid',
      times: 1,
    });
    expect((await fixture.client.getPayment(impUid)).imp_uid).toBe(impUid);
    expect(await sim.calls('getPaymentByImpUid')).toBe(1);
  });

  it('treats latency above the timeout as a timeout, and retries', async () => {
    await sim.fault({
      kind: 'latency',
      latency_ms: 600,
      operation: 'getPaymentByImpUid',
      times: 1,
    });
    expect((await fixture.client.getPayment(impUid)).imp_uid).toBe(impUid);
    expect(await sim.calls('getPaymentByImpUid')).toBe(2);
  });

  it('reports code != 0 under HTTP 200 as IamportResponseError, without retrying', async () => {
    await sim.fault({
      kind: 'error_code',
      operation: 'getPaymentByImpUid',
      times: 1,
    });
    const error = await rejectionOf(fixture.client.getPayment(impUid));
    expect(error).toBeInstanceOf(IamportResponseError);
    expect(error.httpStatus).toBe(200);
    expect(error.code).toBe(1);
    expect(error.retryable).toBe(false);
    expect(await sim.calls('getPaymentByImpUid')).toBe(1);
  });

  it('recovers from a token that expires during requests', async () => {
    await fixture.client.getPayment(impUid);
    await sim.fault({
      kind: 'expired_token',
      operation: 'getPaymentByImpUid',
      times: 1,
    });
    expect((await fixture.client.getPayment(impUid)).imp_uid).toBe(impUid);
    const stats = await sim.stats();
    expect(stats.calls.getToken).toBe(2);
    expect(stats.calls.getPaymentByImpUid).toBe(3);
  });

  it('survives a share of failing calls over many requests', async () => {
    await sim.fault({
      kind: 'http_error',
      operation: 'getPaymentByImpUid',
      ratio: 0.3,
    });
    const patient = await createClient(sim, { timeoutMs: 300, maxRetries: 8 });
    try {
      for (let i = 0; i < 30; i++)
        expect((await patient.client.getPayment(impUid)).amount).toBe(5000);
      expect(await sim.calls('getPaymentByImpUid')).toBeGreaterThan(30);
    } finally {
      await patient.close();
    }
  });

  it('reports an unreachable iamport as a retryable network error', async () => {
    const unreachable = await createClient(sim, {
      apiBaseUrl: 'http://127.0.0.1:1',
      maxRetries: 1,
    });
    try {
      const error = await rejectionOf(unreachable.client.getPayment(impUid));
      expect(error).toBeInstanceOf(IamportNetworkError);
      expect(error.operation).toBe('getToken');
      expect(error.retryable).toBe(true);
      expect(error.httpStatus).toBeNull();
    } finally {
      await unreachable.close();
    }
  });

  it('never lets the secret or the token reach an error or a log line', async () => {
    const secretive = await createClient(sim, {
      impSecret: sim.impSecret,
      timeoutMs: 200,
    });
    const tokenAnswer = await fetch(`${sim.url}/users/getToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ imp_key: sim.impKey, imp_secret: sim.impSecret }),
    });
    const token: string = (await tokenAnswer.json()).response.access_token;
    const errors: unknown[] = [];
    for (const fault of [
      ...transientFaults.map(([, f]) => f),
      { kind: 'error_code' } as FaultRequest,
    ]) {
      await sim.fault({ ...fault, operation: '*', times: 10 });
      errors.push(await rejectionOf(secretive.client.getPayment(impUid)));
      await sim.control('DELETE', '/_sim/faults');
    }
    await sim.fault({
      kind: 'expired_token',
      operation: 'getPaymentByImpUid',
      times: 5,
    });
    errors.push(await rejectionOf(secretive.client.getPayment(impUid)));
    expect(errors.some((error) => error instanceof IamportAuthError)).toBe(
      true,
    );

    const everything = [
      ...errors.map(
        (error) =>
          `${JSON.stringify(error)} ${String(error)} ${(error as Error).stack}`,
      ),
      ...secretive.logger.lines,
    ].join('\n');
    expect(secretive.logger.lines.length).toBeGreaterThan(0);
    expect(everything).not.toContain(sim.impSecret);
    expect(everything).not.toContain(token);
    await secretive.close();
  });
});
