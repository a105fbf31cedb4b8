import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  SIMULATOR_KEY,
  SIMULATOR_SECRET,
} from '../../apps/sample/src/config.js';
import { freePort } from './free-port.js';
import { sinkLogLines } from './log-sink.js';
import { TEST_ADMIN_TOKEN } from './priced-orders.js';

/** The repository root: the child runs there, as `npm start` runs it. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** What `npm run build` (the `pretest` script) writes. */
export const SAMPLE_MAIN = fileURLToPath(
  new URL('../../dist/apps/sample/main.js', import.meta.url),
);

/** Output kept per process: the tail, enough for a failure message, bounded for long runs. */
const MAX_OUTPUT_CHARS = 400_000;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/** Only what a Node process needs from the parent: nothing of the shop's own settings leaks in. */
const INHERITED_ENV = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ'];

export interface SampleProcessSettings {
  /** `DATABASE_URL`: a SQLite path, `postgres://…`, `mysql://…` or `mariadb://…`. */
  databaseUrl: string;
  /** `IAMPORT_API_URL`: the simulator the test started (its key and secret are the defaults). */
  iamportApiUrl: string;
  /** More environment: `SHIPPING_DELAY_MS`, `OUTBOX_REDELIVERY_DELAY_MS`, … (wins over the defaults). */
  env?: Record<string, string>;
  /** A name for messages (`app-2`); default `sample`. */
  name?: string;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SampleProcess {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The environment it was started with (to start another one like it). */
  readonly settings: SampleProcessSettings;
  /** stdout and stderr as they came, each line prefixed with `out|` or `err|`. */
  output(): string;
  /** Whether it has exited (or was killed). */
  readonly exited: boolean;
  /** Resolves when the process is gone. */
  readonly exit: Promise<ProcessExit>;
  /** SIGTERM (Nest's shutdown hooks run), SIGKILL if it is still there after 10 s. */
  stop(): Promise<ProcessExit>;
  /** SIGKILL at once: a crash, as far as the app can tell. */
  kill(): Promise<ProcessExit>;
}

/** Every child still running, killed when the test process ends however it ends. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

class PortTakenError extends Error {}

/**
 * Starts the built sample app (`node dist/apps/sample/main.js`) as a child
 * process against the test's simulator and database, with the reconciliation
 * schedule off, and resolves once it answers HTTP. Migrations run at its
 * start-up: on a fresh database, start one first (or use
 * `startSampleProcesses`). Rejects with the child's output if it exits or does
 * not answer within 30 s.
 */
export async function startSampleProcess(
  settings: SampleProcessSettings,
): Promise<SampleProcess> {
  if (!existsSync(SAMPLE_MAIN))
    throw new Error(
      `${SAMPLE_MAIN} does not exist: run \`npm run build\` first (npm test does)`,
    );
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(settings, await freePort());
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt >= 5) throw error;
    }
  }
}

/**
 * `count` processes on one database: the first alone (it runs the
 * migrations), then the others together. If one fails, those started are
 * stopped and the error is thrown.
 */
export async function startSampleProcesses(
  count: number,
  settings: SampleProcessSettings,
): Promise<SampleProcess[]> {
  const named = (index: number): SampleProcessSettings => ({
    ...settings,
    name: `${settings.name ?? 'app'}-${index + 1}`,
  });
  const first = await startSampleProcess(named(0));
  const rest = await Promise.allSettled(
    Array.from({ length: count - 1 }, (_, index) =>
      startSampleProcess(named(index + 1)),
    ),
  );
  const started = [
    first,
    ...rest.flatMap((result) =>
      result.status === 'fulfilled' ? [result.value] : [],
    ),
  ];
  const failure = rest.find((result) => result.status === 'rejected');
  if (failure) {
    await stopAll(started);
    throw failure.reason;
  }
  return started;
}

/** Stops every process given (SIGTERM, then SIGKILL); never throws. */
export async function stopAll(
  processes: Iterable<SampleProcess | undefined>,
): Promise<void> {
  const live = [...processes].filter(
    (child): child is SampleProcess => child !== undefined,
  );
  await Promise.all(live.map((child) => child.stop().catch(() => undefined)));
}

/**
 * Prints the output of the processes `current()` returns when a test of the
 * enclosing `describe` fails (the app's log says what the assertion cannot).
 */
export function printOutputOnFailure(
  current: () => Iterable<SampleProcess | undefined>,
): void {
  beforeEach(() => {
    onTestFailed(() => {
      for (const child of current()) {
        if (!child) continue;
        console.error(
          `--- ${child.name} (pid ${child.pid}, ${child.url}): ${outputSummary(child.output())}`,
        );
      }
    });
  });
}

/** Its warnings and errors (what explains a failure), then the last lines (what it was doing). */
function outputSummary(output: string, tail = 60, notable = 100): string {
  const lines = output.split('\n').filter(Boolean);
  const problems = lines.filter((line) => /\b(WARN|ERROR)\b/.test(line));
  const shownProblems = problems.slice(0, notable);
  return [
    `${problems.length} warning and error lines${problems.length > notable ? ` (the first ${notable})` : ''}:`,
    ...shownProblems,
    `the last ${Math.min(tail, lines.length)} of ${lines.length} lines:`,
    ...lines.slice(-tail),
  ].join('\n');
}

async function startOnce(
  settings: SampleProcessSettings,
  port: number,
): Promise<SampleProcess> {
  const name = settings.name ?? 'sample';
  const env: NodeJS.ProcessEnv = {};
  for (const key of INHERITED_ENV)
    if (process.env[key] !== undefined) env[key] = process.env[key];
  Object.assign(env, {
    NO_COLOR: '1',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: settings.databaseUrl,
    IAMPORT_API_URL: settings.iamportApiUrl,
    IAMPORT_IMP_KEY: SIMULATOR_KEY,
    IAMPORT_IMP_SECRET: SIMULATOR_SECRET,
    RECONCILE_INTERVAL_SECONDS: '0',
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    ...settings.env,
  });
  const child = spawn(process.execPath, [SAMPLE_MAIN], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);

  let output = '';
  const append = (prefix: string) => {
    let partial = '';
    return (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      if (lines.length === 0) return;
      sinkLogLines(name, lines.join('\n'));
      output += lines.map((line) => `${prefix}|${line}\n`).join('');
      if (output.length > MAX_OUTPUT_CHARS)
        output = `…\n${output.slice(-MAX_OUTPUT_CHARS)}`;
    };
  };
  child.stdout.on('data', append('out'));
  child.stderr.on('data', append('err'));

  let exited = false;
  const exit = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      running.delete(child);
      resolve({ code, signal });
    });
    // A spawn that fails (no such file) emits `error` and no `exit`.
    child.once('error', (error) => {
      exited = true;
      running.delete(child);
      output += `spawn failed: ${error.message}\n`;
      resolve({ code: null, signal: null });
    });
  });

  const url = `http://127.0.0.1:${port}`;
  const signal = async (kind: NodeJS.Signals, graceMs: number) => {
    if (!exited) child.kill(kind);
    const timer =
      graceMs > 0 && !exited
        ? setTimeout(() => child.kill('SIGKILL'), graceMs)
        : null;
    try {
      return await exit;
    } finally {
      if (timer) clearTimeout(timer);
    }
  };
  const handle: SampleProcess = {
    name,
    pid: child.pid ?? -1,
    port,
    url,
    settings,
    output: () => output,
    get exited() {
      return exited;
    },
    exit,
    stop: () => signal('SIGTERM', STOP_TIMEOUT_MS),
    kill: () => signal('SIGKILL', 0),
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      const { code, signal: by } = await exit;
      if (output.includes('EADDRINUSE')) throw new PortTakenError();
      throw new Error(
        `${name} exited during start-up (code ${code}, signal ${by}):\n${output}`,
      );
    }
    if (await answersHttp(url)) return handle;
    if (Date.now() > deadline) {
      await handle.kill();
      throw new Error(
        `${name} did not answer HTTP on ${url} within ${START_TIMEOUT_MS} ms:\n${output}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Any HTTP answer will do (the checkout page is 200): the server is listening and Nest has started. */
async function answersHttp(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/`, {
      signal: AbortSignal.timeout(2_000),
    });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}
