import { isHttpUrl, type WebhookFormat } from '../config.js';
import {
  optionalInteger,
  optionalString,
  rejectUnknownKeys,
  requiredString,
} from '../http/fields.js';
import { json } from '../http/respond.js';
import { SimError, type Route } from '../http/types.js';
import { PAYMENT_STATUSES } from '../payment.js';
import type { WebhookDelivery, WebhookPayload } from '../webhook-sender.js';
import { controlRoute } from './route.js';

const FIELDS = [
  'imp_uid',
  'status',
  'merchant_uid',
  'times',
  'format',
  'url',
  'delay_ms',
];

const summary = ({ url, status, error, dropped }: WebhookDelivery) => ({
  url,
  status,
  ...(error !== undefined && { error }),
  ...(dropped && { dropped }),
});

export const controlWebhookRoutes: Route[] = [
  controlRoute('GET', '/_sim/webhooks', (ctx) => json(ctx.webhooks.log)),
  controlRoute('POST', '/_sim/webhooks', async (ctx, { body }) => {
    rejectUnknownKeys(body, FIELDS);
    const impUid = requiredString(body, 'imp_uid');
    const stored = ctx.payments.get(impUid);
    const merchantUid =
      optionalString(body, 'merchant_uid') ?? stored?.payment.merchant_uid;
    // An unknown imp_uid is allowed with a merchant_uid: that is how a forged webhook looks.
    if (merchantUid === undefined) {
      throw new SimError(
        404,
        `No payment ${impUid}; give merchant_uid to send one anyway`,
      );
    }
    const status =
      optionalString(body, 'status') ?? stored?.payment.status ?? 'paid';
    if (!(PAYMENT_STATUSES as readonly string[]).includes(status)) {
      throw new SimError(
        400,
        `status must be one of ${PAYMENT_STATUSES.join(', ')}`,
      );
    }
    const format = (optionalString(body, 'format') ??
      ctx.config.webhookFormat) as WebhookFormat;
    if (format !== 'json' && format !== 'form')
      throw new SimError(400, 'format must be json or form');
    const url = optionalString(body, 'url');
    if (url !== undefined && !isHttpUrl(url))
      throw new SimError(400, 'url must be an absolute http(s) URL');
    const urls = url
      ? [url]
      : stored?.noticeUrls.length
        ? stored.noticeUrls
        : [ctx.config.webhookUrl];
    if (urls[0] == null)
      throw new SimError(
        400,
        'No webhook URL: configure webhook_url or give url',
      );
    const times = optionalInteger(body, 'times', 1, 100) ?? 1;
    const delayMs = optionalInteger(body, 'delay_ms', 0, 600_000) ?? 0;

    const payload: WebhookPayload = {
      imp_uid: impUid,
      merchant_uid: merchantUid,
      status,
    };
    const lastCancel = stored?.payment.cancel_history.at(-1);
    if (status === 'cancelled' && lastCancel)
      payload.cancellation_id = lastCancel.cancellation_id;
    await ctx.timers.delay(delayMs);
    const deliveries: WebhookDelivery[] = [];
    for (let i = 0; i < times; i++) {
      for (const target of urls as string[]) {
        // One attempt each: manual sends answer promptly, retries would be a minute away.
        deliveries.push(await ctx.webhooks.send(target, payload, format, 0));
      }
    }
    return json({ deliveries: deliveries.map(summary) });
  }),
];
