import type { CheckoutParams } from './checkout-params.js';
import { escapeHtml, htmlPage } from './html.js';

const formatAmount = (amount: number, currency: string): string =>
  currency === 'KRW'
    ? `${amount.toLocaleString('ko-KR')}원`
    : `${amount.toLocaleString('en-US')} ${currency}`;

/**
 * The stand-in for the PG's payment window: the order, and one button per ending. Plain forms,
 * so that a test can drive it with fetch and a browser without any script.
 */
export function renderWindow(params: CheckoutParams, encoded: string) {
  const rows: [string, string | null][] = [
    ['주문명', params.name],
    ['주문번호', params.merchant_uid],
    ['PG', params.pg ?? 'html5_inicis'],
    ['구매자', params.buyer_name],
  ];
  const details = rows
    .filter(([, value]) => value !== null)
    .map(
      ([label, value]) =>
        `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`,
    )
    .join('');
  return htmlPage(
    `${params.name ?? params.merchant_uid} - iamport simulator`,
    `<h1>${escapeHtml(params.name ?? '결제하기')}</h1>
<p class="amount" id="amount">${escapeHtml(formatAmount(params.amount, params.currency))}</p>
<dl>${details}</dl>
<form method="post" action="/window/complete">
<input type="hidden" name="params" value="${escapeHtml(encoded)}">
<button id="pay-card" name="outcome" value="card" type="submit">카드 결제 (승인)</button>
<button id="pay-vbank" name="outcome" value="vbank" type="submit">가상계좌 발급</button>
<button id="decline" name="outcome" value="decline" type="submit">카드 승인 거절</button>
<button id="close" name="outcome" value="close" type="submit">결제창 닫기</button>
</form>
<p class="note">iamport simulator: no real payment is made.</p>`,
  );
}
