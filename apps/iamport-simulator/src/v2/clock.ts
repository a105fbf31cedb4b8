import type { SimContext } from '../context.js';

/** Milliseconds on the API's clock (real clock + clockOffsetSeconds), like ctx.now(). */
export const apiMs = (ctx: SimContext): number =>
  Date.now() + ctx.config.clockOffsetSeconds * 1000;

/** RFC 3339 with milliseconds, as the REST API's date-time fields. */
export const rfc3339 = (ms: number): string => new Date(ms).toISOString();

/** RFC 3339 with nine fractional digits, as webhook bodies carry it (observed). */
export function rfc3339Nanos(ms: number): string {
  const subMillis = String(process.hrtime.bigint() % 1_000_000n).padStart(
    6,
    '0',
  );
  return `${rfc3339(ms).slice(0, 23)}${subMillis}Z`;
}
