import type {
  OrderTransition,
  OutboxEvent,
  PaymentRecord,
  VerificationWrite,
} from 'nestjs-iamport';
import type { Statement, Step } from './sql.js';

/**
 * A column a commit writes: its name, its PostgreSQL type (for the arrays of
 * a batch of commits, see `firstCommits`) and its value.
 */
type Column<From> = [
  name: string,
  pgType: string,
  value: (from: From) => unknown,
];

/** What the order's move sets (and, last, the two keys of its compare-and-set). */
const MOVE: Column<OrderTransition>[] = [
  ['status', 'text', (t) => t.to],
  ['imp_uid', 'text', (t) => t.impUid],
  ['paid_at', 'timestamptz', (t) => t.paidAt],
  ['failed_at', 'timestamptz', (t) => t.failedAt],
  ['cancelled_at', 'timestamptz', (t) => t.cancelledAt],
  ['cancelled_amount', 'bigint', (t) => t.cancelledAmount],
  ['failure_reason', 'text', (t) => t.reason?.slice(0, 500) ?? null],
  ['vbank_code', 'text', (t) => t.virtualAccount?.bankCode ?? null],
  ['vbank_name', 'text', (t) => t.virtualAccount?.bankName ?? null],
  ['vbank_num', 'text', (t) => t.virtualAccount?.accountNumber ?? null],
  ['vbank_holder', 'text', (t) => t.virtualAccount?.holder ?? null],
  ['vbank_due_at', 'timestamptz', (t) => t.virtualAccount?.dueAt ?? null],
  ['updated_at', 'timestamptz', () => new Date()],
];
const MOVE_KEYS: Column<OrderTransition>[] = [
  ['merchant_uid', 'text', (t) => t.merchantUid],
  ['version', 'integer', (t) => t.expectedVersion],
];

/** What a new record holds (`version` 1). */
const RECORD: Column<PaymentRecord>[] = [
  ['merchant_uid', 'text', (r) => r.merchantUid],
  ['amount', 'bigint', (r) => r.amount],
  ['cancelled_amount', 'bigint', (r) => r.cancelledAmount],
  ['currency', 'text', (r) => r.currency],
  ['status', 'text', (r) => r.status],
  ['disposition', 'text', (r) => r.disposition],
  ['reason', 'text', (r) => r.reason],
  ['imp_uid', 'text', (r) => r.impUid],
  ['created_at', 'timestamptz', () => new Date()],
  ['updated_at', 'timestamptz', () => new Date()],
];

const EVENT: Column<OutboxEvent>[] = [
  ['id', 'text', (e) => e.id],
  ['type', 'text', (e) => e.type],
  ['merchant_uid', 'text', (e) => e.merchantUid],
  ['imp_uid', 'text', (e) => e.impUid],
  ['payload', 'text', (e) => e.payload],
  ['created_at', 'timestamptz', (e) => e.createdAt],
];

const names = <From>(columns: Column<From>[]) =>
  columns.map(([name]) => name).join(', ');
const valuesOf = <From>(columns: Column<From>[], from: From) =>
  columns.map(([, , value]) => value(from));

const MOVE_SQL = `UPDATE orders SET ${MOVE.map(([name]) => `${name} = ?`).join(', ')}, version = version + 1
   WHERE merchant_uid = ? AND version = ?`;
// INSERT … SELECT, not VALUES: PostgreSQL's single-statement commit adds a WHERE to them.
const INSERT_RECORD_SQL = `INSERT INTO iamport_payments (${names(RECORD)}, version) SELECT ${RECORD.map(() => '?').join(', ')}, 1`;
// What an update of the record changes: all but its key and its times.
const CHANGED = RECORD.filter(
  ([name]) => !['imp_uid', 'created_at', 'updated_at'].includes(name),
);
const UPDATE_RECORD_SQL = `UPDATE iamport_payments SET ${CHANGED.map(([name]) => `${name} = ?`).join(', ')}, version = version + 1, updated_at = ? WHERE imp_uid = ? AND version = ?`;
const ENQUEUE_SQL = `INSERT INTO iamport_outbox (${names(EVENT)}, attempts) SELECT ${EVENT.map(() => '?').join(', ')}, 0`;

/** The order's move: a compare-and-set on the version the decision read. */
export function move(transition: OrderTransition): Statement {
  return {
    sql: MOVE_SQL,
    values: [...valuesOf(MOVE, transition), ...valuesOf(MOVE_KEYS, transition)],
  };
}

/** The payment's record: inserted at version 0, otherwise a compare-and-set on its version. */
export function store(record: PaymentRecord): Statement {
  if (record.version === 0)
    return { sql: INSERT_RECORD_SQL, values: valuesOf(RECORD, record) };
  return {
    sql: UPDATE_RECORD_SQL,
    values: [
      ...valuesOf(CHANGED, record),
      new Date(),
      record.impUid,
      record.version,
    ],
  };
}

export function enqueue(event: OutboxEvent): Statement {
  return {
    sql: ENQUEUE_SQL,
    values: valuesOf(EVENT, event),
  };
}

/**
 * The writes of a commit elsewhere than on PostgreSQL, for `writeAtomically`:
 * the order's move and an update of the record must each find the version the
 * decision read.
 */
export function steps(write: VerificationWrite): Step[] {
  const all: Step[] = [];
  if (write.transition) all.push({ ...move(write.transition), oneRow: true });
  all.push({ ...store(write.record), oneRow: write.record.version > 0 });
  if (write.event) all.push(enqueue(write.event));
  return all;
}

/** A first commit: an order's move with a new record and an event (a payment seen for the first time). */
export type FirstCommit = VerificationWrite & {
  transition: OrderTransition;
  event: OutboxEvent;
};

export function isFirstCommit(write: VerificationWrite): write is FirstCommit {
  return (
    write.transition !== null &&
    write.event !== null &&
    write.record.version === 0
  );
}

// PostgreSQL's commit statements fail with this text when a compare-and-set found another version
// after the order had moved: a cast error is the one way a plain statement can abort itself (no
// function to install).
export const LOST_RACE = 'iamport: lost race';

/**
 * PostgreSQL: the first commits of many payments as one statement (one
 * round trip, one transaction, one commit), each column an array with one
 * element per commit (`unnest`), so that every batch size has the same text
 * (one prepared statement). The orders move where each is still at the
 * version its decision read; each order that moved gets its record and its
 * event. The statement answers the positions (1-based) of the commits that
 * were written. If a record could not be written for an order that moved (its
 * payment recorded by someone else meanwhile), the whole statement aborts
 * with `LOST_RACE`, nothing of it written, and the caller commits each write
 * alone. Callers give each payment's `merchantUid` and `impUid` at most once
 * per batch: two moves of one order in one `UPDATE … FROM` would be decided
 * by one row of the two, unpredictably.
 */
export function firstCommits(writes: FirstCommit[]): Statement {
  return {
    sql: FIRST_COMMITS_SQL,
    values: BATCHED.map(([, , value]) => writes.map(value)),
  };
}

/** `columns` of the part `pick` takes from a commit, as columns of the batch named `<prefix>_<name>`. */
function from<Part>(
  prefix: string,
  columns: Column<Part>[],
  pick: (write: FirstCommit) => Part,
): Column<FirstCommit>[] {
  return columns.map(([name, type, value]) => [
    `${prefix}_${name}`,
    type,
    (write) => value(pick(write)),
  ]);
}

const BATCHED = [
  ...from('m', MOVE, (w) => w.transition),
  ...from('k', MOVE_KEYS, (w) => w.transition),
  ...from('r', RECORD, (w) => w.record),
  ...from('e', EVENT, (w) => w.event),
];

const FIRST_COMMITS_SQL = `WITH w AS (
    SELECT * FROM unnest(${BATCHED.map(([, type]) => `?::${type}[]`).join(', ')})
    WITH ORDINALITY AS w(${names(BATCHED)}, i)),
  moved AS (
    UPDATE orders o SET ${MOVE.map(([name]) => `${name} = w.m_${name}`).join(', ')}, version = o.version + 1
    FROM w WHERE o.merchant_uid = w.k_merchant_uid AND o.version = w.k_version
    RETURNING w.i),
  recorded AS (
    INSERT INTO iamport_payments (${names(RECORD)}, version)
    SELECT ${RECORD.map(([name]) => `w.r_${name}`).join(', ')}, 1 FROM w JOIN moved ON moved.i = w.i
    ON CONFLICT DO NOTHING RETURNING 1),
  queued AS (
    INSERT INTO iamport_outbox (${names(EVENT)}, attempts)
    SELECT ${EVENT.map(([name]) => `w.e_${name}`).join(', ')}, 0 FROM w JOIN moved ON moved.i = w.i
    RETURNING 1)
  SELECT moved.i AS written,
    CASE WHEN r.n = m.n THEN 1 ELSE CAST('${LOST_RACE} ' || r.n AS integer) END AS whole
  FROM moved, (SELECT count(*) AS n FROM moved) m, (SELECT count(*) AS n FROM recorded) r`;
