import type {
  BrowserContextOptions,
  FrameLocator,
  Page,
} from 'playwright-core';
import { orderWhen } from '../sample/shop.js';
import { type Device, Tab, useBrowserShop } from './browser-kit.js';
import { ISO_TIMESTAMP, koreanTime } from './kst.js';

/** The simulator's V2 decline (its window's "decline" button). */
const DECLINE_MESSAGE =
  '[F1002] 카드 승인이 거절되었습니다 (simulated decline)';

type V2Choice = 'v2-card' | 'v2-virtual-account';
type V2Button = 'pay-card' | 'issue-virtual-account' | 'decline' | 'close';

/**
 * The two ways V2's SDK ends: a wide desktop gets the window in an overlay and
 * the page goes to /payments/v2/complete with the promise's answer; a phone is
 * redirected to the window, which sends it to /payments/v2/complete itself.
 */
const WAYS: Array<{
  way: string;
  device: Device;
  options: BrowserContextOptions;
  overlay: boolean;
  platformType: 'PC' | 'MOBILE';
}> = [
  {
    way: 'desktop at 1280 px: the overlay, then the promise',
    device: 'desktop',
    options: { viewport: { width: 1280, height: 800 } },
    overlay: true,
    platformType: 'PC',
  },
  {
    way: 'phone at 390 px: the redirect',
    device: 'mobile',
    options: {},
    overlay: false,
    platformType: 'MOBILE',
  },
];

describe.each(WAYS)(
  'PortOne V2 in a real browser (Chromium, SQLite, $way)',
  ({ device, options, overlay, platformType }) => {
    const env = useBrowserShop();
    let tab: Tab;

    beforeEach(async () => {
      tab = await Tab.open(env, device, options);
    });
    afterEach(async () => {
      await tab.close();
      // The shop's pages log no error (the simulator's window is not the shop's).
      expect(tab.shopErrors()).toEqual([]);
    });

    /** The simulator's V2 SDK answers with the payment as the simulator holds it. */
    const simPayment = async (paymentId: string) =>
      (
        await env.shop.sim.control<{ payment: Record<string, any> }>(
          'GET',
          `/_sim/v2/payments/${encodeURIComponent(paymentId)}`,
        )
      ).payment;

    /**
     * Opens the checkout, picks V2 (card or virtual account) on a product,
     * presses its button and waits for the simulator's V2 window: in the
     * overlay's iframe on the desktop, as the page itself on the phone.
     */
    async function openV2WindowFor(
      productName: string,
      choice: V2Choice,
      quantity = 1,
    ): Promise<Page | FrameLocator> {
      const { page } = tab;
      await page.goto(`${env.shop.url}/`);
      const product = tab.product(productName);
      if (quantity !== 1)
        await product.locator('input[name="quantity"]').fill(String(quantity));
      await product.locator(`input[name="api"][value="${choice}"]`).check();
      await expect(
        product.locator('button[type="submit"]').textContent(),
      ).resolves.toBe('PortOne V2로 결제');
      await product.locator('button[type="submit"]').click();
      if (overlay) {
        await page.locator('#portone-sim-overlay iframe').waitFor();
        const frame = page.frameLocator('#portone-sim-overlay iframe');
        await frame.locator('#pay-card').waitFor();
        // Still the shop's page underneath: nothing was navigated.
        expect(page.url()).toBe(`${env.shop.url}/`);
        return frame;
      }
      await page.waitForURL((url) =>
        url.href.startsWith(`${env.shop.sim.url}/v2/window?`),
      );
      return page;
    }

    /** Presses one of the V2 window's buttons and waits for the shop's result page. */
    async function endV2WindowWith(
      window: Page | FrameLocator,
      button: V2Button,
    ): Promise<{ result: URL; merchantUid: string }> {
      const completes: URL[] = [];
      const seen = (url: string) => {
        if (url.startsWith(`${env.shop.url}/payments/v2/complete?`))
          completes.push(new URL(url));
      };
      tab.page.on('request', (request) => seen(request.url()));
      await window.locator(`#${button}`).click();
      await tab.page.waitForURL((url) =>
        url.href.startsWith(`${env.shop.url}/result?`),
      );
      // Both ways end on the shop's V2 verification route, once.
      expect(completes).toHaveLength(1);
      const [complete] = completes;
      const result = new URL(tab.page.url());
      const merchantUid = result.searchParams.get('merchant_uid') ?? '';
      expect(complete!.searchParams.get('paymentId')).toBe(merchantUid);
      expect(complete!.searchParams.get('transactionType')).toBe('PAYMENT');
      expect(complete!.searchParams.get('txId')).toMatch(/\S/);
      return { result, merchantUid };
    }

    it('the checkout offers V1 and V2 on every product: V1 chosen, V2 by card or virtual account, the V2 SDK loaded', async () => {
      const { page } = tab;
      await page.goto(`${env.shop.url}/`);
      const choices = await tab
        .product('청자 머그잔')
        .locator('input[name="api"]')
        .evaluateAll((inputs) =>
          inputs.map((input) => [
            (input as HTMLInputElement).value,
            (input as HTMLInputElement).checked,
            input.closest('label')?.textContent?.trim(),
          ]),
        );
      expect(choices).toEqual([
        ['v1', true, 'PortOne V1 (아임포트)'],
        ['v2-card', false, 'PortOne V2 · 카드'],
        ['v2-virtual-account', false, 'PortOne V2 · 가상계좌'],
      ]);
      await expect(
        tab.product('청자 머그잔').locator('legend').textContent(),
      ).resolves.toBe('결제 방식');
      await expect(
        page.evaluate(() => typeof (window as any).PortOne?.requestPayment),
      ).resolves.toBe('function');
      const button = tab.product('청자 머그잔').locator('button');
      await expect(button.textContent()).resolves.toBe('결제하기');
      await tab
        .product('청자 머그잔')
        .locator('input[value="v2-virtual-account"]')
        .check();
      await expect(button.textContent()).resolves.toBe('PortOne V2로 결제');
      // Every other product keeps its own choice.
      await expect(
        tab.product('다도 세트').locator('button').textContent(),
      ).resolves.toBe('결제하기');
      await tab.product('청자 머그잔').locator('input[value="v1"]').check();
      await expect(button.textContent()).resolves.toBe('결제하기');
      await tab.expectNoSidewaysScroll();
      await tab.screenshot(
        device === 'desktop' ? 'checkout-v2-wide' : 'checkout-v2',
      );
    });

    it('V2 card, two mugs: the window asks for the server’s amount; the shop verifies the payment and the result page thanks the buyer', async () => {
      const { shop } = env;
      const window = await openV2WindowFor('청자 머그잔', 'v2-card', 2);
      await expect(window.locator('#amount').textContent()).resolves.toBe(
        '70,000원',
      );
      await expect(window.locator('h1').textContent()).resolves.toBe(
        '청자 머그잔',
      );
      await tab.screenshot(
        device === 'desktop' ? 'v2-window-wide' : 'v2-window',
      );

      const { result, merchantUid } = await endV2WindowWith(window, 'pay-card');
      expect(result.searchParams.get('outcome')).toBe('paid');
      const order = await shop.order(merchantUid);
      expect(order).toMatchObject({
        name: '청자 머그잔',
        quantity: 2,
        amount: 70_000,
        status: 'paid',
      });
      const payment = await simPayment(merchantUid);
      expect(payment).toMatchObject({
        id: merchantUid,
        status: 'PAID',
        amount: { total: 70_000 },
        origin: { platformType },
      });

      await expect(tab.state()).resolves.toBe('paid');
      await expect(tab.status()).resolves.toEqual({
        status: 'paid',
        text: '결제가 완료되었습니다',
      });
      await expect(tab.text()).resolves.toContain('주문해 주셔서 감사합니다');
      const rows = await tab.rows();
      expect(rows).toMatchObject({
        order: ['주문번호', merchantUid],
        quantity: ['수량', '2개'],
        amount: ['결제 금액', '70,000원'],
      });
      // The time PortOne says it was paid, in KST.
      expect(rows.paid_at).toEqual([
        '결제 일시',
        koreanTime(Math.floor(Date.parse(payment.paidAt as string) / 1000)),
      ]);
      expect(await tab.text()).not.toMatch(ISO_TIMESTAMP);
    });

    it('V2 virtual account: the account to deposit into, then paid once the deposit arrives (V2 webhook)', async () => {
      const { shop } = env;
      const window = await openV2WindowFor('다도 세트', 'v2-virtual-account');
      await expect(window.locator('#amount').textContent()).resolves.toBe(
        '129,000원',
      );
      const { result, merchantUid } = await endV2WindowWith(
        window,
        'issue-virtual-account',
      );
      expect(result.searchParams.get('outcome')).toBe('vbank_issued');
      const issued = await shop.order(merchantUid);
      expect(issued.status).toBe('vbank_issued');
      const payment = await simPayment(merchantUid);
      expect(payment.status).toBe('VIRTUAL_ACCOUNT_ISSUED');
      const accountNumber = payment.method.accountNumber as string;
      expect(issued.vbank?.account_number).toBe(accountNumber);

      await expect(tab.state()).resolves.toBe('awaiting_deposit');
      await expect(tab.status()).resolves.toEqual({
        status: 'vbank_issued',
        text: '아래 계좌로 입금해 주세요',
      });
      const rows = await tab.rows();
      expect(rows).toMatchObject({
        account_number: ['계좌번호', accountNumber],
        deposit_amount: ['입금하실 금액', '129,000원'],
        order: ['주문번호', merchantUid],
      });
      expect(rows.deadline?.[1]).toMatch(
        /^\d{4}년 \d{1,2}월 \d{1,2}일 \d{2}:\d{2}까지$/,
      );
      await tab.screenshot(
        device === 'desktop' ? 'v2-result-vbank-wide' : 'v2-result-vbank',
      );

      // The buyer deposits: PortOne V2 sends Transaction.Paid, signed, to the shop's V2 webhook.
      await shop.sim.control(
        'POST',
        `/_sim/v2/payments/${encodeURIComponent(merchantUid)}/deposit`,
        {},
      );
      const paid = await orderWhen(
        shop,
        merchantUid,
        (current) => current.status === 'paid',
      );
      expect(paid.status).toBe('paid');
      await tab.page.reload();
      await expect(tab.state()).resolves.toBe('paid');
      await expect(tab.status()).resolves.toEqual({
        status: 'paid',
        text: '결제가 완료되었습니다',
      });
    });

    it('V2 declined: the order failed with the PG’s reason, and a way back to try again', async () => {
      const { shop } = env;
      const window = await openV2WindowFor('제주 녹차 100g', 'v2-card');
      const { result, merchantUid } = await endV2WindowWith(window, 'decline');
      expect(result.searchParams.get('outcome')).toBe('failed');
      const order = await shop.order(merchantUid);
      expect(order).toMatchObject({ status: 'failed', paid_at: null });
      expect((await simPayment(merchantUid)).status).toBe('FAILED');

      await expect(tab.state()).resolves.toBe('failed');
      await expect(tab.status()).resolves.toEqual({
        status: 'failed',
        text: '결제에 실패했습니다',
      });
      const rows = await tab.rows();
      expect(rows.reason).toEqual(['사유', DECLINE_MESSAGE]);
      expect(rows.amount).toEqual(['결제 금액', '12,000원']);

      await tab.page.locator('a[data-action="retry"]').click();
      await tab.page.waitForURL(`${shop.url}/`);
      await expect(
        tab.product('제주 녹차 100g').locator('button').isEnabled(),
      ).resolves.toBe(true);
    });

    it('V2 window closed: the order stays pending, "not completed" with a way to try again', async () => {
      const { shop } = env;
      const window = await openV2WindowFor('청자 머그잔', 'v2-card');
      const { result, merchantUid } = await endV2WindowWith(window, 'close');
      expect(result.searchParams.get('outcome')).toBe('pending');
      expect((await shop.order(merchantUid)).status).toBe('pending');
      expect((await simPayment(merchantUid)).status).toBe('READY');

      await expect(tab.state()).resolves.toBe('not_completed');
      await expect(tab.status()).resolves.toEqual({
        status: 'pending',
        text: '결제가 완료되지 않았습니다',
      });
      await expect(
        tab.page.locator('a[data-action="retry"]').getAttribute('href'),
      ).resolves.toBe('/');
      // Still pending after the page's own look at it.
      expect((await shop.order(merchantUid)).status).toBe('pending');
    });
  },
);

describe('PortOne V2 checkout: what the page itself does (Chromium, desktop)', () => {
  const env = useBrowserShop();
  let tab: Tab;

  beforeEach(async () => {
    tab = await Tab.open(env, 'desktop', {
      viewport: { width: 1280, height: 800 },
    });
  });
  afterEach(async () => {
    await tab.close();
    expect(tab.shopErrors()).toEqual([]);
  });

  it('asks PortOne for what the server answered to POST /orders, registered with V2 beforehand', async () => {
    const { shop } = env;
    const { page } = tab;
    await page.goto(`${shop.url}/`);
    // Record what the page hands the SDK, without opening any window.
    await page.evaluate(() => {
      const portOne = (window as any).PortOne;
      portOne.requestPayment = (request: unknown) => {
        (window as any).requested = request;
        return new Promise(() => undefined);
      };
    });
    const created = page.waitForResponse(
      (response) =>
        new URL(response.url()).pathname === '/orders' &&
        response.request().method() === 'POST',
    );
    const product = tab.product('다도 세트');
    await product.locator('input[name="quantity"]').fill('3');
    await product.locator('input[value="v2-virtual-account"]').check();
    await product.locator('button').click();
    const answer = (await (await created).json()) as Record<string, unknown>;
    // The answer's shape is the V1 one: `prepared` is iamport's.
    expect(Object.keys(answer).sort()).toEqual(
      [
        'amount',
        'created_at',
        'currency',
        'merchant_uid',
        'name',
        'prepared',
        'product_id',
        'quantity',
        'status',
      ].sort(),
    );
    expect(answer).toMatchObject({ amount: 387_000, prepared: true });
    await page.waitForFunction(() => (window as any).requested !== undefined);
    await expect(product.locator('button').textContent()).resolves.toBe(
      '결제창을 여는 중…',
    );
    const requested = await page.evaluate(() => (window as any).requested);
    expect(requested).toEqual({
      storeId: shop.config.portoneV2.storeId,
      channelKey: shop.config.portoneV2.channelKey,
      paymentId: answer.merchant_uid,
      orderName: '다도 세트',
      totalAmount: 387_000,
      currency: 'KRW',
      payMethod: 'VIRTUAL_ACCOUNT',
      redirectUrl: `${shop.url}/payments/v2/complete`,
      forceRedirect: false,
    });

    // The amount is pre-registered with V2: the window refuses any other for this paymentId.
    const windowWith = (totalAmount: number) =>
      fetch(
        `${shop.sim.url}/v2/window?request=${Buffer.from(
          JSON.stringify({
            ...requested,
            totalAmount,
            windowMode: 'redirect',
            forceRedirect: true,
          }),
        ).toString('base64url')}`,
        { redirect: 'manual' },
      );
    const refused = await windowWith(387_001);
    expect(refused.status).toBe(303);
    expect(
      new URL(refused.headers.get('location') ?? '').searchParams.get('code'),
    ).toBe('AmountNotEqualToPredefined');
  });

  it('a PaymentError from PortOne.requestPayment: its message on the page, the button back', async () => {
    const { page } = tab;
    await page.goto(`${env.shop.url}/`);
    await page.evaluate(() => {
      (window as any).PortOne.requestPayment = () =>
        Promise.reject(
          Object.assign(new Error('채널 정보를 찾을 수 없습니다'), {
            code: 'CHANNEL_NOT_FOUND',
          }),
        );
    });
    const product = tab.product('제주 녹차 100g');
    await product.locator('input[value="v2-card"]').check();
    await product.locator('button').click();
    await page.waitForFunction(
      () => document.getElementById('message')?.textContent !== '',
    );
    await expect(page.locator('#message').textContent()).resolves.toBe(
      '결제를 진행하지 못했습니다. 채널 정보를 찾을 수 없습니다',
    );
    await expect(product.locator('button').isEnabled()).resolves.toBe(true);
    await expect(product.locator('button').textContent()).resolves.toBe(
      'PortOne V2로 결제',
    );
    expect(page.url()).toBe(`${env.shop.url}/`);
  });

  it('in English: the choice and the V2 button', async () => {
    const english = await Tab.open(env, 'mobile', { locale: 'en-US' });
    try {
      await english.page.goto(`${env.shop.url}/`);
      const product = english.product('다도 세트');
      await expect(
        product
          .locator('fieldset.api label')
          .evaluateAll((labels) => labels.map((l) => l.textContent?.trim())),
      ).resolves.toEqual([
        'PortOne V1 (iamport)',
        'PortOne V2 · Card',
        'PortOne V2 · Virtual account',
      ]);
      await expect(product.locator('legend').textContent()).resolves.toBe(
        'Pay with',
      );
      await product.locator('input[value="v2-card"]').check();
      await expect(product.locator('button').textContent()).resolves.toBe(
        'Pay with PortOne V2',
      );
      await english.expectNoSidewaysScroll();
      await english.screenshot('checkout-v2-en');
      expect(english.shopErrors()).toEqual([]);
    } finally {
      await english.close();
    }
  });
});
