import { Script } from 'node:vm';
import {
  startSimulator,
  type RunningSimulator,
} from '../../apps/iamport-simulator/src/index.js';
import { answerViolations } from './oas-v2.js';
import {
  encodeRequest,
  newPaymentId,
  simV2,
  startReceiver,
  v2,
  type Receiver,
} from './helpers.js';

describe('the V2 browser SDK stand-in and payment window', () => {
  let sim: RunningSimulator;
  let receiver: Receiver;

  const order = (overrides: Record<string, unknown> = {}) => ({
    storeId: sim.config.v2StoreId,
    channelKey: sim.config.v2ChannelKey,
    paymentId: newPaymentId(),
    orderName: '노르웨이 회전 의자',
    totalAmount: 15000,
    currency: 'CURRENCY_KRW',
    payMethod: 'CARD',
    customer: {
      fullName: '홍길동',
      email: 'gildong@example.com',
      phoneNumber: '010-1234-5678',
    },
    customData: { cart: [1, 2] },
    redirectUrl: 'https://shop.example/payments/complete?from=mobile',
    forceRedirect: true,
    noticeUrls: [receiver.url],
    ...overrides,
  });

  const open = (request: Record<string, unknown>) =>
    fetch(`${sim.url}/v2/window?request=${encodeRequest(request)}`, {
      redirect: 'manual',
      headers: { 'user-agent': 'SimTest/1.0' },
    });

  /** Opens the window, reads the transactionId it shows, and presses a button. */
  async function checkout(request: Record<string, unknown>, outcome: string) {
    const page = await (await open(request)).text();
    const transactionId = /name="transactionId" value="([^"]+)"/.exec(
      page,
    )?.[1];
    expect(transactionId, page).toBeDefined();
    const response = await fetch(`${sim.url}/v2/window/complete`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        request: encodeRequest(request),
        transactionId: transactionId as string,
        outcome,
      }).toString(),
    });
    return { response, transactionId: transactionId as string };
  }

  const location = (response: Response) => {
    expect(response.status).toBe(303);
    return new URL(response.headers.get('location') as string);
  };

  const types = () => receiver.received.map((w) => JSON.parse(w.raw).type);

  beforeAll(async () => {
    receiver = await startReceiver();
    sim = await startSimulator({ port: 0 });
  });
  beforeEach(() => {
    sim.reset();
    receiver.received.length = 0;
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  it('serves window.PortOne.requestPayment at /v2/browser-sdk.js', async () => {
    const response = await fetch(`${sim.url}/v2/browser-sdk.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('javascript');
    const script = await response.text();
    expect(script).toContain('window.PortOne');
    expect(script).toContain('requestPayment');
    // Compiles (not run): a syntax error in the template would break every page.
    expect(() => new Script(script)).not.toThrow();
  });

  it('opens a window with stable ids, a READY attempt and Transaction.Ready', async () => {
    const request = order();
    const response = await open(request);
    const page = await response.text();
    expect(response.status).toBe(200);
    for (const id of [
      'pay-card',
      'issue-virtual-account',
      'decline',
      'close',
      'amount',
    ])
      expect(page).toContain(`data-testid="${id}"`);
    expect(page).toContain('15,000원');
    expect(page).toContain('name="viewport" content="width=device-width');
    const payment = (await v2(sim, 'GET', `/payments/${request.paymentId}`))
      .body;
    expect(payment).toMatchObject({
      status: 'READY',
      origin: { platformType: 'MOBILE', userAgent: 'SimTest/1.0' },
    });
    expect(answerViolations('getPayment', 200, payment)).toEqual([]);
    await receiver.waitFor(1);
    expect(types()).toEqual(['Transaction.Ready']);
  });

  it('pays by card and redirects with paymentId, txId and transactionType', async () => {
    const request = order();
    const { response, transactionId } = await checkout(request, 'card');
    const target = location(response);
    expect(target.origin + target.pathname).toBe(
      'https://shop.example/payments/complete',
    );
    expect(Object.fromEntries(target.searchParams)).toEqual({
      from: 'mobile',
      paymentId: request.paymentId,
      txId: transactionId,
      transactionType: 'PAYMENT',
    });
    const payment = (await v2(sim, 'GET', `/payments/${request.paymentId}`))
      .body;
    expect(payment).toMatchObject({
      status: 'PAID',
      transactionId,
      amount: { total: 15000, paid: 15000 },
      currency: 'KRW',
      customer: { name: '홍길동', email: 'gildong@example.com' },
      customData: '{"cart":[1,2]}',
      channel: { type: 'LIVE' },
      method: { type: 'PaymentMethodCard' },
    });
    expect(answerViolations('getPayment', 200, payment)).toEqual([]);
    await receiver.waitFor(2);
    expect(types()).toEqual(['Transaction.Ready', 'Transaction.Paid']);
  });

  it('answers the overlay with a postMessage of the PaymentResponse', async () => {
    const request = order({
      redirectUrl: undefined,
      forceRedirect: undefined,
      origin: 'https://shop.example',
    });
    const { response, transactionId } = await checkout(request, 'card');
    expect(response.status).toBe(200);
    const html = await response.text();
    const message = JSON.parse(
      /var message = (\{.*\});/.exec(html)?.[1] as string,
    );
    expect(message).toEqual({
      type: 'portone-sim:v2-response',
      response: {
        transactionType: 'PAYMENT',
        txId: transactionId,
        paymentId: request.paymentId,
      },
    });
    expect(html).toContain('"https://shop.example"');
  });

  it('issues a virtual account (success = issued), then a deposit pays it', async () => {
    const request = order({ payMethod: 'VIRTUAL_ACCOUNT' });
    const { response } = await checkout(request, 'virtual-account');
    expect(location(response).searchParams.get('code')).toBeNull();
    let payment = (await v2(sim, 'GET', `/payments/${request.paymentId}`)).body;
    expect(payment.status).toBe('VIRTUAL_ACCOUNT_ISSUED');
    await simV2(sim, 'POST', `/payments/${request.paymentId}/deposit`);
    payment = (await v2(sim, 'GET', `/payments/${request.paymentId}`)).body;
    expect(payment.status).toBe('PAID');
    await receiver.waitFor(3);
    expect(types()).toEqual([
      'Transaction.Ready',
      'Transaction.VirtualAccountIssued',
      'Transaction.Paid',
    ]);
  });

  it('declines with code, message, pgCode and pgMessage; FAILED and Transaction.Failed', async () => {
    const request = order();
    const { response, transactionId } = await checkout(request, 'decline');
    const params = Object.fromEntries(location(response).searchParams);
    expect(params).toMatchObject({
      paymentId: request.paymentId,
      txId: transactionId,
      transactionType: 'PAYMENT',
      code: 'PG_PROVIDER_ERROR',
      pgCode: 'F1002',
      message: expect.any(String),
      pgMessage: expect.any(String),
    });
    const payment = (await v2(sim, 'GET', `/payments/${request.paymentId}`))
      .body;
    expect(payment).toMatchObject({
      status: 'FAILED',
      failure: { pgCode: 'F1002' },
    });
    await receiver.waitFor(2);
    expect(types()).toEqual(['Transaction.Ready', 'Transaction.Failed']);
  });

  it('closing is a failure PAY_PROCESS_CANCELED; the attempt stays READY; a new attempt can then pay', async () => {
    const request = order();
    const closed = await checkout(request, 'close');
    expect(location(closed.response).searchParams.get('code')).toBe(
      'PAY_PROCESS_CANCELED',
    );
    const paid = await checkout(request, 'card');
    expect(paid.transactionId).not.toBe(closed.transactionId);
    const { body } = await simV2(sim, 'GET', `/payments/${request.paymentId}`);
    expect(body.attempts.map((a: any) => a.status)).toEqual(['READY', 'PAID']);
    expect(body.payment.transactionId).toBe(paid.transactionId);

    const again = await open(request);
    expect(location(again).searchParams.get('code')).toBe('PaymentAlreadyPaid');
  });

  it('refuses an amount other than the pre-registered one (AmountNotEqualToPredefined), nothing paid', async () => {
    const request = order();
    await v2(sim, 'POST', `/payments/${request.paymentId}/pre-register`, {
      json: { totalAmount: 20000, currency: 'KRW' },
    });
    const response = await open(request);
    const params = location(response).searchParams;
    expect(params.get('code')).toBe('AmountNotEqualToPredefined');
    expect(params.get('paymentId')).toBe(request.paymentId);
    expect(
      (await v2(sim, 'GET', `/payments/${request.paymentId}`)).status,
    ).toBe(404);
    const matching = await checkout({ ...request, totalAmount: 20000 }, 'card');
    expect(location(matching.response).searchParams.get('code')).toBeNull();
  });

  it('pays a tampered amount through a TEST channel when told to (forged-amount tests)', async () => {
    const tamper = await simV2(sim, 'POST', '/checkout-tamper', {
      paidAmount: 100,
      channelType: 'TEST',
    });
    expect(tamper.status).toBe(201);
    const request = order();
    const { response } = await checkout(request, 'card');
    expect(location(response).searchParams.get('code')).toBeNull();
    const payment = (await v2(sim, 'GET', `/payments/${request.paymentId}`))
      .body;
    expect(payment).toMatchObject({
      status: 'PAID',
      amount: { total: 100, paid: 100 },
      channel: { type: 'TEST' },
    });
    const next = order();
    await checkout(next, 'card');
    expect(
      (await v2(sim, 'GET', `/payments/${next.paymentId}`)).body,
    ).toMatchObject({
      amount: { total: 15000 },
      channel: { type: 'LIVE' },
    });
  });

  it('refuses another store or channel key, and malformed requests', async () => {
    expect(
      location(await open(order({ storeId: 'store-other' }))).searchParams.get(
        'code',
      ),
    ).toBe('StoreNotFound');
    expect(
      location(
        await open(order({ channelKey: 'channel-key-other' })),
      ).searchParams.get('code'),
    ).toBe('ChannelNotFound');
    expect((await open(order({ payMethod: 'TRANSFER' }))).status).toBe(400);
    expect(
      (await open(order({ redirectUrl: 'javascript:alert(1)' }))).status,
    ).toBe(400);
    expect((await fetch(`${sim.url}/v2/window?request=nope`)).status).toBe(400);
  });
});
