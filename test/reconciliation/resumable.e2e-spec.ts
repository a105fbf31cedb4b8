import { ReconciliationService } from 'nestjs-iamport';
import { In, IsNull, Not } from 'typeorm';
import { OrderEntity } from '../../apps/sample/src/persistence/order.entity.js';
import { TypeOrmReconciliationRepository } from '../../apps/sample/src/persistence/typeorm-reconciliation.repository.js';
import { type FreshDatabase, freshDatabase } from '../support/databases.js';
import {
  type SampleApp,
  startSampleApp,
} from '../support/sample-app.fixture.js';
import {
  createStaleOrders,
  ENDING_NAMES,
  ENDINGS,
  expectedSettlement,
  settlementOf,
  type StaleOrder,
  statusesOf,
  stillOpen,
  untouched,
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

    const first = await service.reconcile({ olderThanMs: 0, maxOrders: 100 });
    expect(first).toMatchObject({ examined: 100, batch: 1, failed: 0 });
    const afterFirst = await splitByReconciled(shop, orders);
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
    expect(second).toMatchObject({
      examined: afterFirst.left.length + reopened.length,
      failed: 0,
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
    for (const row of rows)
      expect(row.reconciledAt?.toISOString()).toBe(
        reconciledAt.get(row.merchantUid),
      );
    expect((await shop.sim.stats()).calls.cancelPayment).toBe(PER_ENDING);
  });
});

describe('reconciliation when iamport fails mid-way (postgres)', () => {
  const stale = useStaleShop();

  it('the run fails at its second batch, changes nothing there, and a later run settles everything', async () => {
    const { shop, orders } = stale;
    const service = shop.app.get(ReconciliationService);
    // iamport breaks right before the second batch's lookup (the first attempt and both retries).
    const repository = shop.app.get(TypeOrmReconciliationRepository);
    const claim = repository.claimStaleOrders.bind(repository);
    let claims = 0;
    repository.claimStaleOrders = async (request) => {
      if (++claims === 2)
        await shop.sim.fault({
          kind: 'http_error',
          operation: 'getPaymentListByImpUid',
          status: 503,
          times: 3,
        });
      return claim(request);
    };
    let failure: unknown = null;
    let failedOrders = 0;
    try {
      failedOrders = (await service.reconcile({ olderThanMs: 0 })).failed;
    } catch (error) {
      failure = error;
    } finally {
      repository.claimStaleOrders = claim;
      await shop.sim.control('DELETE', '/_sim/faults');
      await shop.sim.fault({ kind: 'drop_webhook', ratio: 1 });
    }
    // It says so: it throws (or reports failed orders).
    if (failure === null) expect(failedOrders).toBeGreaterThan(0);
    else
      expect(failure instanceof Error ? failure.message : failure).toMatch(
        /getPaymentListByImpUid.*503/,
      );

    // The first batch is settled; the second, which could not be verified, is untouched.
    const { looked, left } = await splitByReconciled(shop, orders);
    expect([looked.length, left.length]).toEqual([100, ORDERS - 100]);
    const settlement = await settlementOf(shop, orders);
    expect(only(settlement, looked)).toEqual(expectedSettlement(looked));
    expect(only(settlement, left)).toEqual(untouched(left));
    const refunds = looked.filter((order) => order.ending === 'forged').length;
    expect((await shop.sim.stats()).calls.cancelPayment).toBe(refunds);

    // iamport is back: the next run settles every order.
    const later = await service.reconcile({ olderThanMs: 0 });
    expect(later).toMatchObject({
      examined: left.length + stillOpen(looked).length,
      failed: 0,
    });
    expect(await settlementOf(shop, orders)).toEqual(
      expectedSettlement(orders),
    );
    expect((await shop.sim.stats()).calls.cancelPayment).toBe(
      orders.filter((order) => ENDINGS[order.ending].refunded > 0).length,
    );
  });
});
