import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requestJson, SimulatorControl } from './http.js';
import { type Child, freePort, startNode, waitForHttp } from './processes.js';

/** The sample app's `/admin` token in the benchmark (it adds the products ordered). */
const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';

export type Adapter = 'express' | 'fastify';
export const ADAPTERS: readonly Adapter[] = ['express', 'fastify'];

export type Implementation = 'module' | 'naive' | 'floor' | 'floor-again';
/** What `npm run bench` measures unless told (`--impl`). */
export const IMPLEMENTATIONS: readonly Implementation[] = [
  'module',
  'naive',
  'floor',
];
/**
 * `floor-again` is the floor once more, in a process of its own, measured
 * right after it: an A/A comparison, whose ratio to the floor is the spread
 * the measurement itself has on this machine (`--impl=module,floor,floor-again`).
 */
export const ALL_IMPLEMENTATIONS: readonly Implementation[] = [
  ...IMPLEMENTATIONS,
  'floor-again',
];

const BENCH_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The repository (this file runs from `dist/bench/lib`). */
export const REPO = resolve(BENCH_DIST, '..', '..');
const SNAPSHOT = join(BENCH_DIST, 'snapshot');

export const SIM_KEY = 'imp_key_test';
export const SIM_SECRET = 'imp_secret_test';

/**
 * Copies the built sample app and simulator next to the benchmark, so that a
 * rebuild by someone else during a long run cannot pull them away from under
 * it (the bundles import only packages, resolved from the repository's
 * node_modules).
 */
export function snapshotBuiltApps(): void {
  for (const app of ['sample', 'iamport-simulator']) {
    const built = join(REPO, 'dist', 'apps', app, 'main.js');
    if (!existsSync(built))
      throw new Error(`${built} is missing: run npm run build first`);
    const target = join(SNAPSHOT, 'apps', app, 'main.js');
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(built, target);
    // The source map too: `npm run bench:profile` maps the bundle's lines back to the sources.
    if (existsSync(`${built}.map`))
      copyFileSync(`${built}.map`, `${target}.map`);
  }
}

export const SAMPLE_MAIN = join(SNAPSHOT, 'apps', 'sample', 'main.js');
const SIMULATOR_MAIN = join(SNAPSHOT, 'apps', 'iamport-simulator', 'main.js');
const FLOOR_MAIN = join(BENCH_DIST, 'baselines', 'floor', 'main.js');
const BASELINE_MAIN: Record<Exclude<Implementation, 'module'>, string> = {
  naive: join(BENCH_DIST, 'baselines', 'naive', 'main.js'),
  floor: FLOOR_MAIN,
  'floor-again': FLOOR_MAIN,
};

export interface RunningApp {
  name: string;
  url: string;
  child: Child;
}

export interface RunningSimulator extends RunningApp {
  control: SimulatorControl;
}

/** The simulator, with no webhook URL: the benchmark sends every notification itself. */
export async function startSimulatorProcess(
  logDirectory: string,
  latencyMs = 0,
): Promise<RunningSimulator> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...baseEnv(),
    IAMPORT_SIM_PORT: String(port),
    IAMPORT_SIM_HOST: '127.0.0.1',
    IAMPORT_SIM_LATENCY_MS: String(latencyMs),
  };
  delete env.IAMPORT_SIM_WEBHOOK_URL;
  const child = startNode({
    name: 'simulator',
    args: [SIMULATOR_MAIN],
    env,
    logFile: join(logDirectory, 'simulator.log'),
  });
  await waitForHttp(`${url}/_sim/stats`, child);
  return { name: 'simulator', url, child, control: new SimulatorControl(url) };
}

export interface AppSettings {
  implementation: Implementation;
  databaseUrl: string;
  apiUrl: string;
  adapter: Adapter;
  logDirectory: string;
  /** More environment (wins). */
  env?: NodeJS.ProcessEnv;
  /** Options to `node` itself, before the script (`--cpu-prof`, …). */
  nodeArgs?: string[];
}

/** The sample app (`module`) or a baseline, pointed at the simulator and the database. */
export async function startApp(settings: AppSettings): Promise<RunningApp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...baseEnv(),
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: settings.databaseUrl,
    HTTP_ADAPTER: settings.adapter,
    IAMPORT_API_URL: settings.apiUrl,
    IAMPORT_IMP_KEY: SIM_KEY,
    IAMPORT_IMP_SECRET: SIM_SECRET,
    RECONCILE_INTERVAL_SECONDS: '0',
    ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
    ...settings.env,
  };
  const name = settings.implementation;
  const child = startNode({
    name,
    args: [
      ...(settings.nodeArgs ?? []),
      settings.implementation === 'module'
        ? SAMPLE_MAIN
        : BASELINE_MAIN[settings.implementation],
    ],
    env,
    logFile: join(
      settings.logDirectory,
      `${name}-${settings.adapter}-${port}.log`,
    ),
  });
  // Any answer will do (404 included): the app is listening.
  await waitForHttp(`${url}/orders/none`, child, 60_000);
  return { name, url, child };
}

/** The environment of every child: this one's, minus what would change an app's behaviour. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const name of Object.keys(env)) {
    if (
      name.startsWith('IAMPORT_') ||
      name === 'DATABASE_URL' ||
      name === 'DATABASE_POOL_SIZE' ||
      name === 'PORT' ||
      name === 'HTTP_ADAPTER' ||
      name.startsWith('npm_')
    )
      delete env[name];
  }
  return env;
}

export interface PaidPayment {
  merchantUid: string;
  impUid: string;
  amount: number;
}

/** Products of 1,000 to 9,900 won, so that payments differ in amount. */
const PRICES = Array.from({ length: 90 }, (_, index) => 1_000 + index * 100);

/** The shop's product of each price in `PRICES`, added through `POST /admin/products`. */
async function addProducts(shopUrl: string): Promise<number[]> {
  const ids: number[] = [];
  for (const price of PRICES) {
    const answer = await fetch(`${shopUrl}/admin/products`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${BENCH_ADMIN_TOKEN}`,
      },
      body: JSON.stringify({ name: 'Benchmark mug', price }),
    });
    const text = await answer.text();
    if (answer.status !== 201)
      throw new Error(
        `POST /admin/products answered ${answer.status}: ${text}`,
      );
    ids.push((JSON.parse(text) as { id: number }).id);
  }
  return ids;
}

/**
 * Orders through the shop's `POST /orders` (priced on the server from a
 * product) and a paid payment of each at the simulator (set-up: not timed).
 */
export async function createPaidPayments(
  shopUrl: string,
  simulator: SimulatorControl,
  count: number,
  concurrency = 32,
): Promise<PaidPayment[]> {
  const products = await addProducts(shopUrl);
  const payments: PaidPayment[] = [];
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < count; index = next++) {
      const amount = PRICES[index % PRICES.length];
      const order = await requestJson<{ merchant_uid: string }>(
        'POST',
        `${shopUrl}/orders`,
        { product_id: products[index % PRICES.length] },
      );
      const impUid = await simulator.createPaidPayment(
        order.merchant_uid,
        amount,
      );
      payments[index] = { merchantUid: order.merchant_uid, impUid, amount };
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return payments;
}
