import { MIGRATIONS } from '../../apps/sample/src/persistence/database-options.js';
import { OrderEntity } from '../../apps/sample/src/persistence/order.entity.js';
import { PRODUCTS } from '../../apps/sample/src/checkout/checkout.config.js';
import { readAnswer } from '../support/sample-app.fixture.js';
import {
  completeAsBrowser,
  completeAsJson,
  detailsOf,
  getPage,
  hasAutoRefresh,
  statusOf,
  TARGETS,
  useShop,
} from './shop.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const MERCHANT_UID = /^order_[0-9a-f]{24}$/;

describe.each(TARGETS)(
  'the sample app on %s (%s): its HTTP interface',
  (kind, adapter) => {
    const shop = useShop(kind, adapter);

    describe('POST /orders', () => {
      it('creates a pending order and answers 201 with exactly its public fields', async () => {
        const answer = await shop.current.postOrder({
          name: 'Jeju green tea, 100 g',
          amount: 12_000,
        });
        expect(answer.status).toBe(201);
        expect(answer.headers.get('content-type')).toMatch(
          /^application\/json/,
        );
        expect(answer.body).toEqual({
          merchant_uid: expect.stringMatching(MERCHANT_UID),
          name: 'Jeju green tea, 100 g',
          amount: 12_000,
          currency: 'KRW',
          status: 'pending',
        });
        const stored = await shop.current.dataSource
          .getRepository(OrderEntity)
          .findOneByOrFail({ merchantUid: answer.body.merchant_uid });
        expect([
          stored.name,
          stored.amount,
          stored.currency,
          stored.status,
        ]).toEqual(['Jeju green tea, 100 g', 12_000, 'KRW', 'pending']);
      });

      it('keeps a given currency, the largest amount, and a name of 100 characters', async () => {
        const name = '가'.repeat(100);
        const answer = await shop.current.postOrder({
          name,
          amount: 1_000_000_000,
          currency: 'USD',
        });
        expect(answer.status).toBe(201);
        expect(answer.body).toMatchObject({
          name,
          amount: 1_000_000_000,
          currency: 'USD',
        });
        const read = await shop.current.order(answer.body.merchant_uid);
        expect([read.name, read.amount, read.currency]).toEqual([
          name,
          1_000_000_000,
          'USD',
        ]);
      });

      it('gives every order its own merchant_uid', async () => {
        const created = await Promise.all(
          Array.from({ length: 10 }, () => shop.current.createOrder()),
        );
        const ids = new Set(created.map((order) => order.merchant_uid));
        expect(ids.size).toBe(10);
      });

      it.each<[string, unknown, RegExp]>([
        ['a missing name', { amount: 1000 }, /^name must be a string$/],
        [
          'an empty name',
          { name: '', amount: 1000 },
          /^name must be longer than or equal to 1 characters$/,
        ],
        [
          'a name of 101 characters',
          { name: 'x'.repeat(101), amount: 1000 },
          /^name must be shorter than or equal to 100 characters$/,
        ],
        [
          'a numeric name',
          { name: 42, amount: 1000 },
          /^name must be a string$/,
        ],
        [
          'a missing amount',
          { name: 'Mug' },
          /^amount must be an integer number$/,
        ],
        [
          'amount 0',
          { name: 'Mug', amount: 0 },
          /^amount must not be less than 1$/,
        ],
        [
          'a negative amount',
          { name: 'Mug', amount: -1000 },
          /^amount must not be less than 1$/,
        ],
        [
          'amount 1.5',
          { name: 'Mug', amount: 1.5 },
          /^amount must be an integer number$/,
        ],
        [
          'amount "1000" as a string',
          { name: 'Mug', amount: '1000' },
          /^amount must be an integer number$/,
        ],
        [
          'an amount over a billion',
          { name: 'Mug', amount: 1_000_000_001 },
          /^amount must not be greater than 1000000000$/,
        ],
        [
          'an unknown field',
          { name: 'Mug', amount: 1000, coupon: 'FREE' },
          /^property coupon should not exist$/,
        ],
        [
          'a status of its own',
          { name: 'Mug', amount: 1000, status: 'paid' },
          /^property status should not exist$/,
        ],
        [
          'a lower-case currency',
          { name: 'Mug', amount: 1000, currency: 'krw' },
          /^currency must be a three-letter ISO code such as KRW$/,
        ],
        [
          'a four-letter currency',
          { name: 'Mug', amount: 1000, currency: 'KRWX' },
          /^currency must be a three-letter ISO code such as KRW$/,
        ],
        [
          'a numeric currency',
          { name: 'Mug', amount: 1000, currency: 410 },
          /^currency must be a three-letter ISO code such as KRW$/,
        ],
      ])(
        'answers 400 with the reason for %s, and stores nothing',
        async (_label, body, reason) => {
          const orders = shop.current.dataSource.getRepository(OrderEntity);
          const before = await orders.count();
          const answer = await shop.current.postOrder(body);
          expect(answer.status).toBe(400);
          expect(answer.body).toMatchObject({
            statusCode: 400,
            error: 'Bad Request',
          });
          expect(answer.body.message).toEqual(
            expect.arrayContaining([expect.stringMatching(reason)]),
          );
          expect(await orders.count()).toBe(before);
        },
      );

      it('answers 400 for a body that is not JSON, and stores nothing', async () => {
        const orders = shop.current.dataSource.getRepository(OrderEntity);
        const before = await orders.count();
        const answer = await readAnswer(
          await fetch(`${shop.current.url}/orders`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"name": "Mug", "amount": 10',
          }),
        );
        expect(answer.status).toBe(400);
        expect(await orders.count()).toBe(before);
      });
    });

    describe('GET /orders/:merchant_uid', () => {
      it('answers the stored order with every field of the interface', async () => {
        const created = await shop.current.createOrder({
          name: 'Tea ceremony set',
          amount: 129_000,
        });
        const answer = await shop.current.getOrder(created.merchant_uid);
        expect(answer.status).toBe(200);
        expect(answer.body).toMatchObject({
          merchant_uid: created.merchant_uid,
          name: 'Tea ceremony set',
          amount: 129_000,
          currency: 'KRW',
          status: 'pending',
          imp_uid: null,
          paid_at: null,
          failed_at: null,
          cancelled_at: null,
          cancelled_amount: 0,
          vbank: null,
          failure_reason: null,
          fulfilment: 'none',
          created_at: expect.stringMatching(ISO),
          updated_at: expect.stringMatching(ISO),
        });
      });

      it.each([
        ['an unknown merchant_uid', 'order_000000000000000000000000'],
        ['an over-long merchant_uid', `order_${'f'.repeat(60)}`],
        ['quotes and a semicolon', `x' OR '1'='1`],
      ])('answers 404 for %s', async (_label, merchantUid) => {
        const answer = await shop.current.getOrder(merchantUid);
        expect(answer.status).toBe(404);
        expect(answer.body).toEqual({
          statusCode: 404,
          error: 'Not Found',
          message: 'no such order',
        });
      });
    });

    describe('the pages', () => {
      it('GET / is the checkout: every product, the simulator SDK, and m_redirect_url on this app', async () => {
        const page = await getPage(shop.current, '/');
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type')).toBe(
          'text/html; charset=utf-8',
        );
        const sdkUrl = `${shop.current.sim.url}/v1/iamport.js`;
        expect(page.body).toContain(`<script src="${sdkUrl}"></script>`);
        expect(page.body).toContain(
          `"completeUrl":"${shop.current.url}/payments/complete"`,
        );
        expect(page.body).toContain('IMP.request_pay(');
        expect(page.body).toContain('m_redirect_url: settings.completeUrl');
        for (const product of PRODUCTS)
          expect(page.body).toContain(
            `data-product="${product.id}" data-name="${product.name}" data-amount="${product.amount}"`,
          );
        const sdk = await fetch(sdkUrl);
        expect(sdk.status).toBe(200);
        expect(sdk.headers.get('content-type')).toMatch(
          /^application\/javascript/,
        );
        expect(await sdk.text()).toContain('request_pay');
      });

      it('GET /result says "No such order." for an unknown, missing or over-long merchant_uid', async () => {
        for (const query of [
          '?merchant_uid=order_000000000000000000000000&outcome=paid',
          '',
          `?merchant_uid=${'o'.repeat(41)}`,
        ]) {
          const page = await getPage(shop.current, `/result${query}`);
          expect(page.status).toBe(200);
          expect(page.headers.get('cache-control')).toBe('no-store');
          expect(statusOf(page.body)).toEqual({
            status: 'unknown',
            text: 'No such order.',
          });
        }
      });

      it('GET /result shows a pending order as stored, whatever the query claims, and refreshes itself', async () => {
        const order = await shop.current.createOrder();
        const claimedPaid = await getPage(
          shop.current,
          `/result?merchant_uid=${order.merchant_uid}&outcome=paid`,
        );
        expect(statusOf(claimedPaid.body)).toEqual({
          status: 'pending',
          text: 'The payment was not completed',
        });
        expect(hasAutoRefresh(claimedPaid.body)).toBe(true);
        const unconfirmed = await getPage(
          shop.current,
          `/result?merchant_uid=${order.merchant_uid}&outcome=unconfirmed`,
        );
        expect(statusOf(unconfirmed.body)).toEqual({
          status: 'pending',
          text: 'Your payment is being confirmed…',
        });
        expect(detailsOf(unconfirmed.body)).toMatchObject({
          Order: order.merchant_uid,
          Amount: '35,000원',
        });
      });

      it('GET /result escapes the order name', async () => {
        const order = await shop.current.createOrder({
          name: '<img src=x onerror=alert(1)> "mug"',
        });
        const page = await getPage(
          shop.current,
          `/result?merchant_uid=${order.merchant_uid}`,
        );
        expect(page.body).not.toContain('<img src=x');
        expect(page.body).toContain(
          '<h1>&#60;img src=x onerror=alert(1)&#62; &#34;mug&#34;</h1>',
        );
      });
    });

    describe("the module's routes", () => {
      it('GET /payments/complete answers 400 with the reason for a malformed imp_uid', async () => {
        const answer = await completeAsBrowser(shop.current, {
          imp_uid: '12345',
          merchant_uid: 'order_1',
        });
        expect(answer.status).toBe(400);
        expect(JSON.stringify(answer.body.message)).toMatch(
          /imp_uid must look like/,
        );
      });

      it('GET /payments/complete for a payment iamport does not know: 303 to the result page for browsers, 404 JSON for API clients', async () => {
        const order = await shop.current.createOrder();
        const query = {
          imp_uid: 'imp_000000000000',
          merchant_uid: order.merchant_uid,
        };
        const browser = await completeAsBrowser(shop.current, query);
        expect(browser.status).toBe(303);
        expect(browser.headers.get('location')).toBe(
          `/result?merchant_uid=${order.merchant_uid}&outcome=not_found`,
        );
        const api = await completeAsJson(shop.current, query);
        expect(api.status).toBe(404);
        expect(api.body).toEqual({
          merchant_uid: order.merchant_uid,
          imp_uid: 'imp_000000000000',
          outcome: 'not_found',
          message: 'No such payment or order.',
        });
        expect((await shop.current.order(order.merchant_uid)).status).toBe(
          'pending',
        );
      });

      it('POST /payments/webhook refuses a content type iamport never sends (415)', async () => {
        const answer = await readAnswer(
          await fetch(`${shop.current.url}/payments/webhook`, {
            method: 'POST',
            headers: { 'content-type': 'text/plain' },
            body: 'imp_uid=imp_000000000000',
          }),
        );
        expect(answer.status).toBe(415);
      });
    });

    describe('the database', () => {
      it('was built by the migrations at start-up, not by synchronize', async () => {
        const { dataSource } = shop.current;
        expect(dataSource.options.synchronize).toBe(false);
        expect(dataSource.options.migrationsRun).toBe(true);
        const runner = dataSource.createQueryRunner();
        try {
          for (const metadata of dataSource.entityMetadatas)
            expect([
              metadata.tableName,
              await runner.hasTable(metadata.tableName),
            ]).toEqual([metadata.tableName, true]);
          expect(await runner.hasTable('orders')).toBe(true);
          expect(await runner.hasTable('payment_notifications')).toBe(true);
        } finally {
          await runner.release();
        }
        const executed: Array<{ name: string }> = await dataSource.query(
          'SELECT name FROM migrations ORDER BY id',
        );
        expect(executed.map((row) => row.name)).toEqual(
          MIGRATIONS.map((migration) => migration.name),
        );
        expect(await dataSource.showMigrations()).toBe(false);
      });
    });
  },
);
