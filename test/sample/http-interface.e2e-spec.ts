import { formatAmount } from '../../apps/sample/src/checkout/format.js';
import { MESSAGES } from '../../apps/sample/src/checkout/messages.js';
import type { ProductView } from '../../apps/sample/src/products/product.view.js';
import { MIGRATIONS } from '../../apps/sample/src/persistence/database-options.js';
import { OrderEntity } from '../../apps/sample/src/persistence/order.entity.js';
import { TEST_ADMIN_TOKEN } from '../support/priced-orders.js';
import { readAnswer } from '../support/sample-app.fixture.js';
import {
  completeAsBrowser,
  completeAsJson,
  detailsOf,
  getPage,
  NO_POLLING,
  pollingOf,
  pollsFor,
  productsOf,
  statusOf,
  TARGETS,
  until,
  useShop,
} from './shop.js';

/** What the products migration seeds. */
const SEEDED_PRODUCTS = [
  { id: 1, name: '제주 녹차 100g', price: 12_000, currency: 'KRW' },
  { id: 2, name: '청자 머그잔', price: 35_000, currency: 'KRW' },
  { id: 3, name: '다도 세트', price: 129_000, currency: 'KRW' },
];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const MERCHANT_UID = /^order_[0-9a-f]{24}$/;
const ko = MESSAGES.ko.result;
const en = MESSAGES.en.result;

describe.each(TARGETS)(
  'the sample app on %s (%s): its HTTP interface',
  (kind, adapter) => {
    const shop = useShop(kind, adapter);

    /** What iamport holds as the order's registered amount (`GET /payments/prepare/{merchant_uid}`), or null. */
    const registeredAmount = async (merchantUid: string) => {
      const sim = shop.current.sim;
      const token = (await (
        await fetch(`${sim.url}/users/getToken`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            imp_key: sim.impKey,
            imp_secret: sim.impSecret,
          }),
        })
      ).json()) as { response: { access_token: string } };
      const answer = await fetch(`${sim.url}/payments/prepare/${merchantUid}`, {
        headers: { authorization: token.response.access_token },
      });
      const body = (await answer.json()) as {
        response: { amount: number; currency: string | null } | null;
      };
      return body.response;
    };

    describe('GET /products', () => {
      it('lists the products the migration seeded, with their prices', async () => {
        const answer = await readAnswer(
          await fetch(`${shop.current.url}/products`),
        );
        expect(answer.status).toBe(200);
        expect(answer.body.slice(0, 3)).toEqual(SEEDED_PRODUCTS);
      });
    });

    describe('POST /orders', () => {
      it('prices the order on the server from the product, registers the amount with iamport, and answers 201', async () => {
        const tea = SEEDED_PRODUCTS[0];
        const answer = await shop.current.postOrder({ product_id: tea.id });
        expect(answer.status).toBe(201);
        expect(answer.headers.get('content-type')).toMatch(
          /^application\/json/,
        );
        expect(answer.body).toEqual({
          merchant_uid: expect.stringMatching(MERCHANT_UID),
          product_id: tea.id,
          quantity: 1,
          name: tea.name,
          amount: tea.price,
          currency: 'KRW',
          status: 'pending',
          created_at: expect.stringMatching(ISO),
          prepared: true,
        });
        const stored = await shop.current.dataSource
          .getRepository(OrderEntity)
          .findOneByOrFail({ merchantUid: answer.body.merchant_uid });
        expect([
          stored.productId,
          stored.quantity,
          stored.name,
          stored.amount,
          stored.currency,
          stored.status,
        ]).toEqual([tea.id, 1, tea.name, tea.price, 'KRW', 'pending']);
        expect(await registeredAmount(answer.body.merchant_uid)).toMatchObject({
          amount: tea.price,
          currency: 'KRW',
        });
      });

      it('multiplies by the quantity (up to 100), on the server', async () => {
        const set = SEEDED_PRODUCTS[2];
        const answer = await shop.current.postOrder({
          product_id: set.id,
          quantity: 100,
        });
        expect(answer.status).toBe(201);
        expect(answer.body).toMatchObject({
          quantity: 100,
          amount: set.price * 100,
        });
        expect(
          (await shop.current.order(answer.body.merchant_uid)).amount,
        ).toBe(set.price * 100);
      });

      it('prices from a product the merchant added: its currency, a price of a billion, a name of 100 characters', async () => {
        const name = '가'.repeat(100);
        const product = await readAnswer(
          await fetch(`${shop.current.url}/admin/products`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
            },
            body: JSON.stringify({
              name,
              price: 1_000_000_000,
              currency: 'USD',
            }),
          }),
        );
        expect(product.status).toBe(201);
        expect(product.body).toEqual({
          id: expect.any(Number),
          name,
          price: 1_000_000_000,
          currency: 'USD',
        });
        const listed = await readAnswer(
          await fetch(`${shop.current.url}/products`),
        );
        expect(listed.body).toContainEqual(product.body);
        const answer = await shop.current.postOrder({
          product_id: product.body.id,
        });
        expect(answer.status).toBe(201);
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

      it('keeps the order when iamport cannot register the amount (prepared: false), and it can still be paid', async () => {
        await shop.current.sim.fault({
          kind: 'http_error',
          status: 503,
          operation: 'preparePayment',
          times: 1000,
        });
        let answer;
        try {
          answer = await shop.current.postOrder({
            product_id: SEEDED_PRODUCTS[1].id,
          });
        } finally {
          await shop.current.sim.control('DELETE', '/_sim/faults');
        }
        expect(answer.status).toBe(201);
        expect(answer.body).toMatchObject({
          status: 'pending',
          prepared: false,
        });
        expect(await registeredAmount(answer.body.merchant_uid)).toBeNull();
        const payment = await shop.current.sim.createPayment({
          merchant_uid: answer.body.merchant_uid,
          amount: SEEDED_PRODUCTS[1].price,
        });
        const completed = await completeAsJson(shop.current, {
          imp_uid: payment.imp_uid,
          merchant_uid: answer.body.merchant_uid,
        });
        expect(completed.body).toMatchObject({ outcome: 'paid' });
      });

      it('registers the amount even when iamport’s first answer never comes: the order is answered within its budget, the registration goes on', async () => {
        await shop.current.sim.fault({
          kind: 'timeout',
          operation: 'preparePayment',
          times: 1,
        });
        let answer;
        try {
          answer = await shop.current.postOrder({
            product_id: SEEDED_PRODUCTS[0].id,
          });
        } finally {
          await shop.current.sim.control('DELETE', '/_sim/faults');
        }
        expect(answer.status).toBe(201);
        expect(answer.body).toMatchObject({ prepared: false });
        expect(
          await until(
            async () =>
              (await registeredAmount(answer.body.merchant_uid))?.amount ===
              SEEDED_PRODUCTS[0].price,
            15_000,
          ),
        ).toBe(true);
      });

      it.each<[string, unknown, RegExp]>([
        [
          'an amount',
          { product_id: 1, amount: 1 },
          /^amount must not be sent: the server prices the order from product_id and quantity$/,
        ],
        [
          'a price',
          { product_id: 1, price: 1 },
          /^price must not be sent: the server prices the order from product_id and quantity$/,
        ],
        [
          'a currency',
          { product_id: 1, currency: 'USD' },
          /^currency must not be sent: the server prices the order from product_id and quantity$/,
        ],
        [
          'the old body (name and amount)',
          { name: 'Tea ceremony set', amount: 1 },
          /^amount must not be sent/,
        ],
        ['a missing product_id', {}, /^product_id must be an integer number$/],
        [
          'product_id "1" as a string',
          { product_id: '1' },
          /^product_id must be an integer number$/,
        ],
        [
          'product_id 0',
          { product_id: 0 },
          /^product_id must not be less than 1$/,
        ],
        [
          'an unknown product',
          { product_id: 424_242 },
          /^product_id 424242 is not a product of this shop/,
        ],
        [
          'quantity 0',
          { product_id: 1, quantity: 0 },
          /^quantity must not be less than 1$/,
        ],
        [
          'quantity 101',
          { product_id: 1, quantity: 101 },
          /^quantity must not be greater than 100$/,
        ],
        [
          'quantity 1.5',
          { product_id: 1, quantity: 1.5 },
          /^quantity must be an integer number$/,
        ],
        [
          'an unknown field',
          { product_id: 1, coupon: 'FREE' },
          /^property coupon should not exist$/,
        ],
        [
          'a status of its own',
          { product_id: 1, status: 'paid' },
          /^property status should not exist$/,
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
          expect([answer.body.message].flat()).toEqual(
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
            body: '{"product_id": 1',
          }),
        );
        expect(answer.status).toBe(400);
        expect(await orders.count()).toBe(before);
      });
    });

    describe('POST /admin/products', () => {
      const addProduct = async (body: unknown, authorization?: string) =>
        readAnswer(
          await fetch(`${shop.current.url}/admin/products`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              ...(authorization ? { authorization } : {}),
            },
            body: JSON.stringify(body),
          }),
        );

      it('answers 401 without the token and 403 with a wrong one, and adds nothing', async () => {
        const before = await readAnswer(
          await fetch(`${shop.current.url}/products`),
        );
        const body = { name: 'Free mug', price: 1 };
        expect((await addProduct(body)).status).toBe(401);
        expect((await addProduct(body, 'Bearer nope')).status).toBe(403);
        expect(
          (await addProduct(body, `bearer ${TEST_ADMIN_TOKEN.slice(0, -1)}`))
            .status,
        ).toBe(403);
        const after = await readAnswer(
          await fetch(`${shop.current.url}/products`),
        );
        expect(after.body).toEqual(before.body);
      });

      it.each<[string, unknown, RegExp]>([
        [
          'price 0',
          { name: 'Mug', price: 0 },
          /^price must not be less than 1$/,
        ],
        [
          'price 1.5',
          { name: 'Mug', price: 1.5 },
          /^price must be an integer number$/,
        ],
        ['a missing name', { price: 1000 }, /^name must be a string$/],
        [
          'a name of 101 characters',
          { name: 'x'.repeat(101), price: 1000 },
          /^name must be shorter than or equal to 100 characters$/,
        ],
        [
          'a four-letter currency',
          { name: 'Mug', price: 1000, currency: 'KRWX' },
          /^currency must be a three-letter ISO code such as KRW$/,
        ],
        [
          'an id of its own',
          { id: 1, name: 'Mug', price: 1000 },
          /^property id should not exist$/,
        ],
      ])('answers 400 for %s', async (_label, body, reason) => {
        const answer = await addProduct(body, `Bearer ${TEST_ADMIN_TOKEN}`);
        expect(answer.status).toBe(400);
        expect([answer.body.message].flat()).toEqual(
          expect.arrayContaining([expect.stringMatching(reason)]),
        );
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
          product_id: created.product_id,
          quantity: 1,
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
      it('GET / is the checkout: every product of GET /products with its id, name and price, the simulator SDK, and m_redirect_url on this app', async () => {
        // A product whose name is HTML is listed too, as text.
        const htmlName = `<b onclick="alert(1)">Tea & 'cups'</b>`;
        await shop.current.productId({ name: htmlName, amount: 4500 });
        const products = await readAnswer<ProductView[]>(
          await fetch(`${shop.current.url}/products`),
        );
        expect(products.status).toBe(200);
        expect(products.body.map((product) => product.name)).toContain(
          htmlName,
        );

        const page = await getPage(shop.current, '/');
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type')).toBe(
          'text/html; charset=utf-8',
        );
        expect(page.headers.get('content-language')).toBe('ko');
        expect(page.body).toContain('<html lang="ko">');
        const sdkUrl = `${shop.current.sim.url}/v1/iamport.js`;
        expect(page.body).toContain(`<script src="${sdkUrl}"></script>`);
        expect(page.body).toContain(
          `"completeUrl":"${shop.current.url}/payments/complete"`,
        );
        expect(page.body).toContain('IMP.request_pay(');
        expect(page.body).toContain('m_redirect_url: settings.completeUrl');
        const shown = productsOf(page.body);
        expect(shown).toEqual(
          products.body.map((product) => ({
            id: product.id,
            name: product.name,
            price: formatAmount(product.price, product.currency),
          })),
        );
        expect(shown.slice(0, 3)).toEqual([
          { id: 1, name: '제주 녹차 100g', price: '12,000원' },
          { id: 2, name: '청자 머그잔', price: '35,000원' },
          { id: 3, name: '다도 세트', price: '129,000원' },
        ]);
        expect(page.body).not.toContain('<b onclick');
        const sdk = await fetch(sdkUrl);
        expect(sdk.status).toBe(200);
        expect(sdk.headers.get('content-type')).toMatch(
          /^application\/javascript/,
        );
        expect(await sdk.text()).toContain('request_pay');
      });

      it('GET /result says the order is not found (in Korean, or English by Accept-Language) for an unknown, missing or over-long merchant_uid', async () => {
        for (const query of [
          '?merchant_uid=order_000000000000000000000000&outcome=paid',
          '',
          `?merchant_uid=${'o'.repeat(41)}`,
        ]) {
          const page = await getPage(shop.current, `/result${query}`);
          expect(page.status).toBe(200);
          expect(page.headers.get('cache-control')).toBe('no-store');
          expect(page.headers.get('content-language')).toBe('ko');
          expect(statusOf(page.body)).toEqual({
            state: 'unknown',
            status: 'unknown',
            text: ko.states.unknown.headline,
          });
          expect(pollingOf(page.body)).toEqual(NO_POLLING);
          const english = await getPage(
            shop.current,
            `/result${query}`,
            'en-US,en;q=0.9',
          );
          expect(english.headers.get('content-language')).toBe('en');
          expect(statusOf(english.body)).toEqual({
            state: 'unknown',
            status: 'unknown',
            text: en.states.unknown.headline,
          });
        }
      });

      it('GET /result shows a pending order as stored, whatever the query claims, and looks again by itself', async () => {
        const order = await shop.current.createOrder();
        const claimedPaid = await getPage(
          shop.current,
          `/result?merchant_uid=${order.merchant_uid}&outcome=paid`,
        );
        expect(statusOf(claimedPaid.body)).toEqual({
          state: 'not_completed',
          status: 'pending',
          text: ko.states.not_completed.headline,
        });
        expect(pollingOf(claimedPaid.body)).toEqual(
          pollsFor(order.merchant_uid),
        );
        const unconfirmed = await getPage(
          shop.current,
          `/result?merchant_uid=${order.merchant_uid}&outcome=unconfirmed`,
        );
        expect(statusOf(unconfirmed.body)).toEqual({
          state: 'confirming',
          status: 'pending',
          text: ko.states.confirming.headline,
        });
        expect(pollingOf(unconfirmed.body)).toEqual(
          pollsFor(order.merchant_uid),
        );
        expect(detailsOf(unconfirmed.body)).toEqual({
          order: [ko.labels.order, order.merchant_uid],
          amount: [ko.labels.amount, '35,000원'],
        });
        const english = await getPage(
          shop.current,
          `/result?merchant_uid=${order.merchant_uid}&outcome=unconfirmed`,
          'en',
        );
        expect(statusOf(english.body)).toEqual({
          state: 'confirming',
          status: 'pending',
          text: en.states.confirming.headline,
        });
        expect(pollingOf(english.body)).toEqual(pollsFor(order.merchant_uid));
        expect(detailsOf(english.body)).toEqual({
          order: [en.labels.order, order.merchant_uid],
          amount: [en.labels.amount, '35,000원'],
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
