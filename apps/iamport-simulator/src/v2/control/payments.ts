import { randomUUID } from 'node:crypto';
import type { SimContext } from '../../context.js';
import { rejectUnknownKeys } from '../../http/fields.js';
import { json } from '../../http/respond.js';
import { SimError, type Route } from '../../http/types.js';
import { controlRoute } from '../../control/route.js';
import {
  approveCard,
  cancelAttempt,
  depositVirtualAccount,
  failAttempt,
  issueVirtualAccount,
  markPayPending,
  newAttempt,
  notifyStatus,
} from '../actions.js';
import { currentAttempt, paymentJson } from '../api/payments.js';
import type { V2ChannelType } from '../config.js';
import {
  optionalFlag,
  optionalInt,
  optionalObject,
  optionalText,
} from '../fields.js';
import {
  isV2PaymentStatus,
  V2_PAYMENT_STATUSES,
  type V2Attempt,
} from '../payment.js';
import { customerOf, customDataOf, noticeUrlsOf } from '../request-fields.js';

const CREATE_FIELDS = [
  'paymentId',
  'status',
  'method',
  'totalAmount',
  'taxFreeAmount',
  'currency',
  'orderName',
  'channelType',
  'customer',
  'customData',
  'noticeUrls',
  'failure',
  'cancelAmount',
  'webhook',
];

const DECLINE = {
  reason: '카드 승인이 거절되었습니다 (simulated decline)',
  pgCode: 'F1002',
  pgMessage: '카드 승인 거절',
};

function channelTypeOf(
  body: Record<string, unknown>,
): V2ChannelType | undefined {
  const value = optionalText(body, 'channelType');
  if (value !== undefined && value !== 'LIVE' && value !== 'TEST')
    throw new SimError(400, 'channelType must be LIVE or TEST');
  return value;
}

/** A payment put straight into a status, as if its window had ended so (and been cancelled). */
function create(ctx: SimContext, body: Record<string, unknown>): V2Attempt {
  rejectUnknownKeys(body, CREATE_FIELDS);
  const status = optionalText(body, 'status') ?? 'PAID';
  if (!isV2PaymentStatus(status))
    throw new SimError(
      400,
      `status must be one of ${V2_PAYMENT_STATUSES.join(', ')}`,
    );
  const method = optionalText(body, 'method') ?? 'CARD';
  if (method !== 'CARD' && method !== 'VIRTUAL_ACCOUNT')
    throw new SimError(400, 'method must be CARD or VIRTUAL_ACCOUNT');
  const attempt = newAttempt(ctx, {
    paymentId: optionalText(body, 'paymentId') ?? `payment-${randomUUID()}`,
    orderName: optionalText(body, 'orderName') ?? '시뮬레이터 주문',
    totalAmount: optionalInt(body, 'totalAmount') ?? 1000,
    taxFreeAmount: optionalInt(body, 'taxFreeAmount'),
    currency: optionalText(body, 'currency') ?? 'KRW',
    channelType: channelTypeOf(body),
    customer: customerOf(body.customer),
    customData: customDataOf(body.customData),
    noticeUrls: noticeUrlsOf(body.noticeUrls),
  });
  try {
    const isVirtualAccount =
      method === 'VIRTUAL_ACCOUNT' || status === 'VIRTUAL_ACCOUNT_ISSUED';
    if (status === 'PAY_PENDING') markPayPending(ctx, attempt);
    if (isVirtualAccount && status !== 'READY' && status !== 'FAILED')
      issueVirtualAccount(ctx, attempt);
    if (['PAID', 'PARTIAL_CANCELLED', 'CANCELLED'].includes(status)) {
      if (isVirtualAccount) depositVirtualAccount(ctx, attempt);
      else approveCard(ctx, attempt);
    }
    if (status === 'FAILED') {
      const failure = optionalObject(body, 'failure') ?? {};
      failAttempt(ctx, attempt, {
        reason: optionalText(failure, 'reason') ?? DECLINE.reason,
        pgCode: optionalText(failure, 'pgCode') ?? DECLINE.pgCode,
        pgMessage: optionalText(failure, 'pgMessage') ?? DECLINE.pgMessage,
      });
    }
    if (status === 'CANCELLED' || status === 'PARTIAL_CANCELLED') {
      const cancelAmount =
        optionalInt(body, 'cancelAmount', 1) ??
        (status === 'CANCELLED'
          ? attempt.totalAmount
          : Math.floor(attempt.totalAmount / 2));
      cancelAttempt(ctx, attempt, {
        reason: 'Simulated cancellation',
        amount: cancelAmount,
        trigger: 'CONSOLE',
      });
      if (attempt.status !== status)
        throw new SimError(
          400,
          `cancelAmount ${cancelAmount} does not leave the payment ${status}`,
        );
    }
  } catch (error) {
    // Nothing half-made stays behind: drop the attempt again.
    ctx.v2.payments.remove(attempt);
    throw error;
  }
  return attempt;
}

export const controlV2PaymentRoutes: Route[] = [
  controlRoute('GET', '/_sim/v2/payments', (ctx) =>
    json([...ctx.v2.payments.allAttempts()].map((a) => paymentJson(ctx, a))),
  ),
  controlRoute('POST', '/_sim/v2/payments', (ctx, { body }) => {
    const attempt = create(ctx, body);
    if (optionalFlag(body, 'webhook') === true) notifyStatus(ctx, attempt);
    return json(paymentJson(ctx, attempt), 201);
  }),
  controlRoute('GET', '/_sim/v2/payments/:paymentId', (ctx, { params }) =>
    json({
      payment: paymentJson(ctx, currentAttempt(ctx, params.paymentId)),
      attempts: ctx.v2.payments
        .attempts(params.paymentId)
        .map((a) => paymentJson(ctx, a)),
    }),
  ),
  controlRoute(
    'POST',
    '/_sim/v2/payments/:paymentId/deposit',
    (ctx, { params, body }) => {
      rejectUnknownKeys(body, ['remitterName', 'webhook']);
      const attempt = ctx.v2.payments
        .attempts(params.paymentId)
        .findLast((a) => a.status === 'VIRTUAL_ACCOUNT_ISSUED');
      if (!attempt)
        throw new SimError(
          409,
          `Payment ${params.paymentId} has no virtual account awaiting deposit`,
        );
      depositVirtualAccount(ctx, attempt, optionalText(body, 'remitterName'));
      if (optionalFlag(body, 'webhook') ?? true)
        notifyStatus(ctx, attempt, { trigger: 'VIRTUAL_ACCOUNT_DEPOSIT' });
      return json(paymentJson(ctx, attempt));
    },
  ),
  controlRoute(
    'POST',
    '/_sim/v2/payments/:paymentId/cancel',
    (ctx, { params, body }) => {
      rejectUnknownKeys(body, ['amount', 'reason', 'webhook']);
      const attempt = currentAttempt(ctx, params.paymentId);
      cancelAttempt(ctx, attempt, {
        reason: optionalText(body, 'reason') ?? 'Simulated cancellation',
        amount: optionalInt(body, 'amount', 1),
        trigger: 'CONSOLE',
      });
      if (optionalFlag(body, 'webhook') ?? true) notifyStatus(ctx, attempt);
      return json(paymentJson(ctx, attempt));
    },
  ),
];
