import { ok } from '../http/respond.js';
import { SimError, type Route } from '../http/types.js';
import type { PaymentStatus, StoredPayment } from '../payment.js';
import {
  intParam,
  paginate,
  parseStatus,
  sortPayments,
  visible,
  wantsSandbox,
} from './listing.js';
import { apiRoute } from './route.js';

const MAX_WINDOW_SECONDS = 90 * 24 * 3600;

/** from/to apply to the timestamp of the status itself; `all` uses started_at. */
const TIMESTAMP_OF: Record<
  PaymentStatus | 'all',
  (stored: StoredPayment) => number
> = {
  all: (stored) => stored.payment.started_at,
  ready: (stored) => stored.payment.started_at,
  paid: (stored) => stored.payment.paid_at,
  cancelled: (stored) => stored.payment.cancelled_at,
  failed: (stored) => stored.payment.failed_at,
};

export const statusRoutes: Route[] = [
  apiRoute(
    'GET',
    '/payments/status/:payment_status',
    'getPaymentsByStatus',
    (ctx, { params, query }) => {
      const raw = params.payment_status;
      const status = raw === 'all' ? undefined : parseStatus(raw);
      const to = intParam(query, 'to', ctx.now(), 0);
      const from = intParam(query, 'from', to - MAX_WINDOW_SECONDS, 0);
      if (from > to) throw new SimError(400, `from ${from} is after to ${to}`);
      if (to - from > MAX_WINDOW_SECONDS) {
        throw new SimError(400, 'The from-to window may not exceed 90 days');
      }
      const timestamp = TIMESTAMP_OF[status ?? 'all'];
      const includeSandbox = wantsSandbox(query);
      const list: StoredPayment[] = [];
      for (const stored of ctx.payments.all()) {
        if (!visible(stored, includeSandbox)) continue;
        if (status !== undefined && stored.payment.status !== status) continue;
        const at = timestamp(stored);
        if (at >= from && at <= to) list.push(stored);
      }
      // The schema answers 400 for a page past the data.
      return ok(paginate(sortPayments(list, query), query, true));
    },
  ),
];
