import {
  startSimulator,
  type RunningSimulator,
} from '../../apps/iamport-simulator/src/index.js';
import { call, createPayment, getToken } from './helpers.js';

const DAY = 24 * 3600;

describe('payment lookups', () => {
  let sim: RunningSimulator;
  let token: string;
  const get = (path: string) => call(sim, 'GET', path, { token });

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  beforeEach(async () => {
    sim.reset();
    sim.config.clockOffsetSeconds = 0;
    token = await getToken(sim);
  });
  afterAll(() => sim.close());

  describe('GET /payments/{imp_uid}', () => {
    it('answers the payment in the envelope', async () => {
      const payment = await createPayment(sim, {
        merchant_uid: 'single',
        amount: 1500,
        name: '티셔츠',
      });
      const { status, headers, body } = await get(
        `/payments/${payment.imp_uid}`,
      );
      expect(status).toBe(200);
      expect(headers.get('content-type')).toBe(
        'application/json; charset=utf-8',
      );
      expect(body.code).toBe(0);
      expect(body.message).toBeNull();
      expect(body.response).toMatchObject({
        merchant_uid: 'single',
        amount: 1500,
        name: '티셔츠',
        status: 'paid',
      });
    });

    it('answers 404 with code -1 and response null for an unknown imp_uid', async () => {
      const { status, body } = await get('/payments/imp_123456789012');
      expect(status).toBe(404);
      expect(body).toEqual({
        code: -1,
        message: expect.any(String),
        response: null,
      });
    });

    it('hides sandbox payments unless include_sandbox=true', async () => {
      const test = await createPayment(sim, {
        merchant_uid: 'sandboxed',
        amount: 100,
        sandbox: true,
      });
      expect((await get(`/payments/${test.imp_uid}`)).status).toBe(404);
      expect(
        (await get(`/payments/${test.imp_uid}?include_sandbox=false`)).status,
      ).toBe(404);
      const shown = await get(`/payments/${test.imp_uid}?include_sandbox=true`);
      expect(shown.status).toBe(200);
      expect(shown.body.response.sandbox).toBe(true);
    });

    it('applies include_sandbox to the other lookups too', async () => {
      const test = await createPayment(sim, {
        merchant_uid: 'sandboxed',
        amount: 100,
        sandbox: true,
      });
      for (const path of [
        `/payments?imp_uid[]=${test.imp_uid}`,
        '/payments?merchant_uid[]=sandboxed',
        '/payments/find/sandboxed',
        '/payments/findAll/sandboxed',
      ]) {
        expect((await get(path)).status, path).toBe(404);
        const separator = path.includes('?') ? '&' : '?';
        expect(
          (await get(`${path}${separator}include_sandbox=true`)).status,
          path,
        ).toBe(200);
      }
      expect((await get('/payments/status/paid')).body.response.total).toBe(0);
      expect(
        (await get('/payments/status/paid?include_sandbox=true')).body.response
          .total,
      ).toBe(1);
    });
  });

  describe('GET /payments (batch)', () => {
    it('answers 200 when all are found, in the order asked, by imp_uid and merchant_uid', async () => {
      const a = await createPayment(sim, {
        merchant_uid: 'batch-a',
        amount: 100,
      });
      const b = await createPayment(sim, {
        merchant_uid: 'batch-b',
        amount: 200,
      });
      const { status, body } = await get(
        `/payments?imp_uid[]=${b.imp_uid}&imp_uid[]=${a.imp_uid}`,
      );
      expect(status).toBe(200);
      expect(body.response.map((p: { imp_uid: string }) => p.imp_uid)).toEqual([
        b.imp_uid,
        a.imp_uid,
      ]);
      const byOrder = await get(
        '/payments?merchant_uid[]=batch-a&merchant_uid[]=batch-b',
      );
      expect(byOrder.status).toBe(200);
      expect(
        byOrder.body.response.map((p: { amount: number }) => p.amount),
      ).toEqual([100, 200]);
    });

    it('answers 207 with the found ones when some are missing, 404 when none are', async () => {
      const a = await createPayment(sim, {
        merchant_uid: 'batch-a',
        amount: 100,
      });
      const partial = await get(
        `/payments?imp_uid[]=${a.imp_uid}&imp_uid[]=imp_000000000001`,
      );
      expect(partial.status).toBe(207);
      expect(partial.body.code).toBe(0);
      expect(partial.body.response).toHaveLength(1);
      const none = await get(
        '/payments?imp_uid[]=imp_000000000001&merchant_uid[]=nobody',
      );
      expect(none.status).toBe(404);
      expect(none.body).toEqual({
        code: -1,
        message: expect.any(String),
        response: null,
      });
    });

    it('refuses more than 100 ids and no ids with 400', async () => {
      const many = Array.from(
        { length: 101 },
        (_, i) => `imp_uid[]=imp_${String(i).padStart(12, '0')}`,
      );
      const tooMany = await get(`/payments?${many.join('&')}`);
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.response).toBeNull();
      expect(tooMany.body.message).toContain('100');
      expect((await get('/payments')).status).toBe(400);
    });
  });

  describe('GET /payments/find and /findAll', () => {
    it('find answers the newest payment of the order, optionally of one status', async () => {
      const failed = await createPayment(sim, {
        merchant_uid: 'retry',
        amount: 100,
        status: 'failed',
      });
      const paid = await createPayment(sim, {
        merchant_uid: 'retry',
        amount: 100,
      });
      expect((await get('/payments/find/retry')).body.response.imp_uid).toBe(
        paid.imp_uid,
      );
      expect(
        (await get('/payments/find/retry/failed')).body.response.imp_uid,
      ).toBe(failed.imp_uid);
      expect(
        (await get('/payments/find/retry?sorting=started')).body.response
          .imp_uid,
      ).toBe(failed.imp_uid);
      expect((await get('/payments/find/retry/cancelled')).status).toBe(404);
      expect((await get('/payments/find/nobody')).status).toBe(404);
      expect((await get('/payments/find/retry/bogus')).status).toBe(400);
      expect((await get('/payments/find/retry?sorting=sideways')).status).toBe(
        400,
      );
    });

    it('decodes merchant_uids with reserved characters', async () => {
      await createPayment(sim, { merchant_uid: 'order/2024 #1', amount: 100 });
      const { status, body } = await get(
        `/payments/find/${encodeURIComponent('order/2024 #1')}`,
      );
      expect(status).toBe(200);
      expect(body.response.merchant_uid).toBe('order/2024 #1');
    });

    it('findAll pages with total, previous and next', async () => {
      const created = [];
      for (let i = 0; i < 5; i++) {
        created.push(
          await createPayment(sim, { merchant_uid: 'paged', amount: 100 + i }),
        );
      }
      const first = await get('/payments/findAll/paged?limit=2');
      expect(first.body.response).toMatchObject({
        total: 5,
        previous: 0,
        next: 2,
      });
      // Newest first by default (-started).
      expect(
        first.body.response.list.map((p: { amount: number }) => p.amount),
      ).toEqual([104, 103]);
      const last = await get(
        '/payments/findAll/paged?limit=2&page=3&sorting=started',
      );
      expect(last.body.response).toMatchObject({
        total: 5,
        previous: 2,
        next: 0,
      });
      expect(
        last.body.response.list.map((p: { amount: number }) => p.amount),
      ).toEqual([104]);
      const filtered = await get('/payments/findAll/paged/failed');
      expect(filtered.status).toBe(404);
      expect((await get('/payments/findAll/paged?limit=1001')).status).toBe(
        400,
      );
      expect((await get('/payments/findAll/paged?page=0')).status).toBe(400);
    });
  });

  describe('GET /payments/status/{status}', () => {
    it('lists by status with paging and filters from/to on the status timestamp', async () => {
      sim.config.clockOffsetSeconds = -10 * DAY;
      const old = await createPayment(sim, {
        merchant_uid: 'old',
        amount: 100,
      });
      sim.config.clockOffsetSeconds = 0;
      const recent = await createPayment(sim, {
        merchant_uid: 'recent',
        amount: 200,
      });
      await createPayment(sim, {
        merchant_uid: 'failed',
        amount: 300,
        status: 'failed',
      });
      await createPayment(sim, {
        merchant_uid: 'vbank',
        amount: 400,
        status: 'ready',
        pay_method: 'vbank',
      });

      const paid = await get('/payments/status/paid');
      expect(paid.body.response.total).toBe(2);
      expect(paid.body.response.list[0].imp_uid).toBe(recent.imp_uid);
      const now = recent.paid_at;
      const lastWeek = await get(
        `/payments/status/paid?from=${now - 7 * DAY}&to=${now}`,
      );
      expect(
        lastWeek.body.response.list.map((p: { imp_uid: string }) => p.imp_uid),
      ).toEqual([recent.imp_uid]);
      const before = await get(
        `/payments/status/paid?from=${now - 20 * DAY}&to=${now - 5 * DAY}`,
      );
      expect(
        before.body.response.list.map((p: { imp_uid: string }) => p.imp_uid),
      ).toEqual([old.imp_uid]);
      expect((await get('/payments/status/failed')).body.response.total).toBe(
        1,
      );
      expect(
        (await get('/payments/status/ready')).body.response.list[0].pay_method,
      ).toBe('vbank');
      expect((await get('/payments/status/all')).body.response.total).toBe(4);
      const paged = await get('/payments/status/all?limit=3&page=2');
      expect(paged.body.response).toMatchObject({
        total: 4,
        previous: 1,
        next: 0,
      });
      expect(paged.body.response.list).toHaveLength(1);
    });

    it("all filters from/to on the time of each payment's current status, not started_at", async () => {
      // Started 20 days ago, each reaching its current status then or now.
      sim.config.clockOffsetSeconds = -20 * DAY;
      const depositedNow = await createPayment(sim, {
        merchant_uid: 'deposited-now',
        amount: 100,
        pay_method: 'vbank',
        status: 'ready',
      });
      const paidThen = await createPayment(sim, {
        merchant_uid: 'paid-then',
        amount: 100,
      });
      const refundedNow = await createPayment(sim, {
        merchant_uid: 'refunded-now',
        amount: 100,
      });
      const failedThen = await createPayment(sim, {
        merchant_uid: 'failed-then',
        amount: 100,
        status: 'failed',
      });
      sim.config.clockOffsetSeconds = 0;
      await call(
        sim,
        'POST',
        `/_sim/payments/${depositedNow.imp_uid}/deposit`,
        {
          json: { webhook: false },
        },
      );
      await call(sim, 'POST', `/_sim/payments/${refundedNow.imp_uid}/cancel`, {
        json: { webhook: false },
      });
      const readyNow = await createPayment(sim, {
        merchant_uid: 'ready-now',
        amount: 100,
        status: 'ready',
      });
      const now = readyNow.started_at;
      const ids = (body: any) =>
        body.response.list.map((p: { imp_uid: string }) => p.imp_uid).sort();

      const lastWeek = await get(
        `/payments/status/all?from=${now - 7 * DAY}&to=${now + 1}`,
      );
      expect(ids(lastWeek.body)).toEqual(
        [depositedNow.imp_uid, refundedNow.imp_uid, readyNow.imp_uid].sort(),
      );
      const then = await get(
        `/payments/status/all?from=${now - 25 * DAY}&to=${now - 15 * DAY}`,
      );
      expect(ids(then.body)).toEqual(
        [paidThen.imp_uid, failedThen.imp_uid].sort(),
      );
      // The default window (the last 90 days up to now) holds them all.
      expect((await get('/payments/status/all')).body.response.total).toBe(5);
      // Each status filters on its own time the same way.
      expect(
        ids(
          (
            await get(
              `/payments/status/paid?from=${now - 7 * DAY}&to=${now + 1}`,
            )
          ).body,
        ),
      ).toEqual([depositedNow.imp_uid]);
      expect(
        ids(
          (
            await get(
              `/payments/status/cancelled?from=${now - 25 * DAY}&to=${now - 15 * DAY}`,
            )
          ).body,
        ),
      ).toEqual([]);
    });

    it('pages by limit (1 to 1000, default 20) and page, answering {total, previous, next, list}', async () => {
      sim.config.clockOffsetSeconds = -60;
      for (let i = 0; i < 45; i++)
        await createPayment(sim, { merchant_uid: `page-${i}`, amount: 100 });
      sim.config.clockOffsetSeconds = 0;
      const first = await get('/payments/status/all');
      expect(first.status).toBe(200);
      expect(Object.keys(first.body.response)).toEqual([
        'total',
        'previous',
        'next',
        'list',
      ]);
      expect(first.body.response).toMatchObject({
        total: 45,
        previous: 0,
        next: 2,
      });
      expect(first.body.response.list).toHaveLength(20);
      // Newest first by default (-started; ties keep the creation order reversed).
      expect(first.body.response.list[0].merchant_uid).toBe('page-44');
      const second = await get('/payments/status/paid?page=2');
      expect(second.body.response).toMatchObject({
        total: 45,
        previous: 1,
        next: 3,
      });
      expect(second.body.response.list[0].merchant_uid).toBe('page-24');
      const last = await get('/payments/status/paid?page=3');
      expect(last.body.response).toMatchObject({ previous: 2, next: 0 });
      expect(last.body.response.list).toHaveLength(5);
      const sixteen = await get('/payments/status/all?limit=16&page=3');
      expect(sixteen.body.response).toMatchObject({ previous: 2, next: 0 });
      expect(sixteen.body.response.list).toHaveLength(13);
      const whole = await get(
        '/payments/status/all?limit=1000&sorting=started',
      );
      expect(whole.body.response).toMatchObject({
        total: 45,
        previous: 0,
        next: 0,
      });
      expect(whole.body.response.list[0].merchant_uid).toBe('page-0');
      for (const path of [
        '/payments/status/all?limit=1001',
        '/payments/status/all?limit=0',
        '/payments/status/all?page=0',
        '/payments/status/all?page=4',
        '/payments/status/all?limit=45&page=2',
      ]) {
        const { status, body } = await get(path);
        expect(status, path).toBe(400);
        expect(body.code, path).toBe(-1);
      }
      // An empty listing is page 1 of nothing, not an error.
      const empty = await get('/payments/status/failed');
      expect(empty.status).toBe(200);
      expect(empty.body.response).toEqual({
        total: 0,
        previous: 0,
        next: 0,
        list: [],
      });
    });

    it('refuses a bad status, a window over 90 days, from after to and a page past the end', async () => {
      const now = Math.floor(Date.now() / 1000);
      for (const path of [
        '/payments/status/refunded',
        `/payments/status/paid?from=${now - 91 * DAY}&to=${now}`,
        `/payments/status/paid?from=${now}&to=${now - 10}`,
        '/payments/status/paid?page=2',
        '/payments/status/paid?limit=abc',
      ]) {
        const { status, body } = await get(path);
        expect(status, path).toBe(400);
        expect(body).toEqual({
          code: -1,
          message: expect.any(String),
          response: null,
        });
      }
      expect(
        (await get(`/payments/status/paid?from=${now - 90 * DAY}&to=${now}`))
          .status,
      ).toBe(200);
    });
  });
});
