/**
 * `npm run bench:memory [-- --db=postgres|sqlite|mariadb --total=100000 --chunk=5000 --fresh=0.1 --adapter=express --latency=0]`
 *
 * Does the module's memory stay flat? 100,000 webhooks against the sample app
 * (a share of them first webhooks of fresh payments, the rest duplicates of
 * settled ones), sent in chunks by the load generator; the app's RSS is read
 * from /proc after every chunk. The first `--warmup` requests are the warm-up.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ADAPTERS,
  createPaidPayments,
  type PaidPayment,
  snapshotBuiltApps,
  startApp,
  startSimulatorProcess,
} from './lib/apps.js';
import { Args } from './lib/args.js';
import { runBenchmark } from './lib/cleanup.js';
import {
  countPaid,
  DATABASE_KINDS,
  DATABASE_LABELS,
  freshDatabase,
} from './lib/databases.js';
import { type LoadRequest, runLoad, webhookRequest } from './lib/load.js';
import { peakRss, rss } from './lib/processes.js';
import {
  describeProvenance,
  RESULTS_DIR,
  fixed,
  mib,
  provenance,
  table,
} from './lib/report.js';

interface Sample {
  /** Requests sent so far. */
  requests: number;
  /** Right after the chunk. */
  rssBytes: number | null;
  /** Read every 250 ms while the chunk ran: lowest, median and highest. */
  during: { min: number; median: number; max: number } | null;
  peakRssBytes: number | null;
  /** Throughput of the chunk that ended here. */
  requestsPerSecond: number;
  failed: number;
}

await runBenchmark('bench-memory', async (workDirectory) => {
  const args = new Args(process.argv.slice(2), [
    'db',
    'total',
    'chunk',
    'fresh',
    'warmup',
    'base',
    'adapter',
    'latency',
    'connections',
  ]);
  const [database] = args.choices('db', DATABASE_KINDS, ['postgres']);
  const [adapter] = args.choices('adapter', ADAPTERS, ['express']);
  const total = args.number('total', 100_000);
  const chunk = args.number('chunk', 5_000);
  const freshShare = args.number('fresh', 0.1);
  const warmup = args.number('warmup', 10_000);
  const basePayments = args.number('base', 2_000);
  const latencyMs = args.number('latency', 0);
  const connections = args.number('connections', 100);
  if (total % chunk !== 0 || warmup % chunk !== 0)
    throw new Error('--total and --warmup must be multiples of --chunk');

  snapshotBuiltApps();
  const fresh = await freshDatabase(database!);
  const simulator = await startSimulatorProcess(workDirectory, latencyMs);
  const app = await startApp({
    implementation: 'module',
    databaseUrl: fresh.url,
    apiUrl: simulator.url,
    adapter: adapter!,
    logDirectory: workDirectory,
  });
  const started = Date.now();
  const firstWebhooks = Math.round(total * freshShare);
  console.log(
    `module on ${database} × ${adapter}, ${latencyMs} ms upstream: ${total} webhooks in chunks of ${chunk} ` +
      `(${firstWebhooks} first webhooks of fresh payments, the rest duplicates of ${basePayments} settled ones); set-up…`,
  );
  const base = await createPaidPayments(
    app.url,
    simulator.control,
    basePayments,
  );
  const newcomers = await createPaidPayments(
    app.url,
    simulator.control,
    firstWebhooks,
  );
  // Settle the base payments first (not counted): from then on, their webhooks are duplicates.
  await runLoad(
    {
      url: app.url,
      connections,
      timeoutSeconds: 30,
      requests: base.map((p) => webhookRequest(p.impUid, p.merchantUid)),
    },
    workDirectory,
  );
  const stream = mix(base, newcomers, total);
  const samples: Sample[] = [
    {
      requests: 0,
      rssBytes: rss(app.child.pid),
      during: null,
      peakRssBytes: peakRss(app.child.pid),
      requestsPerSecond: 0,
      failed: 0,
    },
  ];
  console.log(`  0 requests: RSS ${mib(samples[0]!.rssBytes)} MiB`);
  for (let sent = 0; sent < total; sent += chunk) {
    const readings: number[] = [];
    const timer = setInterval(() => {
      const value = rss(app.child.pid);
      if (value !== null) readings.push(value);
    }, 250);
    const load = await runLoad(
      {
        url: app.url,
        connections,
        timeoutSeconds: 30,
        requests: stream.slice(sent, sent + chunk),
      },
      workDirectory,
    ).finally(() => clearInterval(timer));
    const sample: Sample = {
      requests: sent + chunk,
      rssBytes: rss(app.child.pid),
      during: spread(readings),
      peakRssBytes: peakRss(app.child.pid),
      requestsPerSecond: load.requestsPerSecond,
      failed: load.non2xx + load.errors + load.timeouts,
    };
    samples.push(sample);
    console.log(
      `  ${sample.requests} requests: RSS ${mib(sample.rssBytes)} MiB (during the chunk ${mib(sample.during?.min)}–${mib(sample.during?.max)}, ` +
        `median ${mib(sample.during?.median)}; peak ${mib(sample.peakRssBytes)} MiB), ` +
        `${fixed(sample.requestsPerSecond)} req/s, ${sample.failed} failed`,
    );
  }
  const connection = await fresh.connect();
  const paid = await countPaid(connection, [
    ...base.map((p) => p.merchantUid),
    ...newcomers.map((p) => p.merchantUid),
  ]);
  await connection.close();
  await app.child.stop();
  await simulator.child.stop();
  await fresh.drop();

  const afterWarmup = samples.find((s) => s.requests === warmup)!;
  // The first chunk after the warm-up, and the last one.
  const firstMeasured = samples.find((s) => s.requests === warmup + chunk)!;
  const end = samples[samples.length - 1]!;
  const growth = percentChange(afterWarmup.rssBytes, end.rssBytes);
  const medianGrowth = percentChange(
    firstMeasured.during?.median ?? null,
    end.during?.median ?? null,
  );
  const measured = samples.filter((s) => s.requests > warmup);
  const highest = Math.max(
    ...measured.map((s) => s.during?.max ?? s.rssBytes ?? 0),
  );
  const origin = provenance();
  const elapsedSeconds = (Date.now() - started) / 1000;
  const out: string[] = [
    '# Memory under 100,000 webhooks'.replace(
      '100,000',
      total.toLocaleString('en-US'),
    ),
    '',
    `${describeProvenance(origin)}. The sample app (module) on ${DATABASE_LABELS[database!]}, ${adapter}, ` +
      `${latencyMs} ms upstream, ${connections} connections; ${fixed(total)} webhooks in chunks of ${fixed(chunk)}: ` +
      `${fixed(firstWebhooks)} first webhooks of fresh payments (one in ${fixed(1 / freshShare)}), the rest duplicates of ` +
      `${fixed(basePayments)} settled payments. RSS (VmRSS) read after every chunk; warm-up: the first ${fixed(warmup)} requests. ` +
      `${fixed(elapsedSeconds)} s in all.`,
    '',
    table(
      ['', 'after warm-up', 'at the end', 'growth', 'target ≤ 10 %'],
      [
        [
          `RSS right after the chunk (${fixed(warmup)} and ${fixed(total)} requests)`,
          `${mib(afterWarmup.rssBytes)} MiB`,
          `${mib(end.rssBytes)} MiB`,
          signed(growth),
          growth <= 10 ? 'met' : 'missed',
        ],
        [
          'median RSS while the chunk ran (first chunk after the warm-up, last chunk)',
          `${mib(firstMeasured.during?.median)} MiB`,
          `${mib(end.during?.median)} MiB`,
          signed(medianGrowth),
          medianGrowth <= 10 ? 'met' : 'missed',
        ],
      ],
      ['l', 'r', 'r', 'r', 'l'],
    ),
    '',
    `Highest RSS after the warm-up: ${mib(highest)} MiB; peak (VmHWM) over the whole run: ${mib(end.peakRssBytes)} MiB.`,
    '',
    `Orders paid afterwards: ${paid} of ${basePayments + firstWebhooks}. Failed requests: ${samples.reduce((sum, s) => sum + s.failed, 0)}.`,
    '',
    table(
      [
        'requests',
        'RSS MiB after the chunk',
        'RSS MiB during the chunk (min – median – max)',
        'peak MiB',
        'req/s of the chunk',
      ],
      samples.map((s) => [
        fixed(s.requests),
        mib(s.rssBytes),
        s.during
          ? `${mib(s.during.min)} – ${mib(s.during.median)} – ${mib(s.during.max)}`
          : '',
        mib(s.peakRssBytes),
        s.requests === 0 ? '' : fixed(s.requestsPerSecond),
      ]),
      ['r', 'r', 'r', 'r', 'r'],
    ),
  ];
  const markdown = out.join('\n');
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = origin.date.replace(/[:.]/g, '-');
  writeFileSync(
    join(RESULTS_DIR, `memory-${stamp}.json`),
    JSON.stringify(
      {
        provenance: origin,
        settings: {
          database,
          adapter,
          total,
          chunk,
          freshShare,
          warmup,
          basePayments,
          latencyMs,
          connections,
        },
        samples,
        growthPercent: growth,
        medianGrowthPercent: medianGrowth,
        paid,
        elapsedSeconds,
      },
      null,
      2,
    ),
  );
  writeFileSync(join(RESULTS_DIR, 'memory.md'), `${markdown}\n`);
  console.log(`\n${markdown}`);
  console.log(
    `\nwritten: bench/results/memory-${stamp}.json, bench/results/memory.md`,
  );
});

/** `total` webhooks: every `1 / share`-th the first webhook of a fresh payment, the others duplicates. */
function mix(
  settled: PaidPayment[],
  fresh: PaidPayment[],
  total: number,
): LoadRequest[] {
  const requests: LoadRequest[] = [];
  const every = fresh.length > 0 ? Math.floor(total / fresh.length) : Infinity;
  let nextFresh = 0;
  let nextSettled = 0;
  for (let i = 0; i < total; i++) {
    const payment =
      i % every === every - 1 && nextFresh < fresh.length
        ? fresh[nextFresh++]!
        : settled[nextSettled++ % settled.length]!;
    requests.push(webhookRequest(payment.impUid, payment.merchantUid));
  }
  return requests;
}

function spread(
  values: number[],
): { min: number; median: number; max: number } | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    min: sorted[0]!,
    median: sorted[Math.floor(sorted.length / 2)]!,
    max: sorted[sorted.length - 1]!,
  };
}

function percentChange(from: number | null, to: number | null): number {
  return from && to !== null ? (to / from - 1) * 100 : Number.NaN;
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${fixed(value, 1)} %`;
}
