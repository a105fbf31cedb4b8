/**
 * The load generator, run as its own process so that it never shares a CPU
 * with the benchmark's bookkeeping: `node dist/bench/load-worker.js <spec.json> <result.json>`.
 * Sends every request of the spec exactly once (request i carries entry i of
 * the list), over `connections` keep-alive connections, with autocannon.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import type { CpuShares, LoadResult, LoadSpec } from './lib/load.js';
import {
  cpuTimeMs,
  machineCpuMs,
  postgresCpuBetween,
  postgresCpuByPid,
} from './lib/processes.js';

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
}
interface AutocannonResult {
  latency: {
    average: number;
    p50: number;
    p90: number;
    p99: number;
    max: number;
  };
  requests: { total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface AutocannonInstance {
  on(
    event: 'response',
    listener: (client: unknown, statusCode: number) => void,
  ): void;
}
type Autocannon = (
  options: {
    url: string;
    connections: number;
    amount: number;
    timeout: number;
    requests: AutocannonRequest[];
  },
  done: (error: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const [specFile, resultFile] = process.argv.slice(2);
if (!specFile || !resultFile) {
  console.error('usage: load-worker <spec.json> <result.json>');
  process.exit(2);
}
const spec = JSON.parse(readFileSync(specFile, 'utf8')) as LoadSpec;

interface CpuReading {
  at: number;
  own: number;
  app: number | null;
  simulator: number | null;
  postgres: Map<number, number> | null;
  mariadb: number | null;
  machine: number;
}

function readCpu(): CpuReading {
  const own = process.cpuUsage();
  const watch = spec.watch;
  return {
    at: performance.now(),
    own: (own.user + own.system) / 1000,
    app: watch ? cpuTimeMs(watch.app) : null,
    simulator: watch ? cpuTimeMs(watch.simulator) : null,
    postgres: watch?.postgresDatabase
      ? postgresCpuByPid(watch.postgresDatabase)
      : null,
    mariadb: watch?.mariadbServer ? cpuTimeMs(watch.mariadbServer) : null,
    machine: machineCpuMs().busy,
  };
}

function shares(before: CpuReading, after: CpuReading): CpuShares {
  const elapsed = after.at - before.at;
  const percent = (a: number | null, b: number | null) =>
    a === null || b === null ? null : ((b - a) / elapsed) * 100;
  const app = percent(before.app, after.app);
  const simulator = percent(before.simulator, after.simulator);
  const postgres =
    before.postgres && after.postgres
      ? (postgresCpuBetween(before.postgres, after.postgres) / elapsed) * 100
      : null;
  const mariadb = percent(before.mariadb, after.mariadb);
  const loadGenerator = percent(before.own, after.own) ?? 0;
  const machine = percent(before.machine, after.machine) ?? 0;
  return {
    app,
    simulator,
    postgres,
    mariadb,
    loadGenerator,
    machine,
    other: Math.max(
      0,
      machine -
        (app ?? 0) -
        (simulator ?? 0) -
        (postgres ?? 0) -
        (mariadb ?? 0) -
        loadGenerator,
    ),
  };
}

const total = spec.requests.length;
let next = 0;
let answered = 0;
const cpuBefore = readCpu();
const started = performance.now();
let lastResponse = started;
let cpuAfter: CpuReading | null = null;

const result = await new Promise<AutocannonResult>((resolve, reject) => {
  const instance = autocannon(
    {
      url: spec.url,
      connections: Math.min(spec.connections, total),
      amount: total,
      timeout: spec.timeoutSeconds,
      requests: [
        {
          setupRequest: (request) => {
            const entry = spec.requests[next++ % total]!;
            return {
              ...request,
              method: entry.method,
              path: entry.path,
              headers: entry.headers,
              body: entry.body,
            };
          },
        },
      ],
    },
    (error, answer) => (error ? reject(error) : resolve(answer)),
  );
  instance.on('response', () => {
    lastResponse = performance.now();
    if (++answered === total) cpuAfter = readCpu();
  });
});

const durationMs = lastResponse - started;
const output: LoadResult = {
  requests: result.requests.total,
  durationMs,
  requestsPerSecond: (result.requests.total / durationMs) * 1000,
  latencyMs: {
    average: result.latency.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
  },
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  statusCodes: Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([code, { count }]) => [
      code,
      count,
    ]),
  ),
  cpu: shares(cpuBefore, cpuAfter ?? readCpu()),
};
writeFileSync(resultFile, JSON.stringify(output));
