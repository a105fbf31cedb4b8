import { ok } from '../http/respond.js';
import { SimError, type Route } from '../http/types.js';
import type {
  IamportPayment,
  PaymentStatus,
  StoredPayment,
} from '../payment.js';
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

/**
 * from/to apply to the timestamp of each payment's final (current) status, as the schema says:
 * ready → started_at, paid → paid_at, cancelled → cancelled_at, failed → failed_at. `all` too.
 */
const STATUS_TIME: Record<PaymentStatus, (payment: IamportPayment) => number> =
  {
    ready: (payment) => payment.started_at,
    paid: (payment) => payment.paid_at,
    cancelled: (payment) => payment.cancelled_at,
    failed: (payment) => payment.failed_at,
  };

const statusTime = (payment: IamportPayment): number =>
  STATUS_TIME[payment.status](payment);

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
      const includeSandbox = wantsSandbox(query);
      const list: StoredPayment[] = [];
      for (const stored of ctx.payments.all()) {
        if (!visible(stored, includeSandbox)) continue;
        if (status !== undefined && stored.payment.status !== status) continue;
        const at = statusTime(stored.payment);
        if (at >= from && at <= to) list.push(stored);
      }
      // The schema answers 400 for a page past the data.
      return ok(paginate(sortPayments(list, query), query, true));
    },
  ),
];
