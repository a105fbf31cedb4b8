import { MESSAGES } from '../../apps/sample/src/checkout/messages.js';
import { PaymentNotificationEntity } from '../../apps/sample/src/persistence/payment-notification.entity.js';
import type { OrderView } from '../../apps/sample/src/orders/order.view.js';
import type { DatabaseKind } from '../support/databases.js';
import { TEST_ADMIN_TOKEN } from '../support/priced-orders.js';
import type { SampleApp } from '../support/sample-app.fixture.js';
import {
  type Answer,
  BROWSER_ACCEPT,
  callsBetween,
  chunkedWebhook,
  exposedText,
  FORM,
  get,
  type OrderStatus,
  postOrderRaw,
  postProductRaw,
  redirect,
  resultStatusOf,
  type ShopName,
  ShopPool,
  snapshot,
  webhook,
} from './attack-kit.js';

/**
 * Attacks and bad input against the sample app over HTTP, one row per case:
 * what the attacker sends, what each request must answer, and what the shop
 * must look like afterwards. Every row also checks that nothing else changed
 * (every other order row, the notification log, the outbox, every payment
 * in iamport, the iamport calls made) and that neither the API secret nor the
 * access token ever reaches the attacker.
 */

/** An order the case starts from, and the payment made for it in iamport (the simulator). */
interface OrderSetup {
  amount?: number;
  currency?: string;
  /** `POST /_sim/payments` fields; merchant_uid and amount default to the order's. None: no payment. */
  payment?: Record<string, unknown>;
  /** Settled by iamport's genuine webhook before the attack. */
  settled?: boolean;
}

interface Target {
  merchantUid: string;
  amount: number;
  /** The payment's imp_uid, or a well-formed one iamport does not know. */
  impUid: string;
}

type Targets = Record<string, Target>;

/** `[status, body]`: the body as a partial JSON object, a pattern the raw text must match, or a check. */
type Expected = [
  number | number[],
  (Record<string, unknown> | RegExp | ((answer: Answer) => void))?,
];

interface AttackCase {
  case: string;
  /** The shop attacked (default `production`: the default configuration). */
  shop?: ShopName;
  /** Default: one order `a` of 35,000 KRW, no payment. */
  given?: Record<string, OrderSetup>;
  attack: (shop: SampleApp, orders: Targets) => Promise<Answer[]>;
  answers: Expected[];
  /** The status of each named order afterwards; an order whose status is unchanged must be unchanged entirely. */
  orders: Record<string, OrderStatus>;
  /** What iamport refunded of each named order's payment (default 0 for every one). */
  refunded?: Record<string, number>;
  /** iamport API calls the attack caused (default none). */
  calls?: Record<string, number>;
  /** Rows added to payment_notifications (default 0). */
  notifications?: number;
  /** Events added to the outbox, i.e. transitions (default 0). */
  outbox?: number;
  /** Orders `POST /orders` created (default 0; a list: any of these). */
  created?: number | number[];
  /** Anything else to check afterwards. */
  afterwards?: (
    shop: SampleApp,
    orders: Targets,
    answers: Answer[],
  ) => Promise<void>;
}

const ORDER_AMOUNT = 35_000;
const UNKNOWN_IMP_UID = 'imp_000000000000';
const IAMPORT_IP = '52.78.100.19';
const SCRIPT = '<script>alert(1)</script>';
const BAD_MERCHANT_UID =
  /merchant_uid must be 1 to 40 visible ASCII characters/;
const BAD_IMP_UID = /imp_uid must look like imp_123456789012/;
const WRONG_TYPE =
  /the webhook must be application\/json or application\/x-www-form-urlencoded/;

/** An order with a payment in iamport: paid in full unless `extra` says otherwise. */
const withPayment = (extra: Record<string, unknown> = {}): OrderSetup => ({
  payment: extra,
});
const ids = ({ impUid, merchantUid }: Target) => ({
  imp_uid: impUid,
  merchant_uid: merchantUid,
});
/** The attacker's requests, one after the other (the answers in the order of the table). */
const sequence = async (
  ...steps: Array<() => Promise<Answer>>
): Promise<Answer[]> => {
  const answers: Answer[] = [];
  for (const step of steps) answers.push(await step());
  return answers;
};

/** A product the migration seeds in every fresh database: 제주 녹차 100g at 12,000원. */
const SEEDED = { id: 1, price: 12_000 };

/** `POST /orders` bad bodies: each answers 400 with its reason and creates nothing. */
const badOrders: Array<[string, string, RegExp]> = [
  ...(['amount', 'price', 'currency'] as const).map(
    (field): [string, string, RegExp] => [
      `a ${field} set by the client`,
      JSON.stringify({
        product_id: SEEDED.id,
        [field]: field === 'currency' ? 'USD' : 1,
      }),
      new RegExp(
        `${field} must not be sent: the server prices the order from product_id and quantity`,
      ),
    ],
  ),
  ['a missing product_id', '{}', /product_id must be an integer number/],
  [
    'a string product_id',
    '{"product_id":"1"}',
    /product_id must be an integer number/,
  ],
  [
    'an object as product_id ({"$ne": null})',
    '{"product_id":{"$ne":null}}',
    /product_id must be an integer number/,
  ],
  [
    'a huge product_id (1e15)',
    '{"product_id":1000000000000000}',
    /product_id must not be greater than 2147483647/,
  ],
  [
    'an infinite product_id (1e400)',
    '{"product_id":1e400}',
    /product_id must be an integer number/,
  ],
  [
    'an unknown product_id',
    '{"product_id":999999}',
    /product_id 999999 is not a product of this shop/,
  ],
  [
    'quantity 0',
    '{"product_id":1,"quantity":0}',
    /quantity must not be less than 1/,
  ],
  [
    'a negative quantity',
    '{"product_id":1,"quantity":-3}',
    /quantity must not be less than 1/,
  ],
  [
    'quantity 101',
    '{"product_id":1,"quantity":101}',
    /quantity must not be greater than 100/,
  ],
  [
    'a fractional quantity',
    '{"product_id":1,"quantity":1.5}',
    /quantity must be an integer number/,
  ],
  [
    'a string quantity',
    '{"product_id":1,"quantity":"2"}',
    /quantity must be an integer number/,
  ],
  [
    'a name (the product names the order)',
    '{"product_id":1,"name":"Free mug"}',
    /property name should not exist/,
  ],
  [
    'unknown fields (status, coupon)',
    '{"product_id":1,"status":"paid","coupon":"FREE"}',
    /property status should not exist.*property coupon should not exist/,
  ],
  ['an array body', '[{"product_id":1}]', /property 0 should not exist/],
  ['a JSON null body', 'null', /is not valid JSON/],
  ['malformed JSON', '{"product_id":1', /JSON/],
];

/** `POST /admin/products` bad bodies, with the right token: 400 with the reason. */
const badProducts: Array<[string, string, RegExp]> = [
  ['price 0', '{"name":"Mug","price":0}', /price must not be less than 1/],
  [
    'a fractional price',
    '{"name":"Mug","price":350.5}',
    /price must be an integer number/,
  ],
  [
    'a string price',
    '{"name":"Mug","price":"35000"}',
    /price must be an integer number/,
  ],
  [
    'a huge price (1e15)',
    '{"name":"Mug","price":1000000000000000}',
    /price must not be greater than 1000000000/,
  ],
  ['a missing name', '{"price":35000}', /name must be a string/],
  [
    'a name of 10 KB',
    JSON.stringify({ name: 'x'.repeat(10_240), price: 35_000 }),
    /name must be shorter than or equal to 100 characters/,
  ],
  [
    'a lower-case currency',
    '{"name":"Mug","price":35000,"currency":"krw"}',
    /currency must be a three-letter ISO code/,
  ],
];

const CASES: AttackCase[] = [
  // ── forged payments ───────────────────────────────────────────────────────
  ...(
    [
      ['amount tampered down (100 paid for 35,000)', { amount: 100 }, 100],
      [
        'amount tampered up (350,000 paid for 35,000)',
        { amount: 350_000 },
        350_000,
      ],
      [
        'currency changed (35,000 USD paid for 35,000 KRW)',
        { currency: 'USD' },
        ORDER_AMOUNT,
      ],
    ] as Array<[string, Record<string, unknown>, number]>
  ).map(([label, payment, refund]): AttackCase => ({
    case: `${label}: the redirect, then the webhook`,
    given: { a: withPayment(payment) },
    attack: (shop, { a }) =>
      sequence(
        () => redirect(shop, ids(a)),
        () => webhook(shop, { ...ids(a), status: 'paid' }),
      ),
    answers: [
      [
        200,
        {
          outcome: 'forgery',
          merchant_uid: '$a',
          message:
            'The paid amount does not match the order; the payment was not accepted.',
        },
      ],
      [200, { outcome: 'forgery', changed: false }],
    ],
    orders: { a: 'forgery_cancelled' },
    refunded: { a: refund },
    calls: { getPaymentByImpUid: 2, cancelPayment: 1 },
    notifications: 2,
    outbox: 1,
    afterwards: async (shop, { a }) => {
      const order = await shop.order(a.merchantUid);
      expect([order.cancelled_amount, order.imp_uid]).toEqual([
        refund,
        a.impUid,
      ]);
    },
  })),

  // ── another order's payment ───────────────────────────────────────────────
  {
    case: 'merchant_uid swapped in the redirect (A’s payment presented for B)',
    given: { a: withPayment(), b: { amount: 129_000 } },
    attack: (shop, { a, b }) =>
      sequence(() =>
        redirect(shop, { imp_uid: a.impUid, merchant_uid: b.merchantUid }),
      ),
    answers: [
      [
        409,
        {
          outcome: 'merchant_uid_mismatch',
          message: 'The payment does not belong to this order.',
        },
      ],
    ],
    orders: { a: 'pending', b: 'pending' },
    calls: { getPaymentByImpUid: 1 },
    notifications: 1,
  },
  {
    case: 'merchant_uid swapped in the webhook (JSON and form)',
    given: { a: withPayment(), b: { amount: 129_000 } },
    attack: (shop, { a, b }) => {
      const forged = {
        imp_uid: a.impUid,
        merchant_uid: b.merchantUid,
        status: 'paid',
      };
      return sequence(
        () => webhook(shop, forged),
        () => webhook(shop, forged, { type: FORM }),
      );
    },
    // The webhook answers 200 for every recorded outcome (a retry would change nothing).
    answers: [
      [200, { outcome: 'merchant_uid_mismatch', changed: false }],
      [200, { outcome: 'merchant_uid_mismatch', changed: false }],
    ],
    orders: { a: 'pending', b: 'pending' },
    calls: { getPaymentByImpUid: 2 },
    notifications: 2,
  },
  {
    case: 'paid order A’s imp_uid replayed with B’s merchant_uid (redirect and webhook)',
    given: { a: { ...withPayment(), settled: true }, b: {} },
    attack: (shop, { a, b }) =>
      sequence(
        () =>
          redirect(shop, { imp_uid: a.impUid, merchant_uid: b.merchantUid }),
        () =>
          webhook(shop, {
            imp_uid: a.impUid,
            merchant_uid: b.merchantUid,
            status: 'paid',
          }),
      ),
    answers: [
      [409, { outcome: 'merchant_uid_mismatch' }],
      [200, { outcome: 'merchant_uid_mismatch', changed: false }],
    ],
    orders: { a: 'paid', b: 'pending' },
    calls: { getPaymentByImpUid: 2 },
    notifications: 2,
  },
  {
    case: 'paid order A’s imp_uid replayed without merchant_uid (redirect and webhook)',
    given: { a: { ...withPayment(), settled: true }, b: {} },
    attack: (shop, { a }) =>
      sequence(
        () => redirect(shop, { imp_uid: a.impUid }),
        () => webhook(shop, { imp_uid: a.impUid, status: 'paid' }),
      ),
    answers: [
      [200, { outcome: 'paid', merchant_uid: '$a' }],
      [200, { outcome: 'paid', merchant_uid: '$a', changed: false }],
    ],
    orders: { a: 'paid', b: 'pending' },
    calls: { getPaymentByImpUid: 2 },
    notifications: 2,
  },

  // ── test channel ──────────────────────────────────────────────────────────
  {
    case: 'a test-channel (sandbox) payment in production mode (redirect and webhook)',
    given: { a: withPayment({ sandbox: true }) },
    attack: (shop, { a }) =>
      sequence(
        () => redirect(shop, { ...ids(a), imp_success: 'true' }),
        () => webhook(shop, { ...ids(a), status: 'paid' }),
      ),
    answers: [
      [
        200,
        {
          outcome: 'sandbox_rejected',
          message: 'Test payments are not accepted.',
        },
      ],
      [200, { outcome: 'sandbox_rejected', changed: false }],
    ],
    orders: { a: 'pending' },
    calls: { getPaymentByImpUid: 2 },
    notifications: 2,
  },

  // ── lying flags ───────────────────────────────────────────────────────────
  ...(
    [
      ['imp_success=true', 'failed', 'failed'],
      ['success=true', 'failed', 'failed'],
      ['imp_success=false', 'paid', 'paid'],
      ['success=false', 'paid', 'paid'],
    ] as Array<[string, 'paid' | 'failed', OrderStatus]>
  ).map(([flag, status, after]): AttackCase => ({
    case: `${flag} on a ${status} payment: the verified status wins`,
    given: { a: withPayment({ status }) },
    attack: (shop, { a }) =>
      sequence(() => redirect(shop, `${new URLSearchParams(ids(a))}&${flag}`)),
    answers: [[200, { outcome: status }]],
    orders: { a: after },
    calls: { getPaymentByImpUid: 1 },
    notifications: 1,
    outbox: 1,
  })),

  // ── missing and empty imp_uid ─────────────────────────────────────────────
  {
    case: 'no imp_uid, the merchant_uid of a paid order: its newest payment is verified',
    given: { a: withPayment() },
    attack: (shop, { a }) =>
      sequence(() => redirect(shop, { merchant_uid: a.merchantUid })),
    answers: [[200, { outcome: 'paid', imp_uid: '$a.imp' }]],
    orders: { a: 'paid' },
    calls: { getPaymentByMerchantUid: 1 },
    notifications: 1,
    outbox: 1,
  },
  {
    case: 'an empty imp_uid with the merchant_uid of an order that has no payment',
    attack: (shop, { a }) =>
      sequence(() =>
        redirect(shop, { imp_uid: '', merchant_uid: a.merchantUid }),
      ),
    answers: [[404, { outcome: 'not_found', imp_uid: null }]],
    orders: { a: 'pending' },
    calls: { getPaymentByMerchantUid: 1 },
    notifications: 1,
  },
  {
    case: 'an empty imp_uid and no merchant_uid, or no parameter at all (redirect)',
    given: { a: withPayment() },
    attack: (shop) =>
      sequence(
        () => redirect(shop, 'imp_uid='),
        () => redirect(shop, ''),
      ),
    answers: [
      [400, /imp_uid or merchant_uid is required/],
      [400, /imp_uid or merchant_uid is required/],
    ],
    orders: { a: 'pending' },
  },
  {
    case: 'a missing or empty imp_uid in the webhook (JSON and form)',
    given: { a: withPayment() },
    attack: (shop, { a }) =>
      sequence(
        () => webhook(shop, { merchant_uid: a.merchantUid, status: 'paid' }),
        () => webhook(shop, { imp_uid: '', merchant_uid: a.merchantUid }),
        () =>
          webhook(shop, `imp_uid=&merchant_uid=${a.merchantUid}&status=paid`),
      ),
    answers: [
      [400, /imp_uid is required/],
      [400, BAD_IMP_UID],
      [400, BAD_IMP_UID],
    ],
    orders: { a: 'pending' },
  },

  // ── repeated parameters ───────────────────────────────────────────────────
  {
    case: 'repeated parameters in the redirect query (imp_uid, merchant_uid, imp_success)',
    given: { a: withPayment(), b: withPayment() },
    attack: (shop, { a, b }) =>
      sequence(
        () =>
          redirect(
            shop,
            `imp_uid=${a.impUid}&imp_uid=${b.impUid}&merchant_uid=${a.merchantUid}`,
          ),
        () =>
          redirect(
            shop,
            `imp_uid=${a.impUid}&merchant_uid=${a.merchantUid}&merchant_uid=${b.merchantUid}`,
          ),
        () =>
          redirect(
            shop,
            `imp_uid=${a.impUid}&merchant_uid=${a.merchantUid}&imp_success=true&imp_success=false`,
          ),
      ),
    answers: [
      [400, /imp_uid was given more than once/],
      [400, /merchant_uid was given more than once/],
      [400, /imp_success was given more than once/],
    ],
    orders: { a: 'pending', b: 'pending' },
  },
  {
    case: 'repeated parameters in the webhook body (form, and a JSON array)',
    given: { a: withPayment(), b: withPayment() },
    attack: (shop, { a, b }) =>
      sequence(
        () =>
          webhook(shop, `imp_uid=${a.impUid}&imp_uid=${b.impUid}&status=paid`),
        () =>
          webhook(
            shop,
            `imp_uid=${a.impUid}&merchant_uid=${a.merchantUid}&merchant_uid=${b.merchantUid}`,
          ),
        () => webhook(shop, { imp_uid: [a.impUid, b.impUid], status: 'paid' }),
      ),
    answers: [
      [400, /imp_uid was given more than once/],
      [400, /merchant_uid was given more than once/],
      [400, /imp_uid was given more than once/],
    ],
    orders: { a: 'pending', b: 'pending' },
  },

  // ── over-long and non-ASCII values ────────────────────────────────────────
  {
    case: 'an imp_uid of 5,000 characters (redirect and webhook)',
    given: { a: withPayment() },
    attack: (shop, { a }) => {
      const long = `imp_${'1'.repeat(4_996)}`;
      return sequence(
        () => redirect(shop, { imp_uid: long, merchant_uid: a.merchantUid }),
        () => webhook(shop, { imp_uid: long, merchant_uid: a.merchantUid }),
      );
    },
    answers: [
      [400, BAD_IMP_UID],
      [400, BAD_IMP_UID],
    ],
    orders: { a: 'pending' },
  },
  ...(
    [
      ['in Korean', '주문-1001'],
      ['with an emoji', 'order_💳'],
      ['with %00', 'order_\u0000x'],
      ['of 41 characters', `order_${'f'.repeat(35)}`],
      ["with spaces (SQL: '; DROP TABLE orders;--)", "'; DROP TABLE orders;--"],
    ] as Array<[string, string]>
  ).map(([label, merchantUid]): AttackCase => ({
    case: `a merchant_uid ${label} (redirect and webhook)`,
    given: { a: withPayment() },
    attack: (shop, { a }) =>
      sequence(
        () => redirect(shop, { imp_uid: a.impUid, merchant_uid: merchantUid }),
        () => redirect(shop, { merchant_uid: merchantUid }),
        () => webhook(shop, { imp_uid: a.impUid, merchant_uid: merchantUid }),
      ),
    answers: [
      [400, BAD_MERCHANT_UID],
      [400, BAD_MERCHANT_UID],
      [400, BAD_MERCHANT_UID],
    ],
    orders: { a: 'pending' },
  })),
  {
    case: "SQL in a well-formed merchant_uid (';DROP/**/TABLE/**/orders;-- and 'OR'1'='1): looked up as text, nothing runs",
    given: { a: withPayment() },
    attack: (shop, { a }) =>
      sequence(
        () => redirect(shop, { merchant_uid: "';DROP/**/TABLE/**/orders;--" }),
        () => redirect(shop, { imp_uid: a.impUid, merchant_uid: "'OR'1'='1" }),
        () =>
          webhook(shop, {
            imp_uid: UNKNOWN_IMP_UID,
            merchant_uid: "'OR'1'='1",
          }),
      ),
    answers: [
      [404, { outcome: 'not_found' }],
      [409, { outcome: 'merchant_uid_mismatch' }],
      [200, { outcome: 'not_found', changed: false }],
    ],
    orders: { a: 'pending' },
    calls: { getPaymentByMerchantUid: 1, getPaymentByImpUid: 2 },
    notifications: 3,
    afterwards: async (shop) => {
      // Stored verbatim, as text.
      const logged = await shop.dataSource
        .getRepository(PaymentNotificationEntity)
        .find({ order: { id: 'DESC' }, take: 3 });
      expect(
        logged.map((row) => JSON.parse(row.params).merchant_uid).reverse(),
      ).toEqual(["';DROP/**/TABLE/**/orders;--", "'OR'1'='1", "'OR'1'='1"]);
    },
  },
  {
    case: 'error_msg in Korean (as iamport sends it) is accepted; a control character or 501 characters are not',
    given: { a: withPayment(), b: withPayment() },
    attack: (shop, { a, b }) =>
      sequence(
        () =>
          redirect(shop, {
            ...ids(a),
            imp_success: 'false',
            error_code: 'F400',
            error_msg: '[결제포기] 사용자가 결제를 취소하셨습니다',
          }),
        () => redirect(shop, { ...ids(b), error_msg: 'bad\u0000byte' }),
        () => redirect(shop, { ...ids(b), error_msg: 'x'.repeat(501) }),
      ),
    answers: [
      [200, { outcome: 'paid' }],
      [400, /error_msg must not contain control characters/],
      [400, /error_msg must be at most 500 characters/],
    ],
    orders: { a: 'paid', b: 'pending' },
    calls: { getPaymentByImpUid: 1 },
    notifications: 1,
    outbox: 1,
  },

  // ── HTML injection and the result page ────────────────────────────────────
  {
    case: 'HTML in merchant_uid: the redirect goes to the result page, which says the order is not found and reflects nothing',
    attack: (shop) =>
      sequence(
        () => redirect(shop, { merchant_uid: SCRIPT }, BROWSER_ACCEPT),
        () =>
          get(
            shop,
            `/result?merchant_uid=${encodeURIComponent(SCRIPT)}&outcome=not_found`,
          ),
        () =>
          get(
            shop,
            `/result?merchant_uid=${encodeURIComponent('"><img src=x onerror=alert(1)>')}`,
          ),
        () => redirect(shop, { merchant_uid: SCRIPT }),
      ),
    answers: [
      [
        303,
        (answer) => {
          expect(answer.headers.get('location')).toBe(
            `/result?${new URLSearchParams({ merchant_uid: SCRIPT, outcome: 'not_found' })}`,
          );
          expect(answer.text).not.toContain('<script');
        },
      ],
      [200, noSuchOrderPage],
      [200, noSuchOrderPage],
      [
        404,
        (answer) => {
          // Reflected only as a JSON string, never as HTML.
          expect(answer.headers.get('content-type')).toMatch(
            /^application\/json/,
          );
          expect(answer.body).toMatchObject({
            outcome: 'not_found',
            merchant_uid: SCRIPT,
          });
        },
      ],
    ],
    orders: { a: 'pending' },
    calls: { getPaymentByMerchantUid: 2 },
    notifications: 2,
  },
  {
    case: 'HTML in the result page’s outcome parameter: the page shows the stored order and ignores it',
    attack: (shop, { a }) =>
      sequence(() =>
        get(
          shop,
          `/result?merchant_uid=${a.merchantUid}&outcome=${encodeURIComponent(SCRIPT)}`,
        ),
      ),
    answers: [
      [
        200,
        (answer) => {
          expect(resultStatusOf(answer.text)).toEqual({
            state: 'not_completed',
            status: 'pending',
            text: MESSAGES.ko.result.states.not_completed.headline,
          });
          expect(answer.text).not.toContain('alert(1)');
        },
      ],
    ],
    orders: { a: 'pending' },
  },
  {
    case: 'SQL and HTML in an order name: stored as text, escaped on the result page and the checkout',
    attack: async (shop) => {
      const sql = "Mug'); DROP TABLE orders;--";
      const created = await postOrderRaw(
        shop,
        JSON.stringify({
          product_id: await shop.productId({ name: SCRIPT, amount: 1000 }),
        }),
      );
      const second = await postOrderRaw(
        shop,
        JSON.stringify({
          product_id: await shop.productId({ name: sql, amount: 1000 }),
        }),
      );
      const page = await get(
        shop,
        `/result?merchant_uid=${(created.body as { merchant_uid: string }).merchant_uid}`,
      );
      // The checkout lists the products from the database: their names too.
      const checkout = await get(shop, '/');
      return [created, second, page, checkout];
    },
    answers: [
      [201, { name: SCRIPT, status: 'pending' }],
      [201, { name: "Mug'); DROP TABLE orders;--", status: 'pending' }],
      [
        200,
        (answer) => {
          expect(resultStatusOf(answer.text)).toEqual({
            state: 'not_completed',
            status: 'pending',
            text: MESSAGES.ko.result.states.not_completed.headline,
          });
          expect(answer.text).not.toContain(SCRIPT);
          expect(answer.text).toContain(
            '<h1>&#60;script&#62;alert(1)&#60;/script&#62;</h1>',
          );
        },
      ],
      [
        200,
        (answer) => {
          expect(answer.text).not.toContain(SCRIPT);
          expect(answer.text).toContain(
            '<span class="name">&#60;script&#62;alert(1)&#60;/script&#62;</span>',
          );
          expect(answer.text).toContain(
            '<span class="name">Mug&#39;); DROP TABLE orders;--</span>',
          );
        },
      ],
    ],
    orders: { a: 'pending' },
    created: 2,
    // Each new order's amount is registered with iamport (POST /payments/prepare).
    calls: { preparePayment: 2 },
  },

  // ── content types and sizes ───────────────────────────────────────────────
  {
    case: 'a JSON body sent as a form, and a form sent as JSON (webhook)',
    given: { a: withPayment() },
    attack: (shop, { a }) =>
      sequence(
        () =>
          webhook(shop, JSON.stringify({ ...ids(a), status: 'paid' }), {
            type: FORM,
          }),
        () =>
          webhook(shop, new URLSearchParams(ids(a)).toString(), {
            type: 'application/json',
          }),
      ),
    answers: [
      [400, /imp_uid is required/],
      [400, /is not valid JSON/],
    ],
    orders: { a: 'pending' },
  },
  {
    case: 'text/plain, multipart/form-data and no content type (webhook)',
    given: { a: withPayment() },
    attack: (shop, { a }) => {
      const multipart = new FormData();
      multipart.set('imp_uid', a.impUid);
      multipart.set('merchant_uid', a.merchantUid);
      return sequence(
        () => webhook(shop, JSON.stringify(ids(a)), { type: 'text/plain' }),
        () => webhook(shop, multipart),
        () => webhook(shop, new TextEncoder().encode(JSON.stringify(ids(a)))),
      );
    },
    answers: [
      [415, WRONG_TYPE],
      [415, WRONG_TYPE],
      [415, WRONG_TYPE],
    ],
    orders: { a: 'pending' },
  },
  {
    case: 'malformed JSON (webhook)',
    given: { a: withPayment() },
    attack: (shop, { a }) =>
      sequence(() =>
        webhook(shop, `{"imp_uid":"${a.impUid}","merchant_uid":`, {
          type: 'application/json',
        }),
      ),
    answers: [[400, /JSON/]],
    orders: { a: 'pending' },
  },
  {
    case: 'a webhook over 8 KiB (with Content-Length) and a body of 1 MB',
    given: { a: withPayment() },
    attack: (shop, { a }) =>
      sequence(
        () =>
          webhook(shop, {
            ...ids(a),
            status: 'paid',
            padding: 'x'.repeat(9_000),
          }),
        () =>
          webhook(shop, {
            ...ids(a),
            status: 'paid',
            padding: 'x'.repeat(1_000_000),
          }),
      ),
    answers: [
      [413, /the webhook must be at most 8192 bytes/],
      [413, /request entity too large/],
    ],
    orders: { a: 'pending' },
  },
  {
    case: 'a webhook over 8 KiB sent chunked (no Content-Length)',
    given: { a: withPayment() },
    attack: (shop, { a }) =>
      sequence(() =>
        chunkedWebhook(
          shop,
          JSON.stringify({
            ...ids(a),
            status: 'paid',
            padding: 'x'.repeat(20_000),
          }),
        ),
      ),
    answers: [[413, /8192 bytes/]],
    orders: { a: 'pending' },
  },
  {
    case: 'POST /orders as a form, as text/plain, with no content type, and 1 MB',
    attack: (shop) =>
      sequence(
        () => postOrderRaw(shop, 'product_id=1&quantity=2', FORM),
        () => postOrderRaw(shop, '{"product_id":1}', 'text/plain'),
        () => postOrderRaw(shop, '{"product_id":1}', null),
        () =>
          postOrderRaw(
            shop,
            JSON.stringify({ product_id: 1, x: 'x'.repeat(1e6) }),
          ),
      ),
    answers: [
      [400, /product_id must be an integer number/],
      [400, /product_id must be an integer number/],
      [400, /product_id must be an integer number/],
      [413, /request entity too large/],
    ],
    orders: { a: 'pending' },
  },

  // ── webhook source allow-list ─────────────────────────────────────────────
  {
    case: 'allow-list: a webhook from an address outside it (127.0.0.1)',
    shop: 'allowlist',
    given: { a: withPayment() },
    attack: (shop, { a }) =>
      sequence(() => webhook(shop, { ...ids(a), status: 'paid' })),
    answers: [[403, /webhook source address is not allowed/]],
    orders: { a: 'pending' },
  },
  {
    case: 'allow-list: a spoofed X-Forwarded-For of iamport’s address, no trusted proxy',
    shop: 'allowlist',
    given: { a: withPayment() },
    attack: (shop, { a }) =>
      sequence(() =>
        webhook(
          shop,
          { ...ids(a), status: 'paid' },
          { headers: { 'x-forwarded-for': IAMPORT_IP } },
        ),
      ),
    answers: [[403, /webhook source address is not allowed/]],
    orders: { a: 'pending' },
  },
  {
    case: 'allow-list behind a trusted proxy: an outsider, and iamport’s address prepended by the outsider',
    shop: 'proxied',
    given: { a: withPayment() },
    attack: (shop, { a }) =>
      sequence(
        () =>
          webhook(
            shop,
            { ...ids(a), status: 'paid' },
            { headers: { 'x-forwarded-for': '203.0.113.9' } },
          ),
        () =>
          webhook(
            shop,
            { ...ids(a), status: 'paid' },
            { headers: { 'x-forwarded-for': `${IAMPORT_IP}, 203.0.113.9` } },
          ),
      ),
    answers: [
      [403, /webhook source address is not allowed/],
      [403, /webhook source address is not allowed/],
    ],
    orders: { a: 'pending' },
  },
  {
    case: 'allow-list behind a trusted proxy (TRUST_PROXY=loopback): iamport’s address is accepted',
    shop: 'proxied',
    given: { a: withPayment() },
    attack: (shop, { a }) =>
      sequence(() =>
        webhook(
          shop,
          { ...ids(a), status: 'paid' },
          { headers: { 'x-forwarded-for': IAMPORT_IP } },
        ),
      ),
    answers: [[200, { outcome: 'paid', changed: true }]],
    orders: { a: 'paid' },
    calls: { getPaymentByImpUid: 1 },
    notifications: 1,
    outbox: 1,
    afterwards: async (shop, { a }) => {
      const [row] = await shop.dataSource
        .getRepository(PaymentNotificationEntity)
        .findBy({ merchantUid: a.merchantUid });
      expect([row.kind, row.sourceIp, row.outcome]).toEqual([
        'webhook',
        IAMPORT_IP,
        'paid',
      ]);
    },
  },

  // ── POST /orders ──────────────────────────────────────────────────────────
  ...badOrders.map(([label, body, reason]): AttackCase => ({
    case: `POST /orders with ${label}`,
    attack: (shop) => sequence(() => postOrderRaw(shop, body)),
    answers: [
      [
        400,
        (answer) => {
          expect(answer.body).toMatchObject({
            statusCode: 400,
            error: 'Bad Request',
          });
          expect(JSON.stringify(answer.body.message)).toMatch(reason);
        },
      ],
    ],
    orders: { a: 'pending' },
  })),
  {
    case: 'POST /orders with __proto__ and constructor keys: a plain pending order at the product’s price, nothing polluted',
    attack: (shop) =>
      sequence(
        () =>
          postOrderRaw(
            shop,
            `{"product_id":${SEEDED.id},"__proto__":{"status":"paid","amount":1}}`,
          ),
        () =>
          postOrderRaw(
            shop,
            `{"product_id":${SEEDED.id},"constructor":{"prototype":{"status":"paid"}}}`,
          ),
      ),
    answers: [
      [201, { amount: SEEDED.price, status: 'pending' }],
      [201, { amount: SEEDED.price, status: 'pending' }],
    ],
    orders: { a: 'pending' },
    created: 2,
    // Each new order's amount is registered with iamport (POST /payments/prepare).
    calls: { preparePayment: 2 },
    afterwards: async (shop, _orders, answers) => {
      expect(({} as Record<string, unknown>).status).toBeUndefined();
      for (const answer of answers) {
        const stored = await shop.order(answer.body.merchant_uid);
        expect([stored.status, stored.amount]).toEqual([
          'pending',
          SEEDED.price,
        ]);
      }
    },
  },

  // ── POST /admin/products ──────────────────────────────────────────────────
  ...badProducts.map(([label, body, reason]): AttackCase => ({
    case: `POST /admin/products with ${label}`,
    attack: (shop) => sequence(() => postProductRaw(shop, body)),
    answers: [[400, reason]],
    orders: { a: 'pending' },
  })),
  {
    case: 'POST /admin/products without a token, with a wrong one, with a longer one, and as Basic: 401, 403, 403, 401; no product added',
    attack: async (shop) => {
      const body = '{"name":"Free mug","price":1}';
      const before = await get(shop, '/products', 'application/json');
      const answers = await sequence(
        () => postProductRaw(shop, body, null),
        () => postProductRaw(shop, body, 'Bearer wrong-token'),
        () => postProductRaw(shop, body, `Bearer ${TEST_ADMIN_TOKEN}x`),
        () => postProductRaw(shop, body, `Basic ${TEST_ADMIN_TOKEN}`),
      );
      const after = await get(shop, '/products', 'application/json');
      expect(after.body).toEqual(before.body);
      return answers;
    },
    answers: [
      [401, /Authorization: Bearer/],
      [403, /wrong admin token/],
      [403, /wrong admin token/],
      [401, /Authorization: Bearer/],
    ],
    orders: { a: 'pending' },
  },

  // ── GET /orders/:merchant_uid ─────────────────────────────────────────────
  ...(
    [
      ['an unknown merchant_uid', 'order_000000000000000000000000'],
      ['../../etc/passwd (encoded slashes)', '..%2F..%2Fetc%2Fpasswd'],
      ['%2e%2e%2fpackage.json', '%2e%2e%2fpackage.json'],
      ['a NUL byte (%00)', 'order_%00'],
      ['5,000 characters', `order_${'f'.repeat(4_994)}`],
      ['Korean', encodeURIComponent('주문')],
      ["x' OR '1'='1", encodeURIComponent("x' OR '1'='1")],
    ] as Array<[string, string]>
  ).map(([label, id]): AttackCase => ({
    case: `GET /orders/ with ${label}`,
    attack: (shop) =>
      sequence(() => get(shop, `/orders/${id}`, 'application/json')),
    answers: [
      [
        404,
        (answer) => {
          expect(answer.body).toEqual({
            statusCode: 404,
            error: 'Not Found',
            message: 'no such order',
          });
        },
      ],
    ],
    orders: { a: 'pending' },
  })),
  {
    case: 'a NUL byte in the result page’s merchant_uid: the order is not found',
    attack: (shop) =>
      sequence(() => get(shop, '/result?merchant_uid=order_%00&outcome=paid')),
    answers: [[200, noSuchOrderPage]],
    orders: { a: 'pending' },
  },
  {
    case: 'POST /admin/products with a NUL byte in the name: refused, or stored as given; never a 500',
    attack: (shop) =>
      sequence(() =>
        postProductRaw(
          shop,
          JSON.stringify({ name: 'Mug\u0000', price: 1000 }),
        ),
      ),
    answers: [
      [
        [201, 400],
        (answer) => {
          if (answer.status === 201)
            expect(answer.body).toMatchObject({ name: 'Mug\u0000' });
          else expect(answer.text).toMatch(/name/);
        },
      ],
    ],
    orders: { a: 'pending' },
  },
  {
    case: 'GET /orders/ with a malformed escape (%ZZ)',
    attack: (shop) =>
      sequence(() => get(shop, '/orders/%ZZ', 'application/json')),
    answers: [[400, /Failed to decode param/]],
    orders: { a: 'pending' },
  },
];

function noSuchOrderPage(answer: Answer): void {
  expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(resultStatusOf(answer.text)).toEqual({
    state: 'unknown',
    status: 'unknown',
    text: MESSAGES.ko.result.states.unknown.headline,
  });
  expect(answer.text).not.toMatch(/<script>alert|<img src=x|onerror=/);
}

/** `$a` stands for order a's merchant_uid, `$a.imp` for its imp_uid. */
function resolve(value: unknown, orders: Targets): unknown {
  if (typeof value === 'string' && value.startsWith('$')) {
    const [name, part] = value.slice(1).split('.');
    const target = orders[name];
    return part === 'imp' ? target.impUid : target.merchantUid;
  }
  if (value && typeof value === 'object' && !Array.isArray(value))
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        resolve(inner, orders),
      ]),
    );
  return value;
}

async function arrange(
  shop: SampleApp,
  given: Record<string, OrderSetup>,
): Promise<Targets> {
  const targets: Targets = {};
  for (const [name, setup] of Object.entries(given)) {
    const order = await shop.createOrder({
      amount: setup.amount ?? ORDER_AMOUNT,
      currency: setup.currency,
    });
    let impUid = UNKNOWN_IMP_UID;
    if (setup.payment) {
      const payment = await shop.sim.createPayment({
        merchant_uid: order.merchant_uid,
        amount: order.amount,
        ...setup.payment,
      });
      impUid = payment.imp_uid as string;
    }
    if (setup.settled) {
      const settled = await webhook(shop, {
        imp_uid: impUid,
        merchant_uid: order.merchant_uid,
        status: 'paid',
      });
      if (settled.status !== 200 || settled.body.changed !== true)
        throw new Error(`could not settle ${name}: ${settled.text}`);
    }
    targets[name] = {
      merchantUid: order.merchant_uid,
      amount: order.amount,
      impUid,
    };
  }
  return targets;
}

function checkAnswer(
  answer: Answer,
  [status, body]: Expected,
  orders: Targets,
): void {
  const statuses = Array.isArray(status) ? status : [status];
  expect(
    { status: answer.status, text: answer.text.slice(0, 300) },
    'status',
  ).toMatchObject({ status: expect.toBeOneOf(statuses) });
  if (body === undefined) return;
  if (body instanceof RegExp) expect(answer.text).toMatch(body);
  else if (typeof body === 'function') body(answer);
  else expect(answer.body).toMatchObject(resolve(body, orders) as object);
}

const TARGETS: DatabaseKind[] = ['sqlite', 'postgres'];

describe.each(TARGETS)('attacks on the sample app (%s)', (kind) => {
  // The allow-list shops are about the HTTP layer: SQLite is enough for them.
  const shops = new ShopPool((name) =>
    name === 'production' ? kind : 'sqlite',
  );
  afterAll(() => shops.closeAll());

  const cases = CASES.filter(
    (row) => kind === 'sqlite' || (row.shop ?? 'production') === 'production',
  ).map((row) => [row.case, row] as const);

  it.each(cases)('%s', async (_case, row) => {
    const { shop, secrets } = await shops.get(row.shop ?? 'production');
    const orders = await arrange(shop, row.given ?? { a: {} });
    const logLines = shop.logger.lines.length;
    const before = await snapshot(shop);

    const answers = await row.attack(shop, orders);

    // What each request answered.
    expect(answers).toHaveLength(row.answers.length);
    answers.forEach((answer, index) =>
      checkAnswer(answer, row.answers[index], orders),
    );
    // No secret, no token: not in a body, not in a header, not in the logs.
    for (const answer of answers)
      for (const secret of secrets)
        expect(exposedText(answer)).not.toContain(secret);
    const logged = shop.logger.lines.slice(logLines).join('\n');
    for (const secret of secrets) expect(logged).not.toContain(secret);

    // The named orders, as the shop answers them.
    const after = await snapshot(shop);
    const states: Record<string, OrderView['status']> = {};
    for (const [name, target] of Object.entries(orders))
      states[name] = (await shop.order(target.merchantUid)).status;
    expect(states).toEqual(row.orders);

    // Nothing else changed: every other order row, and the named orders whose status did not move.
    const moved = new Set(
      Object.entries(orders)
        .filter(([name, target]) => {
          const was = JSON.parse(before.orders.get(target.merchantUid)!) as {
            status: string;
          };
          return was.status !== row.orders[name];
        })
        .map(([, target]) => target.merchantUid),
    );
    const unchanged = (map: Map<string, string>) =>
      [...map].filter(([merchantUid]) => !moved.has(merchantUid));
    const kept = unchanged(before.orders);
    expect(unchanged(after.orders).slice(0, kept.length)).toEqual(kept);
    expect(after.orders.size - before.orders.size).toBeOneOf(
      [row.created ?? 0].flat(),
    );
    expect(after.notifications - before.notifications).toBe(
      row.notifications ?? 0,
    );
    expect(after.outbox - before.outbox).toBe(row.outbox ?? 0);
    expect(callsBetween(before, after)).toEqual(row.calls ?? {});

    // Money: refunded exactly as expected, every other payment untouched.
    const expectedPayments = new Map(before.payments);
    for (const [name, amount] of Object.entries(row.refunded ?? {})) {
      const impUid = orders[name].impUid;
      const [, total] = before.payments.get(impUid)!.split('/');
      expectedPayments.set(impUid, `cancelled ${amount}/${total}`);
    }
    expect(after.payments).toEqual(expectedPayments);

    await row.afterwards?.(shop, orders, answers);
  });
});
