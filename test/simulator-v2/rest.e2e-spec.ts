import {
  startSimulator,
  type RunningSimulator,
} from '../../apps/iamport-simulator/src/index.js';
import { PortOneClient } from '@portone/server-sdk';
import { answerViolations, v2Violations } from './oas-v2.js';
import {
  createV2Payment,
  listQuery,
  newPaymentId,
  simV2,
  startV2Prefixer,
  v2,
} from './helpers.js';

const STATUSES = [
  'READY',
  'PAY_PENDING',
  'VIRTUAL_ACCOUNT_ISSUED',
  'PAID',
  'FAILED',
  'PARTIAL_CANCELLED',
  'CANCELLED',
];

describe('PortOne V2 REST API (under /v2)', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  afterAll(() => sim.close());

  describe('the schema checker itself', () => {
    it('reports variants, missing and undeclared fields, types and date-times', async () => {
      const paid = await createV2Payment(sim, { status: 'PAID' });
      expect(v2Violations(paid, 'Payment')).toEqual([]);
      const broken = {
        ...paid,
        amount: { ...paid.amount, total: '1000' },
        paidAt: '2024-01-01 10:00',
        surprise: true,
        disputes: undefined,
        channel: { ...paid.channel, type: 'SANDBOX' },
      };
      expect(v2Violations(broken, 'Payment')).toEqual(
        expect.arrayContaining([
          'amount.total: expected integer, got "1000"',
          'paidAt: not an RFC 3339 date-time: 2024-01-01 10:00',
          'surprise: not declared',
          'disputes: required, missing',
          'channel.type: "SANDBOX" not in enum',
        ]),
      );
      expect(v2Violations({ ...paid, status: 'PENDING' }, 'Payment')).toEqual([
        'status: "PENDING" is no variant',
      ]);
    });
  });

  describe('auth', () => {
    it('takes `PortOne <secret>` and refuses a wrong or missing one with 401 UNAUTHORIZED', async () => {
      const { paymentId } = { paymentId: (await createV2Payment(sim)).id };
      expect((await v2(sim, 'GET', `/payments/${paymentId}`)).status).toBe(200);
      for (const authorization of [
        null,
        'PortOne wrong',
        `Bearer ${sim.config.v2ApiSecret}`,
        `Basic ${sim.config.v2ApiSecret}`,
        sim.config.v2ApiSecret,
      ]) {
        const { status, body } = await v2(
          sim,
          'GET',
          `/payments/${paymentId}`,
          {
            authorization,
          },
        );
        expect(status, String(authorization)).toBe(401);
        expect(body.type).toBe('UNAUTHORIZED');
        expect(answerViolations('getPayment', 401, body)).toEqual([]);
      }
    });

    it('logs in with the secret, takes the Bearer access token, and refreshes (old refresh token dies)', async () => {
      const login = await v2(sim, 'POST', '/login/api-secret', {
        authorization: null,
        json: { apiSecret: sim.config.v2ApiSecret },
      });
      expect(login.status).toBe(200);
      expect(answerViolations('loginViaApiSecret', 200, login.body)).toEqual(
        [],
      );
      const paymentId = (await createV2Payment(sim)).id;
      const bearer = `Bearer ${login.body.accessToken}`;
      expect(
        (
          await v2(sim, 'GET', `/payments/${paymentId}`, {
            authorization: bearer,
          })
        ).status,
      ).toBe(200);

      const refreshed = await v2(sim, 'POST', '/token/refresh', {
        authorization: null,
        json: { refreshToken: login.body.refreshToken },
      });
      expect(refreshed.status).toBe(200);
      expect(answerViolations('refreshToken', 200, refreshed.body)).toEqual([]);
      expect(refreshed.body.refreshToken).not.toBe(login.body.refreshToken);
      const again = await v2(sim, 'POST', '/token/refresh', {
        authorization: null,
        json: { refreshToken: login.body.refreshToken },
      });
      expect(again.status).toBe(401);
      expect(again.body.type).toBe('UNAUTHORIZED');

      const wrong = await v2(sim, 'POST', '/login/api-secret', {
        authorization: null,
        json: { apiSecret: 'nope' },
      });
      expect(wrong.status).toBe(401);
      expect(answerViolations('loginViaApiSecret', 401, wrong.body)).toEqual(
        [],
      );

      expect((await simV2(sim, 'POST', '/tokens/expire')).body.expired).toBe(2);
      const expired = await v2(sim, 'GET', `/payments/${paymentId}`, {
        authorization: `Bearer ${refreshed.body.accessToken}`,
      });
      expect(expired.status).toBe(401);
    });

    it('answers an unknown /v2 route and a malformed body in V2 shape, never the V1 envelope', async () => {
      const unknown = await v2(sim, 'GET', '/nowhere');
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({
        type: 'NOT_FOUND',
        message: expect.any(String),
      });
      const malformed = await v2(sim, 'POST', '/payments/x/cancel', {
        headers: { 'content-type': 'application/json' },
        json: undefined,
      });
      expect(malformed.status).toBe(400);
      const res = await fetch(`${sim.url}/v2/payments/x/cancel`, {
        method: 'POST',
        headers: { authorization: `PortOne ${sim.config.v2ApiSecret}` },
        body: '{"reason":',
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        type: 'INVALID_REQUEST',
        message: 'Malformed JSON body',
      });
    });
  });

  describe('GET /payments/{paymentId}', () => {
    it.each(STATUSES)(
      'answers a %s payment exactly as the OAS variant says',
      async (status) => {
        const created = await createV2Payment(sim, {
          status,
          totalAmount: 15000,
        });
        const { status: http, body } = await v2(
          sim,
          'GET',
          `/payments/${encodeURIComponent(created.id)}?storeId=${sim.config.v2StoreId}`,
        );
        expect(http).toBe(200);
        expect(answerViolations('getPayment', 200, body)).toEqual([]);
        expect(body).toMatchObject({
          status,
          id: created.id,
          storeId: sim.config.v2StoreId,
          version: 'V2',
          currency: 'KRW',
          channel: { type: 'LIVE', key: sim.config.v2ChannelKey },
        });
        expect(body.transactionId).toMatch(/^[0-9a-f-]{36}$/);
      },
    );

    it('gives amounts, the virtual account, the failure and the cancellations', async () => {
      const va = await createV2Payment(sim, {
        status: 'VIRTUAL_ACCOUNT_ISSUED',
        totalAmount: 30000,
        customData: { cart: [1, 2] },
      });
      expect(va.method).toMatchObject({
        type: 'PaymentMethodVirtualAccount',
        bank: expect.any(String),
        accountNumber: expect.any(String),
        remitteeName: expect.any(String),
        expiredAt: expect.any(String),
        issuedAt: expect.any(String),
      });
      expect(va.amount).toMatchObject({ total: 30000, paid: 0, cancelled: 0 });
      expect(va.customData).toBe('{"cart":[1,2]}');

      const failed = await createV2Payment(sim, { status: 'FAILED' });
      expect(failed.failure).toEqual({
        reason: expect.any(String),
        pgCode: expect.any(String),
        pgMessage: expect.any(String),
      });

      const partial = await createV2Payment(sim, {
        status: 'PARTIAL_CANCELLED',
        totalAmount: 10000,
        cancelAmount: 3000,
      });
      expect(partial.amount).toMatchObject({
        total: 10000,
        paid: 10000,
        cancelled: 3000,
      });
      expect(partial.cancellations).toEqual([
        expect.objectContaining({ status: 'SUCCEEDED', totalAmount: 3000 }),
      ]);
    });

    it('404s PAYMENT_NOT_FOUND, decodes path ids, and 403s another store', async () => {
      const missing = await v2(sim, 'GET', '/payments/nope');
      expect(missing.status).toBe(404);
      expect(missing.body.type).toBe('PAYMENT_NOT_FOUND');
      expect(answerViolations('getPayment', 404, missing.body)).toEqual([]);

      const odd = await createV2Payment(sim, { paymentId: 'order/1 한글?&' });
      const found = await v2(
        sim,
        'GET',
        `/payments/${encodeURIComponent(odd.id)}`,
      );
      expect(found.status).toBe(200);
      expect(found.body.id).toBe('order/1 한글?&');

      const forbidden = await v2(
        sim,
        'GET',
        `/payments/${encodeURIComponent(odd.id)}?storeId=store-other`,
      );
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.type).toBe('FORBIDDEN');
    });

    it('works with the official server SDK (text/plain bodies, requestBody queries)', async () => {
      const prefixer = await startV2Prefixer(sim);
      onTestFinished(() => prefixer.close());
      const client = PortOneClient({
        secret: sim.config.v2ApiSecret,
        baseUrl: prefixer.url,
        storeId: sim.config.v2StoreId,
      });
      const created = await createV2Payment(sim, { totalAmount: 5000 });
      const payment = await client.payment.getPayment({
        paymentId: created.id,
      });
      expect(payment).toMatchObject({ status: 'PAID', id: created.id });
      const { cancellation } = await client.payment.cancelPayment({
        paymentId: created.id,
        reason: 'SDK',
        amount: 2000,
        currentCancellableAmount: 5000,
      });
      expect(cancellation).toMatchObject({
        status: 'SUCCEEDED',
        totalAmount: 2000,
      });
      const page = await client.payment.getPayments({
        page: { number: 0, size: 100 },
        filter: { status: ['PARTIAL_CANCELLED'] },
      });
      expect(page.items.map((p) => (p as { id?: string }).id)).toContain(
        created.id,
      );
      await expect(
        client.payment.getPayment({ paymentId: 'missing' }),
      ).rejects.toMatchObject({ data: { type: 'PAYMENT_NOT_FOUND' } });
    });
  });

  describe('POST /payments/{paymentId}/cancel', () => {
    const cancel = (paymentId: string, json: Record<string, unknown>) =>
      v2(sim, 'POST', `/payments/${encodeURIComponent(paymentId)}/cancel`, {
        json,
      });

    it('cancels in part, then the rest, and answers the cancellation', async () => {
      const { id } = await createV2Payment(sim, { totalAmount: 10000 });
      const first = await cancel(id, {
        reason: '부분 취소',
        amount: 4000,
        currentCancellableAmount: 10000,
      });
      expect(first.status).toBe(200);
      expect(answerViolations('cancelPayment', 200, first.body)).toEqual([]);
      expect(first.body.cancellation).toMatchObject({
        status: 'SUCCEEDED',
        id: expect.any(String),
        totalAmount: 4000,
        taxFreeAmount: 0,
        vatAmount: 364,
        reason: '부분 취소',
        requestedAt: expect.any(String),
        cancelledAt: expect.any(String),
      });
      let payment = (await v2(sim, 'GET', `/payments/${id}`)).body;
      expect(payment).toMatchObject({
        status: 'PARTIAL_CANCELLED',
        amount: { cancelled: 4000 },
      });
      expect(answerViolations('getPayment', 200, payment)).toEqual([]);

      const rest = await cancel(id, { reason: '전체 취소' });
      expect(rest.status).toBe(200);
      expect(rest.body.cancellation.totalAmount).toBe(6000);
      payment = (await v2(sim, 'GET', `/payments/${id}`)).body;
      expect(payment).toMatchObject({
        status: 'CANCELLED',
        amount: { cancelled: 10000 },
      });
      expect(payment.cancellations).toHaveLength(2);
      expect(answerViolations('getPayment', 200, payment)).toEqual([]);
    });

    it.each([
      [
        'a wrong currentCancellableAmount',
        'PAID',
        { amount: 100, currentCancellableAmount: 999 },
        409,
        'CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN',
      ],
      [
        'more than is left',
        'PARTIAL_CANCELLED',
        { amount: 9000 },
        409,
        'CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT',
      ],
      [
        'a cancelled payment',
        'CANCELLED',
        {},
        409,
        'PAYMENT_ALREADY_CANCELLED',
      ],
      [
        'a payment not paid',
        'VIRTUAL_ACCOUNT_ISSUED',
        {},
        409,
        'PAYMENT_NOT_PAID',
      ],
      ['a failed payment', 'FAILED', {}, 409, 'PAYMENT_NOT_PAID'],
      ['no reason', 'PAID', { reason: undefined }, 400, 'INVALID_REQUEST'],
      ['a string amount', 'PAID', { amount: '100' }, 400, 'INVALID_REQUEST'],
    ])('refuses %s', async (_, status, json, http, type) => {
      const { id } = await createV2Payment(sim, { status, totalAmount: 10000 });
      const { status: got, body } = await cancel(id, { reason: 'r', ...json });
      expect(got).toBe(http);
      expect(body).toEqual({ type, message: expect.any(String) });
      expect(answerViolations('cancelPayment', http, body)).toEqual([]);
      const after = (await v2(sim, 'GET', `/payments/${id}`)).body;
      expect(after.status).toBe(status);
    });

    it('404s an unknown paymentId', async () => {
      const { status, body } = await cancel('nope', { reason: 'r' });
      expect(status).toBe(404);
      expect(body.type).toBe('PAYMENT_NOT_FOUND');
    });
  });

  describe('POST /payments/{paymentId}/pre-register', () => {
    it('answers {} and 409 ALREADY_PAID once paid', async () => {
      const paymentId = newPaymentId();
      const ok = await v2(sim, 'POST', `/payments/${paymentId}/pre-register`, {
        json: {
          storeId: sim.config.v2StoreId,
          totalAmount: 1000,
          currency: 'KRW',
        },
      });
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({});
      expect(answerViolations('preRegisterPayment', 200, ok.body)).toEqual([]);

      await createV2Payment(sim, { paymentId });
      const paid = await v2(
        sim,
        'POST',
        `/payments/${paymentId}/pre-register`,
        {
          json: { totalAmount: 1000 },
        },
      );
      expect(paid.status).toBe(409);
      expect(paid.body.type).toBe('ALREADY_PAID');
      expect(answerViolations('preRegisterPayment', 409, paid.body)).toEqual(
        [],
      );
    });
  });

  describe('attempts per paymentId', () => {
    it('keeps each attempt with its own transactionId and answers the paid one', async () => {
      const paymentId = newPaymentId();
      const failed = await createV2Payment(sim, {
        paymentId,
        status: 'FAILED',
      });
      const paid = await createV2Payment(sim, { paymentId, status: 'PAID' });
      const later = await createV2Payment(sim, { paymentId, status: 'READY' });
      expect(
        new Set([failed.transactionId, paid.transactionId, later.transactionId])
          .size,
      ).toBe(3);
      const current = (await v2(sim, 'GET', `/payments/${paymentId}`)).body;
      expect(current.transactionId).toBe(paid.transactionId);
      const second = await simV2(sim, 'POST', '/payments', {
        paymentId,
        status: 'PAID',
      });
      expect(second.status).toBe(409);
      const { body } = await simV2(sim, 'GET', `/payments/${paymentId}`);
      expect(body.attempts.map((a: any) => a.status)).toEqual([
        'FAILED',
        'PAID',
        'READY',
      ]);
    });

    it('answers the latest attempt while none is paid', async () => {
      const paymentId = newPaymentId();
      await createV2Payment(sim, { paymentId, status: 'FAILED' });
      const latest = await createV2Payment(sim, { paymentId, status: 'READY' });
      const current = (await v2(sim, 'GET', `/payments/${paymentId}`)).body;
      expect(current.transactionId).toBe(latest.transactionId);
    });
  });

  describe('listing', () => {
    let ids: string[];
    beforeAll(async () => {
      await simV2(sim, 'POST', '/reset');
      ids = [];
      for (const status of [
        'PAID',
        'FAILED',
        'PAID',
        'VIRTUAL_ACCOUNT_ISSUED',
        'PAY_PENDING',
      ])
        ids.push((await createV2Payment(sim, { status })).id);
    });

    it('pages GET /payments?requestBody=, newest first, with status filters', async () => {
      const first = await v2(
        sim,
        'GET',
        `/payments?${listQuery({ page: { number: 0, size: 2 } })}`,
      );
      expect(first.status).toBe(200);
      expect(answerViolations('getPayments', 200, first.body)).toEqual([]);
      expect(first.body.items.map((p: any) => p.id)).toEqual([ids[4], ids[3]]);
      expect(first.body.page).toEqual({ number: 0, size: 2, totalCount: 2 });
      const third = await v2(
        sim,
        'GET',
        `/payments?${listQuery({ page: { number: 2, size: 2 } })}`,
      );
      expect(third.body.items.map((p: any) => p.id)).toEqual([ids[0]]);

      const paid = await v2(
        sim,
        'GET',
        `/payments?${listQuery({ filter: { status: ['PAID'] } })}`,
      );
      expect(paid.body.items.map((p: any) => p.id).sort()).toEqual(
        [ids[0], ids[2]].sort(),
      );
      const pending = await v2(
        sim,
        'GET',
        `/payments?${listQuery({ filter: { status: ['PENDING'] } })}`,
      );
      expect(pending.body.items.map((p: any) => p.id)).toEqual([ids[4]]);
    });

    it('takes the query as a JSON body too, and filters by time', async () => {
      const future = new Date(Date.now() + 3600_000).toISOString();
      const body = await new Promise<any>((resolve, reject) => {
        // fetch cannot send a GET body: use node:http.
        import('node:http').then(({ request }) => {
          const json = JSON.stringify({
            filter: { from: future, timestampType: 'CREATED_AT' },
          });
          const req = request(`${sim.url}/v2/payments`, {
            method: 'GET',
            headers: {
              authorization: `PortOne ${sim.config.v2ApiSecret}`,
              'content-length': String(Buffer.byteLength(json)),
            },
          });
          req.on('response', (res) => {
            let text = '';
            res.on('data', (c) => (text += c));
            res.on('end', () => resolve(JSON.parse(text)));
          });
          req.on('error', reject);
          req.end(json);
        }, reject);
      });
      expect(body.items).toEqual([]);
    });

    it('refuses a page past 60,000 with 400 INVALID_REQUEST', async () => {
      const { status, body } = await v2(
        sim,
        'GET',
        `/payments?${listQuery({ page: { number: 600, size: 100 } })}`,
      );
      expect(status).toBe(400);
      expect(body.type).toBe('INVALID_REQUEST');
      expect(answerViolations('getPayments', 400, body)).toEqual([]);
    });

    it('walks GET /payments-by-cursor in creation order', async () => {
      const first = await v2(
        sim,
        'GET',
        `/payments-by-cursor?${listQuery({ size: 3 })}`,
      );
      expect(first.status).toBe(200);
      expect(
        answerViolations('getAllPaymentsByCursor', 200, first.body),
      ).toEqual([]);
      expect(first.body.items.map((i: any) => i.payment.id)).toEqual(
        ids.slice(0, 3),
      );
      const next = await v2(
        sim,
        'GET',
        `/payments-by-cursor?${listQuery({ size: 3, cursor: first.body.items[2].cursor })}`,
      );
      expect(next.body.items.map((i: any) => i.payment.id)).toEqual(
        ids.slice(3),
      );
      const tooBig = await v2(
        sim,
        'GET',
        `/payments-by-cursor?${listQuery({ size: 1001 })}`,
      );
      expect(tooBig.status).toBe(400);
    });
  });

  describe('virtual accounts', () => {
    it('closes an issued account, then 409s PAYMENT_NOT_WAITING_FOR_DEPOSIT', async () => {
      const { id } = await createV2Payment(sim, {
        status: 'VIRTUAL_ACCOUNT_ISSUED',
      });
      const closed = await v2(
        sim,
        'POST',
        `/payments/${id}/virtual-account/close`,
      );
      expect(closed.status).toBe(200);
      expect(answerViolations('closeVirtualAccount', 200, closed.body)).toEqual(
        [],
      );
      expect((await v2(sim, 'GET', `/payments/${id}`)).body.status).toBe(
        'FAILED',
      );
      const again = await v2(
        sim,
        'POST',
        `/payments/${id}/virtual-account/close`,
      );
      expect(again.status).toBe(409);
      expect(again.body.type).toBe('PAYMENT_NOT_WAITING_FOR_DEPOSIT');
      expect(answerViolations('closeVirtualAccount', 409, again.body)).toEqual(
        [],
      );
    });

    it('turns PAID on a deposit (control)', async () => {
      const { id } = await createV2Payment(sim, {
        status: 'VIRTUAL_ACCOUNT_ISSUED',
        totalAmount: 7000,
      });
      const { status, body } = await simV2(
        sim,
        'POST',
        `/payments/${id}/deposit`,
        { webhook: false },
      );
      expect(status).toBe(200);
      expect(body).toMatchObject({
        status: 'PAID',
        amount: { paid: 7000 },
        method: { remitterName: '홍길동' },
      });
      expect(answerViolations('getPayment', 200, body)).toEqual([]);
      expect((await simV2(sim, 'POST', `/payments/${id}/deposit`)).status).toBe(
        409,
      );
    });
  });
});
