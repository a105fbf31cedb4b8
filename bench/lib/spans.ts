import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** How often `span-log.ts` appends what it kept to its file. */
export const SPAN_LOG_FLUSH_MS = 100;

/** The spans of one name that ended in a cell: how many, and their mean duration. */
export interface SpanTiming {
  count: number;
  meanMs: number;
}

/**
 * The spans that ended between `fromMs` and `toMs` (ms since the epoch) in a
 * log that `span-log.ts` writes, by name. Waits for its next flush first.
 */
export async function spanTimings(
  file: string,
  fromMs: number,
  toMs: number,
): Promise<Record<string, SpanTiming>> {
  await sleep(2.5 * SPAN_LOG_FLUSH_MS);
  const timings: Record<string, SpanTiming> = {};
  if (existsSync(file))
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const [end, name, duration] = line.split('\t');
      const at = Number(end);
      if (!name || !(at >= fromMs && at <= toMs)) continue;
      const timing = (timings[name] ??= { count: 0, meanMs: 0 });
      timing.count += 1;
      // A running mean: the durations are not kept.
      timing.meanMs += (Number(duration) - timing.meanMs) / timing.count;
    }
  return timings;
}
