import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  type ReconcileOptions,
  ReconciliationService,
  type ReconciliationSummary,
} from 'nestjs-iamport';
import { AppModule } from '../../apps/sample/src/app.module.js';
import { readConfig } from '../../apps/sample/src/config.js';
import {
  type DatabaseKind,
  type FreshDatabase,
  freshDatabase,
} from '../support/databases.js';
import { CapturingLogger } from '../support/iamport-client.fixture.js';
import {
  type SampleApp,
  startSampleApp,
} from '../support/sample-app.fixture.js';
import {
  changedBy,
  createStaleOrders,
  ENDING_NAMES,
  expectedSettlement,
  outcomesOf,
  settlementOf,
  shopState,
  type StaleOrder,
  startOfNextSecond,
  statusesOf,
  stillOpen,
  sweptOf,
  SWEEP_LISTINGS,
} from './stale-orders.js';

const PER_ENDING = 38;
const ORDERS = PER_ENDING * ENDING_NAMES.length; // 304: at least three batches
const FRESH_PER_ENDING = 13; // 104: a batch of 100 and one of 4

/**
 * A second instance of the sample app on the same database and the same
 * iamport (the first one's simulator), as a second server would run it: the
 * application context `main.js reconcile` starts, without HTTP.
 */
async function secondInstance(
  shop: SampleApp,
  databaseUrl: string,
): Promise<INestApplicationContext> {
  const config = readConfig({
    DATABASE_URL: databaseUrl,
    DATABASE_MIGRATIONS_RUN: 'false',
    IAMPORT_API_URL: shop.sim.url,
    IAMPORT_IMP_KEY: shop.sim.impKey,
    IAMPORT_IMP_SECRET: shop.sim.impSecret,
    RECONCILE_INTERVAL_SECONDS: '0',
  });
  return NestFactory.createApplicationContext(
    AppModule.forConfig(config, shop.sim.url, `${shop.sim.url}/v1/iamport.js`),
    { logger: new CapturingLogger(), abortOnError: false },
  );
}

function sumOutcomes(
  summaries: ReconciliationSummary[],
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const summary of summaries)
    for (const [outcome, count] of Object.entries(summary.outcomes))
      counts[outcome] = (counts[outcome] ?? 0) + (count ?? 0);
  return counts;
}

const sum = (
  summaries: ReconciliationSummary[],
  key: 'examined' | 'lookups' | 'changed' | 'failed',
) => summaries.reduce((total, summary) => total + summary[key], 0);

const sumSwept = (
  summaries: ReconciliationSummary[],
  key: keyof ReconciliationSummary['swept'],
) => summaries.reduce((total, summary) => total + summary.swept[key], 0);

describe.each<DatabaseKind>(['postgres', 'mariadb'])(
  'two reconciliations at once on %s',
  (kind) => {
    let database: FreshDatabase | undefined;
    let shop: SampleApp | undefined;
    let second: INestApplicationContext | undefined;
    let orders: StaleOrder[] = [];

    beforeAll(async () => {
      database = await freshDatabase(kind);
      shop = await startSampleApp({
        databaseUrl: database.url,
        env: { RECONCILE_INTERVAL_SECONDS: '0' },
      });
      second = await secondInstance(shop, database.url);
    });
    afterAll(async () => {
      try {
        await second?.close();
        await shop?.close();
      } finally {
        await database?.drop();
      }
    });

    const bothAtOnce = async (
      options: Omit<ReconcileOptions, 'olderThanMs'> = {},
    ): Promise<ReconciliationSummary[]> => {
      if (!shop || !second)
        throw new Error(`the ${kind} instances did not start`);
      const services = [
        shop.app.get(ReconciliationService),
        second.get(ReconciliationService),
      ];
      await startOfNextSecond();
      return Promise.all(
        services.map((service) =>
          service.reconcile({ olderThanMs: 0, ...options }),
        ),
      );
    };
    const calls = async () => (await shop!.sim.stats()).calls;
    const madeBetween =
      (before: Record<string, number>, after: Record<string, number>) =>
      (operation: string) =>
        (after[operation] ?? 0) - (before[operation] ?? 0);

    // The order phases alone (no sweep), so that every count is exact: which run sweeps while the
    // other still settles is left to the last test.
    it(`${ORDERS} stale orders: each examined by exactly one run, looked up once, settled once`, async () => {
      await shop!.sim.fault({ kind: 'drop_webhook', ratio: 1 });
      orders = await createStaleOrders(shop!, PER_ENDING);
      expect(await statusesOf(shop!, orders)).toEqual({ pending: ORDERS });

      const before = await calls();
      const runs = await bothAtOnce({ sweepWindowMs: 0 });
      const made = madeBetween(before, await calls());
      console.log(
        `two reconciliations at once (${kind}): examined ${runs.map((run) => run.examined).join(' + ')}, ` +
          `batches ${runs.map((run) => run.batch).join(' + ')}, ${made('getAllPaymentsByMerchantUid')} lookups, ` +
          `${runs.map((run) => run.durationMs).join(' / ')} ms`,
      );

      // Each order went to one run: the claims split them, the lookups did not double.
      expect(sum(runs, 'examined')).toBe(ORDERS);
      for (const run of runs) {
        expect(run.examined).toBeGreaterThan(0);
        // One findAll per order it claimed (each has at most one payment).
        expect(run.lookups).toBe(run.examined);
        expect(run.swept).toEqual({ listed: 0, verified: 0, failed: 0 });
      }
      expect(sum(runs, 'failed')).toBe(0);
      expect(sumOutcomes(runs)).toEqual(outcomesOf(orders));
      expect({
        getAllPaymentsByMerchantUid: made('getAllPaymentsByMerchantUid'),
        getPaymentsByStatus: made('getPaymentsByStatus'),
        getPaymentListByImpUid: made('getPaymentListByImpUid'),
        getPaymentByImpUid: made('getPaymentByImpUid'),
        cancelPayment: made('cancelPayment'),
      }).toEqual({
        getAllPaymentsByMerchantUid: ORDERS,
        getPaymentsByStatus: 0,
        getPaymentListByImpUid: 0,
        getPaymentByImpUid: 0,
        cancelPayment: PER_ENDING,
      });
      // Every order ended right, once: one event, one handler run, one refund per forgery.
      expect(sum(runs, 'changed')).toBe(changedBy(orders));
      expect(await settlementOf(shop!, orders)).toEqual(
        expectedSettlement(orders),
      );
    });

    it('two more runs at once, with their sweeps, look at each open order once and change nothing', async () => {
      expect(orders).toHaveLength(ORDERS);
      const state = await shopState(shop!);
      const before = await calls();
      const runs = await bothAtOnce();
      const made = madeBetween(before, await calls());

      const open = stillOpen(orders);
      expect(sum(runs, 'examined')).toBe(open.length);
      for (const run of runs) {
        expect(run.lookups).toBe(run.examined + SWEEP_LISTINGS);
        // Each run lists every recent payment; all are recorded as they are.
        expect(run.swept).toEqual({
          listed: sweptOf(orders),
          verified: 0,
          failed: 0,
        });
        expect(run.unaccounted).toEqual([]);
        expect(run.flagged).toEqual([]);
      }
      expect(sum(runs, 'changed')).toBe(0);
      expect(sum(runs, 'failed')).toBe(0);
      expect(sumOutcomes(runs)).toEqual(outcomesOf(orders, 'againOutcome'));
      expect({
        getAllPaymentsByMerchantUid: made('getAllPaymentsByMerchantUid'),
        getPaymentsByStatus: made('getPaymentsByStatus'),
        getPaymentByImpUid: made('getPaymentByImpUid'),
        cancelPayment: made('cancelPayment'),
      }).toEqual({
        getAllPaymentsByMerchantUid: open.length,
        getPaymentsByStatus: runs.length * SWEEP_LISTINGS,
        getPaymentByImpUid: 0,
        cancelPayment: 0,
      });
      expect(await shopState(shop!)).toEqual(state);
    });

    it('new stale orders, one run sweeping while the other still settles: each order examined once, settled once, refunded once', async () => {
      expect(orders).toHaveLength(ORDERS);
      const open = stillOpen(orders);
      // A first batch of 100 for one run and a few orders for the other, which then sweeps
      // (their payments not recorded yet) while the first is still at its batch.
      const fresh = await createStaleOrders(shop!, FRESH_PER_ENDING);
      const all = [...orders, ...fresh];
      const before = await calls();
      const runs = await bothAtOnce();
      const made = madeBetween(before, await calls());

      console.log(
        `two reconciliations at once, sweeps overlapping (${kind}): examined ${runs.map((run) => run.examined).join(' + ')}, ` +
          `swept ${runs.map((run) => `${run.swept.listed} listed / ${run.swept.verified} verified`).join(' + ')}, ` +
          `${made('cancelPayment')} refund calls, ${runs.map((run) => run.durationMs).join(' / ')} ms`,
      );
      expect(sum(runs, 'examined')).toBe(open.length + fresh.length);
      expect(sum(runs, 'failed')).toBe(0);
      for (const run of runs) {
        expect(run.lookups).toBe(run.examined + SWEEP_LISTINGS);
        expect(run.swept.failed).toBe(0);
        expect(run.unaccounted).toEqual([]);
        expect(run.flagged).toEqual([]);
      }
      expect(made('getAllPaymentsByMerchantUid')).toBe(
        open.length + fresh.length,
      );
      expect(made('getPaymentsByStatus')).toBe(runs.length * SWEEP_LISTINGS);
      // Per payment: what the order phases decided, plus one outcome per payment a sweep verified
      // again (settled already, or concurrently: then the one that lost decided nothing new).
      const expected = outcomesOf(fresh);
      for (const [outcome, count] of Object.entries(
        outcomesOf(orders, 'againOutcome'),
      ))
        expected[outcome] = (expected[outcome] ?? 0) + count;
      const outcomes = sumOutcomes(runs);
      const extra = Object.fromEntries(
        Object.entries(outcomes).map(([outcome, count]) => [
          outcome,
          count - (expected[outcome] ?? 0),
        ]),
      );
      expect(Object.keys(outcomes).sort()).toEqual(
        Object.keys(expected).sort(),
      );
      for (const count of Object.values(extra))
        expect(count).toBeGreaterThanOrEqual(0);
      expect(Object.values(extra).reduce((a, b) => a + b, 0)).toBe(
        sumSwept(runs, 'verified'),
      );
      // Every order ended right, once: one event, one handler run, one refund per forgery
      // (a second refund of the same payment is refused by its checksum).
      expect(await settlementOf(shop!, all)).toEqual(expectedSettlement(all));
      const successfulRefunds = (
        await shop!.sim.control<Array<Record<string, any>>>(
          'GET',
          '/_sim/payments',
        )
      )
        .filter((payment) =>
          fresh.some((order) => order.impUid === payment.imp_uid),
        )
        .reduce((total, payment) => total + payment.cancel_history.length, 0);
      expect(successfulRefunds).toBe(FRESH_PER_ENDING);
    });
  },
);
