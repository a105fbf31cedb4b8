import { ADMIN_MESSAGES } from '../../apps/sample/src/admin/messages.js';
import { payInWindow, postWebhook } from '../sample/shop.js';
import { TEST_ADMIN_TOKEN } from '../support/priced-orders.js';
import { screenshotOf, Tab, useBrowserShop } from './browser-kit.js';

const ko = ADMIN_MESSAGES.ko;
const CHARTS = [
  'chart-hours',
  'chart-days',
  'chart-latency',
  'chart-calls',
  'chart-backlog',
  'chart-dispositions',
];

/**
 * The operator's page in Chromium: logging in through the form, the three
 * sections in Korean, the charts drawn by Chart.js (served by the shop), a
 * re-verify button pressed, on a wide screen and a 390×844 phone, without
 * sideways scrolling or console errors.
 */
describe('the operator’s page in a real browser (Chromium, SQLite)', () => {
  const env = useBrowserShop();
  let unknownImpUid = '';
  let forgedOrder = '';

  beforeAll(async () => {
    const { shop } = env;
    // Something to look at: a paid order, a payment for an order the shop does not know, a forged virtual account.
    await payInWindow(shop, await shop.createOrder({ amount: 35_000 }), 'card');
    await payInWindow(
      shop,
      await shop.createOrder({ name: '백자 달항아리', amount: 129_000 }),
      'vbank',
    );
    const stranger = await shop.sim.createPayment({
      merchant_uid: `order_unknown_${Date.now()}`,
      amount: 4_321,
    });
    await postWebhook(shop, {
      imp_uid: stranger.imp_uid,
      merchant_uid: stranger.merchant_uid,
      status: 'paid',
    });
    unknownImpUid = stranger.imp_uid;
    const order = await shop.createOrder({ amount: 35_000 });
    const forged = await shop.sim.createPayment({
      merchant_uid: order.merchant_uid,
      amount: 350,
      pay_method: 'vbank',
      status: 'paid',
    });
    await postWebhook(shop, {
      imp_uid: forged.imp_uid,
      merchant_uid: order.merchant_uid,
      status: 'paid',
    });
    forgedOrder = order.merchant_uid;
  });

  /** Opens /admin: the login form first (a wrong token tried first when asked), then the page it came from. */
  async function logIn(tab: Tab, wrongFirst = false): Promise<void> {
    const { page } = tab;
    await page.goto(`${env.shop.url}/admin`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await expect(page.locator('h1').innerText()).resolves.toBe(
      ko.login.heading,
    );
    if (wrongFirst) {
      await page.locator('input[name="token"]').fill('not-the-token');
      await Promise.all([
        page.waitForResponse((response) => response.status() === 403),
        page.locator('form.login button[type="submit"]').click(),
      ]);
      await expect(page.locator('p.error').innerText()).resolves.toBe(
        ko.login.wrong,
      );
    }
    await page.locator('input[name="token"]').fill(TEST_ADMIN_TOKEN);
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/admin'),
      page.locator('form.login button[type="submit"]').click(),
    ]);
  }

  /** Waits for glance.js to have drawn every chart, and answers what the page says of them. */
  async function charts(tab: Tab) {
    await tab.page.waitForFunction(
      (count) =>
        document.documentElement.getAttribute('data-charts') === String(count),
      CHARTS.length,
    );
    return tab.page.evaluate((ids) => {
      const chart = (window as unknown as { Chart?: { version: string } })
        .Chart;
      return {
        version: chart?.version ?? null,
        canvases: ids.map((id) => {
          const canvas = document.getElementById(id) as HTMLCanvasElement & {
            chart?: unknown;
          };
          return {
            id,
            drawn: canvas.chart !== undefined,
            wide: canvas.getBoundingClientRect().width > 100,
          };
        }),
      };
    }, CHARTS);
  }

  it('on a wide screen: logs in through the form, shows what needs a person, recent orders and the charts; a re-verify button comes back with the outcome', async () => {
    const tab = await Tab.open(env, 'desktop', {
      viewport: { width: 1280, height: 900 },
    });
    try {
      await logIn(tab, true);
      const { page } = tab;
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe(
        'ko',
      );
      await expect(page.locator('#attention h2').innerText()).resolves.toMatch(
        new RegExp(`^${ko.attention.heading}`),
      );
      await expect(page.locator('#activity h2').innerText()).resolves.toBe(
        ko.activity.heading,
      );
      await expect(page.locator('#glance h2').innerText()).resolves.toBe(
        ko.glance.heading,
      );
      await expect(
        page.locator('#attention article.payment').count(),
      ).resolves.toBe(2);
      await expect(
        page
          .locator('#attention .kind[data-kind="refund_refused"] .todo')
          .innerText(),
      ).resolves.toBe(ko.attention.kinds.refund_refused.todo);
      await expect(page.locator('#activity li.order').count()).resolves.toBe(3);

      const drawn = await charts(tab);
      expect(drawn.version).toMatch(/^4\./);
      expect(drawn.canvases).toEqual(
        CHARTS.map((id) => ({ id, drawn: true, wide: true })),
      );
      await screenshotOf(tab, 'admin-attention', '#attention', 'desktop');
      await screenshotOf(tab, 'admin-glance', '#glance', 'desktop');

      // Re-verify the stranger's payment: a real form POST (Origin, Sec-Fetch-Site and the CSRF token).
      await Promise.all([
        page.waitForURL((url) => url.searchParams.has('verified')),
        page
          .locator(
            `article[data-imp-uid="${unknownImpUid}"] button[type="submit"]`,
          )
          .click(),
      ]);
      await expect(page.locator('p.flash').innerText()).resolves.toBe(
        `${ko.verified.done(unknownImpUid, ko.outcomes.not_found)} ${ko.verified.stillNeeds}`,
      );
      await charts(tab);

      // One order: every redirect and webhook in the order received.
      await page.goto(`${env.shop.url}/admin/orders/${forgedOrder}`);
      await expect(page.locator('li.event').count()).resolves.toBe(1);
      await expect(
        page.locator('li.event').getAttribute('data-outcome'),
      ).resolves.toBe('forgery');
      await page.goto(`${env.shop.url}/admin/orders?status=forgery_flagged`);
      await expect(page.locator('li.order').count()).resolves.toBe(1);
      await tab.expectNoSidewaysScroll();
    } finally {
      await tab.close();
    }
    // Chromium logs the wrong token's 403 page as a failed load: the only error.
    expect(tab.shopErrors()).toEqual([
      `${env.shop.url}/admin/login: Failed to load resource: the server responded with a status of 403 (Forbidden)`,
    ]);
  });

  it('on a 390×844 phone: Korean, every section and chart, nothing wider than the screen', async () => {
    const tab = await Tab.open(env, 'mobile');
    try {
      await logIn(tab);
      const { page } = tab;
      const drawn = await charts(tab);
      expect(drawn.canvases.every((canvas) => canvas.drawn)).toBe(true);
      const text = await page.locator('main').innerText();
      expect(text).toContain(ko.attention.heading);
      expect(text).toContain(ko.attention.kinds.unknown_order.title);
      expect(text).toContain('4,321원');
      await tab.expectNoSidewaysScroll();
      await screenshotOf(tab, 'admin-attention', null, 'mobile');
      await page.locator('#glance').scrollIntoViewIfNeeded();
      await screenshotOf(tab, 'admin-glance', '#glance');
      await page.goto(`${env.shop.url}/admin/orders/${forgedOrder}`);
      await tab.expectNoSidewaysScroll();
      await screenshotOf(tab, 'admin-order', null);
    } finally {
      await tab.close();
    }
    expect(tab.shopErrors()).toEqual([]);
  });

  it('English by Accept-Language', async () => {
    const tab = await Tab.open(env, 'desktop', {
      locale: 'en-US',
      extraHTTPHeaders: { 'accept-language': 'en-US,en;q=0.9' },
    });
    try {
      await tab.page.goto(`${env.shop.url}/admin/login`);
      await expect(tab.page.locator('html').getAttribute('lang')).resolves.toBe(
        'en',
      );
      await tab.page.locator('input[name="token"]').fill(TEST_ADMIN_TOKEN);
      await Promise.all([
        tab.page.waitForURL((url) => url.pathname === '/admin'),
        tab.page.locator('form.login button[type="submit"]').click(),
      ]);
      await expect(tab.page.locator('#glance h2').innerText()).resolves.toBe(
        ADMIN_MESSAGES.en.glance.heading,
      );
      await charts(tab);
    } finally {
      await tab.close();
    }
    expect(tab.shopErrors()).toEqual([]);
  });
});
