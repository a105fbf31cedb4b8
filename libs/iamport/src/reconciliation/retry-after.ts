const MAX_BACKOFF_MS = 6 * 3600_000;

/** When an order that failed `failures` times in a row may be tried again: base · 2^(failures − 1), at most 6 hours. */
export function retryAfter(now: Date, failures: number, baseMs: number): Date {
  const backoff = Math.min(
    baseMs * 2 ** Math.max(0, failures - 1),
    MAX_BACKOFF_MS,
  );
  return new Date(now.getTime() + backoff);
}
