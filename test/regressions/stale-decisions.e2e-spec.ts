import {
  DATABASE_KINDS,
  type FreshDatabase,
  freshDatabase,
} from '../support/databases.js';
import {
  type SampleProcess,
  printOutputOnFailure,
  startSampleProcesses,
  stopAll,
} from '../support/sample-process.js';
import { SimulatorControl } from '../support/simulator-control.js';
import { AppClient, simPayments } from '../reliability/harness.js';

const ROUNDS = 20;
const AMOUNT = 30_000;

/**
 * Class 2 of issue 9: a decision written onto an order that changed after it
 * was read. Two payments of one order verified at the same moment by two
 * processes: the write must be a compare-and-set on exactly the state the
 * decision read, so one settles the order and the other is refunded.
 */
describe.each(DATABASE_KINDS)(
  'decisions written only onto the state they read, 2 processes on %s',
  (kind) => {
    let sim: SimulatorControl;
    let database: FreshDatabase;
    let apps: SampleProcess[] = [];
    let clients: AppClient[] = [];

    beforeAll(async () => {
      sim = await SimulatorControl.start();
      database = await freshDatabase(kind);
      apps = await startSampleProcesses(2, {
        databaseUrl: database.url,
        iamportApiUrl: sim.url,
        env: { LOG_LEVEL: 'warn' },
      });
      clients = apps.map((app) => new AppClient(app.url));
    });
    afterAll(async () => {
      clients.forEach((client) => client.close());
      await stopAll(apps);
      await sim?.close();
      await database?.drop();
    });
    printOutputOnFailure(() => apps);

    it(`P1 paid in full and P2 paid then partly refunded, verified at once (${ROUNDS} orders): one settles, the other is refunded`, async () => {
      const rounds = await Promise.all(
        Array.from({ length: ROUNDS }, async () => {
          const merchantUid = await clients[0].createOrder('Set', AMOUNT);
          const p1 = await sim.createPayment({
            merchant_uid: merchantUid,
            amount: AMOUNT,
          });
          const p2 = await sim.createPayment({
            merchant_uid: merchantUid,
            amount: AMOUNT,
          });
          await sim.cancelInConsole(p2.imp_uid, {
            amount: 5000,
            webhook: false,
          });
          const answers = await Promise.all([
            clients[0].webhook(p1.imp_uid, merchantUid),
            clients[1].webhook(p2.imp_uid, merchantUid, 'cancelled'),
          ]);
          return {
            merchantUid,
            payments: [p1.imp_uid as string, p2.imp_uid as string],
            answers,
          };
        }),
      );
      const payments = await simPayments(sim);
      const problems: string[] = [];
      for (const round of rounds) {
        expect(round.answers.map((answer) => answer.status)).toEqual([
          200, 200,
        ]);
        const order = (
          await clients[0].send('GET', `/orders/${round.merchantUid}`)
        ).body as { status: string; imp_uid: string; cancelled_amount: number };
        const settling = payments.get(order.imp_uid);
        const other = round.payments.find((impUid) => impUid !== order.imp_uid);
        const held = (impUid: string | undefined) => {
          const payment = impUid ? payments.get(impUid) : undefined;
          return payment ? payment.amount - payment.cancel_amount : NaN;
        };
        const settled =
          settling !== undefined &&
          ['paid', 'partially_cancelled'].includes(order.status) &&
          order.cancelled_amount === settling.cancel_amount &&
          held(order.imp_uid) > 0;
        if (!settled || held(other) !== 0)
          problems.push(
            `${round.merchantUid}: order ${order.status} by ${order.imp_uid} (cancelled ${order.cancelled_amount}); other payment ${other} holds ${held(other)}`,
          );
      }
      expect(problems).toEqual([]);
    });

    it(`a declined attempt and a virtual account issued at once (${ROUNDS} orders): the account stays live`, async () => {
      const rounds = await Promise.all(
        Array.from({ length: ROUNDS }, async () => {
          const merchantUid = await clients[1].createOrder('Set', AMOUNT);
          const vbank = await sim.createPayment({
            merchant_uid: merchantUid,
            amount: AMOUNT,
            pay_method: 'vbank',
            status: 'ready',
          });
          const declined = await sim.createPayment({
            merchant_uid: merchantUid,
            amount: AMOUNT,
            status: 'failed',
          });
          await Promise.all([
            clients[0].webhook(vbank.imp_uid, merchantUid, 'ready'),
            clients[1].redirect(declined.imp_uid, merchantUid),
          ]);
          return { merchantUid, vbank: vbank.imp_uid as string };
        }),
      );
      const wrong: string[] = [];
      for (const round of rounds) {
        const order = (
          await clients[0].send('GET', `/orders/${round.merchantUid}`)
        ).body as { status: string; imp_uid: string };
        if (order.status !== 'vbank_issued' || order.imp_uid !== round.vbank)
          wrong.push(
            `${round.merchantUid}: ${order.status} by ${order.imp_uid}`,
          );
      }
      expect(wrong).toEqual([]);
    });
  },
);
