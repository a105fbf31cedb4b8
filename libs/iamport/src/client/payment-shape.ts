import type { Payment, PaymentPage, PreparedPayment } from './iamport.types.js';

const STATUSES: ReadonlySet<string> = new Set([
  'ready',
  'paid',
  'cancelled',
  'failed',
]);

// The timestamps verification reads or stores. UNIX seconds; iamport sends 0 for
// "has not happened". Whether it may also send null is not documented: null and
// a missing field are read as 0 (both mean "no time"), anything else that is not
// a whole number of seconds up to year 9999 is a malformed answer.
const TIMESTAMPS = [
  'started_at',
  'paid_at',
  'failed_at',
  'cancelled_at',
  'vbank_date',
  'vbank_issued_at',
] as const;
const LATEST_SECOND = 253_402_300_799;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * The fields that verification decides on must be there and of the right
 * type; anything else is a malformed answer, never a guess. `currency` and
 * `sandbox` are filled in when absent: the schema says KRW by default, and
 * answers from before the test-channel split (2026-01-26) have no `sandbox`.
 */
export function isPayment(value: unknown): value is Payment {
  if (!isRecord(value)) return false;
  if (typeof value.imp_uid !== 'string' || value.imp_uid === '') return false;
  if (typeof value.merchant_uid !== 'string') return false;
  if (!isAmount(value.amount) || !isAmount(value.cancel_amount)) return false;
  if (typeof value.status !== 'string' || !STATUSES.has(value.status))
    return false;
  if (value.currency === undefined || value.currency === null)
    value.currency = 'KRW';
  if (typeof value.currency !== 'string') return false;
  if (value.sandbox !== true) value.sandbox = false;
  for (const field of TIMESTAMPS) {
    const at = value[field];
    if (at === undefined || at === null) value[field] = 0;
    else if (!isTimestamp(at)) return false;
  }
  return (
    value.cancel_history === undefined ||
    value.cancel_history === null ||
    (Array.isArray(value.cancel_history) &&
      value.cancel_history.every(
        (entry) =>
          isRecord(entry) &&
          isAmount(entry.amount) &&
          (entry.cancelled_at === undefined || isTimestamp(entry.cancelled_at)),
      ))
  );
}

function isTimestamp(value: unknown): value is number {
  return (
    Number.isSafeInteger(value) &&
    (value as number) >= 0 &&
    (value as number) <= LATEST_SECOND
  );
}

export function isPaymentList(value: unknown): value is Payment[] {
  return Array.isArray(value) && value.every(isPayment);
}

export function isPaymentPage(value: unknown): value is PaymentPage {
  return (
    isRecord(value) &&
    typeof value.total === 'number' &&
    isPaymentList(value.list ?? (value.list = []))
  );
}

export function isPreparedPayment(value: unknown): value is PreparedPayment {
  return (
    isRecord(value) &&
    typeof value.merchant_uid === 'string' &&
    isAmount(value.amount)
  );
}
