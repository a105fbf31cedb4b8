import type { OrderView } from '../orders/order.view.js';
import { escapeHtml, page } from './html.js';

const won = (amount: number, currency: string) =>
  currency === 'KRW'
    ? `${amount.toLocaleString('ko-KR')}원`
    : `${amount} ${currency}`;

/**
 * What the buyer sees after the redirect. It shows the order as the database
 * holds it (verified), never what the query claims; the query's `outcome` only
 * says whether verification could not finish yet.
 */
export function resultPage(
  order: OrderView | null,
  unconfirmed: boolean,
): string {
  if (order === null) {
    return page(
      'Payment result',
      '<h1>Payment result</h1><p class="status failed" data-status="unknown">No such order.</p>',
    );
  }
  const { headline, cssClass, details } = describe(order, unconfirmed);
  // While the result is not final, look again shortly: the webhook usually settles it within seconds.
  const refresh =
    order.status === 'pending' ? '<meta http-equiv="refresh" content="3">' : '';
  return page(
    'Payment result',
    `<h1>${escapeHtml(order.name)}</h1>
<p class="status ${cssClass}" data-status="${escapeHtml(order.status)}">${escapeHtml(headline)}</p>
<dl>
  <dt>Order</dt><dd>${escapeHtml(order.merchant_uid)}</dd>
  <dt>Amount</dt><dd>${escapeHtml(won(order.amount, order.currency))}</dd>
  ${details}
</dl>
<p><a class="button" href="/">Back to the shop</a></p>`,
    refresh,
  );
}

function describe(
  order: OrderView,
  unconfirmed: boolean,
): { headline: string; cssClass: string; details: string } {
  const row = (label: string, value: string | null) =>
    value ? `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>` : '';
  switch (order.status) {
    case 'paid':
      return {
        headline: 'Paid. Thank you!',
        cssClass: 'paid',
        details: row('Paid at', order.paid_at),
      };
    case 'vbank_issued':
      return {
        headline: 'Please deposit into this account',
        cssClass: 'pending',
        details: [
          row('Bank', order.vbank?.bank_name ?? null),
          row('Account', order.vbank?.account_number ?? null),
          row('Holder', order.vbank?.holder ?? null),
          row('Deposit by', order.vbank?.due_at ?? null),
        ].join(''),
      };
    case 'failed':
      return {
        headline: 'The payment failed',
        cssClass: 'failed',
        details: row('Reason', order.failure_reason),
      };
    case 'cancelled':
    case 'partially_cancelled':
      return {
        headline: 'Refunded',
        cssClass: 'failed',
        details: row('Refunded', String(order.cancelled_amount)),
      };
    case 'forgery_cancelled':
    case 'forgery_flagged':
      return {
        headline: 'The payment was not accepted',
        cssClass: 'forgery',
        details: row('Reason', order.failure_reason),
      };
    case 'pending':
      return {
        headline: unconfirmed
          ? 'Your payment is being confirmed…'
          : 'The payment was not completed',
        cssClass: 'pending',
        details: '',
      };
  }
}
