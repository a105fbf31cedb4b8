import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** The spans of one name that ended in a cell: how many, and their mean and median duration. */
export interface SpanTiming {
  count: number;
  meanMs: number;
  p50Ms: number;
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
  await sleep(250);
  const durations = new Map<string, number[]>();
  if (existsSync(file))
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const [end, name, duration] = line.split('\t');
      const at = Number(end);
      if (!name || !(at >= fromMs && at <= toMs)) continue;
      const of = durations.get(name) ?? [];
      of.push(Number(duration));
      durations.set(name, of);
    }
  const timings: Record<string, SpanTiming> = {};
  for (const [name, values] of durations) {
    values.sort((a, b) => a - b);
    timings[name] = {
      count: values.length,
      meanMs: values.reduce((sum, value) => sum + value, 0) / values.length,
      p50Ms: values[Math.floor(values.length / 2)]!,
    };
  }
  return timings;
}
