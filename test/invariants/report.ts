import { INVARIANTS, type Violation } from './invariants.js';
import type { ReconcileResult, World } from './world.js';
import type { NoteRecord, ScenarioLog } from './runner.js';
import type { FaultPlan } from './scenario.js';

/** One fast-check run as it went: what was generated, done and found. */
export interface RunRecord {
  /** fast-check's path of the run (its index, or index:shrinks when shrinking). */
  path: string;
  faults: FaultPlan[];
  logs: ScenarioLog[];
  world: World | null;
  reconcile: ReconcileResult | null;
  violations: Violation[];
  ms: number;
}

export function replayCommand(
  seed: number,
  path: string,
  database: string,
): string {
  // A run's plan depends on its size and fault settings too: carry over those that were given.
  const given = [
    'INVARIANT_SCENARIOS',
    'INVARIANT_TIMEOUT_FAULTS',
    'INVARIANT_V2_PERCENT',
  ]
    .filter((name) => process.env[name])
    .map((name) => `${name}=${process.env[name]} `)
    .join('');
  return `${given}INVARIANT_SEED=${seed} INVARIANT_PATH=${path} INVARIANT_DATABASES=${database} npx vitest run test/invariants/promise.e2e-spec.ts`;
}

const app = (index: number) => `app-${index + 1}`;

/** What a notification said: V1's `imp_success` or `status`; V2's `code` or type, and how it was spoilt. */
function describeFlag(note: NoteRecord): string {
  if (note.api === 'v1')
    return note.route === 'redirect'
      ? `imp_success=${note.flag}`
      : `status ${note.flag}`;
  if (note.route === 'redirect') return `V2 redirect, ${note.flag}`;
  if (note.fault !== null) return `V2 webhook, ${note.fault}`;
  return `V2 webhook ${note.flag} (${note.message?.webhookId ?? '?'})`;
}

/** Everything about one order that a person needs to see the bug: violations, rows, payments, the notifications in the order sent. */
export function describeOrder(
  run: RunRecord,
  log: ScenarioLog,
  violations: Violation[],
): string {
  const world = run.world;
  const lines: string[] = [];
  lines.push(
    `── ${log.merchantUid}: run ${run.path}, scenario ${log.index} (${log.scenario.api === 'v2' ? 'PortOne V2: paymentId = merchant_uid, imp_uid = transactionId' : 'V1'}); order of ${log.scenario.amount} created on ${app(log.creator)}`,
  );
  for (const violation of violations)
    lines.push(
      `   VIOLATION ${violation.invariant} (${INVARIANTS[violation.invariant]}): ${violation.message}`,
    );
  const order = world?.orders.get(log.merchantUid);
  lines.push(
    `   order row: ${order ? JSON.stringify(order) : 'none'}`,
    '   simulator payments:',
  );
  for (const payment of world?.payments.filter(
    (candidate) => candidate.merchant_uid === log.merchantUid,
  ) ?? [])
    lines.push(
      `     ${payment.imp_uid} ${payment.api === 'v2' ? `V2 ${payment.v2_status} (${payment.test ? 'TEST' : 'LIVE'} channel) ` : ''}${payment.pay_method} ${payment.status} amount ${payment.amount} cancel_amount ${payment.cancel_amount} ${payment.paid_at ? 'paid_at set' : 'never paid'}; cancel_history ${JSON.stringify(payment.cancel_history.map((entry) => [entry.amount, entry.reason]))}`,
    );
  lines.push('   steps (in order, ms since the run started):');
  for (const step of log.steps)
    lines.push(`     +${step.atMs} ms  #${step.index} ${step.text}`);
  lines.push('   notifications, in the order sent:');
  const sent = log.notes
    .filter((note) => note.seq !== null)
    .sort((a, b) => a.seq! - b.seq!);
  for (const note of sent)
    lines.push(
      `     ${note.seq}. +${note.sentAtMs} ms  ${note.route} ${note.impUid} ${describeFlag(note)} (step #${note.step}, copy ${note.copy}/${note.copies}) → ${app(note.target)}: ${note.error ? `ERROR ${note.error}` : note.answer} at +${note.answeredAtMs} ms`,
    );
  const lost = log.notes.filter((note) => note.lost);
  if (lost.length > 0)
    lines.push(
      `   lost (never sent): ${lost.map((note) => `${note.route} ${note.impUid} ${note.flag} (step #${note.step}, copy ${note.copy}/${note.copies} → ${app(note.target)})`).join('; ')}`,
    );
  const events = world?.outbox.filter(
    (event) => event.merchant_uid === log.merchantUid,
  );
  lines.push(
    `   outbox events: ${
      events && events.length > 0
        ? events
            .map((event) => {
              const handled = world!.handled
                .filter((row) => row.event_id === event.id)
                .map((row) => `${row.handler}×${row.deliveries}`);
              return `${event.type} of ${event.imp_uid} → ${event.to ?? '?'}${event.cancelledAmount ? ` (cancelled ${event.cancelledAmount})` : ''}${event.delivered ? '' : ' UNDELIVERED'} [${handled.join(', ') || 'no handler row'}]`;
            })
            .join('; ')
        : 'none'
    }`,
  );
  if (world?.ledger.present) {
    const rows = [...world.ledger.rows.values()].filter(
      (row) => row.merchant_uid === log.merchantUid,
    );
    lines.push(
      `   ledger: ${rows.map((row) => JSON.stringify(row)).join('; ') || 'no rows'}`,
    );
  }
  return lines.join('\n');
}

export interface Tally {
  kind: string;
  count: number;
  orders: Set<string>;
  runs: Set<string>;
  first: { run: RunRecord; merchantUid: string | null };
}

/** Violations grouped by kind, most frequent first. */
export function tally(runs: RunRecord[]): Tally[] {
  const kinds = new Map<string, Tally>();
  for (const run of runs)
    for (const violation of run.violations) {
      let entry = kinds.get(violation.kind);
      if (!entry) {
        entry = {
          kind: violation.kind,
          count: 0,
          orders: new Set(),
          runs: new Set(),
          first: { run, merchantUid: violation.merchantUid },
        };
        kinds.set(violation.kind, entry);
      }
      entry.count++;
      if (violation.merchantUid) entry.orders.add(violation.merchantUid);
      entry.runs.add(run.path);
    }
  return [...kinds.values()].sort(
    (a, b) => b.count - a.count || a.kind.localeCompare(b.kind),
  );
}

function runHeader(run: RunRecord): string {
  return `run ${run.path} (${run.ms} ms): faults ${run.faults.length ? run.faults.map((fault) => `${fault.kind} on ${fault.operation} ×${fault.ratio}`).join(', ') : 'none'}; reconciliation ${run.reconcile ? `exit ${run.reconcile.code} in ${run.reconcile.ms} ms: ${run.reconcile.summary}` : 'not run'}`;
}

/** Every failing order of every run, in full. */
export function fullReport(
  database: string,
  seed: number,
  runs: RunRecord[],
  /** Every order of every run, not only those with violations (INVARIANT_REPORT_ALL=1). */
  everyOrder = false,
): string {
  const parts: string[] = [
    `invariants on ${database}, seed ${seed}`,
    summary(database, seed, runs),
  ];
  for (const run of runs) {
    if (run.violations.length === 0 && !everyOrder) continue;
    parts.push('', `═══ ${runHeader(run)}`);
    parts.push(`replay: ${replayCommand(seed, run.path, database)}`);
    for (const violation of run.violations.filter(
      (candidate) => candidate.merchantUid === null,
    ))
      parts.push(`   VIOLATION ${violation.invariant}: ${violation.message}`);
    const byOrder = new Map<string, Violation[]>();
    for (const violation of run.violations)
      if (violation.merchantUid)
        byOrder.set(violation.merchantUid, [
          ...(byOrder.get(violation.merchantUid) ?? []),
          violation,
        ]);
    if (everyOrder)
      for (const log of run.logs)
        if (!byOrder.has(log.merchantUid)) byOrder.set(log.merchantUid, []);
    for (const [merchantUid, violations] of byOrder) {
      const log = run.logs.find(
        (candidate) => candidate.merchantUid === merchantUid,
      );
      parts.push(
        log
          ? describeOrder(run, log, violations)
          : `── ${merchantUid}: ${violations.map((violation) => violation.message).join('; ')}`,
      );
    }
  }
  return parts.join('\n');
}

/** The distinct violations with a count, where they first happened and the command that replays that run. */
export function summary(
  database: string,
  seed: number,
  runs: RunRecord[],
): string {
  const kinds = tally(runs);
  if (kinds.length === 0) return 'no violations';
  const total = kinds.reduce((sum, entry) => sum + entry.count, 0);
  const lines = [
    `${total} violations of ${kinds.length} kinds in ${new Set(kinds.flatMap((entry) => [...entry.runs])).size} of ${runs.length} runs (seed ${seed}):`,
  ];
  for (const entry of kinds)
    lines.push(
      `  ${entry.count}× (${entry.orders.size} orders) ${entry.kind}`,
      `      first: ${entry.first.merchantUid ?? '(whole run)'} in run ${entry.first.run.path}; replay: ${replayCommand(seed, entry.first.run.path, database)}`,
    );
  return lines.join('\n');
}

/** The first example of each kind, in full (what the test's failure message shows). */
export function examples(runs: RunRecord[]): string {
  const parts: string[] = [];
  for (const entry of tally(runs)) {
    const { run, merchantUid } = entry.first;
    const log = run.logs.find(
      (candidate) => candidate.merchantUid === merchantUid,
    );
    if (!log) continue;
    parts.push(
      `▶ ${entry.kind}\n${describeOrder(
        run,
        log,
        run.violations.filter(
          (violation) => violation.merchantUid === merchantUid,
        ),
      )}`,
    );
  }
  return parts.join('\n\n');
}
