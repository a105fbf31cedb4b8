import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNode } from './processes.js';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** What the load worker sends: each request once, over `connections` connections. */
export interface LoadSpec {
  url: string;
  connections: number;
  timeoutSeconds: number;
  requests: LoadRequest[];
  /** Processes whose CPU time is read at the first request and at the last answer. */
  watch?: {
    app: number;
    simulator: number;
    /** The benchmark's PostgreSQL database (its backends and the shared server processes), or null. */
    postgresDatabase: string | null;
    /** The local MariaDB server's pid (the whole server), or null/absent. */
    mariadbServer?: number | null;
  };
}

/** CPU used between the first request and the last answer, in % of one core (this machine has 200 %). */
export interface CpuShares {
  app: number | null;
  simulator: number | null;
  postgres: number | null;
  /** The MariaDB server (every thread of it); absent in runs saved before MariaDB was measured. */
  mariadb?: number | null;
  loadGenerator: number;
  /** Every process of the machine. */
  machine: number;
  /** The machine minus all of the above: other people's work on the same cores, mostly. */
  other: number;
}

export interface LoadResult {
  requests: number;
  /** From the start to the last response, measured by the worker. */
  durationMs: number;
  requestsPerSecond: number;
  /** autocannon's latencies (2xx answers). */
  latencyMs: {
    average: number;
    p50: number;
    p90: number;
    p99: number;
    max: number;
  };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  cpu: CpuShares | null;
}

const WORKER = fileURLToPath(new URL('../load-worker.js', import.meta.url));

let runs = 0;

/** Runs the load worker as its own process and returns what it measured; `onStart` is called with its pid. */
export async function runLoad(
  spec: LoadSpec,
  workDirectory: string,
): Promise<LoadResult> {
  const id = ++runs;
  const specFile = join(workDirectory, `load-${id}.spec.json`);
  const resultFile = join(workDirectory, `load-${id}.result.json`);
  writeFileSync(specFile, JSON.stringify(spec));
  const worker = startNode({
    name: 'autocannon',
    args: [WORKER, specFile, resultFile],
    env: { ...process.env },
    logFile: join(workDirectory, 'autocannon.log'),
  });
  const code = await worker.exited;
  await worker.stop();
  if (code !== 0)
    throw new Error(`the load worker failed (${code}); see ${worker.logFile}`);
  return JSON.parse(readFileSync(resultFile, 'utf8')) as LoadResult;
}

export function webhookRequest(
  impUid: string,
  merchantUid: string,
): LoadRequest {
  return {
    method: 'POST',
    path: '/payments/webhook',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      imp_uid: impUid,
      merchant_uid: merchantUid,
      status: 'paid',
    }),
  };
}

/** The buyer's browser coming back to `m_redirect_url`, as an API client (JSON, no 303). */
export function redirectRequest(
  impUid: string,
  merchantUid: string,
): LoadRequest {
  const query = new URLSearchParams({
    imp_uid: impUid,
    merchant_uid: merchantUid,
    imp_success: 'true',
  });
  return {
    method: 'GET',
    path: `/payments/complete?${query.toString()}`,
    headers: { accept: 'application/json' },
  };
}
