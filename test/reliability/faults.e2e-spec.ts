import { type FreshDatabase, freshDatabase } from '../support/databases.js';
import {
  printOutputOnFailure,
  type SampleProcess,
  startSampleProcess,
  stopAll,
} from '../support/sample-process.js';
import {
  type FaultRequest,
  SimulatorControl,
} from '../support/simulator-control.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { AppClient, paidPayment, ShopDatabase } from './harness.js';

const AMOUNT = 27_000;
const LOOKUP = 'getPaymentByImpUid';
/** The module's defaults, which the sample app keeps: 2 retries of a lookup, 5 s per attempt. */
const MAX_RETRIES = 2;
const TIMEOUT_MS = 5_000;
/** Every fault hits more lookups than one webhook makes. */
const FAULT_TIMES = MAX_RETRIES + 2;

/** The simulator, the sample app as a process, and a client of it. */
interface Stack {
  sim: SimulatorControl;
  app: SampleProcess;
  client: AppClient;
  close(): Promise<void>;
}

async function startStack(databaseUrl: string, name: string): Promise<Stack> {
  const sim = await SimulatorControl.start();
  let app: SampleProcess;
  try {
    app = await startSampleProcess({
      databaseUrl,
      iamportApiUrl: sim.url,
      name,
    });
  } catch (error) {
    await sim.close();
    throw error;
  }
  const client = new AppClient(app.url);
  return {
    sim,
    app,
    client,
    async close() {
      client.close();
      await stopAll([app]);
      await sim.close();
    },
  };
}

describe('faults over real HTTP (sample app process, PostgreSQL behind a proxy)', () => {
  let database: FreshDatabase | undefined;
  let proxy: TcpProxy | undefined;
  let db: ShopDatabase | undefined;
  let main: Stack | undefined;
  /** Stacks started by single tests (closed after the suite even if a test failed). */
  const extra: Stack[] = [];

  beforeAll(async () => {
    database = await freshDatabase('postgres');
    proxy = await TcpProxy.start(TcpProxy.targetOf(database.url, 5432));
    main = await startStack(proxy.urlThrough(database.url), 'faults-app');
    db = await ShopDatabase.open(database.url);
  });

  afterAll(async () => {
    const stacks = [main, ...extra].filter(
      (stack): stack is Stack => stack !== undefined,
    );
    await Promise.all(stacks.map((stack) => stack.close()));
    await proxy?.close();
    await db?.close();
    await database?.drop();
  });

  printOutputOnFailure(() => [main?.app, ...extra.map((stack) => stack.app)]);

  /** A new order in the shop and a paid payment of it in the stack's simulator. */
  async function newPayment(stack: Stack, name: string) {
    const merchantUid = await stack.client.createOrder(name, AMOUNT);
    const impUid = await paidPayment(stack.sim, merchantUid, AMOUNT);
    return { merchantUid, impUid };
  }

  /** The order untouched: pending, no payment on it, no event, no handler run. */
  async function expectUntouched(merchantUid: string) {
    expect(await db!.order(merchantUid)).toMatchObject({
      status: 'pending',
      impUid: null,
      fulfilment: 'none',
    });
    expect(await db!.outbox(merchantUid)).toEqual([]);
    expect(await db!.handledEvents(merchantUid)).toEqual([]);
  }

  /** The order paid by `impUid`, its one event delivered, its handler run once. */
  async function expectPaidOnce(merchantUid: string, impUid: string) {
    expect(await db!.order(merchantUid)).toMatchObject({
      status: 'paid',
      impUid,
      fulfilment: 'ready_to_ship',
    });
    const events = await db!.outbox(merchantUid);
    expect(
      events.map(({ type, impUid: paidBy }) => ({ type, paidBy })),
    ).toEqual([{ type: 'paid', paidBy: impUid }]);
    expect(events[0].deliveredAt).toBeInstanceOf(Date);
    expect(
      (await db!.handledEvents(merchantUid)).map(
        ({ eventId, handler, deliveries }) => ({
          eventId,
          handler,
          deliveries,
        }),
      ),
    ).toEqual([{ eventId: events[0].id, handler: 'ship', deliveries: 1 }]);
  }

  const paidAnswer = (
    merchantUid: string,
    impUid: string,
    changed: boolean,
  ) => ({
    status: 200,
    body: {
      merchant_uid: merchantUid,
      imp_uid: impUid,
      outcome: 'paid',
      changed,
    },
  });

  /**
   * The webhook of a paid payment while `fault` hits every lookup it makes: 503, as many
   * lookups as the client's policy allows, the order untouched and the failure logged;
   * once the fault is cleared, the same webhook settles the order once.
   */
  async function faultCase(
    stack: Stack,
    fault: FaultRequest,
    expected: { lookups: number; error: string },
  ) {
    const { merchantUid, impUid } = await newPayment(
      stack,
      `Fault ${fault.kind}`,
    );
    await stack.sim.fault({ operation: LOOKUP, times: FAULT_TIMES, ...fault });
    const lookupsBefore = await stack.sim.calls(LOOKUP);
    const tokensBefore = (await stack.sim.stats()).tokens_issued;

    const answer = await stack.client.webhook(impUid, merchantUid);
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ statusCode: 503 });
    expect((await stack.sim.calls(LOOKUP)) - lookupsBefore).toBe(
      expected.lookups,
    );
    await expectUntouched(merchantUid);
    expect(
      (await db!.notifications(merchantUid)).map(
        ({ kind, outcome, changed, error }) => ({
          kind,
          outcome,
          changed,
          error,
        }),
      ),
    ).toEqual([
      {
        kind: 'webhook',
        outcome: 'unconfirmed',
        changed: false,
        error: expect.stringMatching(new RegExp(`^${expected.error}: `)),
      },
    ]);

    await stack.sim.control('DELETE', '/_sim/faults');
    expect(await stack.client.webhook(impUid, merchantUid)).toEqual(
      paidAnswer(merchantUid, impUid, true),
    );
    await expectPaidOnce(merchantUid, impUid);
    // A third time (iamport's duplicate): nothing more.
    expect(await stack.client.webhook(impUid, merchantUid)).toEqual(
      paidAnswer(merchantUid, impUid, false),
    );
    await expectPaidOnce(merchantUid, impUid);
    // Tokens issued while the webhook was handled (ordering, which registers the amount, is before).
    return (await stack.sim.stats()).tokens_issued - tokensBefore;
  }

  it('http_error (503 on every lookup): 3 attempts, 503, nothing changes; then paid once', async () => {
    await faultCase(
      main!,
      { kind: 'http_error', status: 503 },
      { lookups: 1 + MAX_RETRIES, error: 'IamportHttpError' },
    );
  });

  it('reset (the socket is destroyed): 3 attempts, 503, nothing changes; then paid once', async () => {
    await faultCase(
      main!,
      { kind: 'reset' },
      { lookups: 1 + MAX_RETRIES, error: 'IamportNetworkError' },
    );
  });

  it('malformed (200 with a body cut mid-JSON): 3 attempts, 503, nothing changes; then paid once', async () => {
    await faultCase(
      main!,
      { kind: 'malformed' },
      { lookups: 1 + MAX_RETRIES, error: 'IamportMalformedResponseError' },
    );
  });

  it('error_code (HTTP 200 with code != 0 on the lookup): not retried, 503, nothing changes; then paid once', async () => {
    await faultCase(
      main!,
      { kind: 'error_code' },
      { lookups: 1, error: 'IamportResponseError' },
    );
  });

  it('expired_token on every lookup: one refresh and one retry, then 503, nothing changes; then paid once', async () => {
    const tokensIssued = await faultCase(
      main!,
      { kind: 'expired_token' },
      { lookups: 2, error: 'IamportAuthError' },
    );
    // A new token after the first 401, another after the fault expired that one too.
    expect(tokensIssued).toBe(2);
  });

  it('a token that expires between requests is renewed: no 5xx, paid once', async () => {
    const first = await newPayment(main!, 'Token 1');
    expect(await main!.client.webhook(first.impUid, first.merchantUid)).toEqual(
      paidAnswer(first.merchantUid, first.impUid, true),
    );
    // Ordering registers the amount with iamport (a call with the token): expire it afterwards.
    const second = await newPayment(main!, 'Token 2');
    const { tokens_issued: tokensBefore } = await main!.sim.stats();
    const lookupsBefore = await main!.sim.calls(LOOKUP);

    const expired = await main!.sim.expireTokens();
    expect(expired).toMatchObject({ expired: expect.any(Number) });
    expect(
      await main!.client.webhook(second.impUid, second.merchantUid),
    ).toEqual(paidAnswer(second.merchantUid, second.impUid, true));
    // The cached token was refused once (401), renewed, and the lookup repeated.
    expect((await main!.sim.stats()).tokens_issued - tokensBefore).toBe(1);
    expect((await main!.sim.calls(LOOKUP)) - lookupsBefore).toBe(2);
    await expectPaidOnce(second.merchantUid, second.impUid);
  });

  it('expired_token for one lookup: renewed and repeated, no 5xx, paid once', async () => {
    const { merchantUid, impUid } = await newPayment(main!, 'Token fault');
    const { tokens_issued: tokensBefore } = await main!.sim.stats();
    await main!.sim.fault({
      kind: 'expired_token',
      operation: LOOKUP,
      times: 1,
    });
    expect(await main!.client.webhook(impUid, merchantUid)).toEqual(
      paidAnswer(merchantUid, impUid, true),
    );
    expect((await main!.sim.stats()).tokens_issued - tokensBefore).toBe(1);
    await expectPaidOnce(merchantUid, impUid);
  });

  // No answer within the app's 5 s timeout, three times: about 15 s each. The two run at
  // once, each on its own simulator (faults are per simulator) and its own app process.
  describe.concurrent('no answer within the timeout', () => {
    it(
      'latency longer than the timeout: 3 attempts, 503, nothing changes; then paid once',
      {
        timeout: 60_000,
      },
      async () => {
        const stack = await startStack(database!.url, 'latency-app');
        extra.push(stack);
        await faultCase(
          stack,
          { kind: 'latency', latency_ms: TIMEOUT_MS + 1_000 },
          { lookups: 1 + MAX_RETRIES, error: 'IamportTimeoutError' },
        );
      },
    );

    it(
      'timeout (the request is held): 3 attempts, 503, nothing changes; then paid once',
      {
        timeout: 60_000,
      },
      async () => {
        const stack = await startStack(database!.url, 'timeout-app');
        extra.push(stack);
        await faultCase(
          stack,
          { kind: 'timeout' },
          { lookups: 1 + MAX_RETRIES, error: 'IamportTimeoutError' },
        );
      },
    );
  });

  it('the database goes away and comes back: 500 while it is away, nothing changes; settled once when it is back', async () => {
    const { merchantUid, impUid } = await newPayment(main!, 'Database outage');
    const { refused } = proxy!.counts;
    expect(proxy!.openConnections).toBeGreaterThan(0);

    proxy!.cut();
    const answer = await main!.client.webhook(impUid, merchantUid);
    expect(answer.status).toBe(500);
    expect(answer.body).toMatchObject({ statusCode: 500 });
    // The redirect cannot confirm it either: 503 `unconfirmed`, the buyer is told to wait.
    const redirect = await main!.client.redirect(impUid, merchantUid);
    expect(redirect).toMatchObject({
      status: 503,
      body: {
        merchant_uid: merchantUid,
        imp_uid: impUid,
        outcome: 'unconfirmed',
      },
    });
    // The app really tried to reach the database, and it was refused.
    expect(proxy!.counts.refused).toBeGreaterThan(refused);
    await expectUntouched(merchantUid);
    // Nothing could be written, not even the notification log.
    expect(await db!.notifications(merchantUid)).toEqual([]);

    proxy!.restore();
    expect(await main!.client.webhook(impUid, merchantUid)).toEqual(
      paidAnswer(merchantUid, impUid, true),
    );
    await expectPaidOnce(merchantUid, impUid);
    expect(await main!.client.webhook(impUid, merchantUid)).toEqual(
      paidAnswer(merchantUid, impUid, false),
    );
    await expectPaidOnce(merchantUid, impUid);
    expect(
      (await db!.notifications(merchantUid)).map(({ outcome, changed }) => ({
        outcome,
        changed,
      })),
    ).toEqual([
      { outcome: 'paid', changed: true },
      { outcome: 'paid', changed: false },
    ]);
  });
});
