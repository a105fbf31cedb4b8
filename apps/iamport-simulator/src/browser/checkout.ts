import type { SimContext } from '../context.js';
import { notifyFor } from '../notify.js';
import { approve, fail, issueVbank, newPayment } from '../payment-factory.js';
import type { IamportPayment, StoredPayment } from '../payment.js';
import type { CheckoutParams } from './checkout-params.js';

export const OUTCOMES = ['card', 'vbank', 'decline', 'close'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** How a window ended: the payment it left (if any) and what the buyer's browser is told. */
export interface CheckoutResult {
  stored: StoredPayment | null;
  success: boolean;
  errorCode: string | null;
  errorMsg: string | null;
}

/** Simulated PG answers; real codes differ per PG (merchants must not branch on them). */
export const DECLINED = {
  code: 'F1002',
  msg: '[F1002] 카드 승인이 거절되었습니다 (simulated decline)',
};
export const USER_CANCELLED = {
  code: 'F400',
  msg: '[결제포기] 사용자가 결제를 취소하셨습니다',
};
export const PREPARE_MISMATCH_CODE = 'F400';

/** The window refuses to open when /payments/prepare registered another amount or currency. */
export function refusal(
  ctx: SimContext,
  params: CheckoutParams,
): CheckoutResult | null {
  const mismatch = ctx.prepared.mismatch(
    params.merchant_uid,
    params.amount,
    params.currency,
  );
  if (mismatch === null) return null;
  return {
    stored: null,
    success: false,
    errorCode: PREPARE_MISMATCH_CODE,
    errorMsg: `[사전검증] ${mismatch}`,
  };
}

function record(
  ctx: SimContext,
  params: CheckoutParams,
  payMethod: string,
  userAgent: string | null,
): [IamportPayment, StoredPayment] {
  const { custom_data } = params;
  const payment = newPayment(ctx, {
    merchantUid: params.merchant_uid,
    amount: params.amount,
    currency: params.currency,
    payMethod,
    name: params.name,
    pg: params.pg,
    // The redirect flow is the mobile one; the overlay (callback) flow is the PC one.
    channel: params.m_redirect_url ? 'mobile' : 'pc',
    buyer: {
      name: params.buyer_name,
      email: params.buyer_email,
      tel: params.buyer_tel,
      addr: params.buyer_addr,
      postcode: params.buyer_postcode,
    },
    customData:
      custom_data === null || typeof custom_data === 'string'
        ? custom_data
        : JSON.stringify(custom_data),
    userAgent,
  });
  return [payment, ctx.payments.add(payment, params.notice_url)];
}

/** Records what the buyer did and sends the webhook iamport would send, without waiting for it. */
export function complete(
  ctx: SimContext,
  params: CheckoutParams,
  outcome: Outcome,
  userAgent: string | null,
): CheckoutResult {
  const refused = refusal(ctx, params);
  if (refused) return refused;
  // A vbank is chosen with its own button; the other buttons keep the requested instant method.
  const instantMethod =
    params.pay_method && params.pay_method !== 'vbank'
      ? params.pay_method
      : 'card';
  const [payment, stored] = record(
    ctx,
    params,
    outcome === 'vbank' ? 'vbank' : instantMethod,
    userAgent,
  );
  const result: CheckoutResult = {
    stored,
    success: true,
    errorCode: null,
    errorMsg: null,
  };
  if (outcome === 'card') approve(ctx, payment);
  if (outcome === 'vbank') issueVbank(ctx, payment);
  if (outcome === 'decline') {
    fail(ctx, payment, DECLINED.msg);
    Object.assign(result, {
      success: false,
      errorCode: DECLINED.code,
      errorMsg: DECLINED.msg,
    });
  }
  if (outcome === 'close') {
    Object.assign(result, {
      success: false,
      errorCode: USER_CANCELLED.code,
      errorMsg: USER_CANCELLED.msg,
    });
  }
  stored.updatedAt = ctx.now();
  // Webhooks for paid and for an issued virtual account only: not on failure, not on close.
  notifyFor(ctx, stored);
  return result;
}
