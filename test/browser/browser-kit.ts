import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';
import { freshDatabase, type FreshDatabase } from '../support/databases.js';
import {
  type SampleApp,
  startSampleApp,
} from '../support/sample-app.fixture.js';

/** Debian's Chromium; never a browser Playwright would download. */
export const CHROMIUM = '/usr/bin/chromium';
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

/** The devices every page is checked on. */
export const DEVICES = {
  desktop: { viewport: { width: 800, height: 640 } },
  // An iPhone 12–15 sized phone.
  mobile: {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  },
} satisfies Record<string, BrowserContextOptions>;
export type Device = keyof typeof DEVICES;

/** The narrowest phones the pages must fit without scrolling sideways. */
export const NARROW_WIDTHS = [360, 390] as const;

/** One shop on a fresh SQLite database and one Chromium for a test file. */
export interface BrowserShop {
  readonly shop: SampleApp;
  readonly browser: Browser;
}

export function useBrowserShop(): BrowserShop {
  let database: FreshDatabase | undefined;
  let shop: SampleApp | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `${CHROMIUM} is missing: install Debian's Chromium with \`apt-get install -y chromium fonts-noto-cjk\` (what .ci/run does)`,
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
  return {
    get shop() {
      if (!shop) throw new Error('the shop did not start');
      return shop;
    },
    get browser() {
      if (!browser) throw new Error('Chromium did not start');
      return browser;
    },
  };
}

/** A browser tab on one device and language, that remembers every error the pages logged. */
export class Tab {
  /** `console.error`s, failed loads and uncaught exceptions, with the page they came from. */
  readonly errors: string[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly device: Device,
    private readonly shop: SampleApp,
  ) {
    page.on('console', (message) => {
      if (message.type() === 'error')
        this.errors.push(`${message.location().url}: ${message.text()}`);
    });
    page.on('pageerror', (error) =>
      this.errors.push(`${page.url()}: ${error.message}`),
    );
  }

  static async open(
    { shop, browser }: BrowserShop,
    device: Device,
    options: BrowserContextOptions = {},
  ): Promise<Tab> {
    const context = await browser.newContext({
      locale: 'ko-KR',
      timezoneId: 'Asia/Seoul',
      ...DEVICES[device],
      ...options,
    });
    return new Tab(context, await context.newPage(), device, shop);
  }

  /** The shop's errors: the simulator's own pages stand in for iamport's and are not the shop's to fix. */
  shopErrors(): string[] {
    return this.errors.filter((error) => !error.startsWith(this.shop.sim.url));
  }

  async close(): Promise<void> {
    await this.context.close();
  }

  /** Opens the checkout, sets a product's quantity, presses its Pay button and waits for the simulator's window. */
  async openWindowFor(productName: string, quantity = 1): Promise<void> {
    await this.page.goto(`${this.shop.url}/`);
    const product = this.product(productName);
    if (quantity !== 1)
      await product.locator('input[name="quantity"]').fill(String(quantity));
    await product.locator('button[type="submit"]').click();
    await this.page.waitForURL((url) =>
      url.href.startsWith(`${this.shop.sim.url}/window?`),
    );
  }

  /** A product's form on the checkout, by its name. */
  product(name: string) {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const exactly = new RegExp(`^${escaped}$`);
    return this.page
      .locator('form.product')
      .filter({ has: this.page.locator('.name', { hasText: exactly }) });
  }

  /** Presses one of the window's buttons and waits for the shop's result page. */
  async endWindowWith(
    buttonId: 'pay-card' | 'pay-vbank' | 'decline' | 'close',
  ): Promise<URL> {
    await this.page.locator(`#${buttonId}`).click();
    await this.page.waitForURL((url) =>
      url.href.startsWith(`${this.shop.url}/result?`),
    );
    return new URL(this.page.url());
  }

  /** `data-state` of the result page's `<main>`. */
  state(): Promise<string | null> {
    return this.page.locator('main').getAttribute('data-state');
  }

  /** The status line: its `data-status` and text. */
  async status(): Promise<{ status: string | null; text: string }> {
    const line = this.page.locator('p.status');
    return {
      status: await line.getAttribute('data-status'),
      text: (await line.innerText()).trim(),
    };
  }

  /** The detail rows by their `data-field`: `{amount: ['결제 금액', '35,000원'], …}`. */
  async rows(): Promise<Record<string, [string, string]>> {
    return this.page.locator('dl > div[data-field]').evaluateAll((rows) =>
      Object.fromEntries(
        rows.map((row) => [
          (row as HTMLElement).dataset.field,
          [
            row.querySelector('dt')?.textContent?.trim() ?? '',
            // The value without the copy button's label.
            (
              row.querySelector('dd > span') ?? row.querySelector('dd')
            )?.textContent?.trim() ?? '',
          ],
        ]),
      ),
    );
  }

  /** The visible text of the page's main content. */
  async text(): Promise<string> {
    return this.page.locator('main').innerText();
  }

  /**
   * Checks the page as it is at every narrow phone width, then at this tab's
   * own: no sideways scrolling (long order numbers and names wrap), and the
   * viewport not zoomed out to fit something wider.
   */
  async expectNoSidewaysScroll(): Promise<void> {
    const own = this.page.viewportSize();
    for (const width of NARROW_WIDTHS) {
      await this.page.setViewportSize({ width, height: 800 });
      const measured = await this.page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }));
      expect({ width, ...measured }).toEqual({
        width,
        scrollWidth: expect.any(Number),
        innerWidth: width,
      });
      expect(measured.scrollWidth).toBeLessThanOrEqual(width);
    }
    if (own) await this.page.setViewportSize(own);
  }

  /**
   * A full-page screenshot into test-artifacts/browser (`name.png` on the
   * desktop, `name-mobile.png` on the phone). With `UPDATE_SAMPLE_SCREENSHOTS=1`,
   * those meant for the README (`forReadme`: on every device, or on this one)
   * are copied into apps/sample/screenshots.
   */
  async screenshot(
    name: string,
    forReadme: boolean | Device = false,
  ): Promise<void> {
    const file = this.device === 'desktop' ? name : `${name}-${this.device}`;
    const path = `${ARTIFACTS}${file}.png`;
    await this.page.screenshot({ path, fullPage: true });
    const wanted = forReadme === true || forReadme === this.device;
    if (wanted && process.env.UPDATE_SAMPLE_SCREENSHOTS === '1') {
      mkdirSync(README_SCREENSHOTS, { recursive: true });
      copyFileSync(path, `${README_SCREENSHOTS}${file}.png`);
    }
  }
}

/**
 * A screenshot of one element (`selector`) or of what the viewport shows
 * (null), into test-artifacts/browser and, like `Tab.screenshot`, into
 * apps/sample/screenshots with `UPDATE_SAMPLE_SCREENSHOTS=1` when `forReadme`.
 */
export async function screenshotOf(
  tab: Tab,
  name: string,
  selector: string | null,
  forReadme: boolean | Device = false,
): Promise<void> {
  const file = tab.device === 'desktop' ? name : `${name}-${tab.device}`;
  const path = `${ARTIFACTS}${file}.png`;
  if (selector === null) await tab.page.screenshot({ path });
  else await tab.page.locator(selector).screenshot({ path });
  const wanted = forReadme === true || forReadme === tab.device;
  if (wanted && process.env.UPDATE_SAMPLE_SCREENSHOTS === '1') {
    mkdirSync(README_SCREENSHOTS, { recursive: true });
    copyFileSync(path, `${README_SCREENSHOTS}${file}.png`);
  }
}

/**
 * Lets a pending order's result page poll to its end with Playwright's fake
 * clock (installed before the page loaded): advances it poll by poll and
 * answers how many times the page asked for the order.
 */
export async function runPollingToTheEnd(
  tab: Tab,
  merchantUid: string,
): Promise<number> {
  const { page } = tab;
  const path = `/orders/${merchantUid}`;
  let asked = 0;
  let answered = 0;
  const isPoll = (url: string) => new URL(url).pathname === path;
  page.on('request', (request) => {
    if (isPoll(request.url())) asked += 1;
  });
  const settled = (request: { url(): string }) => {
    if (isPoll(request.url())) answered += 1;
  };
  page.on('requestfinished', settled);
  page.on('requestfailed', settled);
  const main = page.locator('main');
  for (let step = 0; step < 40; step++) {
    if ((await main.getAttribute('data-polling')) !== 'active') break;
    await page.clock.runFor(6_000);
    const deadline = Date.now() + 5_000;
    while (answered < asked && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    // The answer's JSON is read in the page's next tasks.
    await page.waitForTimeout(30);
  }
  return asked;
}
