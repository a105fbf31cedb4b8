import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freshDatabase, type FreshDatabase } from '../support/databases.js';
import {
  type SampleApp,
  startSampleApp,
} from '../support/sample-app.fixture.js';
import { orderWhen } from '../sample/shop.js';

/** Debian's Chromium; never a browser Playwright would download. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Screenshots of every run (gitignored). */
const ARTIFACTS = fileURLToPath(
  new URL('../../test-artifacts/browser/', import.meta.url),
);
/** The README's pictures, refreshed only when asked: `UPDATE_SAMPLE_SCREENSHOTS=1 npx vitest run test/browser`. */
const README_SCREENSHOTS = fileURLToPath(
  new URL('../../apps/sample/screenshots/', import.meta.url),
);

const DECLINE_MESSAGE =
  '[F1002] 카드 승인이 거절되었습니다 (simulated decline)';

describe('the checkout in a real browser (Chromium, SQLite)', () => {
  let database: FreshDatabase;
  let shop: SampleApp;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `${CHROMIUM} is missing: install Debian's Chromium with \`apt-get install -y chromium\` (what .ci/run does)`,
      );
    mkdirSync(ARTIFACTS, { recursive: true });
    database = await freshDatabase('sqlite');
    shop = await startSampleApp({ databaseUrl: database.url });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await shop?.close();
    await database?.drop();
  });
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 800, height: 640 } });
    pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  afterEach(async () => {
    await page.close();
    // The checkout's own script and the SDK must not throw.
    expect(pageErrors).toEqual([]);
  });

  async function screenshot(name: string, forReadme = false): Promise<void> {
    const path = `${ARTIFACTS}${name}.png`;
    await page.screenshot({ path, fullPage: true });
    if (forReadme && process.env.UPDATE_SAMPLE_SCREENSHOTS === '1') {
      mkdirSync(README_SCREENSHOTS, { recursive: true });
      copyFileSync(path, `${README_SCREENSHOTS}${name}.png`);
    }
  }

  /** Opens the shop, presses a product's Pay button and waits for the simulator's window. */
  async function openWindowFor(product: 'tea' | 'mug' | 'set') {
    await page.goto(`${shop.url}/`);
    await expect(page.title()).resolves.toBe('Sample shop');
    await page.locator(`button[data-product="${product}"]`).click();
    await page.waitForURL((url) =>
      url.href.startsWith(`${shop.sim.url}/window?`),
    );
  }

  /** Presses one of the window's buttons and waits for the shop's result page. */
  async function endWindowWith(buttonId: string): Promise<URL> {
    await page.locator(`#${buttonId}`).click();
    await page.waitForURL((url) => url.href.startsWith(`${shop.url}/result?`));
    return new URL(page.url());
  }

  const status = () => page.locator('p.status');
  const detail = (label: string) => page.locator(`dt:text-is("${label}") + dd`);

  it('buys a product by card: the checkout, the window, the result page says Paid', async () => {
    await page.goto(`${shop.url}/`);
    await expect(page.locator('button[data-product]').count()).resolves.toBe(3);
    await screenshot('checkout', true);

    await page.locator('button[data-product="mug"]').click();
    await page.waitForURL((url) =>
      url.href.startsWith(`${shop.sim.url}/window?`),
    );
    await expect(page.locator('#amount').textContent()).resolves.toBe(
      '35,000원',
    );
    await expect(page.locator('h1').textContent()).resolves.toBe('Celadon mug');
    await screenshot('payment-window', true);

    const result = await endWindowWith('pay-card');
    expect(result.searchParams.get('outcome')).toBe('paid');
    const merchantUid = result.searchParams.get('merchant_uid') ?? '';
    await expect(status().getAttribute('data-status')).resolves.toBe('paid');
    await expect(status().textContent()).resolves.toBe('Paid. Thank you!');
    await expect(detail('Amount').textContent()).resolves.toBe('35,000원');
    await expect(detail('Order').textContent()).resolves.toBe(merchantUid);
    await screenshot('result-paid', true);

    const order = await orderWhen(
      shop,
      merchantUid,
      (current) => current.fulfilment === 'ready_to_ship',
    );
    expect(order).toMatchObject({
      name: 'Celadon mug',
      amount: 35_000,
      status: 'paid',
      imp_uid: expect.stringMatching(/^imp_\d{12}$/),
      fulfilment: 'ready_to_ship',
    });
    const payment = await shop.sim.payment(order.imp_uid ?? '');
    expect(payment).toMatchObject({
      status: 'paid',
      amount: 35_000,
      channel: 'mobile',
      buyer_name: 'Sample buyer',
    });
    // The window really ran in Chromium.
    expect(payment.user_agent).toMatch(/Chrome/);
  });

  it('a declined card: the result page shows the failure and its reason', async () => {
    await openWindowFor('tea');
    const result = await endWindowWith('decline');
    expect(result.searchParams.get('outcome')).toBe('failed');
    await expect(status().getAttribute('data-status')).resolves.toBe('failed');
    await expect(status().textContent()).resolves.toBe('The payment failed');
    await expect(detail('Reason').textContent()).resolves.toBe(DECLINE_MESSAGE);
    await screenshot('result-declined', true);
    const order = await shop.order(
      result.searchParams.get('merchant_uid') ?? '',
    );
    expect(order).toMatchObject({
      status: 'failed',
      failure_reason: DECLINE_MESSAGE,
      fulfilment: 'none',
    });
  });

  it('a virtual account: the result page shows the account; after the deposit the order is paid by the webhook', async () => {
    await openWindowFor('set');
    const result = await endWindowWith('pay-vbank');
    expect(result.searchParams.get('outcome')).toBe('vbank_issued');
    const merchantUid = result.searchParams.get('merchant_uid') ?? '';
    const issued = await shop.order(merchantUid);
    expect(issued.status).toBe('vbank_issued');
    const payment = await shop.sim.payment(issued.imp_uid ?? '');
    expect(payment.vbank_num).toMatch(/^\d{14}$/);

    await expect(status().getAttribute('data-status')).resolves.toBe(
      'vbank_issued',
    );
    await expect(status().textContent()).resolves.toBe(
      'Please deposit into this account',
    );
    await expect(detail('Account').textContent()).resolves.toBe(
      payment.vbank_num,
    );
    await expect(detail('Bank').textContent()).resolves.toBe(
      payment.vbank_name,
    );
    await expect(detail('Amount').textContent()).resolves.toBe('129,000원');
    // Not pending: this page does not refresh itself.
    await expect(
      page.locator('meta[http-equiv="refresh"]').count(),
    ).resolves.toBe(0);
    await screenshot('result-vbank', true);

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
    await page.reload();
    await expect(status().getAttribute('data-status')).resolves.toBe('paid');
    await expect(status().textContent()).resolves.toBe('Paid. Thank you!');
    await screenshot('result-vbank-paid');
  });

  it('a closed window: the page says so, refreshes itself, and shows Paid once a webhook pays the order', async () => {
    await openWindowFor('mug');
    const result = await endWindowWith('close');
    expect(result.searchParams.get('outcome')).toBe('pending');
    const merchantUid = result.searchParams.get('merchant_uid') ?? '';
    await expect(status().getAttribute('data-status')).resolves.toBe('pending');
    await expect(status().textContent()).resolves.toBe(
      'The payment was not completed',
    );
    await expect(
      page.locator('meta[http-equiv="refresh"]').count(),
    ).resolves.toBe(1);
    await screenshot('result-closed');

    // The buyer pays on another device: iamport's webhook pays the order, and the open page follows without a reload.
    await shop.sim.createPayment({
      merchant_uid: merchantUid,
      amount: 35_000,
      webhook: true,
    });
    await page.waitForSelector('p.status[data-status="paid"]', {
      timeout: 15_000,
    });
    await expect(status().textContent()).resolves.toBe('Paid. Thank you!');
    expect((await shop.order(merchantUid)).status).toBe('paid');
  });
});
