import {
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { Worker } from 'node:worker_threads';
import { resolveFromApp } from '../app-packages.js';
import { sqliteConnection } from './transactions.js';

/** What the checkpointing thread last reported: frames in the WAL, and how many of them are in the database file. */
export interface CheckpointReport {
  readonly log: number;
  readonly checkpointed: number;
}

// SQLite's default: a commit that leaves this many pages in the WAL checkpoints it itself.
const SQLITE_AUTOCHECKPOINT = 1000;
// While the thread runs. SQLite restarts the WAL from its start only when a
// checkpoint has copied every frame before the next write begins; under steady
// writes a checkpoint from another connection never catches up, and the WAL
// grew without bound (316 MiB for 10,000 payments, `npm run bench:sqlite-checkpoints`).
// So the shop's commit still checkpoints once the WAL holds this many pages
// (about 16 MiB): by then the thread has copied all but its last 100 ms, so the
// commit copies only that, and the WAL restarts.
const AUTOCHECKPOINT_WITH_THREAD = 4000;
const STOP_WAIT_MS = 2000;

// Runs in the worker (CommonJS, `eval`): its own connection to the same file.
// PASSIVE never waits for readers or writers, so it can neither block the shop
// nor be blocked for long; what it cannot copy now it copies on the next turn.
const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const database = new Database(workerData.file, { fileMustExist: true });
const timer = setInterval(() => {
  let row;
  try {
    [row] = database.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    // Another process's checkpoint holds the WAL: try again next turn. Anything else ends the thread.
    if (error && (error.code === 'SQLITE_BUSY' || error.code === 'SQLITE_LOCKED')) return;
    throw error;
  }
  if (row && row.log > 0) parentPort.postMessage({ log: row.log, checkpointed: row.checkpointed });
}, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  database.close();
  parentPort.close();
});
`;

/**
 * SQLite only: the WAL is copied into the database file by a thread of its
 * own instead of by the commit that happens to fill it. With WAL and
 * `synchronous = NORMAL` that copy is the only fsync, and SQLite runs it inside
 * the committing call: on the shop's one event loop it stalled every request
 * (`npm run bench:sqlite-checkpoints` measures what moving it saves the event
 * loop). While the thread runs the shop's connection checkpoints only a large
 * WAL (`AUTOCHECKPOINT_WITH_THREAD`), and every 1,000 pages again if the thread
 * dies. Crash safety does not change: a checkpoint only copies committed
 * frames, and after a crash SQLite replays the WAL whoever was meant to copy it.
 */
export class SqliteCheckpoints implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SqliteCheckpoints.name);
  private worker: Worker | undefined;
  private stopping = false;
  /** The thread's newest report, `undefined` until it has copied something. */
  last: CheckpointReport | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly everyMs = 100,
  ) {}

  get running(): boolean {
    return this.worker !== undefined;
  }

  onModuleInit(): void {
    if (this.dataSource.options.type !== 'better-sqlite3') return;
    const connection = sqliteConnection(this.dataSource);
    if (connection.memory) return;
    const worker = new Worker(CHECKPOINTER, {
      eval: true,
      workerData: {
        driver: resolveFromApp('better-sqlite3'),
        file: connection.name,
        everyMs: this.everyMs,
      },
    });
    // Checkpointing never keeps a process (the reconciliation command) alive.
    worker.unref();
    worker.on('message', (report: CheckpointReport) => {
      this.last = report;
    });
    worker.on('error', (error) => {
      this.logger.warn(
        `checkpoint thread failed, the connection checkpoints itself again: ${error.message}`,
      );
    });
    worker.on('exit', () => {
      this.worker = undefined;
      if (!this.stopping) this.checkpointHere();
    });
    // Above the WAL's usual size, so that a restart does not truncate the file every time.
    connection.pragma('journal_size_limit = 67108864');
    connection.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_WITH_THREAD}`);
    this.worker = worker;
  }

  async onApplicationShutdown(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.stopping = true;
    // An unref'd thread's exit would not keep the process waiting for it.
    worker.ref();
    const exited = new Promise<void>((resolve) =>
      worker.once('exit', () => resolve()),
    );
    worker.postMessage('stop');
    const timer = setTimeout(() => void worker.terminate(), STOP_WAIT_MS);
    await exited;
    clearTimeout(timer);
  }

  private checkpointHere(): void {
    const connection = sqliteConnection(this.dataSource);
    if (connection.open)
      connection.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT}`);
  }
}
