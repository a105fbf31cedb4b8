import { ok } from '../http/respond.js';
import { SimError, type Route } from '../http/types.js';
import type { IamportPayment, StoredPayment } from '../payment.js';
import { visible, wantsSandbox } from './listing.js';
import { apiRoute } from './route.js';

/** The schema's own wording for an unknown payment. */
export const PAYMENT_NOT_FOUND = '존재하지 않는 결제정보입니다';
const BATCH_LIMIT = 100;

/** The newest payment (by started_at, then creation order) of a list, if any. */
export function newest(
  list: readonly StoredPayment[],
): StoredPayment | undefined {
  let best: StoredPayment | undefined;
  for (const stored of list) {
    const a = stored.payment.started_at;
    if (
      !best ||
      a > best.payment.started_at ||
      (a === best.payment.started_at && stored.seq > best.seq)
    ) {
      best = stored;
    }
  }
  return best;
}

export const paymentRoutes: Route[] = [
  apiRoute('GET', '/payments', 'getPaymentListByImpUid', (ctx, { query }) => {
    const impUids = [...query.getAll('imp_uid[]'), ...query.getAll('imp_uid')];
    const merchantUids = [
      ...query.getAll('merchant_uid[]'),
      ...query.getAll('merchant_uid'),
    ];
    const asked = impUids.length + merchantUids.length;
    if (asked === 0)
      throw new SimError(400, 'Give imp_uid[] and/or merchant_uid[]');
    if (asked > BATCH_LIMIT) {
      throw new SimError(
        400,
        `At most ${BATCH_LIMIT} ids per call, got ${asked}`,
      );
    }
    const includeSandbox = wantsSandbox(query);
    const found = new Map<string, IamportPayment>();
    let missing = 0;
    const take = (stored: StoredPayment | undefined) => {
      if (stored && visible(stored, includeSandbox))
        found.set(stored.payment.imp_uid, stored.payment);
      else missing++;
    };
    for (const impUid of impUids) take(ctx.payments.get(impUid));
    for (const merchantUid of merchantUids) {
      const candidates = ctx.payments
        .byMerchant(merchantUid)
        .filter((s) => visible(s, includeSandbox));
      take(newest(candidates));
    }
    if (found.size === 0) throw new SimError(404, PAYMENT_NOT_FOUND);
    // 207 Multi-Status: some were not found; the envelope still carries code 0 and the found ones.
    return ok([...found.values()], missing > 0 ? 207 : 200);
  }),
  apiRoute(
    'GET',
    '/payments/:imp_uid',
    'getPaymentByImpUid',
    (ctx, { params, query }) => {
      const stored = ctx.payments.get(params.imp_uid);
      // Observed: an unknown imp_uid is HTTP 404 with code -1 and response null.
      if (!stored || !visible(stored, wantsSandbox(query)))
        throw new SimError(404, PAYMENT_NOT_FOUND);
      return ok(stored.payment);
    },
  ),
];
