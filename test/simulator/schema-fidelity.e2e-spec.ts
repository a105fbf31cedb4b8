import {
  startSimulator,
  type RunningSimulator,
} from '../../apps/iamport-simulator/src/index.js';
import {
  definitionProperties,
  responseDefinition,
  schemaViolations,
} from '../support/openapi-schema.js';
import { call, createPayment, getToken } from './helpers.js';

/** Every answer is checked against the definition the schema documents for its operation. */
function expectConforms(
  operationId: string,
  status: number,
  body: unknown,
): void {
  const definition = responseDefinition(operationId, status);
  expect(definition, `${operationId} ${status} has a schema`).toBeDefined();
  expect(schemaViolations(body, definition as string)).toEqual([]);
}

describe('fidelity to the official iamport schema', () => {
  let sim: RunningSimulator;
  let token: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    token = await getToken(sim);
  });
  afterAll(() => sim.close());

  describe('the schema checker itself', () => {
    it('maps operations to their response definitions', () => {
      expect(responseDefinition('getToken', 200)).toBe('AuthResponse');
      expect(responseDefinition('getPaymentListByImpUid', 207)).toBe(
        'MultiplePaymentsResponse',
      );
      expect(responseDefinition('getAllPaymentsByMerchantUid', 200)).toBe(
        'PaymentListResponse',
      );
      expect(responseDefinition('getPaymentPrepareByMerchantUid', 200)).toBe(
        'PaymentPrepareResponse',
      );
      expect(responseDefinition('revokeVbank', 200)).toBe('PaymentResponse');
    });

    it('reports wrong types, missing required fields, undeclared fields and long strings', async () => {
      const payment = await createPayment(sim, {
        merchant_uid: 'checker-1',
        amount: 1000,
      });
      expect(schemaViolations(payment, 'PaymentAnnotation')).toEqual([]);
      const broken = {
        ...payment,
        amount: '1000',
        paid_at: 1.5,
        sandbox: undefined,
        surprise: true,
        imp_uid: 'x'.repeat(33),
        cancel_history: [
          { pg_tid: 't', amount: 1, cancelled_at: 1, reason: 'r' },
        ],
      };
      expect(schemaViolations(broken, 'PaymentAnnotation')).toEqual(
        expect.arrayContaining([
          'amount: expected number, got "1000"',
          'paid_at: expected integer, got 1.5',
          'sandbox: required, missing',
          'surprise: not declared in PaymentAnnotation',
          'imp_uid: longer than maxLength 32',
          'cancel_history[0].cancellation_id: required, missing',
        ]),
      );
    });

    it('accepts null for optional fields but not for required ones', () => {
      const prepared = { merchant_uid: 'm', amount: 1, currency: null };
      expect(schemaViolations(prepared, 'PaymentPrepareAnnotation')).toEqual(
        [],
      );
      expect(
        schemaViolations(
          { ...prepared, amount: null },
          'PaymentPrepareAnnotation',
        ),
      ).toEqual([]);
      expect(
        schemaViolations(
          { access_token: null, now: 1, expired_at: 2 },
          'AuthAnnotation',
        ),
      ).toEqual(['access_token: required, missing']);
    });
  });

  it('getToken answers an AuthResponse', async () => {
    const { status, body } = await call(sim, 'POST', '/users/getToken', {
      json: { imp_key: 'imp_key_test', imp_secret: 'imp_secret_test' },
    });
    expect(status).toBe(200);
    expectConforms('getToken', 200, body);
    expect(body).toEqual({
      code: 0,
      message: null,
      response: {
        access_token: expect.any(String),
        now: expect.any(Number),
        expired_at: expect.any(Number),
      },
    });
  });

  it('a payment carries every PaymentAnnotation property, in the schema order', async () => {
    for (const input of [
      { merchant_uid: 'order-card', amount: 1000 },
      {
        merchant_uid: 'order-vbank',
        amount: 2000,
        pay_method: 'vbank',
        status: 'ready',
      },
      {
        merchant_uid: 'order-vbank-paid',
        amount: 2000,
        pay_method: 'vbank',
        status: 'paid',
      },
      { merchant_uid: 'order-failed', amount: 3000, status: 'failed' },
      { merchant_uid: 'order-cancelled', amount: 4000, status: 'cancelled' },
      { merchant_uid: 'order-closed', amount: 5000, status: 'ready' },
    ]) {
      const created = await createPayment(sim, input);
      const { status, body } = await call(
        sim,
        'GET',
        `/payments/${created.imp_uid}`,
        { token },
      );
      expect(status).toBe(200);
      expectConforms('getPaymentByImpUid', 200, body);
      expect(Object.keys(body.response)).toEqual(
        definitionProperties('PaymentAnnotation'),
      );
      expect(body.response).toEqual(created);
    }
  });

  it('fills fields the way the real API does: null strings, 0 timestamps, arrays', async () => {
    const ready = await createPayment(sim, {
      merchant_uid: 'order-shape',
      amount: 1000,
      status: 'ready',
    });
    expect(ready).toMatchObject({
      imp_uid: expect.stringMatching(/^imp_\d{12}$/),
      currency: 'KRW',
      status: 'ready',
      pay_method: 'card',
      pg_provider: 'html5_inicis',
      channel: 'pc',
      sandbox: false,
      escrow: false,
      emb_pg_provider: null,
      paid_at: 0,
      failed_at: 0,
      cancelled_at: 0,
      vbank_date: 0,
      vbank_issued_at: 0,
      vbank_num: null,
      fail_reason: null,
      cancel_reason: null,
      cancel_amount: 0,
      cancel_history: [],
      cancel_receipt_urls: [],
      deposit_history: [],
      cash_receipt_issued: false,
      customer_uid_usage: null,
      promotion: null,
    });
    expect(ready.started_at).toBeGreaterThan(1_600_000_000);
    const vbank = await createPayment(sim, {
      merchant_uid: 'order-shape-vbank',
      amount: 1000,
      pay_method: 'vbank',
      status: 'ready',
    });
    expect(vbank.vbank_num).toMatch(/^\d+$/);
    expect(vbank.vbank_code).toBe('004');
    expect(vbank.vbank_date - vbank.vbank_issued_at).toBe(3 * 24 * 3600);
  });

  it('batch lookups answer MultiplePaymentsResponse, with 200 and with 207', async () => {
    const a = await createPayment(sim, {
      merchant_uid: 'batch-a',
      amount: 100,
    });
    const b = await createPayment(sim, {
      merchant_uid: 'batch-b',
      amount: 200,
    });
    const all = await call(
      sim,
      'GET',
      `/payments?imp_uid[]=${a.imp_uid}&imp_uid[]=${b.imp_uid}`,
      { token },
    );
    expect(all.status).toBe(200);
    expectConforms('getPaymentListByImpUid', 200, all.body);
    const some = await call(
      sim,
      'GET',
      `/payments?imp_uid[]=${a.imp_uid}&imp_uid[]=imp_000000000000`,
      { token },
    );
    expect(some.status).toBe(207);
    expectConforms('getPaymentListByImpUid', 207, some.body);
    expect(
      some.body.response.map((p: { imp_uid: string }) => p.imp_uid),
    ).toEqual([a.imp_uid]);
  });

  it('find, findAll and status answer PaymentResponse and PaymentListResponse', async () => {
    await createPayment(sim, {
      merchant_uid: 'listed',
      amount: 100,
      status: 'failed',
    });
    await createPayment(sim, { merchant_uid: 'listed', amount: 100 });
    const found = await call(sim, 'GET', '/payments/find/listed', { token });
    expectConforms('getPaymentByMerchantUid', 200, found.body);
    const foundPaid = await call(sim, 'GET', '/payments/find/listed/paid', {
      token,
    });
    expectConforms('getPaymentByMerchantUid', 200, foundPaid.body);
    const all = await call(sim, 'GET', '/payments/findAll/listed', { token });
    expectConforms('getAllPaymentsByMerchantUid', 200, all.body);
    expect(all.body.response.total).toBe(2);
    const byStatus = await call(sim, 'GET', '/payments/status/all?limit=5', {
      token,
    });
    expectConforms('getPaymentsByStatus', 200, byStatus.body);
    expect(byStatus.body.response.list).toHaveLength(5);
  });

  it('full, partial and cumulative cancels answer PaymentResponse with a valid cancel_history', async () => {
    const partial = await createPayment(sim, {
      merchant_uid: 'cancel-fidelity',
      amount: 10000,
    });
    for (const amount of [1000, 2500]) {
      const { status, body } = await call(sim, 'POST', '/payments/cancel', {
        token,
        json: { imp_uid: partial.imp_uid, amount, reason: 'partial' },
      });
      expect(status).toBe(200);
      expectConforms('cancelPayment', 200, body);
    }
    const rest = await call(sim, 'POST', '/payments/cancel', {
      token,
      json: { imp_uid: partial.imp_uid },
    });
    expectConforms('cancelPayment', 200, rest.body);
    expect(rest.body.response.cancel_history).toHaveLength(3);
    expect(rest.body.response.cancel_amount).toBe(10000);
    for (const entry of rest.body.response.cancel_history) {
      expect(schemaViolations(entry, 'PaymentCancelAnnotation')).toEqual([]);
    }
  });

  it('a deposited virtual account carries a valid deposit_history entry', async () => {
    const vbank = await createPayment(sim, {
      merchant_uid: 'deposit-fidelity',
      amount: 7000,
      pay_method: 'vbank',
      status: 'ready',
    });
    await call(sim, 'POST', `/_sim/payments/${vbank.imp_uid}/deposit`, {
      json: { webhook: false },
    });
    const { body } = await call(sim, 'GET', `/payments/${vbank.imp_uid}`, {
      token,
    });
    expectConforms('getPaymentByImpUid', 200, body);
    expect(body.response.deposit_history).toHaveLength(1);
    expect(
      schemaViolations(
        body.response.deposit_history[0],
        'VbankDepositAnnotation',
      ),
    ).toEqual([]);
  });

  it('a revoked virtual account answers PaymentResponse, under either cancel_amount reading', async () => {
    try {
      for (const reading of ['zero', 'amount'] as const) {
        sim.config.vbankRevokeCancelAmount = reading;
        const vbank = await createPayment(sim, {
          merchant_uid: `revoke-fidelity-${reading}`,
          amount: 3000,
          pay_method: 'vbank',
          status: 'ready',
        });
        const revoked = await call(sim, 'DELETE', `/vbanks/${vbank.imp_uid}`, {
          token,
        });
        expect(revoked.status).toBe(200);
        expectConforms('revokeVbank', 200, revoked.body);
        expect(Object.keys(revoked.body.response)).toEqual(
          definitionProperties('PaymentAnnotation'),
        );
        expect(revoked.body.response.cancel_amount).toBe(
          reading === 'zero' ? 0 : 3000,
        );
        const read = await call(sim, 'GET', `/payments/${vbank.imp_uid}`, {
          token,
        });
        expectConforms('getPaymentByImpUid', 200, read.body);
        expect(read.body.response).toEqual(revoked.body.response);
        // A refusal (documented 400) is the envelope with response null.
        const again = await call(sim, 'DELETE', `/vbanks/${vbank.imp_uid}`, {
          token,
        });
        expect(again.status).toBe(400);
        expect(schemaViolations(again.body, 'PaymentResponse')).toEqual([]);
        expect(again.body).toEqual({
          code: 1,
          message: expect.any(String),
          response: null,
        });
      }
    } finally {
      sim.config.vbankRevokeCancelAmount = 'zero';
    }
  });

  it('prepare, edit and read answer PaymentPrepareResponse', async () => {
    const created = await call(sim, 'POST', '/payments/prepare', {
      token,
      json: { merchant_uid: 'prepared-fidelity', amount: 1000 },
    });
    expectConforms('preparePayment', 200, created.body);
    const edited = await call(sim, 'PUT', '/payments/prepare', {
      token,
      form: {
        merchant_uid: 'prepared-fidelity',
        amount: '2000',
        currency: 'KRW',
      },
    });
    expectConforms('editPreparePayment', 200, edited.body);
    const read = await call(sim, 'GET', '/payments/prepare/prepared-fidelity', {
      token,
    });
    expectConforms('getPaymentPrepareByMerchantUid', 200, read.body);
    expect(read.body.response).toEqual({
      merchant_uid: 'prepared-fidelity',
      amount: 2000,
      currency: 'KRW',
    });
  });

  it('failures are envelopes too: ResponseAnnotation with response null', async () => {
    const { status, body } = await call(
      sim,
      'GET',
      '/payments/imp_000000000000',
      { token },
    );
    expect(status).toBe(404);
    // The schema documents no body for a 404: it is the envelope, with response null.
    expect(schemaViolations(body, 'PaymentResponse')).toEqual([]);
    expect(body).toEqual({
      code: -1,
      message: expect.any(String),
      response: null,
    });
  });
});
