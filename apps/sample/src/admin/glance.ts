const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** Korea is UTC+9 all year: its days start at 15:00 UTC. */
const KST_OFFSET_MS = 9 * HOUR_MS;

/** One notification, as the charts read it. */
export interface NotificationPoint {
  id: number;
  impUid: string | null;
  outcome: string;
  receivedAt: Date;
}

/** Counts per bucket and outcome; `starts[i]` is where bucket i begins. */
export interface OutcomeSeries {
  starts: Date[];
  /** outcome → one count per bucket. */
  counts: Record<string, number[]>;
}

export const HOURS_SHOWN = 24;
export const DAYS_SHOWN = 14;

/** The 24 hours up to now (the current hour last). */
export function hourStarts(now: Date): Date[] {
  const current = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  return Array.from(
    { length: HOURS_SHOWN },
    (_, index) => new Date(current - (HOURS_SHOWN - 1 - index) * HOUR_MS),
  );
}

/** The 14 days up to today, as days in Korea (today last). */
export function dayStarts(now: Date): Date[] {
  const today =
    Math.floor((now.getTime() + KST_OFFSET_MS) / DAY_MS) * DAY_MS -
    KST_OFFSET_MS;
  return Array.from(
    { length: DAYS_SHOWN },
    (_, index) => new Date(today - (DAYS_SHOWN - 1 - index) * DAY_MS),
  );
}

/**
 * Payments by outcome per bucket: a payment counts once per bucket and
 * outcome however many notifications said so (its redirect and its webhook
 * are one payment); a notification without an imp_uid counts by itself.
 */
export function byOutcome(
  points: readonly NotificationPoint[],
  starts: readonly Date[],
  bucketMs: number,
): OutcomeSeries {
  const counts: Record<string, number[]> = {};
  const seen = new Set<string>();
  const first = starts[0]?.getTime() ?? 0;
  for (const point of points) {
    const index = Math.floor((point.receivedAt.getTime() - first) / bucketMs);
    if (index < 0 || index >= starts.length) continue;
    const key = `${index}|${point.impUid ?? `#${point.id}`}|${point.outcome}`;
    if (seen.has(key)) continue;
    seen.add(key);
    (counts[point.outcome] ??= Array.from({ length: starts.length }, () => 0))[
      index
    ] += 1;
  }
  return { starts: [...starts], counts };
}

export const BUCKET_MS = { hour: HOUR_MS, day: DAY_MS } as const;

/** One iamport call row of `MetricsService.iamportCalls()`. */
export interface CallRow {
  operation: string;
  result: string;
  count: number;
  totalMs: number;
}

export interface CallSummary {
  operations: string[];
  /** Mean latency in ms of the calls that succeeded, per operation (null: none did). */
  meanOkMs: Array<number | null>;
  /** Mean latency in ms of the calls that failed, per operation (null: none did). */
  meanErrorMs: Array<number | null>;
  /** result ('ok' or an error class) → calls per operation. */
  counts: Record<string, number[]>;
}

/** iamport calls since the start, per operation: their mean latency and their results. */
export function summarizeCalls(rows: readonly CallRow[]): CallSummary {
  const operations = [...new Set(rows.map((row) => row.operation))].sort();
  const counts: Record<string, number[]> = {};
  const ok = operations.map(() => ({ count: 0, ms: 0 }));
  const failed = operations.map(() => ({ count: 0, ms: 0 }));
  for (const row of rows) {
    const index = operations.indexOf(row.operation);
    (counts[row.result] ??= Array.from({ length: operations.length }, () => 0))[
      index
    ] += row.count;
    const total = row.result === 'ok' ? ok[index] : failed[index];
    total.count += row.count;
    total.ms += row.totalMs;
  }
  const mean = ({ count, ms }: { count: number; ms: number }) =>
    count === 0 ? null : Math.round((ms / count) * 10) / 10;
  return {
    operations,
    meanOkMs: ok.map(mean),
    meanErrorMs: failed.map(mean),
    counts,
  };
}

/** One reading of the outbox backlog. */
export interface BacklogSample {
  at: Date;
  count: number;
  oldestCreatedAt: Date | null;
}

/** The last `size` readings of the outbox backlog, oldest first. */
export class BacklogHistory {
  private readonly samples: BacklogSample[] = [];

  constructor(private readonly size = 120) {}

  add(sample: BacklogSample): void {
    this.samples.push(sample);
    if (this.samples.length > this.size) this.samples.shift();
  }

  list(): BacklogSample[] {
    return [...this.samples];
  }
}
