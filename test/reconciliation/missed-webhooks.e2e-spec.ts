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
  changedBy,
  createStaleOrders,
  ENDING_NAMES,
  expectedSettlement,
  fromSummary,
  inClaimOrder,
  outcomesOf,
  type RunResult,
  runReconcileCommand,
  settlementOf,
  shopState,
  startOfNextSecond,
  type StaleOrder,
  statusesOf,
  stillOpen,
  sweptOf,
  untouched,
  webhooksFor,
  SWEEP_LISTINGS,
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

    it(`one run settles every order once, in ${BATCHES} batches, one findAll per order and ${SWEEP_LISTINGS} listings`, async () => {
      const shop = current();
      expect(orders).toHaveLength(ORDERS);
      const firstBatch = (await inClaimOrder(shop, orders)).slice(0, 100);
      const before = await shop.sim.stats();
      const run = await reconcile();
      const after = await shop.sim.stats();
      const made = (operation: string) =>
        (after.calls[operation] ?? 0) - (before.calls[operation] ?? 0);
      console.log(
        `reconciliation (${way}, ${kind}): ${run.examined} orders, ${run.batch} batches, ` +
          `${run.lookups} lookups, ${run.changed} changed, ${run.durationMs} ms`,
      );

      const changed = changedBy(orders);
      expect(run).toMatchObject({
        examined: ORDERS,
        batch: BATCHES,
        // Every order has at most one payment: one findAll each, then the two listings.
        lookups: ORDERS + SWEEP_LISTINGS,
        changed,
        failed: 0,
        // One payment per order (none for no_payment, counted per order).
        outcomes: outcomesOf(orders),
        // What the run settled, listed again by the sweep, is recorded as it is: nothing to verify.
        swept: { listed: sweptOf(orders), verified: 0, failed: 0 },
        flagged: [],
        unaccounted: [],
      });
      if (way === 'command') {
        expect(run.exitCode, run.output).toBe(0);
        expect(run.progress).toEqual([
          `batch 1: 100 orders looked at, 100 iamport lookups, ${changedBy(firstBatch)} changed`,
          `batch 2: ${ORDERS} orders looked at, ${ORDERS} iamport lookups, ${changed} changed`,
        ]);
      }
      expect({
        getAllPaymentsByMerchantUid: made('getAllPaymentsByMerchantUid'),
        getPaymentsByStatus: made('getPaymentsByStatus'),
        getPaymentListByImpUid: made('getPaymentListByImpUid'),
        getPaymentByImpUid: made('getPaymentByImpUid'),
        getPaymentByMerchantUid: made('getPaymentByMerchantUid'),
        // Each forged payment refunded once.
        cancelPayment: made('cancelPayment'),
      }).toEqual({
        getAllPaymentsByMerchantUid: ORDERS,
        getPaymentsByStatus: SWEEP_LISTINGS,
        getPaymentListByImpUid: 0,
        getPaymentByImpUid: 0,
        getPaymentByMerchantUid: 0,
        cancelPayment: PER_ENDING,
      });
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
        (after.calls[operation] ?? 0) - (before.calls[operation] ?? 0);

      const open = stillOpen(orders);
      expect(run).toMatchObject({
        examined: open.length,
        batch: Math.ceil(open.length / 100),
        lookups: open.length + SWEEP_LISTINGS,
        changed: 0,
        failed: 0,
        outcomes: outcomesOf(orders, 'againOutcome'),
        swept: { listed: sweptOf(orders), verified: 0, failed: 0 },
        flagged: [],
        unaccounted: [],
      });
      if (way === 'command') {
        expect(run.exitCode, run.output).toBe(0);
        expect(run.progress).toEqual([
          'batch 1: 100 orders looked at, 100 iamport lookups, 0 changed',
          `batch 2: ${open.length} orders looked at, ${open.length} iamport lookups, 0 changed`,
        ]);
      }
      expect({
        getAllPaymentsByMerchantUid: made('getAllPaymentsByMerchantUid'),
        getPaymentsByStatus: made('getPaymentsByStatus'),
        getPaymentListByImpUid: made('getPaymentListByImpUid'),
        getPaymentByImpUid: made('getPaymentByImpUid'),
        cancelPayment: made('cancelPayment'),
      }).toEqual({
        getAllPaymentsByMerchantUid: open.length,
        getPaymentsByStatus: SWEEP_LISTINGS,
        getPaymentListByImpUid: 0,
        getPaymentByImpUid: 0,
        cancelPayment: 0,
      });
      expect(await shopState(shop)).toEqual(state);
      expect(await settlementOf(shop, orders)).toEqual(
        expectedSettlement(orders),
      );
    });
  },
);
