import { orderWhen } from '../sample/shop.js';
import { type Device, Tab, useBrowserShop } from './browser-kit.js';
import { englishTime, ISO_TIMESTAMP, koreanTime } from './kst.js';

const DECLINE_MESSAGE =
  '[F1002] 카드 승인이 거절되었습니다 (simulated decline)';

/** The products the shop's migration seeds. */
const SEEDED = [
  ['제주 녹차 100g', '12,000원'],
  ['청자 머그잔', '35,000원'],
  ['다도 세트', '129,000원'],
];

describe.each<Device>(['desktop', 'mobile'])(
  'buying in a real browser (Chromium, SQLite, %s)',
  (device) => {
    const env = useBrowserShop();
    let tab: Tab;

    beforeEach(async () => {
      tab = await Tab.open(env, device);
    });
    afterEach(async () => {
      await tab.close();
      // The shop's pages log no error: no failed load (the icon included), no exception.
      expect(tab.shopErrors()).toEqual([]);
    });

    it('the checkout: in Korean, the products from the database with their prices in 원', async () => {
      const { shop } = env;
      const response = await tab.page.goto(`${shop.url}/`);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-language']).toBe('ko');
      expect(response?.headers()['vary']).toMatch(/accept-language/i);
      await expect(tab.page.locator('html').getAttribute('lang')).resolves.toBe(
        'ko',
      );
      await expect(tab.page.title()).resolves.toBe('샘플 상점');
      const products = await tab.page
        .locator('form.product')
        .evaluateAll((forms) =>
          forms.map((form) => [
            form.querySelector('.name')?.textContent,
            form.querySelector('.price')?.textContent,
            form.querySelector('button')?.textContent,
            (form.querySelector('input[name="quantity"]') as HTMLInputElement)
              .value,
          ]),
        );
      expect(products.slice(0, 3)).toEqual(
        SEEDED.map(([name, price]) => [name, price, '결제하기', '1']),
      );
      await expect(tab.page.locator('p.note').innerText()).resolves.toContain(
        '실제로 돈이 나가지 않습니다',
      );
      const favicon = await fetch(`${shop.url}/favicon.ico`);
      expect(favicon.status).toBe(200);
      expect(favicon.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
      await tab.expectNoSidewaysScroll();
      await tab.screenshot('checkout', true);
    });

    it('two mugs by card: the window asks for the server’s amount, the result page thanks the buyer with the paid time in KST', async () => {
      const { shop } = env;
      await tab.openWindowFor('청자 머그잔', 2);
      // The amount the server computed (2 × 35,000원), not a number of the page.
      await expect(tab.page.locator('#amount').textContent()).resolves.toBe(
        '70,000원',
      );
      await expect(tab.page.locator('h1').textContent()).resolves.toBe(
        '청자 머그잔',
      );
      await tab.screenshot('payment-window', 'desktop');

      const result = await tab.endWindowWith('pay-card');
      expect(result.searchParams.get('outcome')).toBe('paid');
      const merchantUid = result.searchParams.get('merchant_uid') ?? '';
      const order = await shop.order(merchantUid);
      expect(order).toMatchObject({
        name: '청자 머그잔',
        quantity: 2,
        amount: 70_000,
        status: 'paid',
      });
      const payment = await shop.sim.payment(order.imp_uid ?? '');
      expect(payment).toMatchObject({ amount: 70_000, channel: 'mobile' });
      expect(payment.user_agent).toMatch(/Chrome/);

      await expect(tab.state()).resolves.toBe('paid');
      await expect(tab.status()).resolves.toEqual({
        status: 'paid',
        text: '결제가 완료되었습니다',
      });
      await expect(tab.text()).resolves.toContain('주문해 주셔서 감사합니다');
      await expect(tab.rows()).resolves.toEqual({
        order: ['주문번호', merchantUid],
        quantity: ['수량', '2개'],
        amount: ['결제 금액', '70,000원'],
        paid_at: ['결제 일시', koreanTime(payment.paid_at)],
      });
      expect(await tab.text()).not.toMatch(ISO_TIMESTAMP);
      // Final: the page does not look again.
      await expect(
        tab.page.locator('main').getAttribute('data-polling'),
      ).resolves.toBeNull();
      await tab.expectNoSidewaysScroll();
      await tab.screenshot('result-paid', 'desktop');
    });

    it('a declined card: the failure with iamport’s message, and a way back to try again', async () => {
      await tab.openWindowFor('제주 녹차 100g');
      const result = await tab.endWindowWith('decline');
      expect(result.searchParams.get('outcome')).toBe('failed');
      await expect(tab.state()).resolves.toBe('failed');
      await expect(tab.status()).resolves.toEqual({
        status: 'failed',
        text: '결제에 실패했습니다',
      });
      const rows = await tab.rows();
      expect(rows.reason).toEqual(['사유', DECLINE_MESSAGE]);
      expect(rows.amount).toEqual(['결제 금액', '12,000원']);
      await tab.expectNoSidewaysScroll();
      await tab.screenshot('result-declined', 'desktop');

      await tab.page.locator('a[data-action="retry"]').click();
      await tab.page.waitForURL(`${env.shop.url}/`);
      expect(await tab.page.locator('form.product').count()).toBeGreaterThan(2);
      await expect(
        tab.product('제주 녹차 100g').locator('button').isEnabled(),
      ).resolves.toBe(true);
    });

    it('a virtual account: bank, account, holder, amount and the deadline in KST; the copy button; paid after the deposit', async () => {
      const { shop } = env;
      await tab.context.grantPermissions(
        ['clipboard-read', 'clipboard-write'],
        {
          origin: shop.url,
        },
      );
      await tab.openWindowFor('다도 세트');
      const result = await tab.endWindowWith('pay-vbank');
      expect(result.searchParams.get('outcome')).toBe('vbank_issued');
      const merchantUid = result.searchParams.get('merchant_uid') ?? '';
      const issued = await shop.order(merchantUid);
      const payment = await shop.sim.payment(issued.imp_uid ?? '');
      expect(payment.vbank_num).toMatch(/^\d{14}$/);

      await expect(tab.state()).resolves.toBe('awaiting_deposit');
      await expect(tab.status()).resolves.toEqual({
        status: 'vbank_issued',
        text: '아래 계좌로 입금해 주세요',
      });
      const rows = await tab.rows();
      expect(rows).toMatchObject({
        bank: ['은행', payment.vbank_name],
        account_number: ['계좌번호', payment.vbank_num],
        deposit_amount: ['입금하실 금액', '129,000원'],
        deadline: ['입금 기한', `${koreanTime(payment.vbank_date)}까지`],
        order: ['주문번호', merchantUid],
      });
      if (payment.vbank_holder)
        expect(rows.holder).toEqual(['예금주', payment.vbank_holder]);
      expect(rows.deadline[1]).toMatch(
        /^\d{4}년 \d{1,2}월 \d{1,2}일 \d{2}:\d{2}까지$/,
      );
      expect(await tab.text()).not.toMatch(ISO_TIMESTAMP);
      // Not pending: this page does not look again by itself.
      await expect(
        tab.page.locator('main').getAttribute('data-polling'),
      ).resolves.toBeNull();
      await tab.expectNoSidewaysScroll();
      await tab.screenshot('result-vbank', true);

      const copy = tab.page.locator('button[data-copy="account-number"]');
      await expect(copy.textContent()).resolves.toBe('복사');
      await copy.click();
      // The copy is asynchronous (the clipboard API) and the label goes back after 3 s: wait for
      // the label to read 복사됨 (waitFor fails the test if it never does).
      await copy.filter({ hasText: /^복사됨$/ }).waitFor({ timeout: 5000 });
      await expect(
        tab.page.evaluate(() => navigator.clipboard.readText()),
      ).resolves.toBe(payment.vbank_num);

      await shop.sim.control(
        'POST',
        `/_sim/payments/${payment.imp_uid}/deposit`,
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

    it('a closed window: "not completed" with a way to try again; the page looks again and shows the payment made elsewhere', async () => {
      const { shop } = env;
      await tab.openWindowFor('청자 머그잔');
      const result = await tab.endWindowWith('close');
      expect(result.searchParams.get('outcome')).toBe('pending');
      const merchantUid = result.searchParams.get('merchant_uid') ?? '';
      await expect(tab.state()).resolves.toBe('not_completed');
      await expect(tab.status()).resolves.toEqual({
        status: 'pending',
        text: '결제가 완료되지 않았습니다',
      });
      await expect(
        tab.page.locator('a[data-action="retry"]').getAttribute('href'),
      ).resolves.toBe('/');
      // It looks again with a script, never with an endless meta refresh.
      await expect(
        tab.page.locator('meta[http-equiv="refresh"]').count(),
      ).resolves.toBe(0);
      await expect(
        tab.page.locator('main').getAttribute('data-polling'),
      ).resolves.toBe('active');
      await tab.expectNoSidewaysScroll();
      await tab.screenshot('result-closed');

      // The buyer pays on another device: iamport's webhook pays the order, and the open page follows.
      await shop.sim.createPayment({
        merchant_uid: merchantUid,
        amount: 35_000,
        webhook: true,
      });
      await tab.page.waitForSelector('main[data-state="paid"]', {
        timeout: 15_000,
      });
      await expect(tab.status()).resolves.toMatchObject({ status: 'paid' });
      expect((await shop.order(merchantUid)).status).toBe('paid');
    });
  },
);

describe('buying in English (Chromium with locale en-US)', () => {
  const env = useBrowserShop();
  let tab: Tab;

  beforeEach(async () => {
    tab = await Tab.open(env, 'mobile', { locale: 'en-US' });
  });
  afterEach(async () => {
    await tab.close();
    expect(tab.shopErrors()).toEqual([]);
  });

  it('the checkout and a virtual account in English; amounts still in 원, the deadline in KST', async () => {
    const { shop } = env;
    const response = await tab.page.goto(`${shop.url}/`);
    expect(response?.headers()['content-language']).toBe('en');
    await expect(tab.page.locator('html').getAttribute('lang')).resolves.toBe(
      'en',
    );
    await expect(tab.page.title()).resolves.toBe('Sample shop');
    await expect(
      tab.product('다도 세트').locator('.price').textContent(),
    ).resolves.toBe('129,000원');
    await expect(
      tab.product('다도 세트').locator('button').textContent(),
    ).resolves.toBe('Pay');
    await tab.expectNoSidewaysScroll();

    await tab.openWindowFor('다도 세트');
    await tab.endWindowWith('pay-vbank');
    await expect(tab.page.locator('html').getAttribute('lang')).resolves.toBe(
      'en',
    );
    const merchantUid =
      new URL(tab.page.url()).searchParams.get('merchant_uid') ?? '';
    const payment = await shop.sim.payment(
      (await shop.order(merchantUid)).imp_uid ?? '',
    );
    await expect(tab.status()).resolves.toEqual({
      status: 'vbank_issued',
      text: 'Please deposit into this account',
    });
    const rows = await tab.rows();
    expect(rows).toMatchObject({
      account_number: ['Account number', payment.vbank_num],
      deposit_amount: ['Amount to deposit', '129,000원'],
      deadline: ['Deposit deadline', `by ${englishTime(payment.vbank_date)}`],
    });
    expect(await tab.text()).not.toMatch(ISO_TIMESTAMP);
    // No clipboard permission here: the copy falls back to a selection and execCommand.
    await tab.page.evaluate(() => {
      document.addEventListener('copy', () => {
        (window as unknown as { copied: string }).copied = String(
          document.getSelection(),
        );
      });
      Object.defineProperty(navigator, 'clipboard', { value: undefined });
    });
    const copy = tab.page.locator('button[data-copy="account-number"]');
    await copy.click();
    await copy.filter({ hasText: /^Copied$/ }).waitFor({ timeout: 5000 });
    await expect(
      tab.page.evaluate(() => (window as unknown as { copied: string }).copied),
    ).resolves.toBe(payment.vbank_num);
    await tab.expectNoSidewaysScroll();
    await tab.screenshot('result-vbank-en');
  });

  it('a paid order reads "Payment complete" with the time in KST', async () => {
    await tab.openWindowFor('제주 녹차 100g');
    const result = await tab.endWindowWith('pay-card');
    const order = await env.shop.order(
      result.searchParams.get('merchant_uid') ?? '',
    );
    const payment = await env.shop.sim.payment(order.imp_uid ?? '');
    await expect(tab.status()).resolves.toEqual({
      status: 'paid',
      text: 'Payment complete',
    });
    await expect(tab.rows()).resolves.toMatchObject({
      amount: ['Amount', '12,000원'],
      paid_at: ['Paid at', englishTime(payment.paid_at)],
    });
  });
});
