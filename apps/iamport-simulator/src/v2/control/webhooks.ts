import { isHttpUrl } from '../../config.js';
import type { SimContext } from '../../context.js';
import { rejectUnknownKeys } from '../../http/fields.js';
import { json } from '../../http/respond.js';
import { SimError, type Route } from '../../http/types.js';
import { controlRoute } from '../../control/route.js';
import { webhookUrls } from '../actions.js';
import { apiMs } from '../clock.js';
import { optionalInt, optionalText } from '../fields.js';
import {
  BODY_VERSIONS,
  eventForStatus,
  UNKNOWN_EVENT,
  type BodyVersion,
} from '../webhooks/events.js';
import {
  SIGNING_FAULTS,
  type SigningFault,
  type V2WebhookDelivery,
  type V2WebhookMessage,
  type WebhookSubject,
} from '../webhooks/sender.js';

/** Faults of a control send: two spoil the signing, the others the delivery pattern. */
export const WEBHOOK_FAULTS = [
  ...SIGNING_FAULTS,
  'duplicate',
  'out_of_order',
  'unknown_type',
] as const;
type WebhookFault = (typeof WEBHOOK_FAULTS)[number];

const FIELDS = [
  'paymentId',
  'transactionId',
  'storeId',
  'type',
  'types',
  'cancellationId',
  'fault',
  'bodyVersion',
  'url',
  'retries',
  'webhookId',
];

/** The attempt the webhook is about; an unknown paymentId with a transactionId is a forgery. */
function subjectOf(ctx: SimContext, body: Record<string, unknown>) {
  const paymentId = optionalText(body, 'paymentId');
  if (paymentId === undefined) throw new SimError(400, 'paymentId is required');
  const transactionId = optionalText(body, 'transactionId');
  const attempts = ctx.v2.payments.attempts(paymentId);
  const attempt = transactionId
    ? attempts.find((a) => a.transactionId === transactionId)
    : (ctx.v2.payments.current(paymentId) ?? undefined);
  if (attempt) return { attempt, subject: attempt as WebhookSubject };
  if (transactionId === undefined)
    throw new SimError(
      404,
      `No V2 payment ${paymentId}; give transactionId to send one anyway`,
    );
  const subject: WebhookSubject = {
    paymentId,
    transactionId,
    storeId: optionalText(body, 'storeId') ?? ctx.config.v2StoreId,
    webhooks: [],
  };
  return { attempt: undefined, subject };
}

function typesOf(
  body: Record<string, unknown>,
  fault: WebhookFault | undefined,
  defaultType: string | undefined,
): string[] {
  if (Array.isArray(body.types)) {
    if (!body.types.every((t) => typeof t === 'string' && t !== ''))
      throw new SimError(400, 'types must be an array of strings');
    return body.types as string[];
  }
  if (fault === 'out_of_order')
    return ['Transaction.Paid', 'Transaction.Ready'];
  if (fault === 'unknown_type') return [UNKNOWN_EVENT];
  const type = optionalText(body, 'type') ?? defaultType;
  if (type === undefined)
    throw new SimError(400, 'type is required for a forged webhook');
  return [type];
}

/** Sends again an existing message (same webhook-id and body), with a signing fault if asked. */
async function resendExisting(
  ctx: SimContext,
  webhookId: string,
  fault: WebhookFault | undefined,
): Promise<V2WebhookDelivery[]> {
  const message = ctx.v2.webhooks.message(webhookId);
  if (!message) throw new SimError(404, `No V2 webhook ${webhookId}`);
  const signing = (SIGNING_FAULTS as readonly string[]).includes(fault ?? '')
    ? (fault as SigningFault)
    : null;
  const sent: V2WebhookMessage = { ...message, fault: signing };
  const times = fault === 'duplicate' ? 2 : 1;
  const deliveries: V2WebhookDelivery[] = [];
  for (let i = 0; i < times; i++)
    deliveries.push(await ctx.v2.webhooks.deliverOnce(sent, true));
  return deliveries;
}

export const controlV2WebhookRoutes: Route[] = [
  controlRoute('GET', '/_sim/v2/webhooks', (ctx, { query }) => {
    const paymentId = query.get('paymentId');
    return json(
      ctx.v2.webhooks.log.filter(
        (d) => paymentId === null || d.body.includes(JSON.stringify(paymentId)),
      ),
    );
  }),
  controlRoute('POST', '/_sim/v2/webhooks', async (ctx, { body }) => {
    rejectUnknownKeys(body, FIELDS);
    const fault = optionalText(body, 'fault') as WebhookFault | undefined;
    if (fault !== undefined && !WEBHOOK_FAULTS.includes(fault))
      throw new SimError(
        400,
        `fault must be one of ${WEBHOOK_FAULTS.join(', ')}`,
      );
    const webhookId = optionalText(body, 'webhookId');
    if (webhookId !== undefined)
      return json({ deliveries: await resendExisting(ctx, webhookId, fault) });

    const bodyVersion = (optionalText(body, 'bodyVersion') ??
      '2024-04-25') as BodyVersion;
    if (!BODY_VERSIONS.includes(bodyVersion))
      throw new SimError(
        400,
        `bodyVersion must be one of ${BODY_VERSIONS.join(', ')}`,
      );
    const url = optionalText(body, 'url');
    if (url !== undefined && !isHttpUrl(url))
      throw new SimError(400, 'url must be an absolute http(s) URL');
    const { attempt, subject } = subjectOf(ctx, body);
    const urls = url
      ? [url]
      : attempt
        ? webhookUrls(ctx, attempt)
        : ctx.config.v2WebhookUrl
          ? [ctx.config.v2WebhookUrl]
          : [];
    if (urls.length === 0)
      throw new SimError(
        400,
        'No webhook URL: configure v2WebhookUrl or give url',
      );
    const types = typesOf(
      body,
      fault,
      attempt ? eventForStatus(attempt.status) : undefined,
    );
    const cancellationId =
      optionalText(body, 'cancellationId') ??
      (attempt && types.some((t) => t.endsWith('Cancelled'))
        ? attempt.cancellations.at(-1)?.id
        : undefined);
    const retries = optionalInt(body, 'retries', 0, 5) ?? 0;
    const signing = (SIGNING_FAULTS as readonly string[]).includes(fault ?? '')
      ? (fault as SigningFault)
      : null;
    const deliveries: V2WebhookDelivery[] = [];
    // One type after the other, each first attempt awaited: the order on the wire is the order given.
    for (const type of types) {
      const messages = ctx.v2.webhooks.emit(subject, type, {
        urls,
        atMs: apiMs(ctx),
        fault: signing,
        bodyVersion,
        retries,
        ...(cancellationId !== undefined && { cancellationId }),
      });
      for (const message of messages) {
        deliveries.push(await message.firstAttempt);
        if (fault === 'duplicate')
          deliveries.push(await ctx.v2.webhooks.deliverOnce(message, false));
      }
    }
    return json({ deliveries });
  }),
];
