import { type FreshDatabase, freshDatabase } from '../support/databases.js';
import {
  printOutputOnFailure,
  type SampleProcess,
  type SampleProcessSettings,
  startSampleProcess,
  stopAll,
} from '../support/sample-process.js';
import { SimulatorControl } from '../support/simulator-control.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { AppClient, paidPayment, readUntil, ShopDatabase } from './harness.js';

const AMOUNT = 42_000;
/** The paid handler sleeps this long before it ships: the window in which the process dies. */
const SLOW_SHIPPING_MS = 3_000;
/** Events older than this and undelivered are redelivered (by any process, every 5 s). */
const REDELIVERY_DELAY_MS = 1_000;

/** The order, its outbox events and the handlers' journal, read together. */
async function stateOf(db: ShopDatabase, merchantUid: string) {
  const [order, events, handled] = await Promise.all([
    db.order(merchantUid),
    db.outbox(merchantUid),
    db.handledEvents(merchantUid),
  ]);
  return { order, events, handled };
}

describe.each(['postgres', 'sqlite'] as const)(
  'the outbox on %s: a crash between the commit and the handler',
  (kind) => {
    let sim: SimulatorControl | undefined;
    let database: FreshDatabase | undefined;
    let db: ShopDatabase | undefined;
    const processes: SampleProcess[] = [];
    const clients: AppClient[] = [];

    beforeAll(async () => {
      sim = await SimulatorControl.start();
      database = await freshDatabase(kind);
    });

    afterAll(async () => {
      for (const client of clients) client.close();
      await stopAll(processes);
      await db?.close();
      await sim?.close();
      await database?.drop();
    });

    printOutputOnFailure(() => processes);

    const start = async (env: Record<string, string>) => {
      const settings: SampleProcessSettings = {
        databaseUrl: database!.url,
        iamportApiUrl: sim!.url,
        name: `${kind}-app-${processes.length + 1}`,
        env: {
          OUTBOX_REDELIVERY_DELAY_MS: String(REDELIVERY_DELAY_MS),
          ...env,
        },
      };
      const app = await startSampleProcess(settings);
      processes.push(app);
      const client = new AppClient(app.url);
      clients.push(client);
      // The first process has run the migrations: the tables exist now.
      db ??= await ShopDatabase.open(database!.url);
      return { app, client };
    };

    it('SIGKILL while the paid handler runs: the event stays undelivered, the next process delivers it once', async () => {
      const first = await start({
        SHIPPING_DELAY_MS: String(SLOW_SHIPPING_MS),
      });
      const merchantUid = await first.client.createOrder('Crash test', AMOUNT);
      const impUid = await paidPayment(sim!, merchantUid, AMOUNT);

      // The webhook answers only after the handlers: it is still waiting when the process dies.
      const webhook = first.client.webhook(impUid, merchantUid).then(
        (answer) => answer,
        (error: unknown) => error,
      );
      const committed = await readUntil(
        () => stateOf(db!, merchantUid),
        ({ order, events }) => order?.status === 'paid' && events.length > 0,
        10_000,
        20,
      );
      expect(committed.order).toMatchObject({ status: 'paid', impUid });
      expect(committed.events).toHaveLength(1);
      expect(committed.events[0]).toMatchObject({
        type: 'paid',
        impUid,
        deliveredAt: null,
      });

      const killed = await first.app.kill();
      expect(killed.signal).toBe('SIGKILL');
      // The webhook never got its answer (iamport would retry it).
      expect(await webhook).toBeInstanceOf(Error);

      // Committed, not handled: the handler was still sleeping.
      const afterCrash = await stateOf(db!, merchantUid);
      expect(afterCrash.order).toMatchObject({
        status: 'paid',
        impUid,
        fulfilment: 'none',
      });
      expect(afterCrash.events).toHaveLength(1);
      expect(afterCrash.events[0]).toMatchObject({
        id: committed.events[0].id,
        deliveredAt: null,
        attempts: 0,
      });
      expect(afterCrash.handled).toEqual([]);
      expect(first.app.output()).not.toContain('ready to ship');

      // A new process (fast shipping this time) finds the event in the outbox and delivers it.
      const second = await start({ SHIPPING_DELAY_MS: '0' });
      const recovered = await readUntil(
        () => stateOf(db!, merchantUid),
        ({ order, events }) =>
          order?.fulfilment === 'ready_to_ship' &&
          events[0]?.deliveredAt != null,
        15_000,
      );
      expect(recovered.order).toMatchObject({
        status: 'paid',
        impUid,
        fulfilment: 'ready_to_ship',
      });
      expect(recovered.events).toHaveLength(1);
      expect(recovered.events[0]).toMatchObject({
        id: committed.events[0].id,
        attempts: 1,
        leaseOwner: null,
      });
      expect(recovered.events[0].deliveredAt).toBeInstanceOf(Date);
      expect(
        recovered.handled.map(({ eventId, handler, deliveries }) => ({
          eventId,
          handler,
          deliveries,
        })),
      ).toEqual([
        { eventId: committed.events[0].id, handler: 'ship', deliveries: 1 },
      ]);
      expect(second.app.output()).toContain(
        `redelivering paid of ${merchantUid} (event ${committed.events[0].id})`,
      );

      // iamport retries the webhook that never got an answer: nothing more happens.
      const retried = await second.client.webhook(impUid, merchantUid);
      expect(retried).toEqual({
        status: 200,
        body: {
          merchant_uid: merchantUid,
          imp_uid: impUid,
          outcome: 'paid',
          changed: false,
        },
      });
      const settled = await stateOf(db!, merchantUid);
      expect(settled.events).toHaveLength(1);
      expect(settled.handled).toHaveLength(1);
      expect(settled.handled[0].deliveries).toBe(1);
    });
  },
);

describe('the outbox on postgres: a handler that fails is redelivered', () => {
  let sim: SimulatorControl | undefined;
  let database: FreshDatabase | undefined;
  let proxy: TcpProxy | undefined;
  let db: ShopDatabase | undefined;
  let app: SampleProcess | undefined;
  let client: AppClient | undefined;

  beforeAll(async () => {
    sim = await SimulatorControl.start();
    database = await freshDatabase('postgres');
    proxy = await TcpProxy.start(TcpProxy.targetOf(database.url, 5432));
    app = await startSampleProcess({
      databaseUrl: proxy.urlThrough(database.url),
      iamportApiUrl: sim.url,
      name: 'postgres-app-behind-proxy',
      env: {
        SHIPPING_DELAY_MS: String(SLOW_SHIPPING_MS),
        OUTBOX_REDELIVERY_DELAY_MS: String(REDELIVERY_DELAY_MS),
      },
    });
    client = new AppClient(app.url);
    db = await ShopDatabase.open(database.url);
  });

  afterAll(async () => {
    client?.close();
    await stopAll([app]);
    await proxy?.close();
    await db?.close();
    await sim?.close();
    await database?.drop();
  });

  printOutputOnFailure(() => [app]);

  // The app gives no way to make a handler throw, but its database can go away while the
  // handler sleeps: its journal write then fails, as a handler's side effect would.
  it('the database goes away while the paid handler runs: the handler fails, the event is delivered once it is back', async () => {
    const merchantUid = await client!.createOrder('Handler failure', AMOUNT);
    const impUid = await paidPayment(sim!, merchantUid, AMOUNT);

    const webhook = client!.webhook(impUid, merchantUid);
    const committed = await readUntil(
      () => stateOf(db!, merchantUid),
      ({ order, events }) => order?.status === 'paid' && events.length > 0,
      10_000,
      20,
    );
    expect(committed.events).toHaveLength(1);
    proxy!.cut();

    // The transition is committed, but neither the handler nor the notification log could write:
    // the webhook answers 500 so that iamport retries it.
    const answer = await webhook;
    expect(answer.status).toBe(500);
    const failed = await stateOf(db!, merchantUid);
    expect(failed.order).toMatchObject({
      status: 'paid',
      impUid,
      fulfilment: 'none',
    });
    expect(failed.events[0]).toMatchObject({
      id: committed.events[0].id,
      deliveredAt: null,
    });
    expect(failed.handled).toEqual([]);
    expect(app!.output()).toContain(
      `FulfilmentHandlers.ship failed for paid of ${merchantUid}`,
    );

    // Back: the sweep redelivers the event; the handler runs once.
    proxy!.restore();
    const recovered = await readUntil(
      () => stateOf(db!, merchantUid),
      ({ events }) => events[0]?.deliveredAt != null,
      20_000,
    );
    expect(recovered.order).toMatchObject({
      status: 'paid',
      impUid,
      fulfilment: 'ready_to_ship',
    });
    expect(recovered.events).toHaveLength(1);
    expect(recovered.events[0].deliveredAt).toBeInstanceOf(Date);
    expect(recovered.events[0].attempts).toBe(1);
    expect(
      recovered.handled.map(({ eventId, handler, deliveries }) => ({
        eventId,
        handler,
        deliveries,
      })),
    ).toEqual([
      { eventId: committed.events[0].id, handler: 'ship', deliveries: 1 },
    ]);
    expect(app!.output()).toContain(
      `redelivering paid of ${merchantUid} (event ${committed.events[0].id})`,
    );

    // iamport's retry of the webhook that answered 500: settled already, nothing more happens.
    const retried = await client!.webhook(impUid, merchantUid);
    expect(retried).toEqual({
      status: 200,
      body: {
        merchant_uid: merchantUid,
        imp_uid: impUid,
        outcome: 'paid',
        changed: false,
      },
    });
    const settled = await stateOf(db!, merchantUid);
    expect(settled.events).toHaveLength(1);
    expect(settled.handled).toHaveLength(1);
  });
});
