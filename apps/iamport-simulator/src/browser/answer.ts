import type { SimContext } from '../context.js';
import type { SimResponse } from '../http/types.js';
import type { CheckoutParams } from './checkout-params.js';
import type { CheckoutResult } from './checkout.js';
import { escapeHtml, htmlPage, scriptJson } from './html.js';

/** The message the window posts to the SDK in the overlay (callback) flow. */
export const MESSAGE_TYPE = 'iamport-sim:response';

/** The V1 `rsp` object request_pay's callback receives. */
export function callbackResponse(
  params: CheckoutParams,
  result: CheckoutResult,
): Record<string, unknown> {
  const p = result.stored?.payment;
  return {
    success: result.success,
    imp_uid: p?.imp_uid ?? null,
    merchant_uid: params.merchant_uid,
    pay_method: p?.pay_method ?? params.pay_method,
    paid_amount: p && result.success ? p.amount : 0,
    status: p?.status ?? null,
    name: params.name,
    pg_provider: p?.pg_provider ?? null,
    pg_tid: p?.pg_tid ?? null,
    buyer_name: params.buyer_name,
    buyer_email: params.buyer_email,
    buyer_tel: params.buyer_tel,
    buyer_addr: params.buyer_addr,
    buyer_postcode: params.buyer_postcode,
    custom_data: params.custom_data,
    paid_at: p?.paid_at ?? 0,
    receipt_url: p?.receipt_url ?? null,
    apply_num: p?.apply_num ?? null,
    vbank_num: p?.vbank_num ?? null,
    vbank_name: p?.vbank_name ?? null,
    vbank_holder: p?.vbank_holder ?? null,
    vbank_date: p?.vbank_date ?? 0,
    error_code: result.errorCode,
    error_msg: result.errorMsg,
  };
}

/**
 * 303 to m_redirect_url, keeping its own query: imp_uid (empty when no payment was recorded),
 * merchant_uid, the configured flag, and error_code/error_msg when it did not succeed.
 */
export function redirectAnswer(
  ctx: SimContext,
  redirectUrl: string,
  params: CheckoutParams,
  result: CheckoutResult,
): SimResponse {
  const target = new URL(redirectUrl);
  target.searchParams.set('imp_uid', result.stored?.payment.imp_uid ?? '');
  target.searchParams.set('merchant_uid', params.merchant_uid);
  const flag = ctx.config.redirectFlag;
  if (flag !== 'none') target.searchParams.set(flag, String(result.success));
  if (!result.success) {
    target.searchParams.set('error_code', result.errorCode ?? '');
    target.searchParams.set('error_msg', result.errorMsg ?? '');
  }
  return {
    status: 303,
    body: '',
    headers: {
      Location: target.toString(),
      'Content-Type': 'text/plain',
      'Cache-Control': 'no-store',
    },
  };
}

/** In the overlay: hands `rsp` to the SDK in the parent page, which then calls the callback. */
export function callbackAnswer(
  params: CheckoutParams,
  result: CheckoutResult,
): SimResponse {
  const rsp = callbackResponse(params, result);
  const targetOrigin = params.origin ? new URL(params.origin).origin : '*';
  const outcome = result.success
    ? '결제 요청이 완료되었습니다'
    : (result.errorMsg ?? '결제 실패');
  return htmlPage(
    'iamport simulator',
    `<h1>${escapeHtml(outcome)}</h1>
<p class="note">merchant_uid ${escapeHtml(params.merchant_uid)}</p>
<script>
var message = ${scriptJson({ type: MESSAGE_TYPE, rsp })};
if (window.parent !== window) window.parent.postMessage(message, ${scriptJson(targetOrigin)});
</script>`,
  );
}

export const answer = (
  ctx: SimContext,
  params: CheckoutParams,
  result: CheckoutResult,
): SimResponse =>
  params.m_redirect_url
    ? redirectAnswer(ctx, params.m_redirect_url, params, result)
    : callbackAnswer(params, result);
