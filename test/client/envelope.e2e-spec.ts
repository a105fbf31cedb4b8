import {
  IamportNotFoundError,
  IamportResponseError,
  MAX_IDS_PER_BATCH,
} from 'nestjs-iamport';
import {
  type ClientFixture,
  createClient,
  rejectionOf,
} from '../support/iamport-client.fixture.js';
import { SimulatorControl } from '../support/simulator-control.js';

describe('IamportClient calls and envelope (over HTTP, against the simulator)', () => {
  let sim: SimulatorControl;
  let fixture: ClientFixture;

  beforeAll(async () => {
    sim = await SimulatorControl.start();
  });
  afterAll(() => sim.close());

  beforeEach(async () => {
    await sim.reset();
    fixture = await createClient(sim);
  });
  afterEach(() => fixture.close());

  it('reads a payment as the API sends it', async () => {
    const created = await sim.createPayment({
      merchant_uid: 'order-read',
      amount: 12_300,
      name: 'Tea',
    });
    const payment = await fixture.client.getPayment(created.imp_uid);
    expect(payment).toEqual(created);
    expect(payment.status).toBe('paid');
    expect(payment.currency).toBe('KRW');
    expect(payment.paid_at).toBeGreaterThan(0);
    expect(payment.failed_at).toBe(0);
  });

  it('reports an unknown imp_uid as IamportNotFoundError (HTTP 404, code -1), not retried', async () => {
    const error = await rejectionOf(
      fixture.client.getPayment('imp_000000000000'),
    );
    expect(error).toBeInstanceOf(IamportNotFoundError);
    expect(error.httpStatus).toBe(404);
    expect(error.code).toBe(-1);
    expect(error.retryable).toBe(false);
    expect(await sim.calls('getPaymentByImpUid')).toBe(1);
  });

  it('hides test-channel payments unless includeSandbox is asked for', async () => {
    const sandboxed = await sim.createPayment({
      merchant_uid: 'order-sandbox',
      amount: 100,
      sandbox: true,
    });
    expect(
      await rejectionOf(fixture.client.getPayment(sandboxed.imp_uid)),
    ).toBeInstanceOf(IamportNotFoundError);
    const seen = await fixture.client.getPayment(sandboxed.imp_uid, {
      includeSandbox: true,
    });
    expect(seen.sandbox).toBe(true);
  });

  it('finds the newest payment of a merchant_uid, or null', async () => {
    await sim.createPayment({
      merchant_uid: 'order-retry',
      amount: 900,
      status: 'failed',
    });
    const second = await sim.createPayment({
      merchant_uid: 'order-retry',
      amount: 900,
      status: 'paid',
    });
    expect(
      (await fixture.client.findPaymentByMerchantUid('order-retry'))?.imp_uid,
    ).toBe(second.imp_uid);
    expect(
      await fixture.client.findPaymentByMerchantUid('order-none'),
    ).toBeNull();
    const all = await fixture.client.getAllPaymentsByMerchantUid('order-retry');
    expect(all.total).toBe(2);
    expect(all.list.map((payment) => payment.status).sort()).toEqual([
      'failed',
      'paid',
    ]);
    const failedOnly = await fixture.client.getAllPaymentsByMerchantUid(
      'order-retry',
      { status: 'failed' },
    );
    expect(failedOnly.list).toHaveLength(1);
  });

  it('splits a batch lookup into calls of 100 ids and leaves unknown ids out (HTTP 207)', async () => {
    const created = [];
    for (let i = 0; i < 150; i++)
      created.push(
        await sim.createPayment({
          merchant_uid: `order-batch-${i}`,
          amount: 100 + i,
        }),
      );
    const ids = [
      ...created.map((payment) => payment.imp_uid),
      'imp_999999999999',
    ];
    const found = await fixture.client.getPayments(ids);
    expect(found).toHaveLength(150);
    expect(new Set(found.map((payment) => payment.imp_uid))).toEqual(
      new Set(ids.slice(0, 150)),
    );
    expect(await sim.calls('getPaymentListByImpUid')).toBe(
      Math.ceil(ids.length / MAX_IDS_PER_BATCH),
    );
    expect(await fixture.client.getPayments(['imp_999999999998'])).toEqual([]);
  });

  it('looks up the newest payment of many orders by merchant_uid, 100 per call', async () => {
    const orders = Array.from({ length: 120 }, (_, i) => `order-many-${i}`);
    for (const merchantUid of orders) {
      await sim.createPayment({
        merchant_uid: merchantUid,
        amount: 100,
        status: 'failed',
      });
    }
    const retried = await sim.createPayment({
      merchant_uid: orders[0],
      amount: 100,
    });
    const found = await fixture.client.getPaymentsByMerchantUids([
      ...orders,
      'order-without-payment',
    ]);
    expect(found).toHaveLength(120);
    expect(
      found.find((payment) => payment.merchant_uid === orders[0])?.imp_uid,
    ).toBe(retried.imp_uid);
    expect(await sim.calls('getPaymentListByImpUid')).toBe(2);
  });

  it('pages through payments by status', async () => {
    for (let i = 0; i < 5; i++)
      await sim.createPayment({
        merchant_uid: `order-ready-${i}`,
        amount: 100,
        status: 'ready',
      });
    const first = await fixture.client.getPaymentsByStatus('ready', {
      limit: 2,
      page: 1,
    });
    expect(first.total).toBe(5);
    expect(first.list).toHaveLength(2);
    expect(first.next).toBe(2);
    const last = await fixture.client.getPaymentsByStatus('ready', {
      limit: 2,
      page: 3,
    });
    expect(last.list).toHaveLength(1);
    expect(last.next).toBe(0);
  });

  it('cancels in part and in full, with cumulative cancel_amount', async () => {
    const paid = await sim.createPayment({
      merchant_uid: 'order-cancel',
      amount: 10_000,
    });
    const partly = await fixture.client.cancelPayment({
      imp_uid: paid.imp_uid,
      amount: 3000,
      checksum: 10_000,
      reason: 'one item',
    });
    expect(partly.cancel_amount).toBe(3000);
    const fully = await fixture.client.cancelPayment({
      imp_uid: paid.imp_uid,
      checksum: 7000,
    });
    expect(fully.cancel_amount).toBe(10_000);
    expect(fully.status).toBe('cancelled');
    expect(fully.cancel_history?.map((entry) => entry.amount)).toEqual([
      3000, 7000,
    ]);
  });

  it('reports a refused cancel (HTTP 200, code 1) as IamportResponseError', async () => {
    const paid = await sim.createPayment({
      merchant_uid: 'order-refused',
      amount: 10_000,
    });
    const stale = await rejectionOf(
      fixture.client.cancelPayment({
        imp_uid: paid.imp_uid,
        amount: 1000,
        checksum: 9000,
      }),
    );
    expect(stale).toBeInstanceOf(IamportResponseError);
    expect(stale.httpStatus).toBe(200);
    expect(stale.code).toBe(1);
    expect(stale.iamportMessage).toEqual(expect.any(String));
    const unknown = await rejectionOf(
      fixture.client.cancelPayment({ imp_uid: 'imp_000000000001' }),
    );
    expect(unknown).toBeInstanceOf(IamportResponseError);
    expect((await fixture.client.getPayment(paid.imp_uid)).cancel_amount).toBe(
      0,
    );
  });

  it('prepares, reads and changes an expected amount', async () => {
    expect(
      await fixture.client.getPreparedPayment('order-prepared'),
    ).toBeNull();
    const prepared = await fixture.client.preparePayment({
      merchant_uid: 'order-prepared',
      amount: 4500,
    });
    expect(prepared).toMatchObject({
      merchant_uid: 'order-prepared',
      amount: 4500,
    });
    expect(
      await rejectionOf(
        fixture.client.preparePayment({
          merchant_uid: 'order-prepared',
          amount: 4500,
        }),
      ),
    ).toBeInstanceOf(IamportResponseError);
    await fixture.client.updatePreparedPayment({
      merchant_uid: 'order-prepared',
      amount: 5000,
    });
    expect(
      (await fixture.client.getPreparedPayment('order-prepared'))?.amount,
    ).toBe(5000);
  });

  it('encodes path parameters', async () => {
    const odd = await sim.createPayment({
      merchant_uid: 'order/with?odd#chars',
      amount: 700,
    });
    expect(
      (await fixture.client.findPaymentByMerchantUid('order/with?odd#chars'))
        ?.imp_uid,
    ).toBe(odd.imp_uid);
  });
});
