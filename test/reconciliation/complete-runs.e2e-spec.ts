import {
  IAMPORT_DEFAULTS,
  IAMPORT_OPTIONS,
  type ReconcileOptions,
  ReconciliationService,
  type ResolvedIamportOptions,
} from 'nestjs-iamport';
import { randomBytes } from 'node:crypto';
import { onTestFinished } from 'vitest';
import { HandledEventEntity } from '../../apps/sample/src/persistence/handled-event.entity.js';
import { OrderEntity } from '../../apps/sample/src/persistence/order.entity.js';
import { OutboxEventEntity } from '../../apps/sample/src/persistence/outbox-event.entity.js';
import { PaymentRecordEntity } from '../../apps/sample/src/persistence/payment-record.entity.js';
import {
  type DatabaseKind,
  type FreshDatabase,
  freshDatabase,
} from '../support/databases.js';
import {
  type SampleApp,
  startSampleApp,
} from '../support/sample-app.fixture.js';
import {
  FORGED_AMOUNT,
  fromSummary,
  type ListedPayment,
  ORDER_AMOUNT,
  type RunResult,
  runReconcileCommand,
  shopState,
  startOfNextSecond,
  SWEEP_LISTINGS,
} from './stale-orders.js';

/**
 * What the redesigned reconciliation settles that the old one (4db347a) never
 * did: runs that end although an order keeps failing, orders that failed or
 * were forged before a later attempt was paid, every payment of an order (not
 * only its newest), a virtual-account order paid by card, payments of orders
 * the shop does not know, and refunds made in iamport's console whose webhook
 * was lost. Every webhook that should be lost is never sent: payments are
 * created in the simulator without `webhook`, and the console refunds with
 * `webhook: false`; the webhooks that did arrive are sent with
 * `POST /_sim/webhooks`, which answers once the shop has answered.
 */

/** Calls the client makes for one attempt that keeps failing with a 5xx (the first and its retries). */
const ATTEMPT_CALLS = 1 + IAMPORT_DEFAULTS.maxRetries;
/** A partial refund in the console. */
const PARTIAL_REFUND = 5_000;
/** Longer than any in-process run here takes; a run that does not end fails the test instead of hanging it. */
const RUN_DEADLINE_MS = 20_000;
/** The command starts a process of its own (seconds on a busy machine); it is killed after this. */
const COMMAND_DEADLINE_MS = 45_000;
const COMMAND_TEST_TIMEOUT_MS = 60_000;

async function withinDeadline<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new Error(`${what} did not end in ${RUN_DEADLINE_MS} ms`)),
          RUN_DEADLINE_MS,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A shop on a fresh database of `kind`, its reconciliation schedule off. */
function useShop(kind: DatabaseKind): {
  readonly shop: SampleApp;
  readonly databaseUrl: string;
} {
  let database: FreshDatabase | undefined;
  let shop: SampleApp | undefined;
  beforeAll(async () => {
    database = await freshDatabase(kind);
    shop = await startSampleApp({ databaseUrl: database.url });
  });
  afterAll(async () => {
    try {
      await shop?.close();
    } finally {
      await database?.drop();
    }
  });
  return {
    get shop() {
      if (!shop) throw new Error(`the ${kind} shop did not start`);
      return shop;
    },
    get databaseUrl() {
      return database!.url;
    },
  };
}

/** The payments a test made, by a readable name, to print which payment an order or a record belongs to. */
class Payments {
  private readonly byImpUid = new Map<string, string>();
  private readonly byName = new Map<string, string>();

  constructor(private readonly shop: SampleApp) {}

  /** `POST /_sim/payments`: no webhook unless the test sends one. */
  async create(
    name: string,
    merchantUid: string,
    fields: Record<string, unknown>,
  ): Promise<string> {
    const payment = await this.shop.sim.createPayment({
      merchant_uid: merchantUid,
      amount: ORDER_AMOUNT,
      ...fields,
    });
    const impUid = payment.imp_uid as string;
    this.byImpUid.set(impUid, name);
    this.byName.set(name, impUid);
    return impUid;
  }

  /** The webhook iamport sends for the payment's current status, delivered; fails unless the shop answered 200. */
  async deliverWebhook(name: string): Promise<void> {
    const { deliveries } = await this.shop.sim.control<{
      deliveries: Array<{ status: number | null }>;
    }>('POST', '/_sim/webhooks', { imp_uid: this.impUid(name) });
    expect(deliveries.map((delivery) => delivery.status)).toEqual([200]);
  }

  impUid(name: string): string {
    const impUid = this.byName.get(name);
    if (!impUid) throw new Error(`no payment ${name}`);
    return impUid;
  }

  nameOf(impUid: string | null): string {
    return impUid === null ? 'none' : (this.byImpUid.get(impUid) ?? impUid);
  }
}

/** One line of what matters about an order: status, settling payment, money, fulfilment, events and handlers. */
async function orderLine(
  shop: SampleApp,
  payments: Payments,
  merchantUid: string,
): Promise<string> {
  const { dataSource } = shop;
  const [order, events, handled] = await Promise.all([
    dataSource.getRepository(OrderEntity).findOneByOrFail({ merchantUid }),
    dataSource
      .getRepository(OutboxEventEntity)
      .find({ where: { merchantUid }, order: { createdAt: 'ASC' } }),
    dataSource
      .getRepository(HandledEventEntity)
      .find({ where: { merchantUid } }),
  ]);
  const handlerOf = new Map(
    handled.map((entry) => [entry.eventId, entry] as const),
  );
  return [
    order.status,
    `by ${payments.nameOf(order.impUid)}`,
    `cancelled ${order.cancelledAmount}`,
    `fulfilment ${order.fulfilment}`,
    `events [${events
      .map((event) => {
        const entry = handlerOf.get(event.id);
        return `${event.type}→${entry ? `${entry.handler}x${entry.deliveries}` : '-'}`;
      })
      .join(', ')}]`,
  ].join(' | ');
}

/** The module's record of a payment (`iamport_payments`): status, cancelled amount, disposition. */
async function recordLine(shop: SampleApp, impUid: string): Promise<string> {
  const record = await shop.dataSource
    .getRepository(PaymentRecordEntity)
    .findOneBy({ impUid });
  return record
    ? `${record.status} | cancelled ${record.cancelledAmount} | ${record.disposition}`
    : 'not recorded';
}

/** A payment as the simulator holds it: status, cancelled amount, and how many refunds were made. */
async function simLine(shop: SampleApp, impUid: string): Promise<string> {
  const payment = await shop.sim.payment(impUid);
  return `${payment.status} | cancelled ${payment.cancel_amount} | refunds ${payment.cancel_history.length}`;
}

async function callsOf(shop: SampleApp): Promise<Record<string, number>> {
  return (await shop.sim.stats()).calls;
}

function callsBetween(
  before: Record<string, number>,
  after: Record<string, number>,
  operations: readonly string[],
): Record<string, number> {
  return Object.fromEntries(
    operations.map((operation) => [
      operation,
      (after[operation] ?? 0) - (before[operation] ?? 0),
    ]),
  );
}

const LOOKUP_OPERATIONS = [
  'getAllPaymentsByMerchantUid',
  'getPaymentsByStatus',
  'getPaymentListByImpUid',
  'getPaymentByImpUid',
  'getPaymentByMerchantUid',
  'cancelPayment',
] as const;

function unknownMerchantUid(): string {
  return `lost_${randomBytes(8).toString('hex')}`;
}

describe.each<DatabaseKind>(['sqlite', 'postgres', 'mariadb'])(
  'complete runs: every payment of every open order, and a sweep of recent payments (%s)',
  (kind) => {
    const fixture = useShop(kind);
    let payments: Payments;
    /** The shop's orders, by scenario. */
    const orders: Record<string, string> = {};
    let unknownOrder = '';
    let first: RunResult | undefined;
    let stateAfterFirst: string[] = [];

    // b. failedThenPaid, forgedThenPaid; c. paidThenAbandoned, paidThenFailed; d. vbankThenCard;
    // e. a payment of an order the shop does not know; f. refundedInConsole, partlyRefundedInConsole.
    beforeAll(async () => {
      const { shop } = fixture;
      payments = new Payments(shop);
      for (const name of [
        'failedThenPaid',
        'forgedThenPaid',
        'paidThenAbandoned',
        'paidThenFailed',
        'vbankThenCard',
        'refundedInConsole',
        'partlyRefundedInConsole',
      ])
        orders[name] = (
          await shop.createOrder({ amount: ORDER_AMOUNT })
        ).merchant_uid;
      unknownOrder = unknownMerchantUid();

      // The first attempts. Their webhooks (or, for a failure, the redirect's verification) arrived.
      await payments.create('failedThenPaid/1', orders.failedThenPaid, {
        status: 'failed',
        fail_reason: 'card declined',
      });
      await payments.deliverWebhook('failedThenPaid/1');
      await payments.create('forgedThenPaid/1', orders.forgedThenPaid, {
        status: 'paid',
        amount: FORGED_AMOUNT,
      });
      await payments.deliverWebhook('forgedThenPaid/1');
      await payments.create('vbankThenCard/1', orders.vbankThenCard, {
        status: 'ready',
        pay_method: 'vbank',
      });
      await payments.deliverWebhook('vbankThenCard/1');
      for (const name of ['refundedInConsole', 'partlyRefundedInConsole']) {
        await payments.create(`${name}/1`, orders[name], { status: 'paid' });
        await payments.deliverWebhook(`${name}/1`);
      }
      // Paid, their webhooks lost.
      await payments.create('paidThenAbandoned/1', orders.paidThenAbandoned, {
        status: 'paid',
      });
      await payments.create('paidThenFailed/1', orders.paidThenFailed, {
        status: 'paid',
      });
      await payments.create('unknown', unknownOrder, { status: 'paid' });
      // Refunded in iamport's console afterwards, the webhooks dropped.
      await shop.sim.cancelInConsole(payments.impUid('refundedInConsole/1'), {
        webhook: false,
      });
      await shop.sim.cancelInConsole(
        payments.impUid('partlyRefundedInConsole/1'),
        { amount: PARTIAL_REFUND, webhook: false },
      );

      // The later attempts start in a later second: oldest first is then the order they came in.
      await startOfNextSecond();
      await payments.create('failedThenPaid/2', orders.failedThenPaid, {
        status: 'paid',
      });
      await payments.create('forgedThenPaid/2', orders.forgedThenPaid, {
        status: 'paid',
      });
      await payments.create('paidThenAbandoned/2', orders.paidThenAbandoned, {
        status: 'ready',
        pay_method: 'card',
      });
      await payments.create('paidThenFailed/2', orders.paidThenFailed, {
        status: 'failed',
      });
      await payments.create('vbankThenCard/2', orders.vbankThenCard, {
        status: 'paid',
        pay_method: 'card',
      });
    });

    const order = (name: string) =>
      orderLine(fixture.shop, payments, orders[name]);
    const record = (name: string) =>
      recordLine(fixture.shop, payments.impUid(name));
    const unknownListed = (): ListedPayment => ({
      impUid: payments.impUid('unknown'),
      merchantUid: unknownOrder,
      holds: ORDER_AMOUNT,
      currency: 'KRW',
      disposition: 'flagged',
    });

    it('before any run: what the webhooks that arrived did, and nothing else', async () => {
      expect(
        Object.fromEntries(
          await Promise.all(
            Object.keys(orders).map(
              async (name) => [name, await order(name)] as const,
            ),
          ),
        ),
      ).toEqual({
        failedThenPaid:
          'failed | by failedThenPaid/1 | cancelled 0 | fulfilment none | events [failed→reopenx1]',
        forgedThenPaid: `forgery_cancelled | by forgedThenPaid/1 | cancelled ${FORGED_AMOUNT} | fulfilment held | events [forgery→holdx1]`,
        paidThenAbandoned:
          'pending | by none | cancelled 0 | fulfilment none | events []',
        paidThenFailed:
          'pending | by none | cancelled 0 | fulfilment none | events []',
        vbankThenCard:
          'vbank_issued | by vbankThenCard/1 | cancelled 0 | fulfilment awaiting_deposit | events [vbank_issued→awaitDepositx1]',
        refundedInConsole:
          'paid | by refundedInConsole/1 | cancelled 0 | fulfilment ready_to_ship | events [paid→shipx1]',
        partlyRefundedInConsole:
          'paid | by partlyRefundedInConsole/1 | cancelled 0 | fulfilment ready_to_ship | events [paid→shipx1]',
      });
    });

    it(
      'one run (npm run reconcile): 5 open orders, 10 of their payments, 3 more from the sweep',
      async () => {
        const { shop } = fixture;
        const before = await callsOf(shop);
        first = await runReconcileCommand(shop.sim, fixture.databaseUrl, {
          timeoutMs: COMMAND_DEADLINE_MS,
        });
        const made = callsBetween(
          before,
          await callsOf(shop),
          LOOKUP_OPERATIONS,
        );
        stateAfterFirst = await shopState(shop);

        expect(first.exitCode, first.output).toBe(0);
        expect(first).toMatchObject({
          // failedThenPaid, forgedThenPaid, paidThenAbandoned, paidThenFailed, vbankThenCard.
          examined: 5,
          batch: 1,
          lookups: 5 + SWEEP_LISTINGS,
          // The five orders paid, and the two console refunds.
          changed: 7,
          failed: 0,
          outcomes: {
            failed: 2, // failedThenPaid/1, paidThenFailed/2
            paid: 5, // failedThenPaid/2, forgedThenPaid/2, paidThenAbandoned/1, paidThenFailed/1, vbankThenCard/2
            forgery: 1, // forgedThenPaid/1
            pending: 1, // paidThenAbandoned/2
            vbank_issued: 1, // vbankThenCard/1
            not_found: 1, // unknown
            cancelled: 1, // refundedInConsole/1
            partially_cancelled: 1, // partlyRefundedInConsole/1
          },
          // paid: the five second attempts… and unknown; cancelled: forgedThenPaid/1 and the two
          // console refunds. Verified: those the ledger did not hold as they are now.
          swept: { listed: 9, verified: 3, failed: 0 },
        });
        expect(first.progress).toEqual([
          'batch 1: 5 orders looked at, 5 iamport lookups, 5 changed',
        ]);
        expect(made).toEqual({
          getAllPaymentsByMerchantUid: 5,
          getPaymentsByStatus: SWEEP_LISTINGS,
          getPaymentListByImpUid: 0,
          getPaymentByImpUid: 0,
          getPaymentByMerchantUid: 0,
          cancelPayment: 0,
        });
      },
      COMMAND_TEST_TIMEOUT_MS,
    );

    it('b. failed and forged orders are looked at again: a later attempt, its webhook lost, pays them', async () => {
      expect(await order('failedThenPaid')).toBe(
        'paid | by failedThenPaid/2 | cancelled 0 | fulfilment ready_to_ship | events [failed→reopenx1, paid→shipx1]',
      );
      expect(await order('forgedThenPaid')).toBe(
        'paid | by forgedThenPaid/2 | cancelled 0 | fulfilment ready_to_ship | events [forgery→holdx1, paid→shipx1]',
      );
      expect({
        'failedThenPaid/1': await record('failedThenPaid/1'),
        'failedThenPaid/2': await record('failedThenPaid/2'),
        'forgedThenPaid/1': await record('forgedThenPaid/1'),
        'forgedThenPaid/2': await record('forgedThenPaid/2'),
      }).toEqual({
        'failedThenPaid/1': 'failed | cancelled 0 | no_money',
        'failedThenPaid/2': 'paid | cancelled 0 | settles_order',
        'forgedThenPaid/1': `cancelled | cancelled ${FORGED_AMOUNT} | refunded`,
        'forgedThenPaid/2': 'paid | cancelled 0 | settles_order',
      });
      // The forged payment was refunded once (by its webhook), the right one not at all.
      expect(
        await simLine(fixture.shop, payments.impUid('forgedThenPaid/1')),
      ).toBe(`cancelled | cancelled ${FORGED_AMOUNT} | refunds 1`);
      expect(
        await simLine(fixture.shop, payments.impUid('forgedThenPaid/2')),
      ).toBe('paid | cancelled 0 | refunds 0');
    });

    it('c. every payment of an order: one paid, then a newer abandoned or failed attempt, pays it', async () => {
      expect(await order('paidThenAbandoned')).toBe(
        'paid | by paidThenAbandoned/1 | cancelled 0 | fulfilment ready_to_ship | events [paid→shipx1]',
      );
      expect(await order('paidThenFailed')).toBe(
        'paid | by paidThenFailed/1 | cancelled 0 | fulfilment ready_to_ship | events [paid→shipx1]',
      );
      expect({
        'paidThenAbandoned/2': await record('paidThenAbandoned/2'),
        'paidThenFailed/2': await record('paidThenFailed/2'),
      }).toEqual({
        'paidThenAbandoned/2': 'ready | cancelled 0 | no_money',
        'paidThenFailed/2': 'failed | cancelled 0 | no_money',
      });
    });

    it('d. an order waiting for a deposit, then paid by card (its webhook lost), is paid', async () => {
      expect(await order('vbankThenCard')).toBe(
        'paid | by vbankThenCard/2 | cancelled 0 | fulfilment ready_to_ship | events [vbank_issued→awaitDepositx1, paid→shipx1]',
      );
      expect({
        'vbankThenCard/1': await record('vbankThenCard/1'),
        'vbankThenCard/2': await record('vbankThenCard/2'),
      }).toEqual({
        'vbankThenCard/1': 'ready | cancelled 0 | awaiting_deposit',
        'vbankThenCard/2': 'paid | cancelled 0 | settles_order',
      });
    });

    it('e. a paid payment for an order the shop does not know is recorded as flagged and printed for a person', async () => {
      expect(await record('unknown')).toBe('paid | cancelled 0 | flagged');
      // Flagged, not refunded (the default policy).
      expect(await simLine(fixture.shop, payments.impUid('unknown'))).toBe(
        'paid | cancelled 0 | refunds 0',
      );
      expect(first?.flagged).toEqual([unknownListed()]);
      expect(first?.output).toMatch(
        new RegExp(
          `^flagged for a person: 1\\n  ${payments.impUid('unknown')} of ${unknownOrder}: holds ${ORDER_AMOUNT} KRW \\(flagged: .+\\)$`,
          'm',
        ),
      );
    });

    it('f. a paid order refunded in the console, its webhook dropped, is cancelled and not shipped; a partial refund is recorded', async () => {
      expect(await order('refundedInConsole')).toBe(
        `cancelled | by refundedInConsole/1 | cancelled ${ORDER_AMOUNT} | fulfilment cancelled | events [paid→shipx1, cancelled→stopx1]`,
      );
      expect(await order('partlyRefundedInConsole')).toBe(
        `partially_cancelled | by partlyRefundedInConsole/1 | cancelled ${PARTIAL_REFUND} | fulfilment ready_to_ship | events [paid→shipx1, cancelled→stopx1]`,
      );
      expect({
        refundedInConsole: await record('refundedInConsole/1'),
        partlyRefundedInConsole: await record('partlyRefundedInConsole/1'),
      }).toEqual({
        refundedInConsole: `cancelled | cancelled ${ORDER_AMOUNT} | refunded`,
        partlyRefundedInConsole: `cancelled | cancelled ${PARTIAL_REFUND} | settles_order`,
      });
    });

    it('g. nothing is unaccounted, and the command says so', () => {
      expect(first?.unaccounted).toEqual([]);
      expect(first?.output).toMatch(
        /^unaccounted \(holding money, neither settling an order nor flagged\): 0$/m,
      );
    });

    it('a second run (in-process) finds nothing open, sweeps the same payments, changes nothing, and flags the same payment', async () => {
      const { shop } = fixture;
      const before = await callsOf(shop);
      const run = fromSummary(
        await withinDeadline(
          shop.app.get(ReconciliationService).reconcile({ olderThanMs: 0 }),
          'the second run',
        ),
      );
      const made = callsBetween(before, await callsOf(shop), LOOKUP_OPERATIONS);
      expect(run).toMatchObject({
        examined: 0,
        batch: 0,
        lookups: SWEEP_LISTINGS,
        changed: 0,
        failed: 0,
        outcomes: {},
        swept: { listed: 9, verified: 0, failed: 0 },
        flagged: first?.flagged,
        unaccounted: [],
      });
      expect(made).toEqual({
        getAllPaymentsByMerchantUid: 0,
        getPaymentsByStatus: SWEEP_LISTINGS,
        getPaymentListByImpUid: 0,
        getPaymentByImpUid: 0,
        getPaymentByMerchantUid: 0,
        cancelPayment: 0,
      });
      expect(await shopState(shop)).toEqual(stateAfterFirst);
    });

    it("e. with unknownOrderPolicy 'cancel', a paid payment for an unknown order is refunded once instead", async () => {
      const { shop } = fixture;
      // The sample has no setting for it: the module's resolved options, changed for this shop.
      const options = shop.app.get<ResolvedIamportOptions>(IAMPORT_OPTIONS);
      options.unknownOrderPolicy = 'cancel';
      onTestFinished(() => {
        options.unknownOrderPolicy = 'flag';
      });
      const stranger = unknownMerchantUid();
      await payments.create('unknownRefunded', stranger, { status: 'paid' });
      const service = shop.app.get(ReconciliationService);
      const reconcile = async () => {
        const before = await callsOf(shop);
        const run = fromSummary(
          await withinDeadline(
            service.reconcile({ olderThanMs: 0 }),
            'the run',
          ),
        );
        return {
          run,
          made: callsBetween(before, await callsOf(shop), LOOKUP_OPERATIONS),
        };
      };

      const refunding = await reconcile();
      expect(refunding.run).toMatchObject({
        examined: 0,
        lookups: SWEEP_LISTINGS,
        changed: 1,
        failed: 0,
        outcomes: { not_found: 1 },
        // Listed twice: among the paid (7), verified and refunded, then among the cancelled (4),
        // recorded as it is by then.
        swept: { listed: 11, verified: 1, failed: 0 },
        // The payment flagged under the old policy stays flagged: it is recorded as it is.
        flagged: first?.flagged,
        unaccounted: [],
      });
      expect(refunding.made).toMatchObject({
        getPaymentsByStatus: SWEEP_LISTINGS,
        cancelPayment: 1,
      });
      expect(await recordLine(shop, payments.impUid('unknownRefunded'))).toBe(
        `cancelled | cancelled ${ORDER_AMOUNT} | refunded`,
      );
      expect(await simLine(shop, payments.impUid('unknownRefunded'))).toBe(
        `cancelled | cancelled ${ORDER_AMOUNT} | refunds 1`,
      );

      // Listed again (as cancelled), recorded as it is: not refunded twice.
      const again = await reconcile();
      expect(again.run).toMatchObject({
        changed: 0,
        outcomes: {},
        swept: { listed: 10, verified: 0, failed: 0 },
        unaccounted: [],
      });
      expect(again.made.cancelPayment).toBe(0);
      expect(await simLine(shop, payments.impUid('unknownRefunded'))).toBe(
        `cancelled | cancelled ${ORDER_AMOUNT} | refunds 1`,
      );
    });
  },
);

type Way = 'in-process' | 'command';

/** How the run with the default backoff is made: `main.js reconcile`, or in the app. */
const FAILING_TARGETS: Array<[Way, DatabaseKind]> = [
  ['command', 'sqlite'],
  ['in-process', 'postgres'],
  ['in-process', 'mariadb'],
];

describe.each(FAILING_TARGETS)(
  'a run ends although an order keeps failing (%s, %s)',
  (way, kind) => {
    const fixture = useShop(kind);
    let merchantUid = '';
    let forged = '';

    /** An order and a forged payment (its webhook lost) that iamport will not refund: 503 to every cancel. */
    beforeAll(async () => {
      const { shop } = fixture;
      merchantUid = (await shop.createOrder({ amount: ORDER_AMOUNT }))
        .merchant_uid;
      forged = (
        await shop.sim.createPayment({
          merchant_uid: merchantUid,
          amount: FORGED_AMOUNT,
          status: 'paid',
        })
      ).imp_uid as string;
      await shop.sim.fault({
        kind: 'http_error',
        operation: 'cancelPayment',
        status: 503,
        times: 1_000,
      });
    });

    const inProcess = async (options: Omit<ReconcileOptions, 'olderThanMs'>) =>
      fromSummary(
        await withinDeadline(
          fixture.shop.app
            .get(ReconciliationService)
            .reconcile({ olderThanMs: 0, ...options }),
          'the run',
        ),
      );
    /** The run, and the calls to iamport made while it ran. */
    const measured = async (run: () => Promise<RunResult>) => {
      const before = await callsOf(fixture.shop);
      const result = await run();
      return {
        run: result,
        made: callsBetween(before, await callsOf(fixture.shop), [
          'getAllPaymentsByMerchantUid',
          'cancelPayment',
        ]),
      };
    };
    const bookkeeping = async () => {
      const row = await fixture.shop.dataSource
        .getRepository(OrderEntity)
        .findOneByOrFail({ merchantUid });
      return {
        status: row.status,
        failures: row.reconcileFailures,
        backoffMs:
          row.reconcileRetryAfter && row.reconciledAt
            ? row.reconcileRetryAfter.getTime() - row.reconciledAt.getTime()
            : null,
      };
    };

    it('a refund that keeps failing is attempted once: the run returns and counts the order failed', async () => {
      // No backoff: the next run may try it again at once.
      const { run, made } = await measured(() => inProcess({ retryBaseMs: 0 }));
      console.log(
        `a failing order (${kind}): ${made.cancelPayment} refund calls, swept ${JSON.stringify(run.swept)}`,
      );
      expect({
        examined: run.examined,
        failed: run.failed,
        changed: run.changed,
        ...made,
      }).toEqual({
        examined: 1,
        failed: 1,
        changed: 0,
        getAllPaymentsByMerchantUid: 1,
        // One refund attempt: the call and the client's retries.
        cancelPayment: ATTEMPT_CALLS,
      });
      expect(await bookkeeping()).toEqual({
        status: 'pending',
        failures: 1,
        backoffMs: 0,
      });
    });

    it(
      `with no backoff the next run (${way}) tries it again, once, and keeps it back for 2 × 60 s`,
      async () => {
        const { shop } = fixture;
        const { run, made } = await measured(async () =>
          way === 'command'
            ? runReconcileCommand(shop.sim, fixture.databaseUrl, {
                timeoutMs: COMMAND_DEADLINE_MS,
              })
            : inProcess({}),
        );
        console.log(
          `a failing order, again (${kind}): ${made.cancelPayment} refund calls, swept ${JSON.stringify(run.swept)}`,
        );
        if (way === 'command') expect(run.exitCode, run.output).toBe(1);
        expect({
          examined: run.examined,
          failed: run.failed,
          changed: run.changed,
          ...made,
        }).toEqual({
          examined: 1,
          failed: 1,
          changed: 0,
          getAllPaymentsByMerchantUid: 1,
          cancelPayment: ATTEMPT_CALLS,
        });
        // The default base, doubled for a second failure in a row.
        expect(await bookkeeping()).toEqual({
          status: 'pending',
          failures: 2,
          backoffMs: 2 * 60_000,
        });
      },
      COMMAND_TEST_TIMEOUT_MS,
    );

    it('an immediate run does not claim it (backoff), and does not try to refund it', async () => {
      const { run, made } = await measured(() => inProcess({}));
      console.log(
        `a failing order in its backoff (${kind}): ${made.cancelPayment} refund calls, swept ${JSON.stringify(run.swept)}`,
      );
      expect({
        examined: run.examined,
        failed: run.failed,
        ...made,
      }).toEqual({
        examined: 0,
        failed: 0,
        getAllPaymentsByMerchantUid: 0,
        cancelPayment: 0,
      });
      expect(await bookkeeping()).toEqual({
        status: 'pending',
        failures: 2,
        backoffMs: 2 * 60_000,
      });
    });

    it('once the backoff is over and iamport refunds again, a run settles it: refunded once, failures cleared', async () => {
      const { shop } = fixture;
      await shop.sim.control('DELETE', '/_sim/faults');
      // The backoff is over: as if two minutes had passed.
      await shop.dataSource
        .getRepository(OrderEntity)
        .update(
          { merchantUid },
          { reconcileRetryAfter: new Date(Date.now() - 1_000) },
        );
      const { run, made } = await measured(() => inProcess({}));
      expect(run).toMatchObject({
        examined: 1,
        failed: 0,
        changed: 1,
        outcomes: { forgery: 1 },
        swept: { listed: 1, verified: 0, failed: 0 },
        unaccounted: [],
      });
      expect(made).toEqual({
        getAllPaymentsByMerchantUid: 1,
        cancelPayment: 1,
      });
      const row = await shop.dataSource
        .getRepository(OrderEntity)
        .findOneByOrFail({ merchantUid });
      expect([
        row.status,
        row.cancelledAmount,
        row.reconcileFailures,
        row.reconcileRetryAfter,
      ]).toEqual(['forgery_cancelled', FORGED_AMOUNT, 0, null]);
      expect(await simLine(shop, forged)).toBe(
        `cancelled | cancelled ${FORGED_AMOUNT} | refunds 1`,
      );
    });
  },
);

describe('which orders a run claims, and in which order it settles their payments (sqlite)', () => {
  const fixture = useShop('sqlite');
  const DAY_MS = 86_400_000;

  const run = async () => {
    const { shop } = fixture;
    const before = await callsOf(shop);
    const result = fromSummary(
      await withinDeadline(
        shop.app.get(ReconciliationService).reconcile({ olderThanMs: 0 }),
        'the run',
      ),
    );
    return {
      run: result,
      made: callsBetween(before, await callsOf(shop), [
        'getAllPaymentsByMerchantUid',
        'getPaymentsByStatus',
      ]),
    };
  };

  it('an order older than the horizon (7 days) is not claimed; its payment, paid within the sweep window, still settles it', async () => {
    const { shop } = fixture;
    const payments = new Payments(shop);
    const merchantUid = (await shop.createOrder({ amount: ORDER_AMOUNT }))
      .merchant_uid;
    await shop.dataSource
      .getRepository(OrderEntity)
      .update(
        { merchantUid },
        { createdAt: new Date(Date.now() - 8 * DAY_MS) },
      );
    await payments.create('late', merchantUid, { status: 'paid' });

    const { run: result, made } = await run();
    expect(result).toMatchObject({
      examined: 0,
      lookups: SWEEP_LISTINGS,
      changed: 1,
      outcomes: { paid: 1 },
      swept: { listed: 1, verified: 1, failed: 0 },
      unaccounted: [],
    });
    expect(made).toEqual({
      getAllPaymentsByMerchantUid: 0,
      getPaymentsByStatus: SWEEP_LISTINGS,
    });
    expect(await orderLine(shop, payments, merchantUid)).toBe(
      'paid | by late | cancelled 0 | fulfilment ready_to_ship | events [paid→shipx1]',
    );
  });

  // iamport's times are whole seconds: a buyer who pays, then opens the window again and fails,
  // may do both within one second. Settled oldest first, as the webhooks would have come (none
  // for the failure), the order is paid, and nothing else.
  it('two payments of an order started in the same second are settled oldest first', async () => {
    const { shop } = fixture;
    const payments = new Payments(shop);
    const merchantUid = (await shop.createOrder({ amount: ORDER_AMOUNT }))
      .merchant_uid;
    // Both well within one second.
    await startOfNextSecond();
    await payments.create('paid', merchantUid, { status: 'paid' });
    await payments.create('failedAfter', merchantUid, { status: 'failed' });
    const [paid, failed] = await Promise.all([
      shop.sim.payment(payments.impUid('paid')),
      shop.sim.payment(payments.impUid('failedAfter')),
    ]);
    expect(paid.started_at).toBe(failed.started_at);

    const { run: result } = await run();
    expect({
      examined: result.examined,
      changed: result.changed,
      outcomes: result.outcomes,
      order: await orderLine(shop, payments, merchantUid),
    }).toEqual({
      examined: 1,
      changed: 1,
      outcomes: { paid: 1, failed: 1 },
      order:
        'paid | by paid | cancelled 0 | fulfilment ready_to_ship | events [paid→shipx1]',
    });
  });
});
