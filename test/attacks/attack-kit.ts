import type { OrderStatus } from 'nestjs-iamport';
import { TEST_ADMIN_TOKEN } from '../support/priced-orders.js';
import { OrderEntity } from '../../apps/sample/src/persistence/order.entity.js';
import { OutboxEventEntity } from '../../apps/sample/src/persistence/outbox-event.entity.js';
import { PaymentNotificationEntity } from '../../apps/sample/src/persistence/payment-notification.entity.js';
import { type DatabaseKind, freshDatabase } from '../support/databases.js';
import {
  type SampleApp,
  startSampleApp,
} from '../support/sample-app.fixture.js';

/** What a browser sends: the redirect route then answers with its 303 to the result page. */
export const BROWSER_ACCEPT =
  'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
export const FORM = 'application/x-www-form-urlencoded';

/** One HTTP answer, with its raw text kept so that it can be searched for secrets. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: any;
}

export async function send(
  url: string,
  init: RequestInit = {},
): Promise<Answer> {
  const response = await fetch(url, { redirect: 'manual', ...init });
  const text = await response.text();
  const json = (response.headers.get('content-type') ?? '').includes(
    'application/json',
  );
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: json && text ? JSON.parse(text) : text,
  };
}

/** `GET /payments/complete?…` as an API client (JSON answer) or, with BROWSER_ACCEPT, as a browser. */
export function redirect(
  shop: SampleApp,
  query: string | Record<string, string>,
  accept = 'application/json',
): Promise<Answer> {
  const search =
    typeof query === 'string' ? query : new URLSearchParams(query).toString();
  return send(`${shop.url}/payments/complete?${search}`, {
    headers: { accept },
  });
}

export interface WebhookOptions {
  /** The Content-Type; `null` sends none. Default: JSON, or a form for a string body. */
  type?: string | null;
  headers?: Record<string, string>;
}

/** `POST /payments/webhook` with an object (JSON or, with `type: FORM`, form-encoded) or a raw body. */
export function webhook(
  shop: SampleApp,
  body: string | Uint8Array | FormData | Record<string, unknown>,
  options: WebhookOptions = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  let payload: BodyInit;
  if (
    typeof body === 'string' ||
    body instanceof Uint8Array ||
    body instanceof FormData
  ) {
    payload = body as BodyInit;
  } else if (options.type === FORM) {
    payload = new URLSearchParams(body as Record<string, string>).toString();
  } else {
    payload = JSON.stringify(body);
  }
  const type =
    options.type === undefined
      ? typeof body === 'string'
        ? FORM
        : body instanceof Uint8Array || body instanceof FormData
          ? null
          : 'application/json'
      : options.type;
  if (type !== null) headers['content-type'] = type;
  return send(`${shop.url}/payments/webhook`, {
    method: 'POST',
    headers,
    body: payload,
  });
}

/** `POST /payments/webhook` with a streamed (chunked) body: no Content-Length header. */
export function chunkedWebhook(
  shop: SampleApp,
  body: string,
  type = 'application/json',
): Promise<Answer> {
  const bytes = new TextEncoder().encode(body);
  return send(`${shop.url}/payments/webhook`, {
    method: 'POST',
    headers: { 'content-type': type },
    body: new ReadableStream({
      start(controller) {
        // In small pieces, as a slow client would send them.
        for (let at = 0; at < bytes.length; at += 1024)
          controller.enqueue(bytes.subarray(at, at + 1024));
        controller.close();
      },
    }),
    duplex: 'half',
  } as RequestInit);
}

/** `POST /orders` with a raw body and content type. */
export function postOrderRaw(
  shop: SampleApp,
  body: string,
  type: string | null = 'application/json',
): Promise<Answer> {
  return postRaw(shop, '/orders', body, type);
}

/** `POST /admin/products` with a raw body, as the merchant (the test admin token) or with `authorization` given. */
export function postProductRaw(
  shop: SampleApp,
  body: string,
  authorization: string | null = `Bearer ${TEST_ADMIN_TOKEN}`,
): Promise<Answer> {
  return postRaw(
    shop,
    '/admin/products',
    body,
    'application/json',
    authorization === null ? {} : { authorization },
  );
}

function postRaw(
  shop: SampleApp,
  path: string,
  body: string,
  type: string | null,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return send(`${shop.url}${path}`, {
    method: 'POST',
    headers: type === null ? headers : { ...headers, 'content-type': type },
    body: type === null ? new TextEncoder().encode(body) : body,
  });
}

/** `GET <path>` of the shop, the path sent as given (already encoded). */
export function get(
  shop: SampleApp,
  path: string,
  accept = BROWSER_ACCEPT,
): Promise<Answer> {
  return send(`${shop.url}${path}`, { headers: { accept } });
}

/**
 * What the result page says: the state it shows (`<main data-state>`), the
 * order's status on the status line (`data-status`) and the line's text (as
 * it stands in the HTML). `none` when the page has no such element.
 */
export function resultStatusOf(page: string): {
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

/** The access token iamport (the simulator) hands out for the shop's keys: the same one the shop holds. */
export async function accessTokenOf(shop: SampleApp): Promise<string> {
  const answer = await send(`${shop.sim.url}/users/getToken`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      imp_key: shop.config.iamport.impKey,
      imp_secret: shop.config.iamport.impSecret,
    }),
  });
  if (answer.status !== 200)
    throw new Error(`getToken answered ${answer.status}: ${answer.text}`);
  return (answer.body as { response: { access_token: string } }).response
    .access_token;
}

/** Every header and the body of an answer, as one string to search. */
export function exposedText(answer: Answer): string {
  const headers = [...answer.headers.entries()]
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
  return `${headers}\n\n${answer.text}`;
}

/** Everything an attack can observe or change in the shop's database. */
export interface ShopSnapshot {
  /** merchant_uid → the whole row, as JSON. */
  orders: Map<string, string>;
  notifications: number;
  outbox: number;
  /** imp_uid → `status cancel_amount/amount` in the simulator. */
  payments: Map<string, string>;
  /** iamport API calls so far, per operation (the token excluded). */
  calls: Record<string, number>;
}

export async function snapshot(shop: SampleApp): Promise<ShopSnapshot> {
  const { dataSource } = shop;
  const [orders, notifications, outbox, payments, stats] = await Promise.all([
    dataSource.getRepository(OrderEntity).find({ order: { id: 'ASC' } }),
    dataSource.getRepository(PaymentNotificationEntity).count(),
    dataSource.getRepository(OutboxEventEntity).count(),
    shop.sim.control<Array<Record<string, any>>>('GET', '/_sim/payments'),
    shop.sim.stats(),
  ]);
  const { getToken: _token, ...calls } = stats.calls;
  return {
    orders: new Map(
      orders.map((order) => [order.merchantUid, JSON.stringify(order)]),
    ),
    notifications,
    outbox,
    payments: new Map(
      payments.map((payment) => [
        payment.imp_uid as string,
        `${payment.status} ${payment.cancel_amount}/${payment.amount}`,
      ]),
    ),
    calls,
  };
}

/** The calls made between two snapshots, operations with none left out. */
export function callsBetween(
  before: ShopSnapshot,
  after: ShopSnapshot,
): Record<string, number> {
  const made: Record<string, number> = {};
  for (const [operation, count] of Object.entries(after.calls)) {
    const delta = count - (before.calls[operation] ?? 0);
    if (delta !== 0) made[operation] = delta;
  }
  return made;
}

export type ShopName = 'production' | 'allowlist' | 'proxied';

/** The environment of each shop: the default (production) configuration, or a webhook allow-list without and behind a trusted proxy. */
export const SHOP_ENV: Record<ShopName, NodeJS.ProcessEnv> = {
  production: {},
  allowlist: { IAMPORT_WEBHOOK_ALLOWLIST: 'iamport' },
  proxied: { IAMPORT_WEBHOOK_ALLOWLIST: 'iamport', TRUST_PROXY: 'loopback' },
};

export interface RunningShop {
  shop: SampleApp;
  /** The simulator's secret and the access token: neither may ever reach a client. */
  secrets: string[];
}

/**
 * Shops on fresh databases, started on first use (each with its own
 * simulator) and closed, with their databases dropped, by `closeAll`.
 */
export class ShopPool {
  private readonly started = new Map<ShopName, Promise<RunningShop>>();
  private readonly drops: Array<() => Promise<void>> = [];
  private readonly shops: SampleApp[] = [];

  constructor(private readonly kind: (name: ShopName) => DatabaseKind) {}

  get(name: ShopName): Promise<RunningShop> {
    let running = this.started.get(name);
    if (!running) {
      running = this.start(name);
      this.started.set(name, running);
    }
    return running;
  }

  private async start(name: ShopName): Promise<RunningShop> {
    const database = await freshDatabase(this.kind(name));
    this.drops.push(() => database.drop());
    const shop = await startSampleApp({
      databaseUrl: database.url,
      env: { RECONCILE_INTERVAL_SECONDS: '0', ...SHOP_ENV[name] },
    });
    this.shops.push(shop);
    const secrets = [shop.config.iamport.impSecret, await accessTokenOf(shop)];
    return { shop, secrets };
  }

  async closeAll(): Promise<void> {
    const results = await Promise.allSettled(
      this.shops.map((shop) => shop.close()),
    );
    await Promise.allSettled(this.drops.map((drop) => drop()));
    for (const result of results)
      if (result.status === 'rejected') throw result.reason;
  }
}

export type { OrderStatus };
