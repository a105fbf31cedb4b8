import { randomInt, randomUUID } from 'node:crypto';
import type { SimContext } from '../context.js';
import { apiMs } from './clock.js';
import type { V2ChannelType } from './config.js';
import { invalidRequest, V2Error } from './errors.js';
import {
  cancellableAmount,
  cancelledTaxFree,
  vatOf,
  type V2Attempt,
  type V2Cancellation,
  type V2Customer,
  type V2Failure,
  type V2Origin,
  type V2PaymentStatus,
} from './payment.js';
import { eventForStatus } from './webhooks/events.js';
import type { EmitOptions, V2WebhookMessage } from './webhooks/sender.js';

const VIRTUAL_ACCOUNT_DAYS = 3;

const digits = (count: number): string =>
  Array.from({ length: count }, () => randomInt(0, 10)).join('');

export const newPgTxId = (): string => `sim_v2_${randomUUID().slice(0, 18)}`;

export interface NewAttempt {
  paymentId: string;
  orderName: string;
  totalAmount: number;
  currency: string;
  taxFreeAmount?: number;
  storeId?: string;
  channelType?: V2ChannelType;
  channelKey?: string;
  customer?: V2Customer;
  /** Already a string, as the API returns it. */
  customData?: string | null;
  origin?: V2Origin;
  noticeUrls?: string[];
}

/** A new attempt, READY: what opening the checkout window leaves. */
export function newAttempt(ctx: SimContext, input: NewAttempt): V2Attempt {
  const now = apiMs(ctx);
  return ctx.v2.payments.add({
    paymentId: input.paymentId,
    transactionId: randomUUID(),
    storeId: input.storeId ?? ctx.config.v2StoreId,
    status: 'READY',
    orderName: input.orderName,
    currency: input.currency,
    totalAmount: input.totalAmount,
    taxFreeAmount: input.taxFreeAmount ?? 0,
    channelType: input.channelType ?? ctx.config.v2ChannelType,
    channelKey: input.channelKey ?? ctx.config.v2ChannelKey,
    method: null,
    virtualAccount: null,
    approvalNumber: null,
    pgTxId: null,
    customer: input.customer ?? {},
    customData: input.customData ?? null,
    origin: input.origin ?? { platformType: 'API', ipAddress: '127.0.0.1' },
    noticeUrls: input.noticeUrls ?? [],
    requestedAt: now,
    updatedAt: now,
    statusChangedAt: now,
    paidAt: null,
    failedAt: null,
    failure: null,
    cancellations: [],
    webhooks: [],
    seq: ctx.v2.payments.nextSeq(),
  });
}

function moveTo(ctx: SimContext, attempt: V2Attempt, status: V2PaymentStatus) {
  const now = apiMs(ctx);
  attempt.status = status;
  attempt.statusChangedAt = now;
  attempt.updatedAt = now;
  return now;
}

/** Only one attempt of a paymentId may be paid. */
function refuseSecondPayment(ctx: SimContext, attempt: V2Attempt): void {
  const paid = ctx.v2.payments.current(attempt.paymentId);
  if (paid && paid !== attempt && ctx.v2.payments.isPaid(attempt.paymentId))
    throw new V2Error(409, 'ALREADY_PAID', '이미 결제가 완료된 결제 건입니다');
}

/** Card approval: PAID. */
export function approveCard(ctx: SimContext, attempt: V2Attempt): void {
  refuseSecondPayment(ctx, attempt);
  attempt.method = 'CARD';
  attempt.approvalNumber = digits(8);
  attempt.pgTxId = newPgTxId();
  attempt.paidAt = moveTo(ctx, attempt, 'PAID');
}

export function markPayPending(ctx: SimContext, attempt: V2Attempt): void {
  attempt.method = 'CARD';
  attempt.approvalNumber = digits(8);
  attempt.pgTxId = newPgTxId();
  moveTo(ctx, attempt, 'PAY_PENDING');
}

export function issueVirtualAccount(ctx: SimContext, attempt: V2Attempt) {
  const now = moveTo(ctx, attempt, 'VIRTUAL_ACCOUNT_ISSUED');
  attempt.method = 'VIRTUAL_ACCOUNT';
  attempt.pgTxId = newPgTxId();
  attempt.virtualAccount = {
    bank: 'SHINHAN',
    accountNumber: `562${digits(9)}`,
    remitteeName: '(주)포트원시뮬레이터',
    remitterName: null,
    issuedAt: now,
    expiredAt: now + VIRTUAL_ACCOUNT_DAYS * 24 * 3600 * 1000,
  };
}

/** The deposit into an issued virtual account: PAID. */
export function depositVirtualAccount(
  ctx: SimContext,
  attempt: V2Attempt,
  remitterName = '홍길동',
): void {
  if (attempt.status !== 'VIRTUAL_ACCOUNT_ISSUED' || !attempt.virtualAccount)
    throw new V2Error(
      409,
      'PAYMENT_NOT_WAITING_FOR_DEPOSIT',
      '입금 대기 중인 가상계좌가 아닙니다',
    );
  refuseSecondPayment(ctx, attempt);
  attempt.virtualAccount.remitterName = remitterName;
  attempt.paidAt = moveTo(ctx, attempt, 'PAID');
}

export function failAttempt(
  ctx: SimContext,
  attempt: V2Attempt,
  failure: V2Failure,
): void {
  attempt.failure = failure;
  attempt.failedAt = moveTo(ctx, attempt, 'FAILED');
}

/**
 * Closing an issued virtual account. What status PortOne then shows is undocumented; the
 * simulator says FAILED, so that the payment reads as not paid.
 */
export function closeVirtualAccount(ctx: SimContext, attempt: V2Attempt) {
  if (attempt.status !== 'VIRTUAL_ACCOUNT_ISSUED')
    throw new V2Error(
      409,
      'PAYMENT_NOT_WAITING_FOR_DEPOSIT',
      '입금 대기 중인 가상계좌가 아닙니다',
    );
  failAttempt(ctx, attempt, {
    reason: '가상계좌가 말소되었습니다 (virtual account closed)',
    pgCode: 'VA_CLOSED',
    pgMessage: '가상계좌 말소',
  });
  return attempt.failedAt as number;
}

export interface CancelRequest {
  reason: string;
  amount?: number;
  taxFreeAmount?: number;
  vatAmount?: number;
  currentCancellableAmount?: number;
  trigger: V2Cancellation['trigger'];
}

/** A synchronous, successful cancellation, or the 409 PortOne answers. */
export function cancelAttempt(
  ctx: SimContext,
  attempt: V2Attempt,
  request: CancelRequest,
): V2Cancellation {
  if (attempt.status === 'CANCELLED')
    throw new V2Error(
      409,
      'PAYMENT_ALREADY_CANCELLED',
      '이미 취소된 결제 건입니다',
    );
  if (attempt.status !== 'PAID' && attempt.status !== 'PARTIAL_CANCELLED')
    throw new V2Error(
      409,
      'PAYMENT_NOT_PAID',
      '결제가 완료되지 않은 결제 건입니다',
    );
  const cancellable = cancellableAmount(attempt);
  if (
    request.currentCancellableAmount !== undefined &&
    request.currentCancellableAmount !== cancellable
  )
    throw new V2Error(
      409,
      'CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN',
      `취소 가능 잔액 검증에 실패했습니다 (cancellable ${cancellable}, given ${request.currentCancellableAmount})`,
    );
  const amount = request.amount ?? cancellable;
  if (amount <= 0) throw invalidRequest('amount must be positive');
  if (amount > cancellable)
    throw new V2Error(
      409,
      'CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT',
      `결제 취소 금액이 취소 가능 금액을 초과합니다 (cancellable ${cancellable})`,
    );
  const taxFreeLeft = attempt.taxFreeAmount - cancelledTaxFree(attempt);
  const taxFree =
    request.taxFreeAmount ?? (amount === cancellable ? taxFreeLeft : 0);
  if (taxFree > taxFreeLeft || taxFree > amount)
    throw new V2Error(
      409,
      'CANCEL_TAX_FREE_AMOUNT_EXCEEDS_CANCELLABLE_TAX_FREE_AMOUNT',
      `면세 취소 금액이 취소 가능한 면세 금액을 초과합니다 (${taxFreeLeft})`,
    );
  const now = apiMs(ctx);
  const cancellation: V2Cancellation = {
    id: randomUUID(),
    pgCancellationId: newPgTxId(),
    totalAmount: amount,
    taxFreeAmount: taxFree,
    vatAmount: request.vatAmount ?? vatOf(amount, taxFree),
    reason: request.reason,
    requestedAt: now,
    cancelledAt: now,
    trigger: request.trigger,
  };
  attempt.cancellations.push(cancellation);
  moveTo(
    ctx,
    attempt,
    cancellableAmount(attempt) === 0 ? 'CANCELLED' : 'PARTIAL_CANCELLED',
  );
  return cancellation;
}

/** The URLs a webhook for this attempt goes to: its noticeUrls, else the console URL. */
export function webhookUrls(ctx: SimContext, attempt: V2Attempt): string[] {
  if (attempt.noticeUrls.length > 0) return attempt.noticeUrls;
  return ctx.config.v2WebhookUrl ? [ctx.config.v2WebhookUrl] : [];
}

/** The webhook PortOne sends for the attempt's current status (with cancellationId on cancels). */
export function notifyStatus(
  ctx: SimContext,
  attempt: V2Attempt,
  options: Partial<EmitOptions> = {},
): V2WebhookMessage[] {
  const type = eventForStatus(attempt.status);
  const cancelled =
    attempt.status === 'CANCELLED' || attempt.status === 'PARTIAL_CANCELLED';
  return ctx.v2.webhooks.emit(attempt, type, {
    urls: webhookUrls(ctx, attempt),
    atMs: apiMs(ctx),
    ...(cancelled && { cancellationId: attempt.cancellations.at(-1)?.id }),
    ...options,
  });
}
