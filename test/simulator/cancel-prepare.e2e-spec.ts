import {
  startSimulator,
  type RunningSimulator,
} from '../../apps/iamport-simulator/src/index.js';
import {
  call,
  control,
  createPayment,
  getToken,
  startReceiver,
  type Receiver,
} from './helpers.js';

describe('POST /payments/cancel', () => {
  let sim: RunningSimulator;
  let token: string;
  let receiver: Receiver;
  const cancel = (json: Record<string, unknown>) =>
    call(sim, 'POST', '/payments/cancel', { token, json });

  beforeAll(async () => {
    receiver = await startReceiver();
    sim = await startSimulator({ port: 0, webhookUrl: receiver.url });
  });
  beforeEach(async () => {
    sim.reset();
    receiver.received.length = 0;
    token = await getToken(sim);
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  it('cancels in full when amount is omitted', async () => {
    const payment = await createPayment(sim, {
      merchant_uid: 'full',
      amount: 5000,
    });
    const { status, body } = await cancel({
      imp_uid: payment.imp_uid,
      reason: '고객 변심',
    });
    expect(status).toBe(200);
    expect(body.code).toBe(0);
    const cancelled = body.response;
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      amount: 5000,
      cancel_amount: 5000,
      cancel_reason: '고객 변심',
    });
    expect(cancelled.cancelled_at).toBeGreaterThan(0);
    expect(cancelled.cancel_history).toEqual([
      {
        pg_tid: expect.any(String),
        amount: 5000,
        cancelled_at: cancelled.cancelled_at,
        reason: '고객 변심',
        cancellation_id: expect.any(String),
        receipt_url: expect.stringContaining(payment.imp_uid),
      },
    ]);
    expect(cancelled.cancel_receipt_urls).toEqual([
      cancelled.cancel_history[0].receipt_url,
    ]);
    const receipt = await fetch(cancelled.cancel_history[0].receipt_url);
    expect(await receipt.text()).toContain(
      cancelled.cancel_history[0].cancellation_id,
    );
  });

  it('cancels partially and cumulatively; status reads cancelled while money remains', async () => {
    const payment = await createPayment(sim, {
      merchant_uid: 'partial',
      amount: 10000,
    });
    const first = await cancel({
      imp_uid: payment.imp_uid,
      amount: 3000,
      checksum: 10000,
    });
    expect(first.body.response).toMatchObject({
      status: 'cancelled',
      cancel_amount: 3000,
    });
    const second = await call(sim, 'POST', '/payments/cancel', {
      token,
      form: {
        imp_uid: payment.imp_uid,
        amount: '2000',
        checksum: '7000',
        reason: 'second',
      },
    });
    expect(second.body.response.cancel_amount).toBe(5000);
    expect(
      second.body.response.cancel_history.map(
        (h: { amount: number }) => h.amount,
      ),
    ).toEqual([3000, 2000]);
    expect(second.body.response.cancel_reason).toBe('second');
    const ids = second.body.response.cancel_history.map(
      (h: { cancellation_id: string }) => h.cancellation_id,
    );
    expect(new Set(ids).size).toBe(2);
    const rest = await cancel({ imp_uid: payment.imp_uid, amount: 0 });
    expect(rest.body.response.cancel_amount).toBe(10000);
    expect(rest.body.response.cancel_history.at(-1).amount).toBe(5000);
  });

  it('finds the payment by merchant_uid: the newest refundable one; imp_uid wins', async () => {
    await createPayment(sim, {
      merchant_uid: 'by-order',
      amount: 100,
      status: 'failed',
    });
    const paid = await createPayment(sim, {
      merchant_uid: 'by-order',
      amount: 100,
    });
    const other = await createPayment(sim, {
      merchant_uid: 'other',
      amount: 300,
    });
    const byOrder = await cancel({ merchant_uid: 'by-order' });
    expect(byOrder.body.response.imp_uid).toBe(paid.imp_uid);
    const both = await cancel({
      imp_uid: other.imp_uid,
      merchant_uid: 'by-order',
    });
    expect(both.body.response.imp_uid).toBe(other.imp_uid);
  });

  it('refuses with HTTP 200 and code 1: unknown, not paid, fully cancelled, over balance, checksum', async () => {
    const paid = await createPayment(sim, {
      merchant_uid: 'refusals',
      amount: 1000,
    });
    const ready = await createPayment(sim, {
      merchant_uid: 'ready',
      amount: 1000,
      status: 'ready',
    });
    const failed = await createPayment(sim, {
      merchant_uid: 'failed',
      amount: 1000,
      status: 'failed',
    });
    const gone = await createPayment(sim, {
      merchant_uid: 'gone',
      amount: 1000,
      status: 'cancelled',
    });
    const refusals: [Record<string, unknown>, RegExp][] = [
      [{ imp_uid: 'imp_000000000000' }, /존재하지 않는/],
      [{ merchant_uid: 'nobody' }, /존재하지 않는/],
      [{ imp_uid: ready.imp_uid }, /not paid/],
      [{ imp_uid: failed.imp_uid }, /not paid/],
      [{ imp_uid: gone.imp_uid }, /fully cancelled/],
      [{ imp_uid: paid.imp_uid, amount: 1001 }, /exceeds/],
      [{ imp_uid: paid.imp_uid, amount: 100, checksum: 900 }, /checksum/],
    ];
    for (const [json, message] of refusals) {
      const { status, body } = await cancel(json);
      expect(status, JSON.stringify(json)).toBe(200);
      expect(body).toEqual({
        code: 1,
        message: expect.stringMatching(message),
        response: null,
      });
    }
    const untouched = await call(sim, 'GET', `/payments/${paid.imp_uid}`, {
      token,
    });
    expect(untouched.body.response).toMatchObject({
      status: 'paid',
      cancel_amount: 0,
      cancel_history: [],
    });
  });

  it('the checksum makes a repeated cancel harmless', async () => {
    const payment = await createPayment(sim, {
      merchant_uid: 'repeat',
      amount: 1000,
    });
    const request = { imp_uid: payment.imp_uid, amount: 400, checksum: 1000 };
    expect((await cancel(request)).body.code).toBe(0);
    const repeated = await cancel(request);
    expect(repeated.body.code).toBe(1);
    const { body } = await call(sim, 'GET', `/payments/${payment.imp_uid}`, {
      token,
    });
    expect(body.response.cancel_amount).toBe(400);
  });

  it('needs a refund account for a paid virtual account', async () => {
    const vbank = await createPayment(sim, {
      merchant_uid: 'vb',
      amount: 1000,
      pay_method: 'vbank',
    });
    expect((await cancel({ imp_uid: vbank.imp_uid })).body.code).toBe(1);
    const refunded = await cancel({
      imp_uid: vbank.imp_uid,
      refund_holder: '홍길동',
      refund_bank: '004',
      refund_account: '12345678901234',
    });
    expect(refunded.body.response.status).toBe('cancelled');
  });

  it('answers 400 without imp_uid and merchant_uid, or with a bad amount', async () => {
    expect((await cancel({})).status).toBe(400);
    const badAmount = await cancel({
      imp_uid: 'imp_000000000000',
      amount: 'lots',
    });
    expect(badAmount.status).toBe(400);
    expect(badAmount.body).toEqual({
      code: -1,
      message: expect.stringContaining('amount'),
      response: null,
    });
  });

  it('sends no webhook unless enable_webhook is true, then one with cancellation_id', async () => {
    const quiet = await createPayment(sim, {
      merchant_uid: 'quiet',
      amount: 1000,
    });
    await cancel({ imp_uid: quiet.imp_uid });
    const loud = await createPayment(sim, {
      merchant_uid: 'loud',
      amount: 1000,
    });
    const { body } = await cancel({
      imp_uid: loud.imp_uid,
      enable_webhook: true,
    });
    const [webhook] = await receiver.waitFor(1);
    expect(JSON.parse(webhook.raw)).toEqual({
      imp_uid: loud.imp_uid,
      merchant_uid: 'loud',
      status: 'cancelled',
      cancellation_id: body.response.cancel_history[0].cancellation_id,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.received).toHaveLength(1);
    expect((await control(sim, 'GET', '/_sim/webhooks')).body).toHaveLength(1);
  });
});

describe('/payments/prepare', () => {
  let sim: RunningSimulator;
  let token: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    token = await getToken(sim);
  });
  afterAll(() => sim.close());

  it('registers an amount once, then changes it with PUT and reads it with GET', async () => {
    const created = await call(sim, 'POST', '/payments/prepare', {
      token,
      form: { merchant_uid: 'prep-1', amount: '15000' },
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      code: 0,
      message: null,
      response: { merchant_uid: 'prep-1', amount: 15000, currency: null },
    });
    const again = await call(sim, 'POST', '/payments/prepare', {
      token,
      json: { merchant_uid: 'prep-1', amount: 1 },
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({
      code: 1,
      message: expect.any(String),
      response: null,
    });
    const edited = await call(sim, 'PUT', '/payments/prepare', {
      token,
      json: { merchant_uid: 'prep-1', amount: 12000, currency: 'KRW' },
    });
    expect(edited.body.response).toEqual({
      merchant_uid: 'prep-1',
      amount: 12000,
      currency: 'KRW',
    });
    const read = await call(sim, 'GET', '/payments/prepare/prep-1', { token });
    expect(read.body.response.amount).toBe(12000);
  });

  it('answers 404 with code 1 for an unknown merchant_uid on PUT and GET', async () => {
    const edit = await call(sim, 'PUT', '/payments/prepare', {
      token,
      json: { merchant_uid: 'nobody', amount: 1 },
    });
    expect(edit.status).toBe(404);
    expect(edit.body).toEqual({
      code: 1,
      message: expect.any(String),
      response: null,
    });
    const read = await call(sim, 'GET', '/payments/prepare/nobody', { token });
    expect(read.status).toBe(404);
    expect(read.body).toEqual({
      code: 1,
      message: expect.any(String),
      response: null,
    });
  });

  it('answers 400 for a missing merchant_uid or amount', async () => {
    for (const json of [
      { amount: 1 },
      { merchant_uid: 'x' },
      { merchant_uid: 'x', amount: -1 },
    ]) {
      const { status, body } = await call(sim, 'POST', '/payments/prepare', {
        token,
        json,
      });
      expect(status).toBe(400);
      expect(body.code).toBe(-1);
    }
  });
});
