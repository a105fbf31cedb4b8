import { ok } from '../http/respond.js';
import { SimError, type Handler, type Route } from '../http/types.js';
import type { StoredPayment } from '../payment.js';
import type { SimContext } from '../context.js';
import type { SimRequest } from '../http/types.js';
import {
  paginate,
  parseStatus,
  sortPayments,
  visible,
  wantsSandbox,
} from './listing.js';
import { PAYMENT_NOT_FOUND } from './payments.js';
import { apiRoute } from './route.js';

/** The payments of one merchant_uid, filtered by the optional status and include_sandbox. */
function ofOrder(
  ctx: SimContext,
  { params, query }: SimRequest,
): StoredPayment[] {
  const status = parseStatus(params.payment_status);
  const includeSandbox = wantsSandbox(query);
  const list = ctx.payments
    .byMerchant(params.merchant_uid)
    .filter((stored) => visible(stored, includeSandbox))
    .filter(
      (stored) => status === undefined || stored.payment.status === status,
    );
  return sortPayments(list, query);
}

const findOne: Handler = (ctx, req) => {
  const [first] = ofOrder(ctx, req);
  if (!first) throw new SimError(404, PAYMENT_NOT_FOUND);
  return ok(first.payment);
};

const findAll: Handler = (ctx, req) => {
  const list = ofOrder(ctx, req);
  if (list.length === 0) throw new SimError(404, PAYMENT_NOT_FOUND);
  return ok(paginate(list, req.query, false));
};

export const findRoutes: Route[] = [
  apiRoute(
    'GET',
    '/payments/find/:merchant_uid',
    'getPaymentByMerchantUid',
    findOne,
  ),
  apiRoute(
    'GET',
    '/payments/find/:merchant_uid/:payment_status',
    'getPaymentByMerchantUid',
    findOne,
  ),
  apiRoute(
    'GET',
    '/payments/findAll/:merchant_uid',
    'getAllPaymentsByMerchantUid',
    findAll,
  ),
  apiRoute(
    'GET',
    '/payments/findAll/:merchant_uid/:payment_status',
    'getAllPaymentsByMerchantUid',
    findAll,
  ),
];
