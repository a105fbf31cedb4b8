import { IAMPORT_DEFAULTS, ReconciliationService } from 'nestjs-iamport';
import { In, IsNull, Not } from 'typeorm';
import { OrderEntity } from '../../apps/sample/src/persistence/order.entity.js';
import { TypeOrmReconciliationRepository } from '../../apps/sample/src/persistence/typeorm-reconciliation.repository.js';
import { type FreshDatabase, freshDatabase } from '../support/databases.js';
import {
  type SampleApp,
  startSampleApp,
} from '../support/sample-app.fixture.js';
import {
  changedBy,
  createStaleOrders,
  ENDING_NAMES,
  ENDINGS,
  expectedSettlement,
  inClaimOrder,
  settlementOf,
  type StaleOrder,
  statusesOf,
  stillOpen,
  sweptOf,
  untouched,
  SWEEP_LISTINGS,
} from './stale-orders.js';

const PER_ENDING = 20;
const ORDERS = PER_ENDING * ENDING_NAMES.length; // 160: two batches

/** A shop on a fresh PostgreSQL database with `ORDERS` stale orders of every ending (every webhook dropped). */
function useStaleShop(): {
  readonly shop: SampleApp;
  readonly orders: StaleOrder[];
} {
  let database: FreshDatabase | undefined;
  let shop: SampleApp | undefined;
  let orders: StaleOrder[] = [];
  beforeAll(async () => {
    database = await freshDatabase('postgres');
    shop = await startSampleApp({
      databaseUrl: database.url,
      env: { RECONCILE_INTERVAL_SECONDS: '0' },
    });
    await shop.sim.fault({ kind: 'drop_webhook', ratio: 1 });
    orders = await createStaleOrders(shop, PER_ENDING);
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
      if (!shop) throw new Error('the shop did not start');
      return shop;
    },
    get orders() {
      return orders;
    },
  };
}

/** The orders a run has looked at (reconciled_at set), and the others. */
async function splitByReconciled(
  shop: SampleApp,
  orders: readonly StaleOrder[],
): Promise<{ looked: StaleOrder[]; left: StaleOrder[]; ids: number[] }> {
  const rows = await shop.dataSource.getRepository(OrderEntity).find({
    where: {
      merchantUid: In(orders.map((order) => order.merchantUid)),
      reconciledAt: Not(IsNull()),
    },
    select: { id: true, merchantUid: true },
    order: { id: 'ASC' },
  });
  const looked = new Set(rows.map((row) => row.merchantUid));
  return {
    looked: orders.filter((order) => looked.has(order.merchantUid)),
    left: orders.filter((order) => !looked.has(order.merchantUid)),
    ids: rows.map((row) => row.id),
  };
}

async function lowestIds(shop: SampleApp, count: number): Promise<number[]> {
  const rows = await shop.dataSource
    .getRepository(OrderEntity)
    .find({ select: { id: true }, order: { id: 'ASC' }, take: count });
  return rows.map((row) => row.id);
}

const only = (map: Map<string, string>, orders: readonly StaleOrder[]) =>
  new Map(
    orders.map((order) => [order.merchantUid, map.get(order.merchantUid)]),
  );

describe('reconciliation resumed after an interruption (postgres)', () => {
  const stale = useStaleShop();

  it('a run stopped after 100 orders, then a full run: every order examined and settled once', async () => {
    const { shop, orders } = stale;
    expect(await statusesOf(shop, orders)).toEqual({ pending: ORDERS });
    const service = shop.app.get(ReconciliationService);

    // Stopped after its first batch: it never reached the sweep (a run that sweeps would settle
    // the paid payments of the orders it did not claim).
    const first = await service.reconcile({
      olderThanMs: 0,
      maxOrders: 100,
      sweepWindowMs: 0,
    });
    const afterFirst = await splitByReconciled(shop, orders);
    expect(first).toMatchObject({
      examined: 100,
      batch: 1,
      lookups: 100,
      changed: changedBy(afterFirst.looked),
      failed: 0,
      swept: { listed: 0, verified: 0, failed: 0 },
    });
    // The oldest 100 were looked at and settled; the rest were not touched at all.
    expect(afterFirst.ids).toEqual(await lowestIds(shop, 100));
    const settlement = await settlementOf(shop, orders);
    expect(only(settlement, afterFirst.looked)).toEqual(
      expectedSettlement(afterFirst.looked),
    );
    expect(only(settlement, afterFirst.left)).toEqual(
      untouched(afterFirst.left),
    );

    const reconciledAt = new Map(
      (await shop.dataSource.getRepository(OrderEntity).find()).map((row) => [
        row.merchantUid,
        row.reconciledAt?.toISOString(),
      ]),
    );
    const second = await service.reconcile({ olderThanMs: 0 });
    // The rest, and (a new run is a new window) the orders the first run left open.
    const reopened = stillOpen(afterFirst.looked);
    const examined = afterFirst.left.length + reopened.length;
    expect(second).toMatchObject({
      examined,
      lookups: examined + SWEEP_LISTINGS,
      changed: changedBy(afterFirst.left),
      failed: 0,
      swept: { listed: sweptOf(orders), verified: 0, failed: 0 },
      unaccounted: [],
    });
    expect(await settlementOf(shop, orders)).toEqual(
      expectedSettlement(orders),
    );
    // What the first run settled was not looked at again.
    const settledFirst = afterFirst.looked.filter(
      (order) => !reopened.includes(order),
    );
    const rows = await shop.dataSource.getRepository(OrderEntity).findBy({
      merchantUid: In(settledFirst.map((order) => order.merchantUid)),
    });
    expect(rows).toHaveLength(settledFirst.length);
    for (const row of rows)
      expect(row.reconciledAt?.toISOString()).toBe(
        reconciledAt.get(row.merchantUid),
      );
    expect((await shop.sim.stats()).calls.cancelPayment).toBe(PER_ENDING);
  });
});

describe('reconciliation when iamport fails mid-way (postgres)', () => {
  const stale = useStaleShop();

  it('iamport goes down at the second batch: the run ends, counts those orders failed, changes nothing there, and a later run settles everything', async () => {
    const { shop, orders } = stale;
    const service = shop.app.get(ReconciliationService);
    // iamport answers 503 to everything from right before the second batch's lookups on (their
    // retries included), until the run is over: the sweep's listings fail too.
    const repository = shop.app.get(TypeOrmReconciliationRepository);
    const claim = repository.claimStaleOrders.bind(repository);
    let claims = 0;
    repository.claimStaleOrders = async (request) => {
      if (++claims === 2)
        await shop.sim.fault({
          kind: 'http_error',
          operation: '*',
          status: 503,
          ratio: 1,
        });
      return claim(request);
    };
    const before = (await shop.sim.stats()).calls;
    let run;
    try {
      // No backoff, so that the next run may take the failed orders again at once.
      run = await service.reconcile({ olderThanMs: 0, retryBaseMs: 0 });
    } finally {
      repository.claimStaleOrders = claim;
      await shop.sim.control('DELETE', '/_sim/faults');
      await shop.sim.fault({ kind: 'drop_webhook', ratio: 1 });
    }
    const after = (await shop.sim.stats()).calls;
    const made = (operation: string) =>
      (after[operation] ?? 0) - (before[operation] ?? 0);

    // The first batch is settled; the second, which could not be verified, is untouched.
    const { looked, left } = await splitByReconciled(shop, orders);
    const inFirstBatch = new Set(
      (await inClaimOrder(shop, orders))
        .slice(0, 100)
        .map((order) => order.merchantUid),
    );
    const first = orders.filter((order) => inFirstBatch.has(order.merchantUid));
    const failed = orders.filter(
      (order) => !inFirstBatch.has(order.merchantUid),
    );
    // It says so, and it ended: every order was claimed once, the failed ones marked attempted.
    expect(run).toMatchObject({
      examined: ORDERS,
      batch: 2,
      // Only the calls iamport answered: the first batch's.
      lookups: 100,
      changed: changedBy(first),
      failed: ORDERS - 100,
      swept: { listed: 0, verified: 0, failed: SWEEP_LISTINGS },
    });
    const attempts = 1 + IAMPORT_DEFAULTS.maxRetries;
    expect({
      getAllPaymentsByMerchantUid: made('getAllPaymentsByMerchantUid'),
      getPaymentsByStatus: made('getPaymentsByStatus'),
      cancelPayment: made('cancelPayment'),
    }).toEqual({
      getAllPaymentsByMerchantUid: 100 + failed.length * attempts,
      getPaymentsByStatus: SWEEP_LISTINGS * attempts,
      cancelPayment: first.filter((order) => order.ending === 'forged').length,
    });
    expect([looked.length, left.length]).toEqual([ORDERS, 0]);
    const settlement = await settlementOf(shop, orders);
    expect(only(settlement, first)).toEqual(expectedSettlement(first));
    expect(only(settlement, failed)).toEqual(untouched(failed));
    // Each failed order counts one failure, and may be tried again from its attempt on.
    const rows = await shop.dataSource.getRepository(OrderEntity).find({
      where: { merchantUid: In(orders.map((order) => order.merchantUid)) },
    });
    const backoff = (row: OrderEntity) =>
      inFirstBatch.has(row.merchantUid)
        ? [row.reconcileFailures, row.reconcileRetryAfter]
        : [
            row.reconcileFailures,
            row.reconcileRetryAfter?.getTime() === row.reconciledAt?.getTime(),
          ];
    expect(rows.map(backoff)).toEqual(
      rows.map((row) =>
        inFirstBatch.has(row.merchantUid) ? [0, null] : [1, true],
      ),
    );

    // iamport is back: the next run settles every order.
    const later = await service.reconcile({ olderThanMs: 0 });
    const examined = failed.length + stillOpen(first).length;
    expect(later).toMatchObject({
      examined,
      lookups: examined + SWEEP_LISTINGS,
      changed: changedBy(failed),
      failed: 0,
      swept: { listed: sweptOf(orders), verified: 0, failed: 0 },
      unaccounted: [],
    });
    expect(await settlementOf(shop, orders)).toEqual(
      expectedSettlement(orders),
    );
    expect((await shop.sim.stats()).calls.cancelPayment).toBe(
      orders.filter((order) => ENDINGS[order.ending].refunded > 0).length,
    );
    // Settled: the failures are cleared.
    const cleared = await shop.dataSource.getRepository(OrderEntity).find({
      where: { merchantUid: In(failed.map((order) => order.merchantUid)) },
    });
    expect(
      cleared.map((row) => [row.reconcileFailures, row.reconcileRetryAfter]),
    ).toEqual(failed.map(() => [0, null]));
  });
});
