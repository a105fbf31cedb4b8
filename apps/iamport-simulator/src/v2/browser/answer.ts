import type { SimResponse } from '../../http/types.js';
import { escapeHtml, htmlPage, scriptJson } from '../../browser/html.js';
import type { V2PaymentResponse } from './checkout.js';
import type { V2CheckoutRequest } from './request.js';

/** The message the window posts to the SDK in the overlay flow. */
export const V2_MESSAGE_TYPE = 'portone-sim:v2-response';

/**
 * 303 to redirectUrl, keeping its own query: paymentId, txId, transactionType=PAYMENT, and
 * code/message (pgCode/pgMessage when the PG gave them) on failure.
 */
export function redirectAnswer(
  redirectUrl: string,
  response: V2PaymentResponse,
): SimResponse {
  const target = new URL(redirectUrl);
  target.searchParams.set('paymentId', response.paymentId);
  target.searchParams.set('txId', response.txId);
  target.searchParams.set('transactionType', response.transactionType);
  for (const key of ['code', 'message', 'pgCode', 'pgMessage'] as const) {
    const value = response[key];
    if (value !== undefined) target.searchParams.set(key, value);
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

/** In the overlay: hands the response to the SDK in the parent page, which resolves its promise. */
export function messageAnswer(
  request: V2CheckoutRequest,
  response: V2PaymentResponse,
): SimResponse {
  const targetOrigin = request.origin ? new URL(request.origin).origin : '*';
  const outcome =
    response.code === undefined
      ? '결제 요청이 완료되었습니다'
      : (response.message ?? '결제 실패');
  return htmlPage(
    'PortOne V2 simulator',
    `<h1 id="outcome" data-testid="outcome">${escapeHtml(outcome)}</h1>
<p class="note">paymentId ${escapeHtml(response.paymentId)} · txId ${escapeHtml(response.txId)}</p>
<script>
var message = ${scriptJson({ type: V2_MESSAGE_TYPE, response })};
var target = window.parent !== window ? window.parent : window.opener;
if (target) target.postMessage(message, ${scriptJson(targetOrigin)});
</script>`,
  );
}

export const v2Answer = (
  request: V2CheckoutRequest,
  response: V2PaymentResponse,
): SimResponse =>
  request.windowMode === 'redirect' && request.redirectUrl
    ? redirectAnswer(request.redirectUrl, response)
    : messageAnswer(request, response);
