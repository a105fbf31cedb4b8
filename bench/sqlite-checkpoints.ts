/**
 * `npm run bench:sqlite-checkpoints [-- --n=10000 --rounds=3]`
 *
 * What a commit costs the shop's one event loop on SQLite, and how large the
 * WAL grows, with the WAL checkpointed by the commit that fills it (SQLite's
 * default, `wal_autocheckpoint = 1000`), by a thread of its own alone
 * (`wal_checkpoint(PASSIVE)` every 100 ms from a worker with its own
 * connection, `wal_autocheckpoint = 0`), and by both as the sample's
 * `SqliteCheckpoints` does (the thread, and the commit only past 4,000 pages).
 * Each payment makes the writes of a first webhook (`bench/lib/sqlite-shop.ts`),
 * one payment a millisecond (a storm's pace). Only the time inside the transactions is counted, on this thread:
 * the worker's time is not the event loop's. Rounds alternate, to even out a
 * machine that changes speed. The thread is the sample's (`CHECKPOINTER` in
 * `apps/sample/src/persistence/sqlite-checkpoints.ts`) without its reports:
 * the sample is bundled, so its module cannot be imported here.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { Args } from './lib/args.js';
import {
  describeProvenance,
  fixed,
  provenance,
  RESULTS_DIR,
  table,
} from './lib/report.js';
import { openShop, SQLITE_DRIVER as driver } from './lib/sqlite-shop.js';

const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const database = new Database(workerData.file, { fileMustExist: true });
const timer = setInterval(() => {
  try { database.pragma('wal_checkpoint(PASSIVE)'); } catch (error) {
    if (!error || (error.code !== 'SQLITE_BUSY' && error.code !== 'SQLITE_LOCKED')) throw error;
  }
}, 100);
parentPort.on('message', () => { clearInterval(timer); database.close(); parentPort.close(); });
`;

type Mode = 'commit' | 'thread' | 'both';
const MODES: readonly Mode[] = ['commit', 'thread', 'both'];
// The sample's `AUTOCHECKPOINT_WITH_THREAD`.
const AUTOCHECKPOINT_WITH_THREAD = 4000;

interface Round {
  /** Milliseconds this thread spent inside the transactions, per 1,000 payments. */
  msPer1000: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  walMiB: number;
}

async function round(mode: Mode, payments: number): Promise<Round> {
  const directory = mkdtempSync(join(tmpdir(), 'iamport-checkpoints-'));
  const file = join(directory, 'shop.sqlite');
  const { database, insertOrder, commit, handle } = openShop(file);
  let worker: Worker | undefined;
  if (mode !== 'commit') {
    database.pragma('journal_size_limit = 67108864');
    database.pragma(
      `wal_autocheckpoint = ${mode === 'both' ? AUTOCHECKPOINT_WITH_THREAD : 0}`,
    );
    worker = new Worker(CHECKPOINTER, {
      eval: true,
      workerData: { driver, file },
    });
  }

  const times = new Float64Array(payments * 2);
  let inside = 0n;
  let walBytes = 0;
  for (let payment = 0; payment < payments; payment++) {
    const uid = `order-${payment}`;
    insertOrder.run(uid);
    await sleep(1);
    for (const [index, transaction] of [commit, handle].entries()) {
      const start = process.hrtime.bigint();
      transaction.immediate(uid);
      const took = process.hrtime.bigint() - start;
      inside += took;
      times[payment * 2 + index] = Number(took) / 1e6;
    }
    if (payment % 1000 === 0)
      walBytes = Math.max(walBytes, statSync(`${file}-wal`).size);
  }
  if (worker) {
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage('stop');
    await exited;
  }
  database.close();
  rmSync(directory, { recursive: true, force: true });
  const sorted = Array.from(times).sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.floor(q * (sorted.length - 1))];
  return {
    msPer1000: (Number(inside) / 1e6 / payments) * 1000,
    p50: at(0.5),
    p99: at(0.99),
    p999: at(0.999),
    max: sorted[sorted.length - 1],
    walMiB: walBytes / 1024 / 1024,
  };
}

async function main(): Promise<void> {
  const args = new Args(process.argv.slice(2), ['n', 'rounds']);
  const payments = args.number('n', 10_000);
  const rounds = args.number('rounds', 3);
  for (const mode of MODES) await round(mode, 500);
  const results: Record<Mode, Round[]> = { commit: [], thread: [], both: [] };
  for (let index = 0; index < rounds; index++)
    for (const mode of MODES) results[mode].push(await round(mode, payments));

  const mean = (mode: Mode, key: keyof Round) =>
    results[mode].reduce((sum, value) => sum + value[key], 0) / rounds;
  const label: Record<Mode, string> = {
    commit: "by the commit that fills the WAL (SQLite's default)",
    thread: 'by a thread alone (`wal_autocheckpoint = 0`)',
    both: 'by a thread, and by a commit past 4,000 pages (the sample)',
  };
  const row = (mode: Mode) => [
    label[mode],
    results[mode].map((value) => fixed(value.msPer1000)).join(' / '),
    fixed(mean(mode, 'msPer1000') / mean('commit', 'msPer1000'), 2),
    fixed(mean(mode, 'p50'), 3),
    fixed(mean(mode, 'p99'), 3),
    fixed(mean(mode, 'p999'), 3),
    results[mode].map((value) => fixed(value.max, 1)).join(' / '),
    fixed(Math.max(...results[mode].map((value) => value.walMiB)), 1),
  ];
  const report = [
    '# SQLite: who checkpoints the WAL',
    '',
    `${describeProvenance(provenance())}. \`npm run bench:sqlite-checkpoints\`: ${fixed(payments)} payments a round (two transactions each, one a millisecond), ${rounds} rounds each, alternating; WAL and \`synchronous = NORMAL\` as in the sample, on a file in ${tmpdir()}. Time inside the transactions on the event loop's thread only.`,
    '',
    table(
      [
        'checkpoints',
        'ms in transactions per 1,000 payments, each round',
        '÷ default',
        'p50 ms',
        'p99 ms',
        'p99.9 ms',
        'slowest transaction ms, each round',
        'largest WAL MiB',
      ],
      MODES.map(row),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
  ].join('\n');
  const out = join(RESULTS_DIR, 'sqlite-checkpoints.md');
  writeFileSync(out, report);
  console.log(report);
  console.log(`written: ${out}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
