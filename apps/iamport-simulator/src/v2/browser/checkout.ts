import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { SimContext } from '../../context.js';
import { SimError } from '../../http/types.js';
import {
  approveCard,
  failAttempt,
  issueVirtualAccount,
  newAttempt,
  notifyStatus,
} from '../actions.js';
import type { V2Attempt } from '../payment.js';
import { customDataOf, customerOf } from '../request-fields.js';
import type { V2CheckoutRequest } from './request.js';

export const V2_OUTCOMES = [
  'card',
  'virtual-account',
  'decline',
  'close',
] as const;
export type V2Outcome = (typeof V2_OUTCOMES)[number];

/** What `requestPayment` resolves with (or the redirect carries): failure iff `code`. */
export interface V2PaymentResponse {
  transactionType: 'PAYMENT';
  txId: string;
  paymentId: string;
  code?: string;
  message?: string;
  pgCode?: string;
  pgMessage?: string;
}

type Failure = Pick<
  V2PaymentResponse,
  'code' | 'message' | 'pgCode' | 'pgMessage'
>;

/** Simulated PG answers; real codes differ per PG (merchants must only test `code`'s presence). */
export const V2_DECLINED = {
  code: 'PG_PROVIDER_ERROR',
  message: '[F1002] 카드 승인이 거절되었습니다 (simulated decline)',
  pgCode: 'F1002',
  pgMessage: '카드 승인 거절',
} as const;
export const V2_USER_CLOSED = {
  code: 'PAY_PROCESS_CANCELED',
  message: '사용자가 결제를 취소하였습니다',
  pgCode: 'PAY_PROCESS_CANCELED',
  pgMessage: '사용자에 의해 결제가 취소되었습니다',
} as const;

const failed = (
  txId: string,
  paymentId: string,
  failure: Failure,
): V2PaymentResponse => ({
  transactionType: 'PAYMENT',
  txId,
  paymentId,
  ...failure,
});

/**
 * Why the window must not open, as the browser SDK would report it: another store or channel, a
 * paymentId already paid, or an amount other than the pre-registered one. Nothing is recorded.
 */
export function refusal(
  ctx: SimContext,
  request: V2CheckoutRequest,
): V2PaymentResponse | null {
  const refuse = (code: string, message: string) =>
    failed(randomUUID(), request.paymentId, { code, message });
  if (request.storeId !== ctx.config.v2StoreId)
    return refuse(
      'StoreNotFound',
      `상점을 찾을 수 없습니다: ${request.storeId}`,
    );
  if (
    request.channelKey !== null &&
    request.channelKey !== ctx.config.v2ChannelKey
  )
    return refuse(
      'ChannelNotFound',
      `채널을 찾을 수 없습니다: ${request.channelKey}`,
    );
  if (ctx.v2.payments.isPaid(request.paymentId))
    return refuse('PaymentAlreadyPaid', '이미 결제가 완료된 결제 건입니다');
  const registered = ctx.v2.payments.preRegistration(request.paymentId);
  if (
    registered &&
    ((registered.totalAmount !== null &&
      registered.totalAmount !== request.totalAmount) ||
      (registered.currency !== null &&
        registered.currency !== request.currency) ||
      (registered.taxFreeAmount !== null &&
        registered.taxFreeAmount !== (request.taxFreeAmount ?? 0)))
  )
    return refuse(
      'AmountNotEqualToPredefined',
      `사전 등록된 결제 정보와 일치하지 않습니다 (registered ${registered.totalAmount} ${registered.currency ?? ''}, requested ${request.totalAmount} ${request.currency})`,
    );
  return null;
}

const MOBILE_AGENT = /Android|iPhone|iPad|iPod|Mobile/i;

/** Opening the window: a new READY attempt with its own transactionId, and Transaction.Ready. */
export function openAttempt(
  ctx: SimContext,
  request: V2CheckoutRequest,
  headers: IncomingHttpHeaders,
  ipAddress: string,
): V2Attempt {
  const userAgent = headers['user-agent'];
  const attempt = newAttempt(ctx, {
    paymentId: request.paymentId,
    orderName: request.orderName,
    totalAmount: request.totalAmount,
    taxFreeAmount: request.taxFreeAmount ?? undefined,
    currency: request.currency,
    storeId: request.storeId,
    customer: customerOf(request.customer),
    customData: customDataOf(request.customData),
    noticeUrls: request.noticeUrls,
    origin: {
      platformType:
        request.windowMode === 'redirect' || MOBILE_AGENT.test(userAgent ?? '')
          ? 'MOBILE'
          : 'PC',
      ipAddress,
      ...(userAgent && { userAgent }),
      ...(request.url && { url: request.url }),
    },
  });
  notifyStatus(ctx, attempt);
  return attempt;
}

/** The buyer's choice in the window, applied to the attempt, with PortOne's webhook. */
export function complete(
  ctx: SimContext,
  request: V2CheckoutRequest,
  transactionId: string,
  outcome: V2Outcome,
): V2PaymentResponse {
  const attempt = ctx.v2.payments.byTransaction(transactionId);
  if (!attempt || attempt.paymentId !== request.paymentId)
    throw new SimError(
      404,
      `No V2 transaction ${transactionId} for ${request.paymentId}`,
    );
  if (attempt.status !== 'READY')
    throw new SimError(
      409,
      `Transaction ${transactionId} already ended (${attempt.status})`,
    );
  const ok: V2PaymentResponse = {
    transactionType: 'PAYMENT',
    txId: transactionId,
    paymentId: request.paymentId,
  };
  if (outcome === 'close')
    return failed(transactionId, request.paymentId, V2_USER_CLOSED);
  if (outcome === 'decline') {
    failAttempt(ctx, attempt, {
      reason: V2_DECLINED.message,
      pgCode: V2_DECLINED.pgCode,
      pgMessage: V2_DECLINED.pgMessage,
    });
    notifyStatus(ctx, attempt);
    return failed(transactionId, request.paymentId, V2_DECLINED);
  }
  // Another window of the same paymentId paid first.
  if (ctx.v2.payments.isPaid(request.paymentId)) {
    const message = '이미 결제가 완료된 결제 건입니다';
    failAttempt(ctx, attempt, {
      reason: message,
      pgCode: 'PaymentAlreadyPaid',
      pgMessage: message,
    });
    notifyStatus(ctx, attempt);
    return failed(transactionId, request.paymentId, {
      code: 'PaymentAlreadyPaid',
      message,
    });
  }
  const tamper = ctx.v2.takeTamper();
  if (tamper?.paidAmount != null) attempt.totalAmount = tamper.paidAmount;
  if (tamper?.channelType) attempt.channelType = tamper.channelType;
  if (outcome === 'virtual-account') issueVirtualAccount(ctx, attempt);
  else approveCard(ctx, attempt);
  notifyStatus(ctx, attempt);
  return ok;
}
