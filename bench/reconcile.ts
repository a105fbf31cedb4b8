/**
 * `npm run bench:reconcile [-- --sizes=10000,50000,100000 --db=postgres|sqlite|mariadb --latency=0]`
 *
 * Reconciliation at scale: for each size, a fresh database with that many
 * pending orders (bulk SQL) whose paid payments exist at the simulator
 * (`POST /_sim/payments`, in parallel), then one timed run of the sample app's
 * command `node dist/apps/sample/main.js reconcile --older-than=0`, as its own
 * process. iamport lookups are counted by the simulator.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  SAMPLE_MAIN,
  SIM_KEY,
  SIM_SECRET,
  snapshotBuiltApps,
  startSimulatorProcess,
} from './lib/apps.js';
import { Args } from './lib/args.js';
import { runBenchmark } from './lib/cleanup.js';
import {
  countPaid,
  DATABASE_KINDS,
  DATABASE_LABELS,
  type DatabaseKind,
  freshDatabase,
  insertPendingOrders,
  type PendingOrder,
} from './lib/databases.js';
import { inParallel, type SimulatorControl } from './lib/http.js';
import {
  cpuTimeMs,
  mariadbServerPid,
  peakRss,
  PostgresCpuTracker,
  startNode,
} from './lib/processes.js';
import {
  describeProvenance,
  RESULTS_DIR,
  fixed,
  mib,
  provenance,
  table,
} from './lib/report.js';

// What reconciliation calls: one findAll per open order, plus the sweep's pages.
const LOOKUPS = [
  'getAllPaymentsByMerchantUid',
  'getPaymentsByStatus',
  'getPaymentListByImpUid',
];

interface SizeResult {
  orders: number;
  /** Spawn to exit of the command (Nest start-up and migrations check included). */
  wallMs: number;
  /** What the command reports for the reconciliation itself. */
  reconcileMs: number | null;
  msPer1000: number | null;
  /** getPaymentListByImpUid calls the simulator counted. */
  lookups: number;
  lookupsReported: number | null;
  /** Every iamport call the simulator counted (getToken included). */
  apiCalls: number;
  examined: number | null;
  changed: number | null;
  failed: number | null;
  paidAfter: number;
  exitCode: number | null;
  peakRssBytes: number | null;
  cpuMs: {
    command: number | null;
    postgres: number | null;
    /** The whole MariaDB server process (absent in runs saved before). */
    mariadb?: number | null;
  };
  setupMs: number;
}

await runBenchmark('bench-reconcile', async (workDirectory) => {
  const args = new Args(process.argv.slice(2), [
    'sizes',
    'db',
    'latency',
    'concurrency',
  ]);
  const sizes = args.numbers('sizes', [10_000, 50_000, 100_000]);
  const [database] = args.choices('db', DATABASE_KINDS, ['postgres']);
  const latencyMs = args.number('latency', 0);
  const concurrency = args.number('concurrency', 64);
  snapshotBuiltApps();
  const started = Date.now();
  const results: SizeResult[] = [];
  for (const size of sizes) {
    console.log(`\n${fixed(size)} pending orders on ${database}:`);
    results.push(
      await runSize(size, database!, latencyMs, concurrency, workDirectory),
    );
  }
  const origin = provenance();
  const elapsedSeconds = (Date.now() - started) / 1000;
  const first = results[0];
  const out: string[] = [
    '# Reconciliation',
    '',
    `${describeProvenance(origin)}. \`node dist/apps/sample/main.js reconcile --older-than=0\` against ` +
      `${DATABASE_LABELS[database!]} and the simulator (${latencyMs} ms upstream), every order pending ` +
      `with a paid payment of the same amount at the simulator; a fresh database and simulator per size. ${fixed(elapsedSeconds)} s in all.`,
    '',
    table(
      [
        'pending orders',
        'reconcile ms',
        'ms per 1,000 orders',
        '× the smallest size, per order',
        'lookups (simulator)',
        'iamport calls in all',
        'paid afterwards',
        'failed',
        'command wall ms',
        'command peak RSS MiB',
        'CPU s command / database',
      ],
      results.map((r) => [
        fixed(r.orders),
        fixed(r.reconcileMs),
        fixed(r.msPer1000, 0),
        first?.msPer1000 && r.msPer1000
          ? fixed(r.msPer1000 / first.msPer1000, 2)
          : '–',
        fixed(r.lookups),
        fixed(r.apiCalls),
        `${fixed(r.paidAfter)}`,
        fixed(r.failed),
        fixed(r.wallMs),
        mib(r.peakRssBytes),
        `${fixed((r.cpuMs.command ?? Number.NaN) / 1000, 1)} / ${fixed((r.cpuMs.postgres ?? r.cpuMs.mariadb ?? Number.NaN) / 1000, 1)}`,
      ]),
      ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    ...targetLines(results),
  ];
  const markdown = out.join('\n');
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = origin.date.replace(/[:.]/g, '-');
  writeFileSync(
    join(RESULTS_DIR, `reconcile-${stamp}.json`),
    JSON.stringify(
      {
        provenance: origin,
        settings: { sizes, database, latencyMs, concurrency },
        results,
        elapsedSeconds,
      },
      null,
      2,
    ),
  );
  writeFileSync(join(RESULTS_DIR, 'reconcile.md'), `${markdown}\n`);
  console.log(`\n${markdown}`);
  console.log(
    `\nwritten: bench/results/reconcile-${stamp}.json, bench/results/reconcile.md`,
  );
});

function targetLines(results: SizeResult[]): string[] {
  const lines: string[] = [];
  const largest = results.reduce((a, b) => (b.orders > a.orders ? b : a));
  // One findAll per order, and two listings (paid, cancelled) of up to 1,000 payments a page.
  const allowed = largest.orders + 2 * (Math.ceil(largest.orders / 1000) + 1);
  lines.push(
    `- lookups ≤ ${fixed(allowed)} for ${fixed(largest.orders)} orders (one per order, plus the sweep's pages): ${largest.lookups <= allowed ? 'met' : 'missed'} (${fixed(largest.lookups)})`,
  );
  const per = results
    .map((r) => r.msPer1000)
    .filter((v): v is number => v !== null);
  if (per.length > 1) {
    const spread = Math.max(...per) / Math.min(...per);
    lines.push(
      `- time per order from the smallest to the largest size: ${fixed(per[0], 0)} → ${fixed(per[per.length - 1], 0)} ms per 1,000 ` +
        `(max ÷ min ${fixed(spread, 2)}; linear growth would keep it near 1)`,
    );
  }
  return lines;
}

async function runSize(
  size: number,
  kind: DatabaseKind,
  latencyMs: number,
  concurrency: number,
  workDirectory: string,
): Promise<SizeResult> {
  const fresh = await freshDatabase(kind);
  const simulator = await startSimulatorProcess(workDirectory, latencyMs);
  try {
    const setupStarted = performance.now();
    const env = {
      ...process.env,
      NO_COLOR: '1',
      DATABASE_URL: fresh.url,
      IAMPORT_API_URL: simulator.url,
      IAMPORT_IMP_KEY: SIM_KEY,
      IAMPORT_IMP_SECRET: SIM_SECRET,
      RECONCILE_INTERVAL_SECONDS: '0',
    };
    // A first run on the empty database: the command's start-up applies the migrations.
    const migrate = await runCommand(env, workDirectory, `migrate-${size}`);
    if (migrate.exitCode !== 0)
      throw new Error(
        `the migration run failed (${migrate.exitCode}); see ${migrate.logFile}`,
      );
    const run = randomBytes(3).toString('hex');
    const orders: PendingOrder[] = Array.from({ length: size }, (_, i) => ({
      merchantUid: `rc_${run}_${i}`,
      amount: 1_000 + (i % 90) * 100,
    }));
    const connection = await fresh.connect();
    await insertPendingOrders(
      connection,
      kind,
      orders,
      new Date(Date.now() - 3_600_000),
    );
    await createPayments(simulator.control, orders, concurrency);
    const setupMs = performance.now() - setupStarted;
    console.log(
      `  set-up: ${fixed(size)} orders inserted and their payments created in ${fixed(setupMs / 1000, 1)} s`,
    );
    const before = await simulator.control.stats();
    const tracker =
      fresh.kind === 'postgres'
        ? new PostgresCpuTracker(new URL(fresh.url).pathname.slice(1))
        : null;
    tracker?.sample();
    const mariadbPid = fresh.kind === 'mariadb' ? mariadbServerPid() : null;
    const mariadbBefore = mariadbPid === null ? null : cpuTimeMs(mariadbPid);
    const result = await runCommand(
      env,
      workDirectory,
      `reconcile-${size}`,
      () => tracker?.sample(),
    );
    const after = await simulator.control.stats();
    const mariadbAfter = mariadbPid === null ? null : cpuTimeMs(mariadbPid);
    const paidAfter = await countPaid(
      connection,
      orders.map((o) => o.merchantUid),
    );
    await connection.close();
    const summary = parseSummary(readFileSync(result.logFile, 'utf8'));
    // One findAll per open order, plus the pages of the sweep of recent payments.
    const lookups = LOOKUPS.reduce(
      (sum, operation) =>
        sum + (after.calls[operation] ?? 0) - (before.calls[operation] ?? 0),
      0,
    );
    const outcome: SizeResult = {
      orders: size,
      wallMs: result.wallMs,
      reconcileMs: summary.durationMs,
      msPer1000:
        summary.durationMs === null ? null : (summary.durationMs / size) * 1000,
      lookups,
      lookupsReported: summary.lookups,
      apiCalls: after.total - before.total,
      examined: summary.examined,
      changed: summary.changed,
      failed: summary.failed,
      paidAfter,
      exitCode: result.exitCode,
      peakRssBytes: result.peakRssBytes,
      cpuMs: {
        command: result.cpuMs,
        postgres: tracker ? tracker.totalMs() : null,
        mariadb:
          mariadbBefore === null || mariadbAfter === null
            ? null
            : mariadbAfter - mariadbBefore,
      },
      setupMs,
    };
    console.log(
      `  reconcile: ${fixed(outcome.reconcileMs)} ms (${fixed(outcome.msPer1000)} ms per 1,000), ${fixed(lookups)} lookups, ` +
        `${fixed(outcome.apiCalls)} iamport calls, ${fixed(paidAfter)} paid, ${fixed(outcome.failed)} failed, exit ${outcome.exitCode}, ` +
        `peak ${mib(outcome.peakRssBytes)} MiB`,
    );
    if (result.exitCode !== 0)
      console.log(
        `  the command exited ${result.exitCode}: see ${result.logFile}`,
      );
    return outcome;
  } finally {
    await simulator.child.stop();
    await fresh.drop();
  }
}

async function createPayments(
  simulator: SimulatorControl,
  orders: PendingOrder[],
  concurrency: number,
): Promise<void> {
  await inParallel(orders.length, concurrency, async (index) => {
    const order = orders[index]!;
    await simulator.createPaidPayment(order.merchantUid, order.amount);
  });
}

interface CommandRun {
  exitCode: number | null;
  wallMs: number;
  logFile: string;
  peakRssBytes: number | null;
  cpuMs: number | null;
}

/** `node <sample> reconcile --older-than=0`, watching its peak RSS and CPU time until it exits. */
async function runCommand(
  env: NodeJS.ProcessEnv,
  workDirectory: string,
  name: string,
  onPoll?: () => void,
): Promise<CommandRun> {
  const started = performance.now();
  const child = startNode({
    name,
    args: [SAMPLE_MAIN, 'reconcile', '--older-than=0'],
    env,
    logFile: join(workDirectory, `${name}.log`),
  });
  let peakRssBytes: number | null = null;
  let cpu: number | null = null;
  let exited = false;
  const exitCode = child.exited.then((code) => {
    exited = true;
    return code;
  });
  while (!exited) {
    peakRssBytes = peakRss(child.pid) ?? peakRssBytes;
    cpu = cpuTimeMs(child.pid) ?? cpu;
    onPoll?.();
    await Promise.race([exitCode, sleep(200)]);
  }
  const code = await exitCode;
  const wallMs = performance.now() - started;
  await child.stop();
  return {
    exitCode: code,
    wallMs,
    logFile: child.logFile,
    peakRssBytes,
    cpuMs: cpu,
  };
}

interface Summary {
  examined: number | null;
  durationMs: number | null;
  lookups: number | null;
  changed: number | null;
  failed: number | null;
}

/** The command's last lines: "reconciled N orders in B batches (D ms)", "iamport lookups: L", "changed: C, failed: F". */
function parseSummary(log: string): Summary {
  const number = (pattern: RegExp, group = 1): number | null => {
    const match = pattern.exec(log);
    return match ? Number(match[group]) : null;
  };
  return {
    examined: number(/reconciled (\d+) orders in \d+ batches/),
    durationMs: number(/reconciled \d+ orders in \d+ batches \((\d+) ms\)/),
    lookups: number(/iamport lookups: (\d+)/),
    changed: number(/changed: (\d+), failed: \d+/),
    failed: number(/changed: \d+, failed: (\d+)/),
  };
}
