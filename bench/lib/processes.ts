import { type ChildProcess, spawn } from 'node:child_process';
import {
  closeSync,
  openSync,
  readdirSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A child process the benchmark started; every one is stopped by `stopAll()`, also on failure. */
export interface Child {
  name: string;
  pid: number;
  process: ChildProcess;
  /** Where its stdout and stderr go. */
  logFile: string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

const children = new Set<Child>();

export interface StartOptions {
  name: string;
  /** Arguments to `node` (the script first). */
  args: string[];
  env: NodeJS.ProcessEnv;
  logFile: string;
}

/** `node <args>`, its output appended to a log file (a file, so that a chatty app never blocks on a pipe). */
export function startNode(options: StartOptions): Child {
  const fd = openSync(options.logFile, 'a');
  const child = spawn(process.execPath, options.args, {
    env: options.env,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  if (child.pid === undefined)
    throw new Error(`could not start ${options.name}`);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  let stopping: Promise<void> | undefined;
  const entry: Child = {
    name: options.name,
    pid: child.pid,
    process: child,
    logFile: options.logFile,
    exited,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const done = await Promise.race([
            exited.then(() => true),
            sleep(5_000).then(() => false),
          ]);
          if (!done) {
            child.kill('SIGKILL');
            await exited;
          }
        }
        children.delete(entry);
      })();
      return stopping;
    },
  };
  children.add(entry);
  return entry;
}

/** Stops every child still running (SIGTERM, then SIGKILL after 5 s). */
export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((child) => child.stop()));
}

/** Last resort when the benchmark itself is dying: SIGKILL every child, synchronously. */
export function killAllNow(): void {
  for (const child of children) {
    try {
      child.process.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Waits until `url` answers at all (any status), or the child exits, or the time is up. */
export async function waitForHttp(
  url: string,
  child: Child,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void child.exited.then((code) => {
    exitCode = code;
  });
  for (;;) {
    if (exitCode !== undefined)
      throw new Error(
        `${child.name} exited (${exitCode}) before answering; see ${child.logFile}`,
      );
    try {
      const answer = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await answer.arrayBuffer();
      return;
    } catch {
      if (Date.now() > deadline)
        throw new Error(
          `${child.name} did not answer ${url} within ${timeoutMs} ms; see ${child.logFile}`,
        );
      await sleep(100);
    }
  }
}

function statusField(pid: number, field: string): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Peak resident set size (VmHWM) in bytes, since start or since `resetPeakRss`. */
export function peakRss(pid: number): number | null {
  return statusField(pid, 'VmHWM');
}

/** Resident set size (VmRSS) in bytes. */
export function rss(pid: number): number | null {
  return statusField(pid, 'VmRSS');
}

/**
 * Resets VmHWM to the current RSS (`echo 5 > /proc/<pid>/clear_refs`, Linux ≥ 4.0),
 * so that the next reading is the peak of one cell. False when the kernel refused.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    // clear_refs can only be written; one write(2) of "5".
    const fd = openSync(`/proc/${pid}/clear_refs`, 'w');
    try {
      return writeSync(fd, '5') === 1;
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time (user + system) of one process, in ms; null when it is gone. */
export function cpuTimeMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command may contain spaces and parentheses: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** The PostgreSQL server processes that work for `database`: its backends and the shared ones. */
function postgresPids(database: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let title: string;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres')
        continue;
      title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    // A backend's title names its user, database and client: "postgres: user db 127.0.0.1(port) idle".
    const backend = /\d+\.\d+\.\d+\.\d+\(\d+\)|\[local\]|::1\(\d+\)/.test(
      title,
    );
    if (backend && !title.includes(` ${database} `)) continue;
    pids.push(Number(entry));
  }
  return pids;
}

/** CPU time of each PostgreSQL process working for `database`, by pid, in ms. */
export function postgresCpuByPid(database: string): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const pid of postgresPids(database)) {
    const cpu = cpuTimeMs(pid);
    if (cpu !== null) byPid.set(pid, cpu);
  }
  return byPid;
}

/**
 * PostgreSQL CPU between two readings: processes present at the end count
 * from their first reading (or from zero when they started in between);
 * processes that exited in between are left out (an idle pool closing a
 * connection must not count as negative time).
 */
export function postgresCpuBetween(
  before: Map<number, number>,
  after: Map<number, number>,
): number {
  let total = 0;
  for (const [pid, cpu] of after) total += cpu - (before.get(pid) ?? 0);
  return total;
}

/** PostgreSQL CPU of one database over a while, backends that came and went included (sample it often). */
export class PostgresCpuTracker {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private started = false;

  constructor(private readonly database: string) {}

  sample(): void {
    for (const pid of postgresPids(this.database)) {
      const cpu = cpuTimeMs(pid);
      if (cpu === null) continue;
      // A process first seen after the start began during the run: all its time counts.
      if (!this.first.has(pid)) this.first.set(pid, this.started ? 0 : cpu);
      this.last.set(pid, cpu);
    }
    this.started = true;
  }

  totalMs(): number {
    let total = 0;
    for (const [pid, last] of this.last)
      total += last - (this.first.get(pid) ?? 0);
    return total;
  }
}

/**
 * The local MariaDB server (`mariadbd`, or `mysqld` on older versions), or
 * null when none runs here. It is one process, its connections threads: its
 * CPU is the whole server's, other users' work on it included.
 */
export function mariadbServerPid(): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const name = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (name === 'mariadbd' || name === 'mysqld') return Number(entry);
    } catch {
      // gone
    }
  }
  return null;
}

/** CPU time of this process and every child it started, in ms. */
export function ownCpuTimeMs(): number {
  const self = process.cpuUsage();
  let total = (self.user + self.system) / 1000;
  for (const child of children) total += cpuTimeMs(child.pid) ?? 0;
  return total;
}

/** Busy and total CPU time of the whole machine (all cores), in ms, from /proc/stat. */
export function machineCpuMs(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const total = values.reduce((sum, value) => sum + value, 0);
  const toMs = (ticks: number) => (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  return { busy: toMs(total - idle), total: toMs(total) };
}

/**
 * Waits (up to `maxWaitMs`) until the machine is quiet: CPU used by processes
 * that are not this benchmark's (other people's builds and tests share these
 * cores) below `maxOtherPercent` of one core over half a second. Returns the
 * last reading, in % of one core.
 */
export async function waitForQuietMachine(
  maxOtherPercent = 25,
  maxWaitMs = 30_000,
): Promise<number> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const machineBefore = machineCpuMs().busy;
    const ownBefore = ownCpuTimeMs();
    const started = Date.now();
    await sleep(500);
    const elapsed = Date.now() - started;
    const other =
      ((machineCpuMs().busy - machineBefore - (ownCpuTimeMs() - ownBefore)) /
        elapsed) *
      100;
    if (other <= maxOtherPercent || Date.now() > deadline)
      return Math.max(0, other);
    await sleep(1_000);
  }
}
