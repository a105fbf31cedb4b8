import { ok, refused } from '../http/respond.js';
import {
  optionalBoolean,
  optionalNumber,
  optionalString,
} from '../http/fields.js';
import { SimError, type Route } from '../http/types.js';
import { cancelPayment } from '../payment-actions.js';
import { refundableBalance, type StoredPayment } from '../payment.js';
import { PAYMENT_NOT_FOUND, newest } from './payments.js';
import { apiRoute } from './route.js';
import type { SimContext } from '../context.js';

/**
 * imp_uid wins over merchant_uid. By merchant_uid: the newest payment that can still be refunded,
 * else the newest one (whose refusal then explains why). Sandbox payments can be cancelled too:
 * include_sandbox only hides them from lookups.
 */
function target(
  ctx: SimContext,
  impUid?: string,
  merchantUid?: string,
): StoredPayment | undefined {
  if (impUid) return ctx.payments.get(impUid);
  const all = ctx.payments.byMerchant(merchantUid as string);
  const refundable = all.filter(
    (s) =>
      ['paid', 'cancelled'].includes(s.payment.status) &&
      refundableBalance(s.payment) > 0,
  );
  return newest(refundable) ?? newest(all);
}

export const cancelRoutes: Route[] = [
  apiRoute('POST', '/payments/cancel', 'cancelPayment', (ctx, { body }) => {
    const impUid = optionalString(body, 'imp_uid');
    const merchantUid = optionalString(body, 'merchant_uid');
    if (!impUid && !merchantUid)
      throw new SimError(400, 'imp_uid or merchant_uid is required');
    const request = {
      amount: optionalNumber(body, 'amount'),
      checksum: optionalNumber(body, 'checksum') ?? null,
      reason: optionalString(body, 'reason') ?? null,
      refundHolder: optionalString(body, 'refund_holder') ?? null,
      refundBank: optionalString(body, 'refund_bank') ?? null,
      refundAccount: optionalString(body, 'refund_account') ?? null,
      requireRefundAccount: true,
    };
    const enableWebhook = optionalBoolean(body, 'enable_webhook') ?? false;
    const stored = target(ctx, impUid, merchantUid);
    // Observed: cancelling an unknown payment is HTTP 200 with code 1; so are the other refusals.
    if (!stored) return refused(PAYMENT_NOT_FOUND);
    const outcome = cancelPayment(ctx, stored, request);
    if (!outcome.ok) return refused(outcome.message);
    // API cancels send no webhook unless enable_webhook is true.
    if (enableWebhook) {
      const { imp_uid, merchant_uid } = stored.payment;
      ctx.webhooks.notify(stored.noticeUrls, {
        imp_uid,
        merchant_uid,
        status: 'cancelled',
        cancellation_id: outcome.entry.cancellation_id,
      });
    }
    return ok(stored.payment);
  }),
];
