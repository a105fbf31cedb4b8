import { execFile } from 'node:child_process';
import { sinkLogLines } from '../support/log-sink.js';
import { fileURLToPath } from 'node:url';
import { In } from 'typeorm';
import type {
  OrderStatus,
  PaymentRecord,
  ReconciliationSummary,
} from 'nestjs-iamport';
import { HandledEventEntity } from '../../apps/sample/src/persistence/handled-event.entity.js';
import {
  type FulfilmentStatus,
  OrderEntity,
} from '../../apps/sample/src/persistence/order.entity.js';
import { OutboxEventEntity } from '../../apps/sample/src/persistence/outbox-event.entity.js';
import { PaymentNotificationEntity } from '../../apps/sample/src/persistence/payment-notification.entity.js';
import { PaymentRecordEntity } from '../../apps/sample/src/persistence/payment-record.entity.js';
import type { SampleApp } from '../support/sample-app.fixture.js';
import type { SimulatorControl } from '../support/simulator-control.js';

/** Calls of a run's sweep: `status/paid` and `status/cancelled`, one page each (fewer than 1,000 payments). */
export const SWEEP_LISTINGS = 2;

/** How the buyer's payment ended, while iamport's webhook never arrived. */
export type Ending =
  | 'paid'
  | 'forged'
  | 'vbank_issued'
  | 'vbank_deposited'
  | 'failed'
  | 'left_in_window'
  | 'no_payment'
  | 'sandbox';

type Outcome = keyof ReconciliationSummary['outcomes'];

interface EndingSpec {
  /** `POST /_sim/payments` fields (merchant_uid and amount added); null: no payment at all. */
  payment: Record<string, unknown> | null;
  /** Deposit into the virtual account afterwards (its webhook dropped too). */
  deposit?: boolean;
  /** The webhooks iamport would have sent (all dropped). */
  webhooks: number;
  /** After reconciliation. */
  status: OrderStatus;
  outcome: Outcome;
  /** What a second run sees of an order still open after the first (`OPEN_STATUSES`); null: it is settled and not looked at again. */
  againOutcome: Outcome | null;
  /** The first run moves the order (or refunds its payment): it counts in `changed`. */
  changes: boolean;
  /** After the first run the payment is listed by the sweep (`status/paid` or `status/cancelled`, sandbox ones hidden). */
  swept: boolean;
  /** The outbox event of the transition, and the sample's handler that ran for it. */
  event: string | null;
  handler: string | null;
  fulfilment: FulfilmentStatus;
  /** The payment settles the order (its imp_uid is kept). */
  keepsImpUid: boolean;
  refunded: number;
}

export const ORDER_AMOUNT = 35_000;
export const FORGED_AMOUNT = 1_000;

export const ENDINGS: Record<Ending, EndingSpec> = {
  paid: {
    payment: { status: 'paid', webhook: true },
    webhooks: 1,
    status: 'paid',
    outcome: 'paid',
    againOutcome: null,
    changes: true,
    swept: true,
    event: 'paid',
    handler: 'ship',
    fulfilment: 'ready_to_ship',
    keepsImpUid: true,
    refunded: 0,
  },
  forged: {
    payment: { status: 'paid', amount: FORGED_AMOUNT, webhook: true },
    webhooks: 1,
    status: 'forgery_cancelled',
    outcome: 'forgery',
    // forgery_cancelled is open (a right payment may still come): looked at again, already recorded.
    againOutcome: 'forgery',
    changes: true,
    // Refunded by the run: listed as cancelled.
    swept: true,
    event: 'forgery',
    handler: 'hold',
    fulfilment: 'held',
    keepsImpUid: true,
    refunded: FORGED_AMOUNT,
  },
  vbank_issued: {
    payment: { status: 'ready', pay_method: 'vbank', webhook: true },
    webhooks: 1,
    status: 'vbank_issued',
    outcome: 'vbank_issued',
    againOutcome: 'vbank_issued',
    changes: true,
    swept: false,
    event: 'vbank_issued',
    handler: 'awaitDeposit',
    fulfilment: 'awaiting_deposit',
    keepsImpUid: true,
    refunded: 0,
  },
  vbank_deposited: {
    payment: { status: 'ready', pay_method: 'vbank', webhook: true },
    deposit: true,
    webhooks: 2,
    status: 'paid',
    outcome: 'paid',
    againOutcome: null,
    changes: true,
    swept: true,
    event: 'paid',
    handler: 'ship',
    fulfilment: 'ready_to_ship',
    keepsImpUid: true,
    refunded: 0,
  },
  failed: {
    // iamport sends no webhook for a failure: only reconciliation (or the redirect) can see it.
    payment: { status: 'failed', webhook: true },
    webhooks: 0,
    status: 'failed',
    outcome: 'failed',
    // failed is open (the buyer may try again with the same merchant_uid): looked at again.
    againOutcome: 'failed',
    changes: true,
    swept: false,
    event: 'failed',
    // The sample's failed handler (nothing to reopen here: fulfilment stays none).
    handler: 'reopen',
    fulfilment: 'none',
    keepsImpUid: true,
    refunded: 0,
  },
  left_in_window: {
    payment: { status: 'ready', pay_method: 'card', webhook: true },
    webhooks: 0,
    status: 'pending',
    outcome: 'pending',
    againOutcome: 'pending',
    changes: false,
    swept: false,
    event: null,
    handler: null,
    fulfilment: 'none',
    keepsImpUid: false,
    refunded: 0,
  },
  no_payment: {
    payment: null,
    webhooks: 0,
    status: 'pending',
    outcome: 'no_payment',
    againOutcome: 'no_payment',
    changes: false,
    swept: false,
    event: null,
    handler: null,
    fulfilment: 'none',
    keepsImpUid: false,
    refunded: 0,
  },
  sandbox: {
    payment: { status: 'paid', sandbox: true, webhook: true },
    webhooks: 1,
    status: 'pending',
    outcome: 'sandbox_rejected',
    againOutcome: 'sandbox_rejected',
    changes: false,
    // The status listings hide test-channel payments.
    swept: false,
    event: null,
    handler: null,
    fulfilment: 'none',
    keepsImpUid: false,
    refunded: 0,
  },
};

export const ENDING_NAMES = Object.keys(ENDINGS) as Ending[];

export interface StaleOrder {
  ending: Ending;
  merchantUid: string;
  impUid: string | null;
}

/** Runs `work` over `items`, `concurrency` at a time, keeping their order. */
async function mapLimit<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++)
      results[index] = await work(items[index]);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

/**
 * `perEnding` orders of every ending, created through `POST /orders` and paid
 * in the simulator (the endings interleaved, so every batch holds all of
 * them). The caller drops the webhooks first.
 */
export async function createStaleOrders(
  shop: SampleApp,
  perEnding: number,
): Promise<StaleOrder[]> {
  const endings = Array.from(
    { length: perEnding * ENDING_NAMES.length },
    (_, index) => ENDING_NAMES[index % ENDING_NAMES.length],
  );
  return mapLimit(endings, 8, async (ending) => {
    const order = await shop.createOrder({ amount: ORDER_AMOUNT });
    const spec = ENDINGS[ending];
    if (spec.payment === null)
      return { ending, merchantUid: order.merchant_uid, impUid: null };
    const payment = await shop.sim.createPayment({
      merchant_uid: order.merchant_uid,
      amount: ORDER_AMOUNT,
      ...spec.payment,
    });
    const impUid = payment.imp_uid as string;
    if (spec.deposit)
      await shop.sim.control('POST', `/_sim/payments/${impUid}/deposit`, {
        webhook: true,
      });
    return { ending, merchantUid: order.merchant_uid, impUid };
  });
}

/** The webhooks iamport would have sent for these orders. */
export function webhooksFor(orders: readonly StaleOrder[]): number {
  return orders.reduce((sum, order) => sum + ENDINGS[order.ending].webhooks, 0);
}

/** How many of `orders` end in each outcome of a first run. */
export function outcomesOf(
  orders: readonly StaleOrder[],
  which: 'outcome' | 'againOutcome' = 'outcome',
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const order of orders) {
    const outcome = ENDINGS[order.ending][which];
    if (outcome !== null) counts[outcome] = (counts[outcome] ?? 0) + 1;
  }
  return counts;
}

/** Orders a run looks at again (their status is one of `OPEN_STATUSES`) once `orders` are settled. */
export function stillOpen(orders: readonly StaleOrder[]): StaleOrder[] {
  return orders.filter((order) => ENDINGS[order.ending].againOutcome !== null);
}

/** How many payment verifications of a first run over `orders` move an order or refund. */
export function changedBy(orders: readonly StaleOrder[]): number {
  return orders.filter((order) => ENDINGS[order.ending].changes).length;
}

/** How many of the payments of `orders` the sweep lists once they are settled. */
export function sweptOf(orders: readonly StaleOrder[]): number {
  return orders.filter((order) => ENDINGS[order.ending].swept).length;
}

/** `orders` in the order reconciliation claims them (by id, oldest first). */
export async function inClaimOrder(
  shop: SampleApp,
  orders: readonly StaleOrder[],
): Promise<StaleOrder[]> {
  const rows = await shop.dataSource.getRepository(OrderEntity).find({
    where: { merchantUid: In(orders.map((order) => order.merchantUid)) },
    select: { id: true, merchantUid: true },
    order: { id: 'ASC' },
  });
  const byUid = new Map(orders.map((order) => [order.merchantUid, order]));
  return rows.map((row) => byUid.get(row.merchantUid)!);
}

/** Every order's status as the database holds it. */
export async function statusesOf(
  shop: SampleApp,
  orders: readonly StaleOrder[],
): Promise<Record<string, number>> {
  const rows = await shop.dataSource.getRepository(OrderEntity).find({
    where: { merchantUid: In(orders.map((order) => order.merchantUid)) },
    select: { status: true },
  });
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.status] = (counts[row.status] ?? 0) + 1;
  return counts;
}

/** One line per order of what matters: the order, its events, handlers and payment. */
export async function settlementOf(
  shop: SampleApp,
  orders: readonly StaleOrder[],
): Promise<Map<string, string>> {
  const merchantUids = orders.map((order) => order.merchantUid);
  const { dataSource } = shop;
  const [rows, events, handled, payments] = await Promise.all([
    dataSource
      .getRepository(OrderEntity)
      .findBy({ merchantUid: In(merchantUids) }),
    dataSource
      .getRepository(OutboxEventEntity)
      .findBy({ merchantUid: In(merchantUids) }),
    dataSource
      .getRepository(HandledEventEntity)
      .findBy({ merchantUid: In(merchantUids) }),
    shop.sim.control<Array<Record<string, any>>>('GET', '/_sim/payments'),
  ]);
  const paymentOf = new Map(
    payments.map((payment) => [payment.imp_uid as string, payment]),
  );
  const group = <T extends { merchantUid: string }>(list: T[]) => {
    const byOrder = new Map<string, T[]>();
    for (const item of list)
      byOrder.set(item.merchantUid, [
        ...(byOrder.get(item.merchantUid) ?? []),
        item,
      ]);
    return byOrder;
  };
  const eventsOf = group(events);
  const handledOf = group(handled);
  const lines = new Map<string, string>();
  for (const row of rows) {
    const order = orders.find((item) => item.merchantUid === row.merchantUid)!;
    const payment = order.impUid ? paymentOf.get(order.impUid) : undefined;
    lines.set(
      row.merchantUid,
      [
        order.ending,
        row.status,
        `imp_uid ${row.impUid === null ? 'none' : row.impUid === order.impUid ? 'own' : row.impUid}`,
        `cancelled ${row.cancelledAmount}`,
        `fulfilment ${row.fulfilment}`,
        `events [${(eventsOf.get(row.merchantUid) ?? []).map((event) => event.type).join(',')}]`,
        `handled [${(handledOf.get(row.merchantUid) ?? []).map((entry) => `${entry.handler}x${entry.deliveries}`).join(',')}]`,
        `refunds ${payment ? `${payment.cancel_history.length}/${payment.cancel_amount}` : '-'}`,
      ].join(' | '),
    );
  }
  return lines;
}

/** What `settlementOf` must read once reconciliation has settled every order once. */
export function expectedSettlement(
  orders: readonly StaleOrder[],
): Map<string, string> {
  const lines = new Map<string, string>();
  for (const order of orders) {
    const spec = ENDINGS[order.ending];
    lines.set(
      order.merchantUid,
      [
        order.ending,
        spec.status,
        `imp_uid ${spec.keepsImpUid ? 'own' : 'none'}`,
        `cancelled ${spec.refunded}`,
        `fulfilment ${spec.fulfilment}`,
        `events [${spec.event ?? ''}]`,
        `handled [${spec.handler ? `${spec.handler}x1` : ''}]`,
        `refunds ${order.impUid ? (spec.refunded ? `1/${spec.refunded}` : '0/0') : '-'}`,
      ].join(' | '),
    );
  }
  return lines;
}

/** What an order looked like before any reconciliation: pending, untouched. */
export function untouched(orders: readonly StaleOrder[]): Map<string, string> {
  return new Map(
    orders.map((order) => [
      order.merchantUid,
      [
        order.ending,
        'pending',
        'imp_uid none',
        'cancelled 0',
        'fulfilment none',
        'events []',
        'handled []',
        `refunds ${order.impUid ? '0/0' : '-'}`,
      ].join(' | '),
    ]),
  );
}

/** Everything but reconciliation's own bookkeeping (its lease and when it last looked), the payment ledger included. */
export async function shopState(shop: SampleApp): Promise<string[]> {
  const { dataSource } = shop;
  const [orders, events, handled, notifications, payments, records] =
    await Promise.all([
      dataSource.getRepository(OrderEntity).find({ order: { id: 'ASC' } }),
      dataSource.getRepository(OutboxEventEntity).count(),
      dataSource.getRepository(HandledEventEntity).find({
        order: { eventId: 'ASC', handler: 'ASC' },
      }),
      dataSource.getRepository(PaymentNotificationEntity).count(),
      shop.sim.control<Array<Record<string, any>>>('GET', '/_sim/payments'),
      dataSource
        .getRepository(PaymentRecordEntity)
        .find({ order: { impUid: 'ASC' } }),
    ]);
  return [
    ...orders.map(
      ({
        reconcileOwner: _owner,
        reconcileUntil: _until,
        reconciledAt: _at,
        ...order
      }) => JSON.stringify(order),
    ),
    `outbox ${events}`,
    ...handled.map((entry) => JSON.stringify(entry)),
    `notifications ${notifications}`,
    ...payments.map((payment) =>
      JSON.stringify([payment.imp_uid, payment.status, payment.cancel_amount]),
    ),
    ...records.map((record) => JSON.stringify(record)),
  ];
}

/** Resolves just after the wall clock turns to the next second. */
export function startOfNextSecond(): Promise<void> {
  return new Promise((resolveWait) =>
    setTimeout(resolveWait, 1_000 - (Date.now() % 1_000) + 5),
  );
}

/** A payment the summary lists (flagged, or unaccounted), as the command prints it. */
export interface ListedPayment {
  impUid: string;
  merchantUid: string;
  /** What it still holds: amount − cancelled. */
  holds: number;
  currency: string;
  disposition: string;
}

export interface RunResult {
  examined: number;
  batch: number;
  lookups: number;
  changed: number;
  failed: number;
  outcomes: Record<string, number>;
  swept: { listed: number; verified: number; failed: number };
  flagged: ListedPayment[];
  unaccounted: ListedPayment[];
  durationMs: number;
  /** The command's exit code and output (null for an in-process run). */
  exitCode: number | null;
  progress: string[];
  output: string;
}

function listed(record: PaymentRecord): ListedPayment {
  return {
    impUid: record.impUid,
    merchantUid: record.merchantUid,
    holds: record.amount - record.cancelledAmount,
    currency: record.currency,
    disposition: record.disposition,
  };
}

export function fromSummary(summary: ReconciliationSummary): RunResult {
  const { examined, batch, lookups, changed, failed, outcomes, durationMs } =
    summary;
  return {
    examined,
    batch,
    lookups,
    changed,
    failed,
    outcomes: outcomes as Record<string, number>,
    swept: { ...summary.swept },
    flagged: summary.flagged.map(listed),
    unaccounted: summary.unaccounted.map(listed),
    durationMs,
    exitCode: null,
    progress: [],
    output: '',
  };
}

const MAIN = fileURLToPath(
  new URL('../../dist/apps/sample/main.js', import.meta.url),
);

export interface CommandOptions {
  /** `--older-than=SECONDS`; default 0. */
  olderThanSeconds?: number;
  /** Killed after this long (a run that does not end). Default 60 s. */
  timeoutMs?: number;
}

/**
 * `node dist/apps/sample/main.js reconcile --older-than=0` (what `npm run
 * reconcile -- --older-than=0` runs) against the shop's database and
 * simulator, and its summary as it printed it.
 */
export async function runReconcileCommand(
  sim: SimulatorControl,
  databaseUrl: string,
  options: CommandOptions = {},
): Promise<RunResult> {
  const { code, stdout, stderr } = await new Promise<{
    code: number | null;
    stdout: string;
    stderr: string;
  }>((resolveRun) => {
    execFile(
      process.execPath,
      [MAIN, 'reconcile', `--older-than=${options.olderThanSeconds ?? 0}`],
      {
        env: {
          PATH: process.env.PATH,
          NO_COLOR: '1',
          DATABASE_URL: databaseUrl,
          IAMPORT_API_URL: sim.url,
          IAMPORT_IMP_KEY: sim.impKey,
          IAMPORT_IMP_SECRET: sim.impSecret,
        },
        timeout: options.timeoutMs ?? 60_000,
      },
      (error, stdout, stderr) =>
        resolveRun({
          code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
          stdout,
          stderr,
        }),
    );
  });
  const output = `${stdout}${stderr}`;
  sinkLogLines('reconcile', output);
  const match = (pattern: RegExp) => {
    const found = pattern.exec(stdout);
    if (!found)
      throw new Error(`the command printed no ${pattern}:\n${output}`);
    return found;
  };
  const [, examined, batches, durationMs] = match(
    /^reconciled (\d+) orders in (\d+) batches \((\d+) ms\)$/m,
  );
  const [, lookups] = match(/^iamport lookups: (\d+)$/m);
  const [, changed, failed] = match(/^changed: (\d+), failed: (\d+)$/m);
  const [, outcomeList] = match(/^outcomes: (.*)$/m);
  const outcomes: Record<string, number> = {};
  if (outcomeList !== 'none')
    for (const entry of outcomeList.split(', ')) {
      const [outcome, count] = entry.split(' ');
      outcomes[outcome] = Number(count);
    }
  const [, sweptListed, sweptVerified, sweptFailed] = match(
    /^recent payments swept: (\d+) listed, (\d+) verified, (\d+) failed$/m,
  );
  // A count line, then one indented line per payment.
  const payments = (heading: RegExp): ListedPayment[] => {
    const lines = stdout.split('\n');
    const at = lines.findIndex((line) => heading.test(line));
    if (at < 0)
      throw new Error(`the command printed no ${heading}:\n${output}`);
    const count = Number(heading.exec(lines[at])![1]);
    return lines.slice(at + 1, at + 1 + count).map((line) => {
      const found =
        /^ {2}(\S+) of (\S+): holds (-?\d+) (\S+) \((\w+): .*\)$/.exec(line);
      if (!found)
        throw new Error(
          `not a payment line: ${JSON.stringify(line)}:\n${output}`,
        );
      return {
        impUid: found[1],
        merchantUid: found[2],
        holds: Number(found[3]),
        currency: found[4],
        disposition: found[5],
      };
    });
  };
  return {
    examined: Number(examined),
    batch: Number(batches),
    lookups: Number(lookups),
    changed: Number(changed),
    failed: Number(failed),
    outcomes,
    swept: {
      listed: Number(sweptListed),
      verified: Number(sweptVerified),
      failed: Number(sweptFailed),
    },
    flagged: payments(/^flagged for a person: (\d+)$/),
    unaccounted: payments(
      /^unaccounted \(holding money, neither settling an order nor flagged\): (\d+)$/,
    ),
    durationMs: Number(durationMs),
    exitCode: code,
    progress: stdout.split('\n').filter((line) => /^batch \d+: /.test(line)),
    output,
  };
}
