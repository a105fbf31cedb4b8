import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  FastifyAdapter,
  type NestFastifyApplication,
} from '@nestjs/platform-fastify';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { AppModule } from '../../apps/sample/src/app.module.js';
import {
  readConfig,
  SIMULATOR_KEY,
  SIMULATOR_SECRET,
  type SampleConfig,
} from '../../apps/sample/src/config.js';
import { documentApp } from '../../apps/sample/src/openapi/openapi.js';
import type { OrderView } from '../../apps/sample/src/orders/order.view.js';
import { CapturingLogger } from './iamport-client.fixture.js';
import { SimulatorControl } from './simulator-control.js';
import { freePort } from './free-port.js';
import {
  type PricedOrder,
  PricedOrders,
  TEST_ADMIN_TOKEN,
} from './priced-orders.js';

export interface HttpAnswer<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: T;
}

export type CreatedOrder = Pick<
  OrderView,
  | 'merchant_uid'
  | 'product_id'
  | 'quantity'
  | 'name'
  | 'amount'
  | 'currency'
  | 'status'
> & { prepared: boolean };

export interface SampleApp {
  /** The shop, as buyers reach it (`config.publicUrl`). */
  url: string;
  /** The in-process simulator the shop talks to, driven through `/_sim`. */
  sim: SimulatorControl;
  config: SampleConfig;
  app: INestApplication;
  /** The app's own TypeORM data source (for the tests' reads of the database). */
  dataSource: DataSource;
  /** Everything Nest logged, the fulfilment handlers' lines included. */
  logger: CapturingLogger;
  /** `POST /orders` with any body, as an attacker or the checkout page would send it. */
  postOrder(body: unknown): Promise<HttpAnswer>;
  /**
   * `POST /orders` of a product with this name, price (`amount`) and currency,
   * added first through `POST /admin/products`; failing unless it answered 201.
   */
  createOrder(order?: PricedOrder): Promise<CreatedOrder>;
  /** The id of a product of this name, price and currency (added on first use). */
  productId(product?: PricedOrder): Promise<number>;
  /** `GET /orders/:merchant_uid`. */
  getOrder(merchantUid: string): Promise<HttpAnswer<OrderView>>;
  /** `GET /orders/:merchant_uid`, failing unless it answered 200. */
  order(merchantUid: string): Promise<OrderView>;
  close(): Promise<void>;
}

export interface SampleAppSettings {
  /** `DATABASE_URL`: a SQLite path, `postgres://…`, `mysql://…` or `mariadb://…`. */
  databaseUrl: string;
  httpAdapter?: 'express' | 'fastify';
  /** More environment for `readConfig` (it wins over the fixture's own). */
  env?: NodeJS.ProcessEnv;
}

export async function readAnswer<T = any>(
  response: Response,
): Promise<HttpAnswer<T>> {
  const text = await response.text();
  const json = (response.headers.get('content-type') ?? '').includes(
    'application/json',
  );
  return {
    status: response.status,
    headers: response.headers,
    body: (json && text ? JSON.parse(text) : text) as T,
  };
}

/**
 * The real sample app, started in-process as `apps/sample/src/main.ts` starts
 * it: `readConfig(env)` with no iamport keys, so that the bundled simulator is
 * started (here on a free port, webhooks to the app), then
 * `AppModule.forConfig(config, apiUrl, sdkUrl)` on Express or Fastify, with
 * `trust proxy` as configured. Migrations run at start-up against
 * `databaseUrl`.
 */
export async function startSampleApp(
  settings: SampleAppSettings,
): Promise<SampleApp> {
  // Another process may take the free port between the probe and the listen: try again then.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(settings, await freePort());
    } catch (error) {
      if (
        (error as NodeJS.ErrnoException).code !== 'EADDRINUSE' ||
        attempt >= 5
      )
        throw error;
    }
  }
}

async function startOnce(
  settings: SampleAppSettings,
  port: number,
): Promise<SampleApp> {
  const config = readConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: settings.databaseUrl,
    HTTP_ADAPTER: settings.httpAdapter ?? 'express',
    IAMPORT_SIM_PORT: '0',
    // Reconciliation is run by the tests that test it, never on a timer.
    RECONCILE_INTERVAL_SECONDS: '0',
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    ...settings.env,
  });
  if (config.iamport.apiUrl !== null)
    throw new Error('the sample app fixture runs against its own simulator');
  // As main.ts's startBundledSimulator.
  const sim = await SimulatorControl.start({
    port: config.simulatorPort,
    impKey: SIMULATOR_KEY,
    impSecret: SIMULATOR_SECRET,
    webhookUrl: `http://127.0.0.1:${config.port}/payments/webhook`,
    v2WebhookUrl: `http://127.0.0.1:${config.port}/payments/v2/webhook`,
  });
  const apiUrl = sim.url;
  const sdkUrl = config.iamport.sdkUrl ?? `${apiUrl}/v1/iamport.js`;
  const logger = new CapturingLogger();
  let app: INestApplication | undefined;
  try {
    const module = AppModule.forConfig(config, apiUrl, sdkUrl);
    // abortOnError: false, so that a failed start rejects instead of ending the test process.
    app =
      config.httpAdapter === 'fastify'
        ? await NestFactory.create<NestFastifyApplication>(
            module,
            new FastifyAdapter({ trustProxy: config.trustProxy }),
            { logger, abortOnError: false, rawBody: true },
          )
        : await NestFactory.create<NestExpressApplication>(module, {
            logger,
            abortOnError: false,
            rawBody: true,
          });
    if (config.httpAdapter === 'express')
      (app as NestExpressApplication).set('trust proxy', config.trustProxy);
    // As main.ts: Swagger UI at /docs, the document at /docs-json.
    documentApp(app, config);
    // main.ts also calls app.enableShutdownHooks(): signal handlers for a process of its own, not
    // for a test worker that starts many apps; close() below does the same shutdown.
    await app.listen(config.port, config.host);
  } catch (error) {
    await app?.close().catch(() => undefined);
    await sim.close();
    throw error;
  }
  const started = app;
  const url = config.publicUrl;

  const postOrder = async (body: unknown) =>
    readAnswer(
      await fetch(`${url}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
  const priced = new PricedOrders(async (method, path, body, headers) =>
    readAnswer(
      await fetch(`${url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }),
    ),
  );
  const getOrder = async (merchantUid: string) =>
    readAnswer<OrderView>(
      await fetch(`${url}/orders/${encodeURIComponent(merchantUid)}`),
    );

  let closing: Promise<void> | undefined;
  return {
    url,
    sim,
    config,
    app: started,
    dataSource: started.get(DataSource),
    logger,
    postOrder,
    productId: (product) => priced.product(product),
    async createOrder(order = {}) {
      const answer = await priced.post(order);
      if (answer.status !== 201)
        throw new Error(
          `POST /orders answered ${answer.status}: ${JSON.stringify(answer.body)}`,
        );
      return answer.body as CreatedOrder;
    },
    getOrder,
    async order(merchantUid) {
      const answer = await getOrder(merchantUid);
      if (answer.status !== 200)
        throw new Error(
          `GET /orders/${merchantUid} answered ${answer.status}: ${JSON.stringify(answer.body)}`,
        );
      return answer.body;
    },
    close() {
      // The app first: the simulator may still be sending it a webhook.
      closing ??= started
        .close()
        .finally(() => sim.close())
        .then(() => undefined);
      return closing;
    },
  };
}
