import { SimError } from '../http/types.js';
import {
  PAYMENT_STATUSES,
  type IamportPayment,
  type PaymentStatus,
  type StoredPayment,
} from '../payment.js';

/**
 * The README documents include_sandbox only on GET /payments/{imp_uid}; we apply it to every
 * lookup, defensively: a test-channel payment must never pass for a real one by another route.
 */
export const wantsSandbox = (query: URLSearchParams): boolean =>
  ['true', '1'].includes(query.get('include_sandbox') ?? '');

export const visible = (
  stored: StoredPayment,
  includeSandbox: boolean,
): boolean => includeSandbox || !stored.payment.sandbox;

export function intParam(
  query: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SimError(
      400,
      `${name} must be an integer from ${min} to ${max}, got ${raw}`,
    );
  }
  return value;
}

export function parseStatus(
  raw: string | undefined,
): PaymentStatus | undefined {
  if (raw === undefined) return undefined;
  if (!(PAYMENT_STATUSES as readonly string[]).includes(raw)) {
    throw new SimError(
      400,
      `Unknown payment_status ${raw}: use ${PAYMENT_STATUSES.join(', ')}`,
    );
  }
  return raw as PaymentStatus;
}

const SORT_KEYS: Record<string, (stored: StoredPayment) => number> = {
  started: (stored) => stored.payment.started_at,
  paid: (stored) => stored.payment.paid_at,
  updated: (stored) => stored.updatedAt,
};

/** `-started` (default), `started`, `-paid`, `paid`, `-updated`, `updated`. */
export function sortPayments(
  list: StoredPayment[],
  query: URLSearchParams,
): StoredPayment[] {
  const sorting = query.get('sorting') || '-started';
  const descending = sorting.startsWith('-');
  const key = SORT_KEYS[descending ? sorting.slice(1) : sorting];
  if (!key) {
    throw new SimError(
      400,
      `Unknown sorting ${sorting}: use [-]started, [-]paid or [-]updated`,
    );
  }
  const direction = descending ? -1 : 1;
  // Payments started in the same second keep their creation order.
  return list.sort((a, b) => direction * (key(a) - key(b) || a.seq - b.seq));
}

export interface PagedPayments {
  total: number;
  previous: number;
  next: number;
  list: IamportPayment[];
}

/** PagedPaymentAnnotation: previous/next are page numbers, 0 when there is none. */
export function paginate(
  list: StoredPayment[],
  query: URLSearchParams,
  rejectPastEnd: boolean,
): PagedPayments {
  const page = intParam(query, 'page', 1, 1);
  const limit = intParam(query, 'limit', 20, 1, 1000);
  const lastPage = Math.max(1, Math.ceil(list.length / limit));
  if (rejectPastEnd && page > lastPage) {
    throw new SimError(400, `page ${page} is past the last page ${lastPage}`);
  }
  return {
    total: list.length,
    previous: page > 1 ? Math.min(page - 1, lastPage) : 0,
    next: page * limit < list.length ? page + 1 : 0,
    list: list
      .slice((page - 1) * limit, page * limit)
      .map((stored) => stored.payment),
  };
}
