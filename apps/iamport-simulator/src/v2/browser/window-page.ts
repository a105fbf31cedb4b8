import { escapeHtml, htmlPage } from '../../browser/html.js';
import type { V2CheckoutRequest } from './request.js';

const formatAmount = (amount: number, currency: string): string =>
  currency === 'KRW'
    ? `${amount.toLocaleString('ko-KR')}원`
    : `${amount.toLocaleString('en-US')} ${currency}`;

const PRIMARY = 'style="background:#1e5eff;color:#fff"';

/**
 * The stand-in for the PG window a V2 checkout opens: the order and one button per ending. Plain
 * forms, so that a test can drive it with fetch, and a browser without any script.
 */
export function renderV2Window(
  request: V2CheckoutRequest,
  encoded: string,
  transactionId: string,
) {
  const rows: [string, string][] = [
    ['주문명 · Order', request.orderName],
    ['주문번호 · Payment ID', request.paymentId],
    [
      '결제수단 · Method',
      request.payMethod === 'CARD'
        ? '카드 · Card'
        : '가상계좌 · Virtual account',
    ],
    ['거래번호 · Transaction', transactionId],
  ];
  const details = rows
    .map(
      ([label, value]) =>
        `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`,
    )
    .join('');
  const button = (id: string, outcome: string, label: string, style = '') =>
    `<button id="${id}" data-testid="${id}" name="outcome" value="${outcome}" type="submit" ${style}>${label}</button>`;
  return htmlPage(
    `${request.orderName} - PortOne V2 simulator`,
    `<h1>${escapeHtml(request.orderName)}</h1>
<p class="amount" id="amount" data-testid="amount">${escapeHtml(formatAmount(request.totalAmount, request.currency))}</p>
<dl>${details}</dl>
<form id="v2-checkout" method="post" action="/v2/window/complete">
<input type="hidden" name="request" value="${escapeHtml(encoded)}">
<input type="hidden" name="transactionId" value="${escapeHtml(transactionId)}">
${button('pay-card', 'card', '카드 결제 (승인) · Pay by card', PRIMARY)}
${button('issue-virtual-account', 'virtual-account', '가상계좌 발급 · Issue a virtual account', PRIMARY)}
${button('decline', 'decline', '카드 승인 거절 · Decline')}
${button('close', 'close', '결제창 닫기 · Close')}
</form>
<p class="note">PortOne V2 simulator: no real payment is made.</p>`,
  );
}
