/**
 * `npm run bench:profile [-- --name=… --n=3000 --warmup=300 --db=postgres --adapter=express --latency=30 --scenario=storm]`
 *
 * A CPU profile of the module app during the webhook storm (scenario 1 of
 * `npm run bench`): the sample app alone, run with `node --cpu-prof`, warmed
 * up, then N first webhooks of distinct paid payments (`--scenario=duplicates`:
 * the same webhooks again once they are settled, scenario 3); stopped with SIGTERM
 * (Nest's shutdown hooks close it and Node writes the profile on the way out).
 * Only the samples taken while the storm ran are counted: the profile's clock
 * is the monotonic clock `process.hrtime` reads. Writes
 * `bench/results/profile-<name>.md` and keeps the raw profile in
 * `dist/bench/profiles/profile-<name>.cpuprofile` (Chrome DevTools opens it).
 */
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ADAPTERS,
  type PaidPayment,
  createPaidPayments,
  REPO,
  SAMPLE_MAIN,
  snapshotBuiltApps,
  startApp,
  startSimulatorProcess,
} from './lib/apps.js';
import { Args } from './lib/args.js';
import { runBenchmark } from './lib/cleanup.js';
import {
  type CpuProfile,
  Locator,
  type ProfileSummary,
  summarise,
} from './lib/cpuprofile.js';
import {
  countPaid,
  DATABASE_KINDS,
  DATABASE_LABELS,
  freshDatabase,
} from './lib/databases.js';
import {
  type LoadRequest,
  type LoadResult,
  redirectRequest,
  runLoad,
  webhookRequest,
} from './lib/load.js';
import { mariadbServerPid, waitForQuietMachine } from './lib/processes.js';
import {
  describeProvenance,
  fixed,
  provenance,
  RESULTS_DIR,
  table,
} from './lib/report.js';

const PROFILES_DIR = join(REPO, 'dist', 'bench', 'profiles');

const SCENARIOS = ['storm', 'duplicates'] as const;
type Scenario = (typeof SCENARIOS)[number];
/** How the report names each scenario: its title, its load, and what was sent (for N payments). */
const SCENARIO_TEXT: Record<
  Scenario,
  { title: string; load: string; sent: (payments: string) => string }
> = {
  storm: {
    title: 'the webhook storm',
    load: 'Storm',
    sent: (payments) =>
      `scenario 1 of \`npm run bench\`, ${payments} first webhooks of distinct paid payments`,
  },
  duplicates: {
    title: 'duplicate webhooks',
    load: 'Duplicates',
    sent: (payments) =>
      `scenario 3 of \`npm run bench\`, the webhooks of ${payments} paid payments a first round of them settled`,
  },
};

/** Now on the monotonic clock, in µs: the clock of a V8 profile's timestamps. */
function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

await runBenchmark('bench-profile', async (workDirectory) => {
  const args = new Args(process.argv.slice(2), [
    'name',
    'n',
    'warmup',
    'connections',
    'db',
    'adapter',
    'latency',
    'interval',
    'top',
    'scenario',
  ]);
  const name = args.text('name', 'latest');
  if (!/^[a-z0-9_-]+$/i.test(name))
    throw new Error(`--name takes letters, digits, - and _ (got ${name})`);
  const payments = args.number('n', 3_000);
  const warmupPayments = args.number('warmup', 300);
  const connections = args.number('connections', 100);
  const [database] = args.choices('db', DATABASE_KINDS, ['postgres']);
  const [adapter] = args.choices('adapter', ADAPTERS, ['express']);
  const latencyMs = args.number('latency', 30);
  const intervalUs = args.number('interval', 1_000);
  const top = args.number('top', 25);
  const [scenario] = args.choices('scenario', SCENARIOS, ['storm']);

  snapshotBuiltApps();
  const started = Date.now();
  const fresh = await freshDatabase(database!);
  const simulator = await startSimulatorProcess(workDirectory, latencyMs);
  const profileDirectory = join(workDirectory, 'cpuprofile');
  mkdirSync(profileDirectory, { recursive: true });
  const app = await startApp({
    implementation: 'module',
    databaseUrl: fresh.url,
    apiUrl: simulator.url,
    adapter: adapter!,
    logDirectory: workDirectory,
    nodeArgs: [
      '--cpu-prof',
      `--cpu-prof-dir=${profileDirectory}`,
      `--cpu-prof-interval=${intervalUs}`,
    ],
  });
  console.log(
    `module on ${DATABASE_LABELS[database!]} × ${adapter}, ${latencyMs} ms upstream, under --cpu-prof (pid ${app.child.pid})`,
  );

  const spec = (requests: LoadRequest[]) => ({
    url: app.url,
    connections,
    timeoutSeconds: 30,
    requests,
  });
  // The same warm-up as `npm run bench`: redirects with their webhooks, then the webhooks again.
  if (warmupPayments > 0) {
    const warm = await createPaidPayments(
      app.url,
      simulator.control,
      warmupPayments,
    );
    await runLoad(
      spec(
        warm.flatMap((p) => [
          redirectRequest(p.impUid, p.merchantUid),
          webhookRequest(p.impUid, p.merchantUid),
        ]),
      ),
      workDirectory,
    );
    await runLoad(
      spec(warm.map((p) => webhookRequest(p.impUid, p.merchantUid))),
      workDirectory,
    );
    console.log(`  warmed up: ${warmupPayments} payments`);
  }
  const storm: PaidPayment[] = await createPaidPayments(
    app.url,
    simulator.control,
    payments,
  );
  const stormRequests = storm.map((p) =>
    webhookRequest(p.impUid, p.merchantUid),
  );
  // Duplicates: the same webhooks once more, of payments the first round settled.
  if (scenario === 'duplicates')
    await runLoad(spec(stormRequests), workDirectory);
  const otherBefore = await waitForQuietMachine();
  const fromUs = monotonicUs();
  const load = await runLoad(
    {
      ...spec(stormRequests),
      watch: {
        app: app.child.pid,
        simulator: simulator.child.pid,
        postgresDatabase:
          database === 'postgres' ? new URL(fresh.url).pathname.slice(1) : null,
        mariadbServer: database === 'mariadb' ? mariadbServerPid() : null,
      },
    },
    workDirectory,
  );
  const toUs = monotonicUs();
  const connection = await fresh.connect();
  const paid = await countPaid(
    connection,
    storm.map((p) => p.merchantUid),
  );
  await connection.close();
  console.log(
    `  storm: ${fixed(load.requestsPerSecond)} req/s, p50 ${fixed(load.latencyMs.p50)} ms, p99 ${fixed(load.latencyMs.p99)} ms, ` +
      `paid ${paid}/${storm.length}, app CPU ${fixed(load.cpu?.app)} %`,
  );

  // SIGTERM: Nest closes the app (enableShutdownHooks) and Node writes the profile as it exits.
  app.child.process.kill('SIGTERM');
  const exit = await Promise.race([
    app.child.exited.then((code) => ({ code })),
    sleep(60_000).then(() => null),
  ]);
  await app.child.stop();
  const written = readdirSync(profileDirectory).filter((file) =>
    file.endsWith('.cpuprofile'),
  );
  if (written.length === 0)
    throw new Error(
      `the app ${exit ? `exited (${exit.code})` : 'did not exit within 60 s of SIGTERM'} without writing a .cpuprofile ` +
        `into ${profileDirectory}; see ${app.child.logFile}`,
    );
  const file = join(profileDirectory, written[0]!);
  mkdirSync(PROFILES_DIR, { recursive: true });
  const kept = join(PROFILES_DIR, `profile-${name}.cpuprofile`);
  copyFileSync(file, kept);
  await simulator.child.stop();
  await fresh.drop();

  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const locator = new Locator(
    REPO,
    new Map([[SAMPLE_MAIN, 'dist/apps/sample/main.js']]),
  );
  const summary = summarise(profile, locator, { fromUs, toUs });
  if (summary.samples === 0)
    throw new Error(
      `no sample of ${kept} falls within the storm (${fromUs}–${toUs} µs; the profile spans ` +
        `${profile.startTime}–${profile.endTime} µs): the clocks differ`,
    );
  const markdown = render({
    name,
    settings: {
      payments,
      warmupPayments,
      connections,
      database: DATABASE_LABELS[database!],
      adapter: adapter!,
      latencyMs,
      intervalUs,
      scenario: scenario!,
    },
    load,
    paid,
    otherBefore,
    summary,
    top,
    kept,
    elapsedSeconds: (Date.now() - started) / 1000,
  });
  mkdirSync(RESULTS_DIR, { recursive: true });
  const md = join(RESULTS_DIR, `profile-${name}.md`);
  writeFileSync(md, `${markdown}\n`);
  console.log(
    `\n${markdown}\n\nwritten: bench/results/profile-${name}.md, ${kept}`,
  );
});

interface Report {
  name: string;
  settings: {
    payments: number;
    warmupPayments: number;
    connections: number;
    database: string;
    adapter: string;
    latencyMs: number;
    intervalUs: number;
    scenario: Scenario;
  };
  load: LoadResult;
  paid: number;
  otherBefore: number;
  summary: ProfileSummary;
  top: number;
  kept: string;
  elapsedSeconds: number;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function render(report: Report): string {
  const { settings, load, summary } = report;
  const busyUs = summary.totalUs - summary.idleUs;
  const ms = (us: number) => fixed(us / 1000, 0);
  const percent = (us: number, of: number) =>
    of > 0 ? `${fixed((us / of) * 100, 1)} %` : '–';
  const cpu = load.cpu;
  const appCpuMs =
    cpu?.app === null || cpu?.app === undefined
      ? null
      : (cpu.app / 100) * load.durationMs;
  const text = SCENARIO_TEXT[settings.scenario];
  const out: string[] = [];
  out.push(`# CPU profile of ${text.title}: ${report.name}`);
  out.push('');
  out.push(
    `${describeProvenance(provenance())}. The module app (\`dist/apps/sample/main.js\`) alone, under \`node --cpu-prof\` ` +
      `(sampling every ${fixed(settings.intervalUs)} µs), on ${settings.database} × ${settings.adapter}, ` +
      `${settings.latencyMs} ms upstream: ${fixed(settings.warmupPayments)} warm-up payments (redirect + webhook, then the webhooks again), ` +
      `then ${text.sent(fixed(settings.payments))} over ` +
      `${fixed(settings.connections)} connections. ${fixed(report.elapsedSeconds)} s in all.`,
  );
  out.push('');
  out.push(
    `${text.load}: ${fixed(load.requestsPerSecond)} req/s, p50 ${fixed(load.latencyMs.p50)} ms, p99 ${fixed(load.latencyMs.p99)} ms, ` +
      `${fixed(load.non2xx + load.errors + load.timeouts)} failed, ${fixed(report.paid)}/${fixed(settings.payments)} paid; ` +
      `CPU (% of one core) app ${fixed(cpu?.app)}, simulator ${fixed(cpu?.simulator)}, ` +
      `database ${fixed(cpu?.postgres ?? cpu?.mariadb)}, load generator ${fixed(cpu?.loadGenerator)}, ` +
      `other ${fixed(cpu?.other)} (${fixed(report.otherBefore)} just before). ` +
      'The profiler itself costs the app some throughput: compare with `npm run bench`, not with these figures.',
  );
  out.push('');
  out.push(
    `Counted: the ${fixed(summary.samples)} samples taken while the storm ran (${ms(summary.totalUs)} ms; the profile has ` +
      `${fixed(summary.allSamples)} samples over ${ms(summary.spanUs)} ms, start-up, set-up and warm-up included). ` +
      `Of that time the app was idle (\`(idle)\`: waiting for the network or the database) ${percent(summary.idleUs, summary.totalUs)}; ` +
      `busy ${ms(busyUs)} ms, against ${appCpuMs === null ? '–' : fixed(appCpuMs, 0)} ms of CPU the app used in the storm ` +
      "(from /proc): V8 samples on the wall clock, so time the app's thread spent descheduled inside a call " +
      "(a `writev` that woke the database server on a busy machine, say) counts as that call's self time. " +
      `Raw profile: \`${report.kept.startsWith(`${REPO}/`) ? report.kept.slice(REPO.length + 1) : report.kept}\` ` +
      '(Chrome DevTools → Performance → Load profile, or VS Code).',
  );
  out.push('');
  out.push(`## Top ${report.top} functions by self time`);
  out.push('');
  out.push(
    'Self time: samples whose top frame is the function (its callees excluded), each sample counting until the next one. ' +
      "% of all: of the storm's samples, idle included; % of busy: idle left out. App code is mapped to its " +
      'source (`libs/…`, `apps/…`) through `dist/apps/sample/main.js.map`; packages are shown as `package/file:line`.',
  );
  out.push('');
  out.push(
    table(
      [
        '#',
        'self ms',
        '% of all',
        '% of busy',
        'function',
        'where',
        'mostly called from (share of its self time)',
      ],
      summary.functions
        .slice(0, report.top)
        .map((f, index) => [
          String(index + 1),
          ms(f.selfUs),
          percent(f.selfUs, summary.totalUs),
          f.functionName === '(idle)' ? '–' : percent(f.selfUs, busyUs),
          cell(`\`${f.functionName}\``),
          f.location ? cell(`\`${f.location}\``) : '',
          f.topCaller
            ? cell(
                `\`${f.topCaller.frame}\` (${fixed(f.topCaller.share * 100, 0)} %)`,
              )
            : '',
        ]),
      ['r', 'r', 'r', 'r', 'l', 'l', 'l'],
    ),
  );
  out.push('');
  out.push('## Self time by package');
  out.push('');
  out.push(
    "`node_modules/<package>`: code of that package; `node:internal`: Node.js's own JavaScript (`node:internal/…`, `node:events`, …); " +
      '`app (…)`: the app bundle (the module, the sample app, and the simulator client code bundled with them); ' +
      '`(garbage collector)`, `(program)` (V8 and native code outside JavaScript: parsing, compiling, the event loop, I/O callbacks), ' +
      '`(idle)` (waiting), `(native)`: named native functions without a script.',
  );
  out.push('');
  out.push(
    table(
      ['package', 'self ms', '% of all', '% of busy'],
      summary.groups.map((g) => [
        cell(g.group),
        ms(g.selfUs),
        percent(g.selfUs, summary.totalUs),
        g.group === '(idle)' ? '–' : percent(g.selfUs, busyUs),
      ]),
      ['l', 'r', 'r', 'r'],
    ),
  );
  return out.join('\n');
}
