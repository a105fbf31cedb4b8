import { ok, refused } from '../http/respond.js';
import type { Route } from '../http/types.js';
import { revokeVbank } from '../payment-actions.js';
import { PAYMENT_NOT_FOUND } from './payments.js';
import { apiRoute } from './route.js';

export const vbankRoutes: Route[] = [
  // `pg_api_key` (KG Inicis only, in the query) is accepted and not checked. Sandbox payments can
  // be revoked without include_sandbox, as they can be cancelled. No webhook: the API takes no
  // enable_webhook here, and API cancellations send none by default.
  apiRoute('DELETE', '/vbanks/:imp_uid', 'revokeVbank', (ctx, { params }) => {
    const stored = ctx.payments.get(params.imp_uid);
    // The schema documents 404 for an unknown imp_uid and 400 for a payment that is not a
    // virtual account awaiting deposit; both are refusals in the envelope (code 1), like PUT
    // /payments/prepare's documented 404.
    if (!stored) return refused(PAYMENT_NOT_FOUND, 404);
    const outcome = revokeVbank(ctx, stored);
    if (!outcome.ok) return refused(outcome.message, 400);
    return ok(stored.payment);
  }),
];
