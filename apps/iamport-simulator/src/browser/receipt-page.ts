import type { IamportPayment } from '../payment.js';
import { escapeHtml, htmlPage } from './html.js';

const when = (seconds: number): string =>
  seconds ? new Date(seconds * 1000).toISOString() : '-';

/** What receipt_url and cancel_history[].receipt_url point to. */
export function renderReceipt(
  payment: IamportPayment,
  cancellationId: string | null,
) {
  const cancel = payment.cancel_history.find(
    (entry) => entry.cancellation_id === cancellationId,
  );
  const rows: [string, string][] = cancel
    ? [
        ['취소 금액', `${cancel.amount} ${payment.currency}`],
        ['취소 시각', when(cancel.cancelled_at)],
        ['취소 사유', cancel.reason],
        ['cancellation_id', cancel.cancellation_id],
      ]
    : [
        ['결제 금액', `${payment.amount} ${payment.currency}`],
        ['상태', payment.status],
        ['결제 시각', when(payment.paid_at)],
        ['승인번호', payment.apply_num ?? '-'],
      ];
  const details = [
    ['imp_uid', payment.imp_uid],
    ['merchant_uid', payment.merchant_uid],
    ...rows,
  ]
    .map(
      ([label, value]) =>
        `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`,
    )
    .join('');
  return htmlPage(
    'Receipt - iamport simulator',
    `<h1>${cancel ? '취소 매출전표' : '매출전표'}</h1><dl>${details}</dl>
<p class="note">iamport simulator: not a real receipt.</p>`,
  );
}
