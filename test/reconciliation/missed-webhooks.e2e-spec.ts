import { ReconciliationService } from 'nestjs-iamport';
import { PaymentNotificationEntity } from '../../apps/sample/src/persistence/payment-notification.entity.js';
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
  createStaleOrders,
  ENDING_NAMES,
  expectedSettlement,
  fromSummary,
  outcomesOf,
  type RunResult,
  runReconcileCommand,
  settlementOf,
  shopState,
  startOfNextSecond,
  type StaleOrder,
  statusesOf,
  stillOpen,
  untouched,
  webhooksFor,
} from './stale-orders.js';

type Way = 'in-process' | 'command';

/** `ReconciliationService.reconcile()` in the running app, or `main.js reconcile` as another process on the same database. */
const TARGETS: Array<[Way, DatabaseKind]> = [
  ['in-process', 'sqlite'],
  ['in-process', 'postgres'],
  ['in-process', 'mariadb'],
  ['command', 'sqlite'],
];

const PER_ENDING = 20;
const ORDERS = PER_ENDING * ENDING_NAMES.length; // 160: two batches of at most 100
const BATCHES = Math.ceil(ORDERS / 100);

describe.each(TARGETS)(
  'missed webhooks settled by reconciliation (%s, %s)',
  (way, kind) => {
    let database: FreshDatabase | undefined;
    let shop: SampleApp | undefined;
    let orders: StaleOrder[] = [];

    beforeAll(async () => {
      database = await freshDatabase(kind);
      shop = await startSampleApp({
        databaseUrl: database.url,
        env: { RECONCILE_INTERVAL_SECONDS: '0' },
      });
    });
    afterAll(async () => {
      try {
        await shop?.close();
      } finally {
        await database?.drop();
      }
    });

    const current = (): SampleApp => {
      if (!shop) throw new Error(`the ${kind} shop did not start`);
      return shop;
    };
    const reconcile = async (): Promise<RunResult> => {
      if (way === 'command')
        return runReconcileCommand(current().sim, database!.url);
      // Started as a wall-clock second begins, the run marks its first batch within that second:
      // a database that keeps whole seconds must still not hand those orders to it again.
      await startOfNextSecond();
      return fromSummary(
        await current()
          .app.get(ReconciliationService)
          .reconcile({ olderThanMs: 0 }),
      );
    };

    it(`every webhook dropped: ${ORDERS} orders of every ending stay pending`, async () => {
      const shop = current();
      await shop.sim.fault({ kind: 'drop_webhook', ratio: 1 });
      orders = await createStaleOrders(shop, PER_ENDING);

      expect(orders).toHaveLength(ORDERS);
      expect(await statusesOf(shop, orders)).toEqual({ pending: ORDERS });
      expect((await shop.sim.stats()).webhooks).toEqual({
        sent: 0,
        delivered: 0,
        failed: 0,
        dropped: webhooksFor(orders),
      });
      expect(
        await shop.dataSource.getRepository(PaymentNotificationEntity).count(),
      ).toBe(0);
      expect(await settlementOf(shop, orders)).toEqual(untouched(orders));
    });

    it(`one run settles every order once, in ${BATCHES} batches with one lookup each`, async () => {
      const shop = current();
      expect(orders).toHaveLength(ORDERS);
      const before = await shop.sim.stats();
      const run = await reconcile();
      const after = await shop.sim.stats();
      const made = (operation: string) =>
        after.calls[operation] - before.calls[operation];
      console.log(
        `reconciliation (${way}, ${kind}): ${run.examined} orders, ${run.batch} batches, ` +
          `${made('getPaymentListByImpUid')} lookups, ${run.changed} changed, ${run.durationMs} ms`,
      );

      const settledNow = orders.length - stillOpen(orders).length + PER_ENDING; // + vbank_issued
      expect(run).toMatchObject({
        examined: ORDERS,
        batch: BATCHES,
        changed: settledNow,
        failed: 0,
        outcomes: outcomesOf(orders),
      });
      if (way === 'command') {
        expect(run.exitCode, run.output).toBe(0);
        expect(run.progress).toEqual([
          expect.stringMatching(
            /^batch 1: 100 orders looked at, 1 iamport lookups, \d+ changed$/,
          ),
          `batch 2: ${ORDERS} orders looked at, 2 iamport lookups, ${settledNow} changed`,
        ]);
      }
      // Every order was pending, so each batch was looked up by merchant_uid: one call per 100 orders.
      expect(made('getPaymentListByImpUid')).toBe(run.lookups);
      expect(made('getPaymentListByImpUid')).toBeLessThanOrEqual(BATCHES);
      expect(made('getPaymentByImpUid')).toBe(0);
      expect(made('getPaymentByMerchantUid')).toBe(0);
      // Each forged payment refunded once.
      console.log(
        shop.logger.lines
          .filter((l) => l.startsWith('error'))
          .slice(0, 3)
          .join('\n'),
      );
      expect(made('cancelPayment')).toBe(PER_ENDING);
      expect(await settlementOf(shop, orders)).toEqual(
        expectedSettlement(orders),
      );
    });

    it('a second run looks at the open orders again and changes nothing', async () => {
      const shop = current();
      expect(orders).toHaveLength(ORDERS);
      const state = await shopState(shop);
      const before = await shop.sim.stats();
      const run = await reconcile();
      const after = await shop.sim.stats();
      const made = (operation: string) =>
        after.calls[operation] - before.calls[operation];

      const open = stillOpen(orders);
      expect(run).toMatchObject({
        examined: open.length,
        changed: 0,
        failed: 0,
        outcomes: outcomesOf(orders, 'againOutcome'),
      });
      if (way === 'command') expect(run.exitCode, run.output).toBe(0);
      // Virtual accounts by imp_uid, the pending orders by merchant_uid: one call of each kind per 100.
      expect(made('getPaymentListByImpUid')).toBe(run.lookups);
      expect(made('getPaymentListByImpUid')).toBeLessThanOrEqual(
        2 * Math.ceil(open.length / 100),
      );
      expect(made('cancelPayment')).toBe(0);
      expect(await shopState(shop)).toEqual(state);
      expect(await settlementOf(shop, orders)).toEqual(
        expectedSettlement(orders),
      );
    });
  },
);
