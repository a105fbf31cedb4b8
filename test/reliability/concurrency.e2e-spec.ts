import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  DATABASE_KINDS,
  type FreshDatabase,
  freshDatabase,
} from '../support/databases.js';
import {
  printOutputOnFailure,
  type SampleProcess,
  startSampleProcesses,
  stopAll,
} from '../support/sample-process.js';
import { SimulatorControl } from '../support/simulator-control.js';
import {
  type Answer,
  AppClient,
  inPool,
  paidPayment,
  ShopDatabase,
  simPayments,
  type RedirectAnswer,
  type WebhookAnswer,
} from './harness.js';

const PROCESSES = 3;
const ORDERS = 200;
/** Every 10th order is paid with a forged amount (20), every 20th (offset 5) twice (10). */
const isForged = (index: number) => index % 10 === 0;
const isDuplicated = (index: number) => index % 20 === 5;
const FORGED_AMOUNT = 100;
/** Per payment: the redirect, the webhook and two duplicate webhooks, on different processes. */
const REQUESTS_PER_PAYMENT = 4;
const IN_FLIGHT = 64;

const ARTIFACTS = fileURLToPath(
  new URL('../../test-artifacts/', import.meta.url),
);

type Kind = 'honest' | 'forged' | 'duplicated';

interface PlannedOrder {
  index: number;
  kind: Kind;
  merchantUid: string;
  amount: number;
  /** imp_uids, in the order they were made (two for a duplicated order). */
  payments: string[];
}

interface Shot {
  order: PlannedOrder;
  impUid: string;
  route: 'redirect' | 'webhook';
  app: number;
}

/** A description of every item that is not as expected (empty when all are). */
function problems<T>(
  items: readonly T[],
  check: (item: T) => string | null,
): string[] {
  return items.flatMap((item) => {
    const problem = check(item);
    return problem === null ? [] : [problem];
  });
}

interface Hit extends Shot {
  answer: Answer<WebhookAnswer | RedirectAnswer>;
}

describe.each(DATABASE_KINDS)('exactly once across processes on %s', (kind) => {
  let sim: SimulatorControl | undefined;
  let database: FreshDatabase | undefined;
  let apps: SampleProcess[] = [];
  let clients: AppClient[] = [];
  let db: ShopDatabase | undefined;

  beforeAll(async () => {
    // No webhook URL: the test sends every webhook itself.
    sim = await SimulatorControl.start();
    database = await freshDatabase(kind);
    apps = await startSampleProcesses(PROCESSES, {
      databaseUrl: database.url,
      iamportApiUrl: sim.url,
      name: `${kind}-app`,
    });
    clients = apps.map((app) => new AppClient(app.url));
    db = await ShopDatabase.open(database.url);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await stopAll(apps);
    await db?.close();
    await sim?.close();
    await database?.drop();
  });

  printOutputOnFailure(() => apps);

  it(
    `${ORDERS} orders, ${PROCESSES} processes: every transition, refund and handler happens once`,
    {
      timeout: 60_000,
    },
    async () => {
      const simulator = sim!;
      const shop = db!;

      // 1. Orders, spread over the processes, and their payments in the simulator.
      const orders = await inPool(
        Array.from({ length: ORDERS }, (_, index) => index),
        IN_FLIGHT,
        async (index): Promise<PlannedOrder> => {
          const amount = 10_000 + index * 100;
          const merchantUid = await clients[index % PROCESSES].createOrder(
            `Reliability ${index}`,
            amount,
          );
          const kind: Kind = isForged(index)
            ? 'forged'
            : isDuplicated(index)
              ? 'duplicated'
              : 'honest';
          const payments = [
            await paidPayment(
              simulator,
              merchantUid,
              kind === 'forged' ? FORGED_AMOUNT : amount,
            ),
          ];
          if (kind === 'duplicated')
            payments.push(await paidPayment(simulator, merchantUid, amount));
          return { index, kind, merchantUid, amount, payments };
        },
      );
      const forged = orders.filter((order) => order.kind === 'forged');
      const duplicated = orders.filter((order) => order.kind === 'duplicated');
      const payments = orders.flatMap((order) => order.payments);
      expect(forged).toHaveLength(20);
      expect(duplicated).toHaveLength(10);
      expect(new Set(payments).size).toBe(ORDERS + duplicated.length);

      // 2. Every notification of an order next to each other, so that they are in flight together:
      //    the redirect and three webhooks per payment (both payments of a duplicated order
      //    interleaved), each payment's four on every process in turn.
      const shots: Shot[] = [];
      let paymentNumber = 0;
      for (const order of orders) {
        const perPayment = order.payments.map((impUid) => {
          const first = paymentNumber++;
          return Array.from(
            { length: REQUESTS_PER_PAYMENT },
            (_, request): Shot => ({
              order,
              impUid,
              route: request === 0 ? 'redirect' : 'webhook',
              app: (first + request) % PROCESSES,
            }),
          );
        });
        for (let request = 0; request < REQUESTS_PER_PAYMENT; request++)
          for (const list of perPayment) shots.push(list[request]);
      }
      const started = performance.now();
      const hits = await inPool(
        shots,
        IN_FLIGHT,
        async (shot): Promise<Hit> => {
          const client = clients[shot.app];
          const answer =
            shot.route === 'redirect'
              ? await client.redirect(shot.impUid, shot.order.merchantUid)
              : await client.webhook(shot.impUid, shot.order.merchantUid);
          return { ...shot, answer };
        },
      );
      const seconds = (performance.now() - started) / 1000;

      // 3. What came of it: the database, the simulator, the processes' logs.
      const stored = new Map(
        (await shop.orders()).map((order) => [order.merchantUid, order]),
      );
      const winners = new Map(
        orders.map((order) => [
          order.merchantUid,
          stored.get(order.merchantUid)?.impUid ?? null,
        ]),
      );
      const held = await simPayments(simulator);
      const refunds = payments.reduce(
        (sum, impUid) => sum + (held.get(impUid)?.cancel_history.length ?? 0),
        0,
      );
      const events = await shop.outbox();
      const handled = await shop.handledEvents();
      const notifications = await shop.notifications();
      const changedRows = notifications.filter((row) => row.changed);
      const handlerFailures = apps.flatMap((app) =>
        app
          .output()
          .split('\n')
          .filter((line) => /\[IamportEvents\].* failed for /.test(line)),
      );
      const stats = await simulator.stats();

      // 4. The figures, for the README (written before the assertions, so that a failure still has them).
      const figures = {
        database: kind,
        processes: PROCESSES,
        orders: ORDERS,
        payments: payments.length,
        forged: forged.length,
        duplicates: duplicated.length,
        requests: hits.length,
        inFlight: IN_FLIGHT,
        seconds: Number(seconds.toFixed(2)),
        transitions: events.length,
        refunds,
        changedRequests: changedRows.length,
        duplicatesAbsorbed: notifications.length - changedRows.length,
        handlerRuns: handled.length,
        handlerFailures: handlerFailures.length,
        undeliveredEvents: events.filter((event) => event.deliveredAt === null)
          .length,
        paymentLookups: stats.calls.getPaymentByImpUid ?? 0,
        refundCalls: stats.calls.cancelPayment ?? 0,
      };
      console.log(
        `concurrency figures: ${kind}: ${figures.payments} payments (${figures.forged} forged, ` +
          `${figures.duplicates} duplicates) on ${figures.orders} orders, ${figures.processes} processes, ` +
          `${figures.requests} requests (${figures.inFlight} in flight) in ${figures.seconds} s; ` +
          `${figures.transitions} transitions, ${figures.refunds} refunds, ` +
          `${figures.duplicatesAbsorbed} duplicates absorbed (requests that changed nothing), ` +
          `${figures.handlerRuns} handler runs, ${figures.handlerFailures} handler failures; ` +
          `${figures.paymentLookups} payment lookups, ${figures.refundCalls} refund calls`,
      );
      mkdirSync(ARTIFACTS, { recursive: true });
      writeFileSync(
        `${ARTIFACTS}concurrency-${kind}.json`,
        `${JSON.stringify(figures, null, 2)}\n`,
      );

      // 5. Every request was answered 200, about its own payment, with the outcome of its order.
      const isWinner = (order: PlannedOrder, impUid: string) =>
        order.kind !== 'forged' && winners.get(order.merchantUid) === impUid;
      expect
        .soft(
          problems(hits, (hit) => {
            const { status, body } = hit.answer;
            const outcome = String(body?.outcome);
            const expected =
              hit.order.kind === 'forged'
                ? ['forgery']
                : isWinner(hit.order, hit.impUid)
                  ? ['paid']
                  : // The losing duplicate: refused as such, or (once refunded) read as cancelled.
                    ['duplicate_payment', 'cancelled'];
            return status !== 200 ||
              body?.merchant_uid !== hit.order.merchantUid ||
              body?.imp_uid !== hit.impUid ||
              !expected.includes(outcome)
              ? `${hit.route} of ${hit.impUid} on app ${hit.app + 1}: ${status} ${JSON.stringify(body)}`
              : null;
          }),
          'answers',
        )
        .toEqual([]);
      expect(new Set(hits.map((hit) => `${hit.impUid} ${hit.app}`)).size).toBe(
        payments.length * PROCESSES,
      );

      // 6. Each order settled by exactly one of its payments (an honest one), forged ones refused.
      expect(stored.size).toBe(ORDERS);
      expect
        .soft(
          problems(orders, (order) => {
            const row = stored.get(order.merchantUid);
            const expected =
              order.kind === 'forged'
                ? {
                    status: 'forgery_cancelled',
                    impUid: order.payments[0],
                    cancelledAmount: FORGED_AMOUNT,
                  }
                : {
                    status: 'paid',
                    // Both payments of a duplicated order raced: whichever won settles it.
                    impUid:
                      order.kind === 'duplicated' &&
                      order.payments.includes(row?.impUid ?? '')
                        ? row?.impUid
                        : order.payments[0],
                    cancelledAmount: 0,
                  };
            const actual = {
              status: row?.status,
              impUid: row?.impUid,
              cancelledAmount: row?.cancelledAmount,
            };
            return JSON.stringify(actual) === JSON.stringify(expected)
              ? null
              : `${order.kind} ${order.merchantUid}: ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`;
          }),
          'orders',
        )
        .toEqual([]);
      expect
        .soft(await shop.sharedImpUids(), 'imp_uids on two orders')
        .toEqual([]);

      // 7. The money: forged payments and losing duplicates refunded once, in full; nothing else.
      expect
        .soft(
          problems(orders, (order) => {
            const wrong = order.payments.flatMap((impUid) => {
              const payment = held.get(impUid);
              const refunded = !isWinner(order, impUid);
              const history = payment?.cancel_history.map(
                (entry) => entry.amount,
              );
              const ok = refunded
                ? payment?.cancel_amount === payment?.amount &&
                  history?.length === 1 &&
                  history[0] === payment?.amount
                : payment?.cancel_amount === 0 && history?.length === 0;
              return ok
                ? []
                : [
                    `${impUid} (${refunded ? 'to refund' : 'to keep'}): ${payment?.status}, cancel_amount ${payment?.cancel_amount} of ${payment?.amount}, refunds ${JSON.stringify(history)}`,
                  ];
            });
            return wrong.length
              ? `${order.kind} ${order.merchantUid}: ${wrong.join('; ')}`
              : null;
          }),
          'refunds',
        )
        .toEqual([]);
      expect.soft(refunds).toBe(forged.length + duplicated.length);

      // 8. The notification log: one row per request; each change reported by the request that made it.
      expect.soft(notifications).toHaveLength(hits.length);
      let forgeriesReportedTwice = 0;
      expect
        .soft(
          problems(orders, (order) => {
            const winner = winners.get(order.merchantUid);
            const changes = changedRows
              .filter((row) => row.merchantUid === order.merchantUid)
              .map((row) => `${row.impUid}:${row.outcome}`)
              .sort();
            let expected: string[][];
            if (order.kind === 'honest') expected = [[`${winner}:paid`]];
            else if (order.kind === 'duplicated') {
              // The winner's transition and the loser's refund: necessarily two requests.
              const loser = order.payments.find((impUid) => impUid !== winner);
              expected = [
                [`${winner}:paid`, `${loser}:duplicate_payment`].sort(),
              ];
            } else {
              // The refund and the transition: one request did both, or two requests one each.
              const forgery = `${order.payments[0]}:forgery`;
              expected = [[forgery], [forgery, forgery]];
              if (changes.length === 2) forgeriesReportedTwice++;
            }
            return expected.some(
              (candidate) =>
                JSON.stringify(candidate) === JSON.stringify(changes),
            )
              ? null
              : `${order.kind} ${order.merchantUid}: changed by ${JSON.stringify(changes)}`;
          }),
          'changed notifications',
        )
        .toEqual([]);
      // Each transition and each refund reported once (a request that refunded a forged
      // payment and moved its order reports both in one row).
      expect
        .soft(changedRows.length)
        .toBe(events.length + duplicated.length + forgeriesReportedTwice);
      expect.soft(changedRows.length).toBeGreaterThanOrEqual(events.length);
      expect
        .soft(changedRows.length)
        .toBeLessThanOrEqual(events.length + refunds);
      expect
        .soft(notifications.filter((row) => row.outcome === 'unconfirmed'))
        .toEqual([]);

      // 9. One outbox event per transition (one per order), of the winning payment.
      expect.soft(events).toHaveLength(ORDERS);
      expect
        .soft(
          problems(orders, (order) => {
            const own = events.filter(
              (event) => event.merchantUid === order.merchantUid,
            );
            const type = order.kind === 'forged' ? 'forgery' : 'paid';
            return own.length === 1 &&
              own[0].type === type &&
              own[0].impUid === winners.get(order.merchantUid)
              ? null
              : `${order.kind} ${order.merchantUid}: ${JSON.stringify(own.map((event) => [event.type, event.impUid]))}`;
          }),
          'outbox events',
        )
        .toEqual([]);

      // 10. …delivered right after its commit by the process that won, its handler run once.
      expect.soft(handlerFailures, 'handlers that failed').toEqual([]);
      expect
        .soft(
          events
            .filter(
              (event) => event.deliveredAt === null || event.attempts !== 0,
            )
            .map(
              (event) =>
                `${event.type} of ${event.merchantUid}: delivered_at ${String(event.deliveredAt)}, ${event.attempts} redelivery attempts`,
            ),
          'events not delivered at once',
        )
        .toEqual([]);
      expect
        .soft(
          problems(events, (event) => {
            const rows = handled
              .filter((row) => row.eventId === event.id)
              .map((row) => `${row.handler}×${row.deliveries}`);
            const handler = event.type === 'forgery' ? 'hold' : 'ship';
            return JSON.stringify(rows) === JSON.stringify([`${handler}×1`])
              ? null
              : `${event.type} of ${event.merchantUid}: handled ${JSON.stringify(rows)}`;
          }),
          'handled events',
        )
        .toEqual([]);
      expect.soft(handled).toHaveLength(ORDERS);
      expect
        .soft(
          problems(orders, (order) => {
            const fulfilment = stored.get(order.merchantUid)?.fulfilment;
            const expected = order.kind === 'forged' ? 'held' : 'ready_to_ship';
            return fulfilment === expected
              ? null
              : `${order.kind} ${order.merchantUid}: fulfilment ${fulfilment}, expected ${expected}`;
          }),
          'fulfilment',
        )
        .toEqual([]);
    },
  );
});
