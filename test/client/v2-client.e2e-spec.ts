import {
  type RunningSimulator,
  startSimulator,
} from '../../apps/iamport-simulator/src/index.js';
import { PortOneV2Client } from '../../libs/iamport/src/v2/client/portone-v2.client.js';
import {
  PortOneV2AuthError,
  PortOneV2ConflictError,
  type PortOneV2Error,
  PortOneV2NotFoundError,
} from '../../libs/iamport/src/v2/client/portone-v2.errors.js';
import type { PortOneV2Payment } from '../../libs/iamport/src/v2/client/portone-v2.types.js';

const STORE_ID = 'store-00000000-0000-4000-8000-000000000001';

async function rejectionOf(pending: Promise<unknown>): Promise<PortOneV2Error> {
  return pending.then(
    () => expect.unreachable('the call should have failed'),
    (error: unknown) => error as PortOneV2Error,
  );
}

describe('PortOneV2Client against the simulator (over HTTP)', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.reset());

  function client(apiSecret = 'portone_v2_secret_test') {
    return new PortOneV2Client({
      apiSecret,
      storeId: STORE_ID,
      apiBaseUrl: `${sim.url}/v2`,
      timeoutMs: 5000,
      maxRetries: 1,
      retryBaseDelayMs: 1,
      retryMaxDelayMs: 5,
    });
  }

  async function createPayment(
    fields: Record<string, unknown>,
  ): Promise<PortOneV2Payment> {
    const response = await fetch(`${sim.url}/_sim/v2/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fields),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as PortOneV2Payment;
  }

  it('reads a paid payment, with an odd paymentId', async () => {
    const paymentId = 'order/1 #é';
    await createPayment({ paymentId, status: 'PAID', totalAmount: 1000 });
    const payment = await client().getPayment(paymentId);
    expect(payment).toMatchObject({
      id: paymentId,
      status: 'PAID',
      storeId: STORE_ID,
      currency: 'KRW',
      amount: { total: 1000, cancelled: 0 },
    });
    expect(payment.channel?.type).toBe('LIVE');
  });

  it('throws PortOneV2NotFoundError for an unknown paymentId', async () => {
    const error = await rejectionOf(client().getPayment('nobody'));
    expect(error).toBeInstanceOf(PortOneV2NotFoundError);
    expect(error.type).toBe('PAYMENT_NOT_FOUND');
  });

  it('throws PortOneV2AuthError for a wrong secret', async () => {
    const error = await rejectionOf(client('wrong').getPayment('x'));
    expect(error).toBeInstanceOf(PortOneV2AuthError);
    expect(error.retryable).toBe(false);
  });

  it('cancels in part, then the rest, then refuses a stale checksum', async () => {
    const paymentId = 'order-cancel';
    await createPayment({ paymentId, status: 'PAID', totalAmount: 1000 });
    const v2 = client();

    const partial = await v2.cancelPayment({
      paymentId,
      amount: 400,
      currentCancellableAmount: 1000,
      reason: 'one item returned',
    });
    expect(partial).toMatchObject({ status: 'SUCCEEDED', totalAmount: 400 });
    const afterPartial = await v2.getPayment(paymentId);
    expect(afterPartial.status).toBe('PARTIAL_CANCELLED');
    expect(afterPartial.amount.cancelled).toBe(400);

    // The same request again: the balance moved, so PortOne refuses instead of refunding twice.
    const stale = await rejectionOf(
      v2.cancelPayment({
        paymentId,
        amount: 400,
        currentCancellableAmount: 1000,
        reason: 'one item returned',
      }),
    );
    expect(stale).toBeInstanceOf(PortOneV2ConflictError);
    expect(stale.type).toBe('CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN');

    const rest = await v2.cancelPayment({
      paymentId,
      currentCancellableAmount: 600,
      reason: 'order cancelled',
    });
    expect(rest.totalAmount).toBe(600);
    const cancelled = await v2.getPayment(paymentId);
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.amount.cancelled).toBe(1000);
    expect(cancelled.cancellations).toHaveLength(2);
  });

  it('pre-registers an amount, and refuses a paid paymentId with ALREADY_PAID', async () => {
    await expect(
      client().preRegisterPayment({
        paymentId: 'order-new',
        totalAmount: 1000,
        currency: 'KRW',
      }),
    ).resolves.toBeUndefined();

    await createPayment({ paymentId: 'order-paid', status: 'PAID' });
    const error = await rejectionOf(
      client().preRegisterPayment({
        paymentId: 'order-paid',
        totalAmount: 1000,
        currency: 'KRW',
      }),
    );
    expect(error).toBeInstanceOf(PortOneV2ConflictError);
    expect(error.type).toBe('ALREADY_PAID');
  });

  it('lists the payments whose status changed in a window', async () => {
    const before = new Date(Date.now() - 60_000);
    await createPayment({ paymentId: 'order-a', status: 'PAID' });
    await createPayment({ paymentId: 'order-b', status: 'FAILED' });
    const page = await client().listPayments({
      from: before,
      until: new Date(Date.now() + 60_000),
      pageNumber: 0,
      pageSize: 10,
      statuses: ['PAID'],
    });
    expect(page.items.map((payment) => payment.id)).toEqual(['order-a']);
    expect(page.page).toMatchObject({ number: 0, size: 10 });
  });
});
