import { ok, refused } from '../http/respond.js';
import {
  optionalString,
  requiredNumber,
  requiredString,
} from '../http/fields.js';
import type { Route } from '../http/types.js';
import { apiRoute } from './route.js';

const MERCHANT_UID_MAX = 40;

export const prepareRoutes: Route[] = [
  apiRoute('POST', '/payments/prepare', 'preparePayment', (ctx, { body }) => {
    const merchantUid = requiredString(body, 'merchant_uid', MERCHANT_UID_MAX);
    const amount = requiredNumber(body, 'amount');
    if (ctx.prepared.get(merchantUid)) {
      return refused(
        `merchant_uid ${merchantUid} is already prepared: use PUT to change it`,
      );
    }
    const prepared = {
      merchant_uid: merchantUid,
      amount,
      currency: optionalString(body, 'currency') ?? null,
    };
    ctx.prepared.set(prepared);
    return ok(prepared);
  }),
  apiRoute(
    'PUT',
    '/payments/prepare',
    'editPreparePayment',
    (ctx, { body }) => {
      const merchantUid = requiredString(
        body,
        'merchant_uid',
        MERCHANT_UID_MAX,
      );
      const amount = requiredNumber(body, 'amount');
      const current = ctx.prepared.get(merchantUid);
      // The schema documents a 404 for an unknown merchant_uid; we send it as a business refusal
      // (code 1) in the envelope, like the other refusals of this API.
      if (!current)
        return refused(
          `No prepared amount for merchant_uid ${merchantUid}`,
          404,
        );
      const prepared = {
        merchant_uid: merchantUid,
        amount,
        currency: optionalString(body, 'currency') ?? current.currency,
      };
      ctx.prepared.set(prepared);
      return ok(prepared);
    },
  ),
  apiRoute(
    'GET',
    '/payments/prepare/:merchant_uid',
    'getPaymentPrepareByMerchantUid',
    (ctx, { params }) => {
      const prepared = ctx.prepared.get(params.merchant_uid);
      // The schema documents no "not found" answer here; we mirror PUT's documented 404 (code 1).
      if (!prepared)
        return refused(
          `No prepared amount for merchant_uid ${params.merchant_uid}`,
          404,
        );
      return ok(prepared);
    },
  ),
];
