import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  startSimulator,
  type RunningSimulator,
} from '../../apps/iamport-simulator/src/index.js';
import {
  call,
  control,
  encodeWindowParams as encode,
  getToken,
  postedMessage,
  sleep,
  startReceiver,
  type Receiver,
} from './helpers.js';

describe('the payment window', () => {
  let sim: RunningSimulator;
  let receiver: Receiver;
  let token: string;

  const order = (overrides: Record<string, unknown> = {}) => ({
    pg: 'html5_inicis.INIpayTest',
    pay_method: 'card',
    merchant_uid: `order-${Math.random().toString(36).slice(2, 10)}`,
    name: '노르웨이 회전 의자',
    amount: 15000,
    buyer_name: '홍길동',
    buyer_email: 'gildong@example.com',
    buyer_tel: '010-1234-5678',
    custom_data: { cart: [1, 2] },
    m_redirect_url: 'https://shop.example/payments/complete?from=mobile',
    notice_url: receiver.url,
    ...overrides,
  });

  const openWindow = (params: Record<string, unknown>) =>
    fetch(`${sim.url}/window?params=${encode(params)}`, { redirect: 'manual' });

  const complete = (params: Record<string, unknown>, outcome: string) =>
    fetch(`${sim.url}/window/complete`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': 'SimTest/1.0',
      },
      body: new URLSearchParams({ params: encode(params), outcome }).toString(),
    });

  const location = (response: Response) => {
    expect(response.status).toBe(303);
    return new URL(response.headers.get('location') as string);
  };

  beforeAll(async () => {
    receiver = await startReceiver();
    sim = await startSimulator({ port: 0 });
  });
  beforeEach(async () => {
    sim.reset();
    sim.config.redirectFlag = 'imp_success';
    sim.config.webhookUrl = null;
    receiver.received.length = 0;
    token = await getToken(sim);
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  it('shows the order, escaped, with the four buttons', async () => {
    const response = await openWindow(
      order({ name: '<img src=x onerror=alert(1)> "의자"' }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(
      'text/html; charset=utf-8',
    );
    const html = await response.text();
    expect(html).toContain(
      '&lt;img src=x onerror=alert(1)&gt; &quot;의자&quot;',
    );
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('15,000원');
    for (const id of ['pay-card', 'pay-vbank', 'decline', 'close'])
      expect(html).toContain(`id="${id}"`);
    expect(html).toContain('action="/window/complete"');
  });

  it('card: records a paid payment, redirects with imp_success=true and sends the webhook', async () => {
    const params = order();
    const target = location(await complete(params, 'card'));
    expect(`${target.origin}${target.pathname}`).toBe(
      'https://shop.example/payments/complete',
    );
    expect(target.searchParams.get('from')).toBe('mobile');
    const impUid = target.searchParams.get('imp_uid') as string;
    expect(impUid).toMatch(/^imp_\d{12}$/);
    expect(target.searchParams.get('merchant_uid')).toBe(params.merchant_uid);
    expect(target.searchParams.get('imp_success')).toBe('true');
    expect(target.searchParams.has('error_code')).toBe(false);

    const { body } = await call(sim, 'GET', `/payments/${impUid}`, { token });
    expect(body.response).toMatchObject({
      merchant_uid: params.merchant_uid,
      amount: 15000,
      status: 'paid',
      pay_method: 'card',
      channel: 'mobile',
      pg_provider: 'html5_inicis',
      pg_id: 'INIpayTest',
      name: '노르웨이 회전 의자',
      buyer_name: '홍길동',
      buyer_tel: '010-1234-5678',
      custom_data: '{"cart":[1,2]}',
      user_agent: 'SimTest/1.0',
    });
    const [webhook] = await receiver.waitFor(1);
    expect(JSON.parse(webhook.raw)).toEqual({
      imp_uid: impUid,
      merchant_uid: params.merchant_uid,
      status: 'paid',
    });
  });

  it('vbank: records a ready virtual account and sends the ready webhook', async () => {
    const params = order();
    const target = location(await complete(params, 'vbank'));
    expect(target.searchParams.get('imp_success')).toBe('true');
    const impUid = target.searchParams.get('imp_uid') as string;
    const { body } = await call(sim, 'GET', `/payments/${impUid}`, { token });
    expect(body.response).toMatchObject({
      status: 'ready',
      pay_method: 'vbank',
      vbank_code: '004',
    });
    expect(body.response.vbank_num).toMatch(/^\d{14}$/);
    expect(body.response.vbank_date).toBeGreaterThan(
      body.response.vbank_issued_at,
    );
    const [webhook] = await receiver.waitFor(1);
    expect(JSON.parse(webhook.raw).status).toBe('ready');
  });

  it('decline: records a failed payment, redirects with false and an error, sends no webhook', async () => {
    const params = order();
    const target = location(await complete(params, 'decline'));
    expect(target.searchParams.get('imp_success')).toBe('false');
    expect(target.searchParams.get('error_code')).toBeTruthy();
    expect(target.searchParams.get('error_msg')).toBeTruthy();
    const impUid = target.searchParams.get('imp_uid') as string;
    const { body } = await call(sim, 'GET', `/payments/${impUid}`, { token });
    expect(body.response).toMatchObject({
      status: 'failed',
      fail_reason: target.searchParams.get('error_msg'),
    });
    expect(body.response.failed_at).toBeGreaterThan(0);
    await sleep(100);
    expect(receiver.received).toHaveLength(0);
  });

  it('close: records a ready card payment without an account, redirects with false, no webhook', async () => {
    const params = order({ pay_method: 'vbank' });
    const target = location(await complete(params, 'close'));
    expect(target.searchParams.get('imp_success')).toBe('false');
    expect(target.searchParams.get('error_msg')).toContain('취소');
    const impUid = target.searchParams.get('imp_uid') as string;
    const { body } = await call(sim, 'GET', `/payments/${impUid}`, { token });
    expect(body.response).toMatchObject({
      status: 'ready',
      pay_method: 'card',
      vbank_num: null,
      paid_at: 0,
    });
    await sleep(100);
    expect(receiver.received).toHaveLength(0);
  });

  it('carries the flag the config asks for: imp_success, success or none', async () => {
    const flags = async () => {
      const ok = location(await complete(order(), 'card')).searchParams;
      const ko = location(await complete(order(), 'decline')).searchParams;
      return [
        ok.get('imp_success'),
        ok.get('success'),
        ko.get('imp_success'),
        ko.get('success'),
      ];
    };
    expect(await flags()).toEqual(['true', null, 'false', null]);
    sim.config.redirectFlag = 'success';
    expect(await flags()).toEqual([null, 'true', null, 'false']);
    sim.config.redirectFlag = 'none';
    expect(await flags()).toEqual([null, null, null, null]);
  });

  it('refuses to open for an amount or currency other than the prepared one, recording nothing', async () => {
    const params = order({ amount: 9000 });
    await call(sim, 'POST', '/payments/prepare', {
      token,
      json: {
        merchant_uid: params.merchant_uid,
        amount: 10000,
        currency: 'KRW',
      },
    });
    for (const attempt of [openWindow(params), complete(params, 'card')]) {
      const target = location(await attempt);
      expect(target.searchParams.get('imp_uid')).toBe('');
      expect(target.searchParams.get('merchant_uid')).toBe(params.merchant_uid);
      expect(target.searchParams.get('imp_success')).toBe('false');
      expect(target.searchParams.get('error_code')).toBeTruthy();
      expect(target.searchParams.get('error_msg')).toContain('10000');
    }
    const wrongCurrency = location(
      await openWindow({ ...params, amount: 10000, currency: 'USD' }),
    );
    expect(wrongCurrency.searchParams.get('error_msg')).toContain('USD');
    expect(
      (
        await call(sim, 'GET', `/payments/findAll/${params.merchant_uid}`, {
          token,
        })
      ).status,
    ).toBe(404);
    const matching = await openWindow({ ...params, amount: 10000 });
    expect(matching.status).toBe(200);
    expect(
      location(
        await complete({ ...params, amount: 10000 }, 'card'),
      ).searchParams.get('imp_success'),
    ).toBe('true');
  });

  it('does not hold the redirect for the webhook', async () => {
    const silent = createServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) =>
      silent.listen(0, '127.0.0.1', resolve),
    );
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`;
      const started = Date.now();
      location(await complete(order({ notice_url: url }), 'card'));
      expect(Date.now() - started).toBeLessThan(500);
    } finally {
      sim.reset();
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('without m_redirect_url, posts the V1 rsp object to the opener page', async () => {
    const params = order({
      m_redirect_url: undefined,
      origin: 'https://shop.example',
    });
    const response = await complete(params, 'card');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('"https://shop.example"');
    const message = postedMessage(html);
    expect(message.type).toBe('iamport-sim:response');
    expect(message.rsp).toMatchObject({
      success: true,
      imp_uid: expect.stringMatching(/^imp_\d{12}$/),
      merchant_uid: params.merchant_uid,
      pay_method: 'card',
      paid_amount: 15000,
      status: 'paid',
      name: '노르웨이 회전 의자',
      pg_provider: 'html5_inicis',
      buyer_name: '홍길동',
      buyer_email: 'gildong@example.com',
      custom_data: { cart: [1, 2] },
      receipt_url: expect.stringContaining('/receipts/'),
      error_code: null,
      error_msg: null,
    });
    expect(message.rsp.paid_at).toBeGreaterThan(0);
    const declined = postedMessage(
      await (await complete(params, 'decline')).text(),
    );
    expect(declined.rsp).toMatchObject({
      success: false,
      status: 'failed',
      error_code: expect.any(String),
    });
    const vbank = postedMessage(await (await complete(params, 'vbank')).text());
    expect(vbank.rsp).toMatchObject({
      success: true,
      status: 'ready',
      vbank_num: expect.stringMatching(/^\d+$/),
    });
  });

  it('answers 400 for missing or bad parameters', async () => {
    expect((await fetch(`${sim.url}/window`)).status).toBe(400);
    expect((await fetch(`${sim.url}/window?params=notbase64json`)).status).toBe(
      400,
    );
    expect((await openWindow({ amount: 1000 })).status).toBe(400);
    expect((await openWindow(order({ amount: 'free' }))).status).toBe(400);
    expect(
      (await openWindow(order({ m_redirect_url: 'javascript:alert(1)' })))
        .status,
    ).toBe(400);
    expect((await complete(order(), 'steal')).status).toBe(400);
    expect((await control(sim, 'GET', '/_sim/payments')).body).toEqual([]);
  });
});
