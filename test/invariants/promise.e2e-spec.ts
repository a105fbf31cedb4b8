/**
 * The module's central promise, tested against randomised histories:
 *
 *   every payment that holds money either settles its own order exactly
 *   once, or is refunded, or is flagged for a person; nothing is fulfilled
 *   against money iamport no longer holds.
 *
 * Per database (SQLite, PostgreSQL, MariaDB): one in-process simulator and two
 * sample app processes on one database. fast-check generates runs; each run
 * is some simulator faults and INVARIANT_SCENARIOS scenarios played all at
 * once, each an order and a sequence of payments (paid, declined, virtual
 * accounts issued, deposited, revoked, forged amounts, second payments),
 * console refunds (partial, full, webhook on or off) and the redirects and
 * webhooks of all that, duplicated, delayed, reordered or lost, each to
 * either process. About 30 % of the scenarios (INVARIANT_V2_PERCENT, 0 for V1
 * only) pay through PortOne V2 instead: attempts of the order's paymentId
 * (declined ones, then one paid card or deposited virtual account; a second
 * paid attempt is refused by PortOne), forged amounts, test channels (to be
 * refused), partial and full console cancels, redirects with and without
 * `code` (sometimes lying), signed webhooks duplicated, delayed, re-sent out
 * of order or lost, and webhooks with a forged signature (another key, a
 * stale timestamp, a tampered body: each must be answered 401 and change
 * nothing). Then quiescence (every request answered, the outbox
 * delivered), one `main.js reconcile --older-than=0`, quiescence again, and
 * the invariants (invariants.ts) on what the simulator (V1 and V2 control
 * APIs) and the database hold.
 * Violations of every run are collected; the test fails at the end with each
 * kind of violation once, an example in full, and a replay command
 * (test-artifacts/invariants-<database>.txt has every violation).
 *
 * Run it (after `npm run build`):
 *
 *   npx vitest run test/invariants                          # CI size: 8 runs × 25 scenarios per database
 *   npm run test:soak                                       # 40 runs × 40 scenarios per database (about 15 min)
 *   INVARIANT_RUNS=20 INVARIANT_SCENARIOS=40 npx vitest run test/invariants
 *
 * Replay one run (the failure message prints the command with its seed, path and database):
 *
 *   INVARIANT_SEED=123 INVARIANT_PATH=4 INVARIANT_DATABASES=postgres npx vitest run test/invariants/promise.e2e-spec.ts
 *
 * The seed and path give the same scenarios, faults and notification plan;
 * the interleaving of concurrent requests is the machine's, so a race may
 * need a few replays. INVARIANT_SHRINK=1 lets fast-check shrink a failing run
 * (slow: every shrink step is a full run). INVARIANT_TIMEOUT_FAULTS=0 leaves
 * out `timeout` faults (each hit holds a lookup for the client's 5 s).
 * INVARIANT_REPORT_ALL=1 writes every order to the report file, not only
 * those with violations. (The simulator's API faults hit V1's API only.)
 */
import { fc } from '@fast-check/vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type FreshDatabase, freshDatabase } from '../support/databases.js';
import {
  printOutputOnFailure,
  type SampleProcess,
  startSampleProcesses,
  stopAll,
} from '../support/sample-process.js';
import { SimulatorControl } from '../support/simulator-control.js';
import { AppClient } from '../reliability/harness.js';
import {
  checkSignatures,
  checkWorld,
  handlersIn,
  type Violation,
} from './invariants.js';
import {
  examples,
  fullReport,
  type RunRecord,
  summary,
  tally,
} from './report.js';
import {
  figuresOf,
  historiesOf,
  PlanRunner,
  type V2Settings,
  v2WebhooksOf,
} from './runner.js';
import { type RunPlan, runPlanArbitrary } from './scenario.js';
import { readSettings } from './settings.js';
import { reconcileOnce, ShopReader } from './world.js';

const settings = readSettings();
const PROCESSES = 2;
const APP_ENV = {
  RECONCILE_INTERVAL_SECONDS: '0',
  OUTBOX_REDELIVERY_DELAY_MS: '200',
  LOG_LEVEL: 'warn',
};
/** The apps sweep the outbox every 5 s: long enough for two sweeps. */
const OUTBOX_DRAIN_MS = 15_000;
/** What the sample app runs for each event type (read from the source the app was built from). */
const HANDLERS = handlersIn(
  readFileSync(
    new URL(
      '../../apps/sample/src/fulfilment/fulfilment.handlers.ts',
      import.meta.url,
    ),
    'utf8',
  ),
);
const ARTIFACTS = fileURLToPath(
  new URL('../../test-artifacts/', import.meta.url),
);

console.log(
  `invariants: seed ${settings.seed}${settings.seedGiven ? ' (given)' : ''}, ` +
    `${settings.path ? `path ${settings.path}` : `${settings.runs} runs`} × ${settings.scenarios} scenarios, ` +
    `databases ${settings.databases.join(', ')}; handlers ${JSON.stringify(HANDLERS)}`,
);

/** Whether the simulator can revoke a virtual account (`POST /_sim/payments/:imp_uid/revoke`). */
async function canRevoke(sim: SimulatorControl): Promise<boolean> {
  const probe = await sim.createPayment({
    merchant_uid: 'invariants_revoke_probe',
    amount: 1000,
    status: 'ready',
    pay_method: 'vbank',
  });
  const response = await fetch(
    `${sim.url}/_sim/payments/${probe.imp_uid}/revoke`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ webhook: false }),
    },
  );
  await response.arrayBuffer();
  return response.ok;
}

describe.each(settings.databases)('the payment promise on %s', (kind) => {
  let sim: SimulatorControl | undefined;
  let database: FreshDatabase | undefined;
  let apps: SampleProcess[] = [];
  let clients: AppClient[] = [];
  let reader: ShopReader | undefined;
  let revoke = false;
  let appEnv: Record<string, string> = APP_ENV;
  let v2: V2Settings = { webhookSecret: '', storeId: '' };

  beforeAll(async () => {
    sim = await SimulatorControl.start();
    database = await freshDatabase(kind);
    // PortOne V2 at the same simulator (its default secrets); without it each app would start a bundled one.
    appEnv = { ...APP_ENV, PORTONE_V2_API_URL: `${sim.url}/v2` };
    apps = await startSampleProcesses(PROCESSES, {
      databaseUrl: database.url,
      iamportApiUrl: sim.url,
      name: `${kind}-app`,
      env: appEnv,
    });
    clients = apps.map((app) => new AppClient(app.url, { keepAlive: false }));
    reader = await ShopReader.open(database.url);
    revoke = await canRevoke(sim);
    const v2Config = await sim.control<{
      v2WebhookSecret: string;
      v2StoreId: string;
    }>('GET', '/_sim/v2/config');
    v2 = {
      webhookSecret: v2Config.v2WebhookSecret,
      storeId: v2Config.v2StoreId,
    };
  }, 120_000);

  afterAll(async () => {
    await stopAll(apps);
    await reader?.close();
    await sim?.close();
    await database?.drop();
  });

  printOutputOnFailure(() => apps);

  const runs = settings.path ? 1 : settings.runs;
  it(
    `${runs} runs × ${settings.scenarios} scenarios, ${PROCESSES} processes: every payment holding money settles its order, is refunded or is flagged`,
    { timeout: runs * 40_000 + 60_000 },
    async () => {
      const simulator = sim!;
      const shop = reader!;
      const started = performance.now();
      const records: RunRecord[] = [];
      const firstIndex = settings.path
        ? Number(settings.path.split(':')[0])
        : 0;
      let invocation = 0;

      const runOnce = async (
        plan: RunPlan,
        path: string,
        runStarted: number,
      ): Promise<RunRecord> => {
        const runner = new PlanRunner(simulator, clients, v2);
        const logs = await runner.createOrders(plan);
        for (const fault of plan.faults)
          await simulator.fault({
            kind: fault.kind,
            operation: fault.operation,
            ratio: fault.ratio,
            ...(fault.kind === 'latency' ? { latency_ms: 300 } : {}),
          });
        try {
          await runner.act(logs);
        } finally {
          await simulator.control('DELETE', '/_sim/faults');
        }
        const quiescence: Violation[] = logs.flatMap((log) =>
          log.notes
            .filter((note) => note.error !== null)
            .map((note): Violation => ({
              invariant: 'Q',
              merchantUid: log.merchantUid,
              impUid: note.impUid,
              message: `the ${note.route} of ${note.impUid} to app-${note.target + 1} got no HTTP answer: ${note.error}`,
              kind: 'Q: a notification got no HTTP answer',
            })),
        );
        await shop.drainOutbox(OUTBOX_DRAIN_MS);
        const reconcile = await reconcileOnce(apps[0].settings, appEnv);
        if (reconcile.code !== 0)
          quiescence.push({
            invariant: 'Q',
            merchantUid: null,
            impUid: null,
            message: `the reconciliation exited with ${reconcile.code}: ${reconcile.output.split('\n').slice(-15).join('\n')}`,
            kind: `Q: reconciliation exited with ${reconcile.code}`,
          });
        await shop.drainOutbox(OUTBOX_DRAIN_MS);
        const world = await shop.world(
          simulator,
          logs.map((log) => log.merchantUid),
        );
        const created = new Map(
          logs.map((log) => [
            log.merchantUid,
            log.payments.map((payment) => payment.impUid),
          ]),
        );
        return {
          path,
          faults: plan.faults,
          logs,
          world,
          reconcile,
          violations: [
            ...quiescence,
            ...checkWorld(world, created, historiesOf(logs), HANDLERS),
            ...checkSignatures(world, v2WebhooksOf(logs)),
          ],
          ms: Math.round(performance.now() - runStarted),
        };
      };

      const property = fc.asyncProperty(
        runPlanArbitrary({
          processes: PROCESSES,
          scenarios: settings.scenarios,
          revoke,
          timeouts: settings.timeouts,
          v2Percent: settings.v2Percent,
        }),
        async (plan) => {
          const path = settings.shrink
            ? `${settings.path ?? '?'}~${invocation}`
            : settings.path && invocation === 0
              ? settings.path
              : String(firstIndex + invocation);
          invocation++;
          const runStarted = performance.now();
          let record: RunRecord;
          try {
            record = await runOnce(plan, path, runStarted);
          } catch (error) {
            if (settings.shrink) throw error;
            // Recorded, not thrown: the other runs still run, and the end reports this one with the rest.
            record = {
              path,
              faults: plan.faults,
              logs: [],
              world: null,
              reconcile: null,
              violations: [
                {
                  invariant: 'H',
                  merchantUid: null,
                  impUid: null,
                  message: `the run could not be played: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
                  kind: 'H: a run could not be played',
                },
              ],
              ms: Math.round(performance.now() - runStarted),
            };
          }
          records.push(record);
          const figures = figuresOf(record.logs);
          const ledger = record.world?.ledger;
          const dispositions = new Map<string, number>();
          if (ledger?.present)
            for (const row of ledger.rows.values())
              dispositions.set(
                row.disposition,
                (dispositions.get(row.disposition) ?? 0) + 1,
              );
          console.log(
            `invariants ${kind} run ${record.path}: ${record.logs.length} scenarios (${figures.v2Scenarios} V2), ${figures.payments} payments, ` +
              `${figures.notificationsSent} notifications sent (${figures.notificationsLost} lost), ` +
              `${record.violations.length} violations, ${record.ms} ms; ` +
              `ledger: ${ledger?.present ? [...dispositions].map(([name, count]) => `${name} ${count}`).join(', ') || 'empty' : 'missing'}; ` +
              `reconciliation: ${record.reconcile?.summary ?? 'not run'}`,
          );
          // Shrinking needs the property to fail; otherwise every run is collected and judged at the end.
          if (settings.shrink && record.violations.length > 0)
            throw new Error(summary(kind, settings.seed, [record]));
        },
      );
      await fc.assert(property, {
        seed: settings.seed,
        numRuns: runs,
        path: settings.path ?? undefined,
        endOnFailure: !settings.shrink,
      });

      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const all = records.map((record) => figuresOf(record.logs));
      const sum = (key: keyof (typeof all)[number]) =>
        all.reduce((total, figures) => total + figures[key], 0);
      const violations = records.reduce(
        (total, record) => total + record.violations.length,
        0,
      );
      const scenarios = records.reduce(
        (total, record) => total + record.logs.length,
        0,
      );
      console.log(
        `invariants on ${kind}: ${scenarios} scenarios (${sum('v2Scenarios')} V2, ${sum('forgedWebhooks')} forged V2 webhooks), ${records.length} runs, ${PROCESSES} processes, ` +
          `${sum('payments')} payments, ${sum('notificationsSent')} notifications sent ` +
          `(${sum('notificationsLost')} lost, ${sum('notificationsUnanswered')} unanswered), ` +
          `revoke ${revoke ? 'on' : 'not in this simulator'}, ` +
          `${violations} violations found (${tally(records).length} kinds), ${seconds} s, seed ${settings.seed}`,
      );
      mkdirSync(ARTIFACTS, { recursive: true });
      const reportFile = `${ARTIFACTS}invariants-${kind}.txt`;
      writeFileSync(
        reportFile,
        fullReport(kind, settings.seed, records, settings.reportAll),
      );
      expect(
        violations,
        `${summary(kind, settings.seed, records)}\n\nevery violation: ${reportFile}\n\nthe first example of each kind:\n\n${examples(records)}\n`,
      ).toBe(0);
    },
  );
});
