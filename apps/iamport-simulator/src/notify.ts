import type { SimContext } from './context.js';
import type { StoredPayment } from './payment.js';
import type { WebhookPayload } from './webhook-sender.js';

/**
 * The webhook iamport sends for a payment's current state, or null when it sends none:
 * paid, virtual account issued (ready + vbank), cancelled (with cancellation_id). Not on failure,
 * not for a window the buyer closed.
 */
export function webhookPayloadFor(
  stored: StoredPayment,
  status = stored.payment.status,
): WebhookPayload | null {
  const { imp_uid, merchant_uid, pay_method, cancel_history } = stored.payment;
  if (status === 'paid') return { imp_uid, merchant_uid, status };
  if (status === 'ready' && pay_method === 'vbank')
    return { imp_uid, merchant_uid, status };
  if (status === 'cancelled') {
    const last = cancel_history[cancel_history.length - 1];
    return last
      ? { imp_uid, merchant_uid, status, cancellation_id: last.cancellation_id }
      : { imp_uid, merchant_uid, status };
  }
  return null;
}

export function notifyFor(ctx: SimContext, stored: StoredPayment): void {
  const payload = webhookPayloadFor(stored);
  if (payload) ctx.webhooks.notify(stored.noticeUrls, payload);
}
