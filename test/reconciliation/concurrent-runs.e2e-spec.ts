import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
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
} from './stale-orders.js';

const PER_ENDING = 38;
const ORDERS = PER_ENDING * ENDING_NAMES.length; // 304: at least three batches

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

    const bothAtOnce = async (): Promise<ReconciliationSummary[]> => {
      if (!shop || !second)
        throw new Error(`the ${kind} instances did not start`);
      const services = [
        shop.app.get(ReconciliationService),
        second.get(ReconciliationService),
      ];
      await startOfNextSecond();
      return Promise.all(
        services.map((service) => service.reconcile({ olderThanMs: 0 })),
      );
    };

    it(`${ORDERS} stale orders: each examined by exactly one run, looked up once, settled once`, async () => {
      await shop!.sim.fault({ kind: 'drop_webhook', ratio: 1 });
      orders = await createStaleOrders(shop!, PER_ENDING);
      expect(await statusesOf(shop!, orders)).toEqual({ pending: ORDERS });

      const before = await shop!.sim.stats();
      const runs = await bothAtOnce();
      const after = await shop!.sim.stats();
      const made = (operation: string) =>
        after.calls[operation] - before.calls[operation];
      console.log(
        `two reconciliations at once (${kind}): examined ${runs.map((run) => run.examined).join(' + ')}, ` +
          `batches ${runs.map((run) => run.batch).join(' + ')}, ${made('getPaymentListByImpUid')} lookups, ` +
          `${runs.map((run) => run.durationMs).join(' / ')} ms`,
      );

      // Each order went to one run: the claims split them, the lookups did not double.
      expect(sum(runs, 'examined')).toBe(ORDERS);
      for (const run of runs) expect(run.examined).toBeGreaterThan(0);
      expect(sum(runs, 'failed')).toBe(0);
      expect(sumOutcomes(runs)).toEqual(outcomesOf(orders));
      expect(made('getPaymentListByImpUid')).toBe(sum(runs, 'lookups'));
      // Full batches, but for at most one smaller last batch per run.
      expect(made('getPaymentListByImpUid')).toBeLessThanOrEqual(
        Math.ceil(ORDERS / 100) + runs.length - 1,
      );
      expect(made('getPaymentByImpUid')).toBe(0);
      expect(made('cancelPayment')).toBe(PER_ENDING);
      // Every order ended right, once: one event, one handler run, one refund per forgery.
      expect(sum(runs, 'changed')).toBe(
        ORDERS - stillOpen(orders).length + PER_ENDING,
      );
      expect(await settlementOf(shop!, orders)).toEqual(
        expectedSettlement(orders),
      );
    });

    it('two more runs at once look at each open order once and change nothing', async () => {
      expect(orders).toHaveLength(ORDERS);
      const state = await shopState(shop!);
      const before = await shop!.sim.stats();
      const runs = await bothAtOnce();
      const after = await shop!.sim.stats();

      expect(sum(runs, 'examined')).toBe(stillOpen(orders).length);
      expect(sum(runs, 'changed')).toBe(0);
      expect(sum(runs, 'failed')).toBe(0);
      expect(sumOutcomes(runs)).toEqual(outcomesOf(orders, 'againOutcome'));
      expect(after.calls.cancelPayment).toBe(before.calls.cancelPayment);
      expect(await shopState(shop!)).toEqual(state);
    });
  },
);
