import type { SimContext } from '../../context.js';
import { json } from '../../http/respond.js';
import type { Route } from '../../http/types.js';
import {
  cancelAttempt,
  closeVirtualAccount,
  notifyStatus,
} from '../actions.js';
import { rfc3339 } from '../clock.js';
import { paymentNotFound, V2Error } from '../errors.js';
import {
  optionalFlag,
  optionalInt,
  optionalText,
  requiredText,
} from '../fields.js';
import type { V2Attempt } from '../payment.js';
import { renderCancellation, renderPayment } from '../render.js';
import { v2Route } from './route.js';

/** A storeId other than the simulator's one is another merchant's store. */
export function checkStore(
  ctx: SimContext,
  storeId: string | undefined | null,
) {
  if (storeId && storeId !== ctx.config.v2StoreId)
    throw new V2Error(
      403,
      'FORBIDDEN',
      `상점에 접근할 권한이 없습니다: ${storeId}`,
    );
}

export function currentAttempt(ctx: SimContext, paymentId: string): V2Attempt {
  const attempt = ctx.v2.payments.current(paymentId);
  if (!attempt) throw paymentNotFound(paymentId);
  return attempt;
}

export const paymentJson = (ctx: SimContext, attempt: V2Attempt) =>
  renderPayment(attempt, ctx.baseUrl);

export const v2PaymentRoutes: Route[] = [
  v2Route(
    'GET',
    '/payments/:paymentId',
    (ctx, { params, query }) => {
      checkStore(ctx, query.get('storeId'));
      return json(paymentJson(ctx, currentAttempt(ctx, params.paymentId)));
    },
    true,
    'v2.getPayment',
  ),
  v2Route(
    'POST',
    '/payments/:paymentId/cancel',
    (ctx, { params, body }) => {
      checkStore(ctx, optionalText(body, 'storeId'));
      const reason = requiredText(body, 'reason');
      const attempt = currentAttempt(ctx, params.paymentId);
      const cancellation = cancelAttempt(ctx, attempt, {
        reason,
        amount: optionalInt(body, 'amount', 1),
        taxFreeAmount: optionalInt(body, 'taxFreeAmount'),
        vatAmount: optionalInt(body, 'vatAmount'),
        currentCancellableAmount: optionalInt(body, 'currentCancellableAmount'),
        trigger: 'API',
      });
      if (optionalFlag(body, 'skipWebhook') !== true)
        notifyStatus(ctx, attempt);
      return json({
        cancellation: renderCancellation(
          cancellation,
          ctx.baseUrl,
          attempt.transactionId,
        ),
      });
    },
    true,
    'v2.cancelPayment',
  ),
  v2Route(
    'POST',
    '/payments/:paymentId/pre-register',
    (ctx, { params, body }) => {
      checkStore(ctx, optionalText(body, 'storeId'));
      const totalAmount = optionalInt(body, 'totalAmount');
      const taxFreeAmount = optionalInt(body, 'taxFreeAmount');
      const currency = optionalText(body, 'currency');
      if (ctx.v2.payments.isPaid(params.paymentId))
        throw new V2Error(
          409,
          'ALREADY_PAID',
          '이미 결제가 완료된 결제 건입니다',
        );
      ctx.v2.payments.preRegister(params.paymentId, {
        totalAmount: totalAmount ?? null,
        taxFreeAmount: taxFreeAmount ?? null,
        currency: currency ?? null,
      });
      return json({});
    },
    true,
    'v2.preRegisterPayment',
  ),
  v2Route(
    'POST',
    '/payments/:paymentId/virtual-account/close',
    (ctx, { params, query, body }) => {
      checkStore(ctx, query.get('storeId') ?? optionalText(body, 'storeId'));
      const attempt = currentAttempt(ctx, params.paymentId);
      return json({ closedAt: rfc3339(closeVirtualAccount(ctx, attempt)) });
    },
  ),
  v2Route(
    'POST',
    '/payments/:paymentId/resend-webhook',
    async (ctx, { params, body }) => {
      checkStore(ctx, optionalText(body, 'storeId'));
      const webhookId = optionalText(body, 'webhookId');
      const attempts = ctx.v2.payments.attempts(params.paymentId);
      if (attempts.length === 0) throw paymentNotFound(params.paymentId);
      const records = attempts.flatMap((a) => a.webhooks);
      const record = webhookId
        ? records.find((r) => r.id === webhookId)
        : records
            .sort((a, b) => a.triggeredAt.localeCompare(b.triggeredAt))
            .at(-1);
      const message = record && ctx.v2.webhooks.message(record.id);
      if (!record || !message)
        throw new V2Error(
          404,
          'WEBHOOK_NOT_FOUND',
          '웹훅 내역이 존재하지 않습니다',
        );
      await ctx.v2.webhooks.deliverOnce(message, true);
      return json({ webhook: structuredClone(record) });
    },
  ),
];
