import { Agent, request } from 'node:http';
import { DataSource } from 'typeorm';
import { databaseOptions } from '../../apps/sample/src/persistence/database-options.js';
import { HandledEventEntity } from '../../apps/sample/src/persistence/handled-event.entity.js';
import { OrderEntity } from '../../apps/sample/src/persistence/order.entity.js';
import { OutboxEventEntity } from '../../apps/sample/src/persistence/outbox-event.entity.js';
import { PaymentNotificationEntity } from '../../apps/sample/src/persistence/payment-notification.entity.js';
import { PricedOrders } from '../support/priced-orders.js';
import type { SimulatorControl } from '../support/simulator-control.js';

export interface Answer<T = any> {
  status: number;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: T;
}

/**
 * HTTP to one app over a keep-alive agent (node:http, so that the sockets in
 * flight are bounded and reused as a real client's would be), or with
 * `keepAlive: false` one connection per request: a request written on a pooled
 * socket at the moment the server's keep-alive timeout closes it dies with
 * ECONNRESET, and a harness that must know whether a notification reached the
 * app (sent or lost, never in between) cannot have that.
 */
export class AppClient {
  private readonly agent: Agent | false;

  constructor(
    readonly url: string,
    { maxSockets = 32, keepAlive = true } = {},
  ) {
    this.agent = keepAlive ? new Agent({ keepAlive: true, maxSockets }) : false;
  }

  send<T = any>(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer<T>> {
    const payload =
      options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = {
      ...(this.agent ? {} : { connection: 'close' }),
      ...options.headers,
    };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    return new Promise((resolve, reject) => {
      const outgoing = request(
        `${this.url}${path}`,
        { method, headers, agent: this.agent },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', reject);
          incoming.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const json = String(incoming.headers['content-type'] ?? '')
              .toLowerCase()
              .includes('application/json');
            try {
              resolve({
                status: incoming.statusCode ?? 0,
                body: (json && text ? JSON.parse(text) : text) as T,
              });
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  }

  private readonly priced = new PricedOrders((method, path, body, headers) =>
    this.send(method, path, { body, headers }),
  );

  /** `POST /orders` of a product of this name and price (added through `/admin/products`), failing unless it answered 201. */
  async createOrder(name: string, amount: number): Promise<string> {
    const answer = await this.priced.post({ name, amount });
    if (answer.status !== 201)
      throw new Error(
        `POST /orders answered ${answer.status}: ${JSON.stringify(answer.body)}`,
      );
    return answer.body.merchant_uid;
  }

  /** `POST /payments/webhook` with iamport's JSON body. */
  webhook(impUid: string, merchantUid: string, status = 'paid') {
    return this.send<WebhookAnswer>('POST', '/payments/webhook', {
      body: { imp_uid: impUid, merchant_uid: merchantUid, status },
    });
  }

  /** `GET /payments/complete` as an API client (JSON, not the 303 to the result page). */
  redirect(impUid: string, merchantUid: string) {
    const query = new URLSearchParams({
      imp_uid: impUid,
      merchant_uid: merchantUid,
      imp_success: 'true',
    });
    return this.send<RedirectAnswer>('GET', `/payments/complete?${query}`, {
      headers: { accept: 'application/json' },
    });
  }

  close(): void {
    if (this.agent) this.agent.destroy();
  }
}

export interface WebhookAnswer {
  merchant_uid: string | null;
  imp_uid: string | null;
  outcome: string;
  changed: boolean;
}

export interface RedirectAnswer {
  merchant_uid: string | null;
  imp_uid: string | null;
  outcome: string;
  message: string;
}

/** `work` for every item, at most `limit` at a time, in order of the items; answers in the same order. */
export async function inPool<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return results;
}

/**
 * Reads `read()` until `done` holds or `timeoutMs` passes and returns the last
 * reading: the test asserts on it, so a failure shows what really was there.
 */
export async function readUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * The test's own connection to the app's database (never through a proxy the
 * test breaks), with the app's entities and no migrations: the app runs them.
 */
export class ShopDatabase {
  private constructor(readonly dataSource: DataSource) {}

  static async open(databaseUrl: string): Promise<ShopDatabase> {
    const dataSource = new DataSource(databaseOptions(databaseUrl, ':memory:'));
    await dataSource.initialize();
    return new ShopDatabase(dataSource);
  }

  order(merchantUid: string): Promise<OrderEntity | null> {
    return this.dataSource
      .getRepository(OrderEntity)
      .findOneBy({ merchantUid });
  }

  orders(): Promise<OrderEntity[]> {
    return this.dataSource.getRepository(OrderEntity).find();
  }

  outbox(merchantUid?: string): Promise<OutboxEventEntity[]> {
    return this.dataSource.getRepository(OutboxEventEntity).find({
      where: merchantUid ? { merchantUid } : {},
      order: { createdAt: 'ASC' },
    });
  }

  handledEvents(merchantUid?: string): Promise<HandledEventEntity[]> {
    return this.dataSource
      .getRepository(HandledEventEntity)
      .find({ where: merchantUid ? { merchantUid } : {} });
  }

  notifications(merchantUid?: string): Promise<PaymentNotificationEntity[]> {
    return this.dataSource.getRepository(PaymentNotificationEntity).find({
      where: merchantUid ? { merchantUid } : {},
      order: { id: 'ASC' },
    });
  }

  /** imp_uids that more than one order carries (the unique constraint says: none). */
  async sharedImpUids(): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(OrderEntity)
      .createQueryBuilder('o')
      .select('o.imp_uid', 'impUid')
      .where('o.imp_uid IS NOT NULL')
      .groupBy('o.imp_uid')
      .having('COUNT(*) > 1')
      .getRawMany<{ impUid: string }>();
    return rows.map((row) => row.impUid);
  }

  close(): Promise<void> {
    return this.dataSource.isInitialized
      ? this.dataSource.destroy()
      : Promise.resolve();
  }
}

/** A payment as the simulator holds it (the fields these suites read). */
export interface SimPayment {
  imp_uid: string;
  merchant_uid: string;
  amount: number;
  status: string;
  cancel_amount: number;
  cancel_history: Array<{ amount: number; reason: string | null }>;
}

/** A paid card payment in the simulator, no webhook sent (the test sends its own). */
export async function paidPayment(
  sim: SimulatorControl,
  merchantUid: string,
  amount: number,
): Promise<string> {
  const payment = await sim.createPayment({
    merchant_uid: merchantUid,
    amount,
    status: 'paid',
  });
  return payment.imp_uid as string;
}

/** Every payment the simulator holds, by imp_uid. */
export async function simPayments(
  sim: SimulatorControl,
): Promise<Map<string, SimPayment>> {
  const list = await sim.control<SimPayment[]>('GET', '/_sim/payments');
  return new Map(list.map((payment) => [payment.imp_uid, payment]));
}
