import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';
import {
  SIMULATOR_KEY,
  SIMULATOR_SECRET,
} from '../../apps/sample/src/config.js';
import { databaseOptions } from '../../apps/sample/src/persistence/database-options.js';
import { SAMPLE_MAIN } from '../support/sample-process.js';
import type { SimulatorControl } from '../support/simulator-control.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const INHERITED_ENV = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ'];

/** A payment as `GET /_sim/payments` lists it (the fields the checks read). */
export interface SimPayment {
  imp_uid: string;
  merchant_uid: string;
  pay_method: string;
  amount: number;
  currency: string;
  status: string;
  cancel_amount: number;
  paid_at: number;
  cancel_history: Array<{ amount: number; reason: string | null }>;
  /** Absent: V1. A V2 attempt reads as the module reads it (fromPortOneV2): imp_uid its transactionId, merchant_uid its paymentId. */
  api?: 'v1' | 'v2';
  /** V2: made on a test channel (`channel.type` TEST): no real money, to be refused. */
  test?: boolean;
  /** V2: the status as PortOne says it (`PARTIAL_CANCELLED`, …). */
  v2_status?: string;
}

/** A V2 attempt as `GET /_sim/v2/payments` lists it (the fields the checks read). */
interface SimV2Payment {
  status: string;
  id: string;
  transactionId: string;
  method?: { type?: string };
  amount: { total: number; cancelled: number };
  currency: string;
  channel?: { type?: string };
  paidAt?: string;
  cancellations?: Array<{ totalAmount: number; reason: string | null }>;
}

/** The V2 status in the words the module (and so its ledger) uses: PARTIAL_CANCELLED is `paid` with a refund. */
const V2_STATUS: Readonly<Record<string, string>> = {
  PAID: 'paid',
  PARTIAL_CANCELLED: 'paid',
  CANCELLED: 'cancelled',
  FAILED: 'failed',
};

/** A V2 attempt in the shape of a V1 payment, as the module's adapter reads it. */
export function fromV2(payment: SimV2Payment): SimPayment {
  return {
    imp_uid: payment.transactionId,
    merchant_uid: payment.id,
    pay_method:
      payment.method?.type === 'PaymentMethodVirtualAccount' ? 'vbank' : 'card',
    amount: payment.amount.total,
    currency: payment.currency,
    status: V2_STATUS[payment.status] ?? 'ready',
    cancel_amount: payment.amount.cancelled,
    paid_at: payment.paidAt ? Math.floor(Date.parse(payment.paidAt) / 1000) : 0,
    cancel_history: (payment.cancellations ?? []).map((entry) => ({
      amount: entry.totalAmount,
      reason: entry.reason,
    })),
    api: 'v2',
    test: payment.channel?.type !== 'LIVE',
    v2_status: payment.status,
  };
}

export interface OrderRow {
  merchant_uid: string;
  amount: number;
  status: string;
  imp_uid: string | null;
  cancelled_amount: number;
  fulfilment: string;
  failure_reason: string | null;
  /** The optimistic-lock column, once the ledger change has added it. */
  version: number | null;
}

export interface OutboxRow {
  id: string;
  type: string;
  merchant_uid: string;
  imp_uid: string;
  /** `transition.to` and `transition.cancelledAmount` from the payload. */
  to: string | null;
  cancelledAmount: number | null;
  delivered: boolean;
  attempts: number;
}

export interface HandledRow {
  event_id: string;
  handler: string;
  merchant_uid: string;
  type: string;
  deliveries: number;
}

export interface LedgerRow {
  imp_uid: string;
  merchant_uid: string;
  amount: number;
  cancelled_amount: number;
  status: string;
  disposition: string;
  reason: string | null;
}

export type Ledger =
  | { present: true; rows: Map<string, LedgerRow> }
  | { present: false; why: string };

/** Everything the invariants look at, for the orders of one run, read at quiescence. */
export interface World {
  merchantUids: string[];
  orders: Map<string, OrderRow>;
  /** The simulator's payments of those orders. */
  payments: SimPayment[];
  outbox: OutboxRow[];
  handled: HandledRow[];
  ledger: Ledger;
  /** merchant_uid → how many webhooks (payment_notifications, kind `webhook`) the apps recorded for it. */
  webhooksRecorded: Map<string, number>;
}

const MERCHANT_UID = /^[A-Za-z0-9_-]{1,40}$/;

const num = (value: unknown): number => Number(value);
/** A column as text (the drivers answer strings, numbers, or bigints as strings). */
const text = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'bigint'
      ? value.toString()
      : JSON.stringify(value);
const textOrNull = (value: unknown): string | null =>
  value === null || value === undefined ? null : text(value);
const numOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

/** The test's own connection to the shop's database: plain SQL, no entities, no migrations. */
export class ShopReader {
  private constructor(private readonly dataSource: DataSource) {}

  static async open(databaseUrl: string): Promise<ShopReader> {
    const dataSource = new DataSource({
      ...databaseOptions(databaseUrl, ':memory:'),
      entities: [],
      migrations: [],
    });
    await dataSource.initialize();
    return new ShopReader(dataSource);
  }

  close(): Promise<void> {
    return this.dataSource.isInitialized
      ? this.dataSource.destroy()
      : Promise.resolve();
  }

  private query<T>(sql: string): Promise<T[]> {
    return this.dataSource.query(sql);
  }

  /** Outbox events of every run not yet delivered. */
  async undelivered(): Promise<number> {
    const [row] = await this.query<{ n: unknown }>(
      'SELECT COUNT(*) AS n FROM iamport_outbox WHERE delivered_at IS NULL',
    );
    return num(row?.n ?? 0);
  }

  /** Polls until the outbox is empty of undelivered events; returns how many are left (0 on success). */
  async drainOutbox(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = await this.undelivered();
      if (left === 0 || Date.now() > deadline) return left;
      await sleep(100);
    }
  }

  async world(sim: SimulatorControl, merchantUids: string[]): Promise<World> {
    for (const merchantUid of merchantUids)
      if (!MERCHANT_UID.test(merchantUid))
        throw new Error(`unexpected merchant_uid ${merchantUid}`);
    const list = merchantUids.map((uid) => `'${uid}'`).join(', ');
    const wanted = new Set(merchantUids);
    const orders = await this.query<Record<string, unknown>>(
      `SELECT * FROM orders WHERE merchant_uid IN (${list})`,
    );
    const outbox = await this.query<Record<string, unknown>>(
      `SELECT id, type, merchant_uid, imp_uid, payload, delivered_at, attempts FROM iamport_outbox WHERE merchant_uid IN (${list})`,
    );
    const handled = await this.query<Record<string, unknown>>(
      `SELECT event_id, handler, merchant_uid, type, deliveries FROM handled_events WHERE merchant_uid IN (${list})`,
    );
    let ledger: Ledger;
    try {
      const rows = await this.query<Record<string, unknown>>(
        `SELECT * FROM iamport_payments WHERE merchant_uid IN (${list})`,
      );
      ledger = {
        present: true,
        rows: new Map(
          rows.map((row) => [
            text(row.imp_uid),
            {
              imp_uid: text(row.imp_uid),
              merchant_uid: text(row.merchant_uid),
              amount: num(row.amount),
              cancelled_amount: num(row.cancelled_amount),
              status: text(row.status),
              disposition: text(row.disposition),
              reason: textOrNull(row.reason),
            },
          ]),
        ),
      };
    } catch (error) {
      ledger = {
        present: false,
        why: error instanceof Error ? error.message : String(error),
      };
    }
    const recorded = await this.query<Record<string, unknown>>(
      `SELECT merchant_uid, COUNT(*) AS n FROM payment_notifications WHERE kind = 'webhook' AND merchant_uid IN (${list}) GROUP BY merchant_uid`,
    );
    const all = await sim.control<SimPayment[]>('GET', '/_sim/payments');
    // PortOne V2: every attempt of every paymentId, from the simulator's control API.
    const v2 = await sim.control<SimV2Payment[]>('GET', '/_sim/v2/payments');
    return {
      merchantUids,
      orders: new Map(
        orders.map((row) => [
          text(row.merchant_uid),
          {
            merchant_uid: text(row.merchant_uid),
            amount: num(row.amount),
            status: text(row.status),
            imp_uid: textOrNull(row.imp_uid),
            cancelled_amount: num(row.cancelled_amount),
            fulfilment: text(row.fulfilment),
            failure_reason: textOrNull(row.failure_reason),
            version: numOrNull(row.version),
          },
        ]),
      ),
      payments: [
        ...all.filter((payment) => wanted.has(payment.merchant_uid)),
        ...v2.filter((payment) => wanted.has(payment.id)).map(fromV2),
      ],
      outbox: outbox.map((row) => {
        let to: string | null = null;
        let cancelledAmount: number | null = null;
        try {
          const payload = JSON.parse(text(row.payload)) as {
            transition?: { to?: string; cancelledAmount?: number };
          };
          to = payload.transition?.to ?? null;
          cancelledAmount = numOrNull(payload.transition?.cancelledAmount);
        } catch {
          // An unreadable payload is reported through `to: null`.
        }
        return {
          id: text(row.id),
          type: text(row.type),
          merchant_uid: text(row.merchant_uid),
          imp_uid: text(row.imp_uid),
          to,
          cancelledAmount,
          delivered: row.delivered_at !== null,
          attempts: num(row.attempts),
        };
      }),
      handled: handled.map((row) => ({
        event_id: text(row.event_id),
        handler: text(row.handler),
        merchant_uid: text(row.merchant_uid),
        type: text(row.type),
        deliveries: num(row.deliveries),
      })),
      ledger,
      webhooksRecorded: new Map(
        recorded.map((row) => [text(row.merchant_uid), num(row.n)]),
      ),
    };
  }
}

export interface ReconcileResult {
  code: number | null;
  ms: number;
  /** The command's summary (`changed: N, failed: M`, outcomes), or its last lines. */
  summary: string;
  output: string;
}

/**
 * `node dist/apps/sample/main.js reconcile --older-than=0`: one reconciliation
 * run, as cron would start it, with the apps' database and iamport.
 */
export function reconcileOnce(
  settings: { databaseUrl: string; iamportApiUrl: string },
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<ReconcileResult> {
  const childEnv: NodeJS.ProcessEnv = {};
  for (const key of INHERITED_ENV)
    if (process.env[key] !== undefined) childEnv[key] = process.env[key];
  Object.assign(childEnv, {
    NO_COLOR: '1',
    DATABASE_URL: settings.databaseUrl,
    DATABASE_MIGRATIONS_RUN: 'false',
    IAMPORT_API_URL: settings.iamportApiUrl,
    IAMPORT_IMP_KEY: SIMULATOR_KEY,
    IAMPORT_IMP_SECRET: SIMULATOR_SECRET,
    ...env,
  });
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [SAMPLE_MAIN, 'reconcile', '--older-than=0'],
      { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const done = (code: number | null) => {
      clearTimeout(timer);
      // The summary's own lines; the payments listed under them (indented) stay in `output`.
      const lines = output
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith('  '));
      const from = lines.findIndex((line) => line.startsWith('reconciled '));
      resolve({
        code,
        ms: Math.round(performance.now() - started),
        summary: (from >= 0 ? lines.slice(from) : lines.slice(-5)).join('; '),
        output,
      });
    };
    child.once('exit', (code) => done(code));
    child.once('error', (error) => {
      output += `spawn failed: ${error.message}\n`;
      done(null);
    });
  });
}
