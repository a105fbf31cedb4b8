import type { SimContext } from '../context.js';
import { isHttpUrl } from '../config.js';
import {
  optionalBoolean,
  optionalNumber,
  optionalString,
  rejectUnknownKeys,
  requiredNumber,
  requiredString,
} from '../http/fields.js';
import { json } from '../http/respond.js';
import { SimError, type Route } from '../http/types.js';
import {
  cancelPayment,
  depositVbank,
  revokeVbank,
} from '../payment-actions.js';
import { approve, fail, issueVbank, newPayment } from '../payment-factory.js';
import {
  PAYMENT_STATUSES,
  type PaymentStatus,
  type StoredPayment,
} from '../payment.js';
import { controlRoute } from './route.js';
import { notifyFor } from '../notify.js';

const CREATE_FIELDS = [
  'merchant_uid',
  'amount',
  'status',
  'pay_method',
  'currency',
  'sandbox',
  'name',
  'imp_uid',
  'buyer_name',
  'buyer_email',
  'buyer_tel',
  'custom_data',
  'fail_reason',
  'webhook',
  'notice_url',
  'pg',
];

function find(ctx: SimContext, impUid: string): StoredPayment {
  const stored = ctx.payments.get(impUid);
  if (!stored) throw new SimError(404, `No payment ${impUid}`);
  return stored;
}

function create(ctx: SimContext, body: Record<string, unknown>): StoredPayment {
  rejectUnknownKeys(body, CREATE_FIELDS);
  const status = (optionalString(body, 'status') ?? 'paid') as PaymentStatus;
  if (!PAYMENT_STATUSES.includes(status)) {
    throw new SimError(
      400,
      `status must be one of ${PAYMENT_STATUSES.join(', ')}`,
    );
  }
  const impUid = optionalString(body, 'imp_uid', 32);
  if (impUid && ctx.payments.has(impUid))
    throw new SimError(409, `imp_uid ${impUid} already exists`);
  const noticeUrl = optionalString(body, 'notice_url');
  if (noticeUrl !== undefined && !isHttpUrl(noticeUrl)) {
    throw new SimError(400, 'notice_url must be an absolute http(s) URL');
  }
  const customData = body.custom_data;
  const payment = newPayment(ctx, {
    merchantUid: requiredString(body, 'merchant_uid', 40),
    amount: requiredNumber(body, 'amount'),
    impUid,
    payMethod: optionalString(body, 'pay_method', 20) ?? 'card',
    currency: optionalString(body, 'currency', 3) ?? 'KRW',
    sandbox: optionalBoolean(body, 'sandbox') ?? false,
    name: optionalString(body, 'name', 40) ?? null,
    pg: optionalString(body, 'pg') ?? null,
    buyer: {
      name: optionalString(body, 'buyer_name', 16) ?? null,
      email: optionalString(body, 'buyer_email', 64) ?? null,
      tel: optionalString(body, 'buyer_tel', 16) ?? null,
    },
    customData:
      customData == null || typeof customData === 'string'
        ? (customData ?? null)
        : JSON.stringify(customData),
  });
  const failReason = optionalString(body, 'fail_reason') ?? 'Simulated failure';
  const stored = ctx.payments.add(payment, noticeUrl ? [noticeUrl] : []);
  const isVbank = payment.pay_method === 'vbank';
  if (isVbank && status !== 'failed') issueVbank(ctx, payment);
  if (status === 'failed') fail(ctx, payment, failReason);
  if (status === 'paid' || status === 'cancelled') {
    if (isVbank) depositVbank(ctx, stored);
    else approve(ctx, payment);
  }
  if (status === 'cancelled') {
    cancelPayment(ctx, stored, {
      reason: 'Simulated cancellation',
      requireRefundAccount: false,
    });
  }
  stored.updatedAt = ctx.now();
  return stored;
}

export const controlPaymentRoutes: Route[] = [
  controlRoute('GET', '/_sim/payments', (ctx) =>
    json([...ctx.payments.all()].map((stored) => stored.payment)),
  ),
  controlRoute('POST', '/_sim/payments', (ctx, { body }) => {
    const stored = create(ctx, body);
    if (optionalBoolean(body, 'webhook') === true) notifyFor(ctx, stored);
    return json(stored.payment, 201);
  }),
  controlRoute(
    'POST',
    '/_sim/payments/:imp_uid/deposit',
    (ctx, { params, body }) => {
      rejectUnknownKeys(body, ['webhook', 'depositor_name']);
      const stored = find(ctx, params.imp_uid);
      const webhook = optionalBoolean(body, 'webhook') ?? true;
      if (!depositVbank(ctx, stored, optionalString(body, 'depositor_name'))) {
        throw new SimError(
          409,
          `Payment ${params.imp_uid} is not a virtual account awaiting deposit`,
        );
      }
      if (webhook) notifyFor(ctx, stored);
      return json(stored.payment);
    },
  ),
  controlRoute(
    'POST',
    '/_sim/payments/:imp_uid/cancel',
    (ctx, { params, body }) => {
      rejectUnknownKeys(body, ['amount', 'reason', 'checksum', 'webhook']);
      const stored = find(ctx, params.imp_uid);
      const webhook = optionalBoolean(body, 'webhook') ?? true;
      const outcome = cancelPayment(ctx, stored, {
        amount: optionalNumber(body, 'amount'),
        checksum: optionalNumber(body, 'checksum') ?? null,
        reason: optionalString(body, 'reason') ?? null,
        requireRefundAccount: false,
      });
      if (!outcome.ok) throw new SimError(409, outcome.message);
      // A cancellation in the console always notifies (README).
      if (webhook) notifyFor(ctx, stored);
      return json(stored.payment);
    },
  ),
  controlRoute(
    'POST',
    '/_sim/payments/:imp_uid/revoke',
    (ctx, { params, body }) => {
      rejectUnknownKeys(body, ['webhook']);
      const stored = find(ctx, params.imp_uid);
      const webhook = optionalBoolean(body, 'webhook') ?? true;
      const outcome = revokeVbank(ctx, stored);
      if (!outcome.ok) throw new SimError(409, outcome.message);
      // Like a console cancel: `cancelled`, without cancellation_id (no cancel_history entry).
      if (webhook) notifyFor(ctx, stored);
      return json(stored.payment);
    },
  ),
];
