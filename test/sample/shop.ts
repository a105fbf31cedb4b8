import { encodeParams } from '../../apps/iamport-simulator/src/index.js';
import { POLL_DELAYS_MS } from '../../apps/sample/src/checkout/result-page.js';
import type { OrderView } from '../../apps/sample/src/orders/order.view.js';
import { PaymentNotificationEntity } from '../../apps/sample/src/persistence/payment-notification.entity.js';
import {
  DATABASE_KINDS,
  type DatabaseKind,
  freshDatabase,
} from '../support/databases.js';
import {
  type CreatedOrder,
  type HttpAnswer,
  readAnswer,
  type SampleApp,
  startSampleApp,
} from '../support/sample-app.fixture.js';

/** What a browser sends, so that the redirect route answers with its 303 to the result page. */
export const BROWSER_ACCEPT =
  'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

export type HttpAdapter = 'express' | 'fastify';

/** Every database on Express (the default), and SQLite on Fastify too (`HTTP_ADAPTER=fastify`). */
export const TARGETS: ReadonlyArray<[DatabaseKind, HttpAdapter]> = [
  ...DATABASE_KINDS.map((kind): [DatabaseKind, HttpAdapter] => [
    kind,
    'express',
  ]),
  ['sqlite', 'fastify'],
];

/**
 * One sample app on a fresh database of `kind` for the enclosing `describe`:
 * started before its tests, closed and dropped after them.
 */
export function useShop(
  kind: DatabaseKind,
  httpAdapter: HttpAdapter = 'express',
): { readonly current: SampleApp } {
  let shop: SampleApp | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const database = await freshDatabase(kind);
    dropDatabase = () => database.drop();
    try {
      shop = await startSampleApp({ databaseUrl: database.url, httpAdapter });
    } catch (error) {
      await database.drop();
      throw error;
    }
  });
  afterAll(async () => {
    try {
      await shop?.close();
    } finally {
      await dropDatabase?.();
    }
  });
  return {
    get current(): SampleApp {
      if (!shop) throw new Error(`the ${kind} shop did not start`);
      return shop;
    },
  };
}

export type Ending = 'card' | 'vbank' | 'decline' | 'close';

/** The parameters the checkout page gives `IMP.request_pay`, plus what the SDK adds (imp_code, origin). */
export function requestPayParams(
  shop: SampleApp,
  order: CreatedOrder,
): Record<string, unknown> {
  return {
    pg: 'html5_inicis',
    pay_method: 'card',
    merchant_uid: order.merchant_uid,
    name: order.name,
    amount: order.amount,
    currency: order.currency,
    buyer_name: 'Sample buyer',
    buyer_email: 'buyer@example.com',
    m_redirect_url: `${shop.url}/payments/complete`,
    imp_code: shop.config.iamport.impCode,
    origin: shop.url,
  };
}

export interface WindowRun {
  /** `GET <sim>/window?params=…`: the payment window. */
  window: HttpAnswer<string>;
  /** Where the window's form sent the browser (303): `m_redirect_url` with iamport's query. */
  redirect: URL;
  /** Where `/payments/complete` sent the browser (303). */
  result: URL;
  /** The result page. */
  resultPage: HttpAnswer<string>;
  /** The imp_uid iamport put on the redirect ('' when it recorded no payment). */
  impUid: string;
}

function locationOf(answer: HttpAnswer, base: string, step: string): URL {
  const location = answer.headers.get('location');
  if (answer.status !== 303 || !location)
    throw new Error(
      `${step} answered ${answer.status} (expected a 303): ${JSON.stringify(answer.body)}`,
    );
  return new URL(location, base);
}

/**
 * The mobile (redirect) checkout over plain HTTP, as the browser does it: open
 * the window the SDK navigates to, press one of its buttons (POST the form),
 * follow the 303 to `/payments/complete`, then the 303 to `/result`.
 */
export async function payInWindow(
  shop: SampleApp,
  order: CreatedOrder,
  ending: Ending,
): Promise<WindowRun> {
  const encoded = encodeParams(requestPayParams(shop, order));
  const window = await readAnswer<string>(
    await fetch(`${shop.sim.url}/window?params=${encoded}`, {
      headers: { accept: BROWSER_ACCEPT },
    }),
  );
  if (window.status !== 200)
    throw new Error(`the window answered ${window.status}: ${window.body}`);
  const formParams = /name="params" value="([^"]*)"/.exec(window.body)?.[1];
  if (formParams !== encoded)
    throw new Error(
      'the window form does not carry the parameters it was given',
    );
  const completed = await readAnswer(
    await fetch(`${shop.sim.url}/window/complete`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        accept: BROWSER_ACCEPT,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ params: formParams, outcome: ending }),
    }),
  );
  const redirect = locationOf(completed, shop.sim.url, 'the window form');
  const verified = await readAnswer(
    await fetch(redirect, {
      redirect: 'manual',
      headers: { accept: BROWSER_ACCEPT },
    }),
  );
  const result = locationOf(verified, shop.url, '/payments/complete');
  const resultPage = await readAnswer<string>(
    await fetch(result, { headers: { accept: BROWSER_ACCEPT } }),
  );
  return {
    window,
    redirect,
    result,
    resultPage,
    impUid: redirect.searchParams.get('imp_uid') ?? '',
  };
}

/** `GET /payments/complete` as a browser sends it (the 303 is not followed). */
export async function completeAsBrowser(
  shop: SampleApp,
  query: Record<string, string>,
): Promise<HttpAnswer> {
  return readAnswer(
    await fetch(`${shop.url}/payments/complete?${new URLSearchParams(query)}`, {
      redirect: 'manual',
      headers: { accept: BROWSER_ACCEPT },
    }),
  );
}

/** `GET /payments/complete` as an API client (`Accept: application/json`) sends it. */
export async function completeAsJson(
  shop: SampleApp,
  query: Record<string, string>,
): Promise<HttpAnswer> {
  return readAnswer(
    await fetch(`${shop.url}/payments/complete?${new URLSearchParams(query)}`, {
      redirect: 'manual',
      headers: { accept: 'application/json' },
    }),
  );
}

/** An order of `amount` and its payment, paid at the simulator: the ids a redirect and a webhook carry. */
export async function paidPayment(
  shop: SampleApp,
  amount = 12_000,
): Promise<{ imp_uid: string; merchant_uid: string }> {
  const order = await shop.createOrder({ amount });
  const payment = await shop.sim.createPayment({
    merchant_uid: order.merchant_uid,
    amount,
  });
  return { imp_uid: payment.imp_uid, merchant_uid: order.merchant_uid };
}

/** `POST /payments/webhook` with iamport's JSON body. */
export async function postWebhook(
  shop: SampleApp,
  body: Record<string, string>,
): Promise<HttpAnswer> {
  return readAnswer(
    await fetch(`${shop.url}/payments/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}

/**
 * `GET` of a page of the shop, as a browser asks for it: Korean unless
 * `acceptLanguage` says otherwise (none is sent by default).
 */
export async function getPage(
  shop: SampleApp,
  path: string,
  acceptLanguage?: string,
): Promise<HttpAnswer<string>> {
  return readAnswer<string>(
    await fetch(new URL(path, shop.url), {
      redirect: 'manual',
      headers: {
        accept: BROWSER_ACCEPT,
        ...(acceptLanguage ? { 'accept-language': acceptLanguage } : {}),
      },
    }),
  );
}

/**
 * Reads the order until `done` holds or `timeoutMs` passes, and returns the
 * last reading: the test then asserts on it, so a failure shows the real
 * order. For what happens after an answer (webhooks, event handlers).
 */
export async function orderWhen(
  shop: SampleApp,
  merchantUid: string,
  done: (order: OrderView) => boolean,
  timeoutMs = 10_000,
): Promise<OrderView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const order = await shop.order(merchantUid);
    if (done(order) || Date.now() > deadline) return order;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits until `check` holds or `timeoutMs` passes; says which. The test asserts on what it waited for. */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface WebhookLogEntry {
  url: string;
  payload: { imp_uid: string; merchant_uid: string; status: string };
  status: number | null;
  error?: string;
  dropped?: boolean;
}

/** The simulator's webhook attempts for one payment, once `count` of them have an answer (or after `timeoutMs`). */
export async function webhooksOf(
  shop: SampleApp,
  impUid: string,
  count: number,
  timeoutMs = 10_000,
): Promise<WebhookLogEntry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = await shop.sim.control<WebhookLogEntry[]>(
      'GET',
      '/_sim/webhooks',
    );
    const attempts = log.filter((entry) => entry.payload.imp_uid === impUid);
    const answered = attempts.filter(
      (entry) => entry.status !== null || entry.error || entry.dropped,
    );
    if (answered.length >= count || Date.now() > deadline) return attempts;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The notification log of one order, oldest first: `[kind, outcome, changed]`. */
export async function notificationsOf(
  shop: SampleApp,
  merchantUid: string,
): Promise<PaymentNotificationEntity[]> {
  return shop.dataSource
    .getRepository(PaymentNotificationEntity)
    .find({ where: { merchantUid }, order: { id: 'ASC' } });
}

/**
 * What the result page says: the state it shows (`<main data-state>`), the
 * order's status on the status line (`data-status`) and the line's text (as
 * it stands in the HTML). `none` when the page has no such element.
 */
export function statusOf(page: string): {
  state: string;
  status: string;
  text: string;
} {
  const state =
    /<main id="content" data-state="([^"]*)"/.exec(page)?.[1] ?? 'none';
  const match =
    /<p class="status [^"]*" data-status="([^"]*)">([^<]*)<\/p>/.exec(page);
  return match
    ? { state, status: match[1], text: match[2] }
    : { state, status: 'none', text: '' };
}

/**
 * The detail rows of the result page (`<div data-field><dt>…</dt><dd>…</dd></div>`),
 * by `data-field`: `[label, value]` as they stand in the HTML; the account
 * number's value without its copy button.
 */
export function detailsOf(page: string): Record<string, [string, string]> {
  const details: Record<string, [string, string]> = {};
  for (const [, field, label, value] of page.matchAll(
    /<div data-field="([^"]*)"><dt>([^<]*)<\/dt><dd>(.*?)<\/dd><\/div>/g,
  ))
    details[field] = [
      label,
      value
        .replace(/<button [^>]*>[^<]*<\/button>/g, '')
        .replace(/<[^>]*>/g, ''),
    ];
  return details;
}

/** The lead paragraph under the status line (what happened, what to do), as it stands in the HTML. */
export const leadOf = (page: string): string | null =>
  /<p data-role="lead">([^<]*)<\/p>/.exec(page)?.[1] ?? null;

/** How the result page looks again by itself: the `data-polling` of its `<main>`, its polling script's settings, and any `<meta http-equiv="refresh">`. */
export interface Polling {
  state: string | null;
  poll: { url: string; status: string; delaysMs: number[] } | null;
  metaRefresh: boolean;
}

export function pollingOf(page: string): Polling {
  const poll = /^const poll = (\{.*\});$/m.exec(page)?.[1];
  return {
    state:
      /<main id="content" data-state="[^"]*" data-polling="([^"]*)">/.exec(
        page,
      )?.[1] ?? null,
    poll: poll ? (JSON.parse(poll) as Polling['poll']) : null,
    metaRefresh: /<meta http-equiv="refresh"/i.test(page),
  };
}

/** A pending order's page: it polls `GET /orders/:merchant_uid` a bounded number of times, and never with `<meta refresh>`. */
export const pollsFor = (merchantUid: string): Polling => ({
  state: 'active',
  poll: {
    url: `/orders/${encodeURIComponent(merchantUid)}`,
    status: 'pending',
    delaysMs: [...POLL_DELAYS_MS],
  },
  metaRefresh: false,
});

/** A final page: it does not look again. */
export const NO_POLLING: Polling = {
  state: null,
  poll: null,
  metaRefresh: false,
};

/**
 * The products of the checkout (`form.product[data-product-id]` with `.name`
 * and `.price`), in page order, their text with numeric character references
 * decoded (an unescaped `<` in a name leaves the product out).
 */
export function productsOf(
  page: string,
): Array<{ id: number; name: string; price: string }> {
  const decode = (text: string) =>
    text.replace(/&#(\d+);/g, (_, code: string) =>
      String.fromCharCode(Number(code)),
    );
  return [
    ...page.matchAll(
      /<form class="card product" data-product-id="([^"]*)">\s*<div class="info">\s*<span class="name">([^<]*)<\/span>\s*<span class="price" data-field="price">([^<]*)<\/span>/g,
    ),
  ].map(([, id, name, price]) => ({
    id: Number(id),
    name: decode(name),
    price: decode(price),
  }));
}

/** iamport's UNIX seconds as the ISO string the shop answers. */
export const isoOf = (seconds: number): string =>
  new Date(seconds * 1000).toISOString();
