import { orderWhen } from '../sample/shop.js';
import { runPollingToTheEnd, Tab, useBrowserShop } from './browser-kit.js';
import { ISO_TIMESTAMP, koreanTime } from './kst.js';

/**
 * Every state of the result page a buyer can land on, reached as it happens
 * (the simulator's window, its console refunds and revocations, a forged
 * amount, iamport unreachable), on a 390×844 phone, each checked at 360 and
 * 390 px for sideways scrolling and for errors in the console.
 */
describe('the result page’s states in a real browser (Chromium, SQLite, 390×844)', () => {
  const env = useBrowserShop();
  let tab: Tab;

  beforeEach(async () => {
    tab = await Tab.open(env, 'mobile');
  });
  afterEach(async () => {
    await tab.close();
    expect(tab.shopErrors()).toEqual([]);
  });

  /** Pays through the window by card and answers the order's merchant_uid and imp_uid. */
  async function payByCard(product: string, quantity = 1) {
    await tab.openWindowFor(product, quantity);
    const result = await tab.endWindowWith('pay-card');
    const merchantUid = result.searchParams.get('merchant_uid') ?? '';
    const order = await orderWhen(
      env.shop,
      merchantUid,
      (current) => current.fulfilment === 'ready_to_ship',
    );
    return { merchantUid, impUid: order.imp_uid ?? '' };
  }

  it('partly refunded, then fully refunded in iamport’s console: what was refunded and what remains', async () => {
    const { shop } = env;
    const { merchantUid, impUid } = await payByCard('청자 머그잔');

    const partly = await shop.sim.cancelInConsole(impUid, { amount: 20_000 });
    await orderWhen(
      shop,
      merchantUid,
      (current) => current.status === 'partially_cancelled',
    );
    await tab.page.reload();
    await expect(tab.state()).resolves.toBe('partly_refunded');
    await expect(tab.status()).resolves.toEqual({
      status: 'partially_cancelled',
      text: '결제 금액 중 일부가 환불되었습니다',
    });
    await expect(tab.rows()).resolves.toEqual({
      order: ['주문번호', merchantUid],
      amount: ['결제 금액', '35,000원'],
      refunded: ['환불된 금액', '20,000원'],
      remaining: ['남은 결제 금액', '15,000원'],
      refunded_at: ['환불 일시', koreanTime(partly.cancelled_at)],
    });
    await tab.expectNoSidewaysScroll();
    await tab.screenshot('result-partly-refunded', true);

    const all = await shop.sim.cancelInConsole(impUid);
    await orderWhen(
      shop,
      merchantUid,
      (current) => current.status === 'cancelled',
    );
    await tab.page.reload();
    await expect(tab.state()).resolves.toBe('refunded');
    await expect(tab.status()).resolves.toEqual({
      status: 'cancelled',
      text: '결제가 전액 환불되었습니다',
    });
    await expect(tab.rows()).resolves.toEqual({
      order: ['주문번호', merchantUid],
      amount: ['결제 금액', '35,000원'],
      refunded: ['환불된 금액', '35,000원'],
      refunded_at: ['환불 일시', koreanTime(all.cancelled_at)],
    });
    expect(await tab.text()).not.toMatch(ISO_TIMESTAMP);
    await tab.expectNoSidewaysScroll();
    await tab.screenshot('result-refunded');
  });

  it('a virtual account revoked before any deposit: failed, the reason in Korean, a way to pay again', async () => {
    const { shop } = env;
    await tab.openWindowFor('다도 세트');
    const result = await tab.endWindowWith('pay-vbank');
    const merchantUid = result.searchParams.get('merchant_uid') ?? '';
    const issued = await shop.order(merchantUid);
    await shop.sim.revokeVbank(issued.imp_uid ?? '');
    await orderWhen(
      shop,
      merchantUid,
      (current) => current.status === 'failed',
    );
    await tab.page.reload();
    await expect(tab.state()).resolves.toBe('failed');
    await expect(tab.status()).resolves.toEqual({
      status: 'failed',
      text: '결제에 실패했습니다',
    });
    // The module's own English reason, said in the page's language.
    await expect(tab.rows()).resolves.toMatchObject({
      reason: ['사유', '입금 전에 가상계좌가 취소되었습니다.'],
    });
    await expect(
      tab.page.locator('a[data-action="retry"]').getAttribute('href'),
    ).resolves.toBe('/');
    await tab.expectNoSidewaysScroll();
  });

  it.each([
    [
      'refunded',
      { pay_method: 'card' },
      'forgery_cancelled',
      '결제하신 금액은 돌려드립니다',
    ],
    [
      // A deposit into a virtual account cannot be refunded without the buyer's bank account.
      'held for the shop',
      { pay_method: 'vbank', status: 'paid' },
      'forgery_flagged',
      '상점에서 곧 연락드리겠습니다',
    ],
  ])(
    'a forged amount (%s): not accepted, the money returned, no internal reason and no amounts',
    async (_, method, status, promise) => {
      const { shop } = env;
      const order = await shop.createOrder();
      const forged = await shop.sim.createPayment({
        merchant_uid: order.merchant_uid,
        amount: 350,
        ...method,
      });
      // The buyer's browser comes back from the window as iamport sends it.
      await tab.page.goto(
        `${shop.url}/payments/complete?${new URLSearchParams({
          imp_uid: forged.imp_uid,
          merchant_uid: order.merchant_uid,
          imp_success: 'true',
        })}`,
      );
      expect(new URL(tab.page.url()).searchParams.get('outcome')).toBe(
        'forgery',
      );
      const stored = await shop.order(order.merchant_uid);
      expect(stored.status).toBe(status);
      // The merchant's reason: the amounts compared.
      expect(stored.failure_reason).toContain('350');

      await expect(tab.state()).resolves.toBe('refused');
      await expect(tab.status()).resolves.toEqual({
        status,
        text: '결제가 승인되지 않았습니다',
      });
      const text = await tab.text();
      expect(text).toContain(promise);
      expect(text).not.toContain(stored.failure_reason);
      expect(text).not.toMatch(/350|35,000|paid|expects|KRW|forg/i);
      expect(Object.keys(await tab.rows())).toEqual(['order']);
      await expect(
        tab.page.locator('main').getAttribute('data-polling'),
      ).resolves.toBeNull();
      await tab.expectNoSidewaysScroll();
      await tab.screenshot(`result-${status.replace('_', '-')}`);
    },
  );

  it('iamport unreachable: "being confirmed", ten looks at the order backing off, then what happens next; a reload later shows it paid', async () => {
    const { shop } = env;
    await tab.page.clock.install();
    // iamport answers nothing about payments, and its webhook is lost.
    await shop.sim.fault({ kind: 'drop_webhook', times: 1 });
    await shop.sim.fault({
      kind: 'http_error',
      status: 503,
      operation: 'getPaymentByImpUid',
      times: 10_000,
    });
    let merchantUid: string;
    try {
      await tab.openWindowFor('청자 머그잔');
      const result = await tab.endWindowWith('pay-card');
      expect(result.searchParams.get('outcome')).toBe('unconfirmed');
      merchantUid = result.searchParams.get('merchant_uid') ?? '';

      await expect(tab.state()).resolves.toBe('confirming');
      await expect(tab.status()).resolves.toEqual({
        status: 'pending',
        text: '결제를 확인하고 있습니다…',
      });
      await expect(tab.text()).resolves.toContain(
        '이 페이지가 자동으로 바뀝니다',
      );
      const nextSteps = tab.page.locator('[data-role="next-steps"]');
      await expect(nextSteps.isVisible()).resolves.toBe(false);
      await expect(
        tab.page.locator('meta[http-equiv="refresh"]').count(),
      ).resolves.toBe(0);
      await tab.expectNoSidewaysScroll();

      // The order stays pending: the page looks ten times, then stops and says what happens next.
      const looks = await runPollingToTheEnd(tab, merchantUid);
      expect(looks).toBe(10);
      await expect(
        tab.page.locator('main').getAttribute('data-polling'),
      ).resolves.toBe('done');
      await expect(nextSteps.isVisible()).resolves.toBe(true);
      const next = await nextSteps.innerText();
      expect(next).toContain('자동으로 확인');
      expect(next).toContain('다시 결제하지 않으셔도 됩니다');
      expect(next).toContain('새로 고쳐');
      // And it stays stopped.
      await tab.page.clock.runFor(120_000);
      expect(await runPollingToTheEnd(tab, merchantUid)).toBe(0);
      await tab.expectNoSidewaysScroll();
      await tab.screenshot('result-confirming', true);
      expect((await shop.order(merchantUid)).status).toBe('pending');
    } finally {
      await shop.sim.control('DELETE', '/_sim/faults');
    }

    // iamport is back and sends the webhook again: the buyer reloads, the order is paid.
    const order = await shop.sim.control<Array<Record<string, any>>>(
      'GET',
      '/_sim/payments',
    );
    const payment = order.find((p) => p.merchant_uid === merchantUid);
    await shop.sim.control('POST', '/_sim/webhooks', {
      imp_uid: payment?.imp_uid,
    });
    await orderWhen(shop, merchantUid, (current) => current.status === 'paid');
    await tab.page.locator('a[data-action="reload"]').click();
    await tab.page.waitForSelector('main[data-state="paid"]');
    await expect(tab.status()).resolves.toMatchObject({ status: 'paid' });
  });

  it('being confirmed, and the webhook arrives while the page looks: it reloads itself and shows Paid', async () => {
    const { shop } = env;
    await shop.sim.fault({ kind: 'drop_webhook', times: 1 });
    await shop.sim.fault({
      kind: 'http_error',
      status: 503,
      operation: 'getPaymentByImpUid',
      times: 10_000,
    });
    let merchantUid: string;
    try {
      await tab.openWindowFor('제주 녹차 100g');
      const result = await tab.endWindowWith('pay-card');
      expect(result.searchParams.get('outcome')).toBe('unconfirmed');
      merchantUid = result.searchParams.get('merchant_uid') ?? '';
      await expect(tab.state()).resolves.toBe('confirming');
    } finally {
      await shop.sim.control('DELETE', '/_sim/faults');
    }
    // iamport is back and sends the webhook again while the buyer waits on the page.
    const payment = (
      await shop.sim.control<Array<Record<string, any>>>(
        'GET',
        '/_sim/payments',
      )
    ).find((candidate) => candidate.merchant_uid === merchantUid);
    await shop.sim.control('POST', '/_sim/webhooks', {
      imp_uid: payment?.imp_uid,
    });
    await tab.page.waitForSelector('main[data-state="paid"]', {
      timeout: 15_000,
    });
    await expect(tab.status()).resolves.toMatchObject({ status: 'paid' });
  });

  it('an unknown order: says so, with the way back to the shop', async () => {
    const response = await tab.page.goto(
      `${env.shop.url}/result?merchant_uid=order_000000000000000000000000&outcome=paid`,
    );
    expect(response?.headers()['cache-control']).toBe('no-store');
    expect(response?.headers()['content-language']).toBe('ko');
    await expect(tab.state()).resolves.toBe('unknown');
    await expect(tab.status()).resolves.toEqual({
      status: 'unknown',
      text: '주문을 찾을 수 없습니다',
    });
    await expect(
      tab.page.locator('a[data-action="shop"]').getAttribute('href'),
    ).resolves.toBe('/');
    await tab.expectNoSidewaysScroll();
  });

  it('a long product name and order number wrap: nothing scrolls sideways on the checkout or the result page', async () => {
    const { shop } = env;
    const name = `한정판${'청자다기세트'.repeat(8)}_${'X'.repeat(40)}`;
    const order = await shop.createOrder({ name, amount: 1_234_000 });
    await tab.page.goto(`${shop.url}/`);
    await expect(
      tab.product(name).locator('.price').textContent(),
    ).resolves.toBe('1,234,000원');
    await tab.expectNoSidewaysScroll();
    await tab.page.goto(
      `${shop.url}/result?merchant_uid=${order.merchant_uid}&outcome=pending`,
    );
    await expect(tab.state()).resolves.toBe('not_completed');
    await expect(tab.page.locator('h1').textContent()).resolves.toBe(name);
    await tab.expectNoSidewaysScroll();
  });
});

describe('the result page’s states in English (Chromium with locale en-US)', () => {
  const env = useBrowserShop();
  let tab: Tab;

  beforeEach(async () => {
    tab = await Tab.open(env, 'mobile', {
      locale: 'en-US',
      extraHTTPHeaders: { 'accept-language': 'en-US,en;q=0.9,ko;q=0.5' },
    });
  });
  afterEach(async () => {
    await tab.close();
    expect(tab.shopErrors()).toEqual([]);
  });

  it('being confirmed, then what happens next, in English', async () => {
    const { shop } = env;
    await tab.page.clock.install();
    await shop.sim.fault({ kind: 'drop_webhook', times: 1 });
    await shop.sim.fault({
      kind: 'http_error',
      status: 503,
      operation: 'getPaymentByImpUid',
      times: 10_000,
    });
    try {
      await tab.openWindowFor('청자 머그잔');
      const result = await tab.endWindowWith('pay-card');
      const merchantUid = result.searchParams.get('merchant_uid') ?? '';
      await expect(tab.page.locator('html').getAttribute('lang')).resolves.toBe(
        'en',
      );
      await expect(tab.status()).resolves.toEqual({
        status: 'pending',
        text: 'Confirming your payment…',
      });
      expect(await runPollingToTheEnd(tab, merchantUid)).toBe(10);
      const next = await tab.page
        .locator('[data-role="next-steps"]')
        .innerText();
      expect(next).toContain('confirmed automatically');
      expect(next).toContain('you do not need to pay again');
      expect(next).toContain('Reload this page later');
      await tab.expectNoSidewaysScroll();
    } finally {
      await shop.sim.control('DELETE', '/_sim/faults');
    }
  });

  it('a forged amount in English: not accepted, the money returned, no reason', async () => {
    const { shop } = env;
    const order = await shop.createOrder();
    const forged = await shop.sim.createPayment({
      merchant_uid: order.merchant_uid,
      amount: 350,
    });
    await tab.page.goto(
      `${shop.url}/payments/complete?imp_uid=${forged.imp_uid}&merchant_uid=${order.merchant_uid}&imp_success=true`,
    );
    await expect(tab.status()).resolves.toEqual({
      status: 'forgery_cancelled',
      text: 'The payment was not accepted',
    });
    const text = await tab.text();
    expect(text).toContain('the amount you paid is being returned');
    expect(text).not.toMatch(/350|35,000|expects|KRW|forg/i);
  });

  it('an unknown order in English', async () => {
    const response = await tab.page.goto(
      `${env.shop.url}/result?merchant_uid=order_nope`,
    );
    expect(response?.headers()['content-language']).toBe('en');
    await expect(tab.status()).resolves.toEqual({
      status: 'unknown',
      text: 'Order not found',
    });
  });
});
