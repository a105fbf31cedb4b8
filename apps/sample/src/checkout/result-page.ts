import type { OrderView } from '../orders/order.view.js';
import { formatAmount, formatDateTime, formatDeadline } from './format.js';
import { escapeHtml, page, scriptJson } from './html.js';
import type { Locale } from './locale.js';
import { MESSAGES, type Messages, type ResultState } from './messages.js';

/**
 * How a pending order's page looks again (`GET /orders/:merchant_uid`): ten
 * times, backing off from 2 to 6 seconds (about 35 s in all). Then it stops
 * and says what happens next; it never refreshes forever.
 */
export const POLL_DELAYS_MS: readonly number[] = [
  2000, 2000, 2000, 2000, 3000, 3000, 4000, 5000, 5000, 6000,
];

type Labels = Messages['result']['labels'];

/** What the page shows for an order: its state, the status line's colour, and the rows under it. */
interface Description {
  tone: 'ok' | 'wait' | 'info' | 'bad';
  lead: string;
  rows: Array<[field: string, label: keyof Labels, value: string]>;
  notice?: string;
}

/** Which state an order is in for the buyer; `outcome` is the redirect's word (only `unconfirmed` changes anything). */
export function resultStateOf(
  order: OrderView | null,
  outcome: string | null,
): ResultState {
  if (order === null) return 'unknown';
  switch (order.status) {
    case 'paid':
      return 'paid';
    case 'vbank_issued':
      return 'awaiting_deposit';
    case 'partially_cancelled':
      return 'partly_refunded';
    case 'cancelled':
      // A virtual account revoked before any deposit: nothing was paid, nothing refunded.
      return order.cancelled_amount > 0 ? 'refunded' : 'cancelled';
    case 'failed':
      return 'failed';
    case 'forgery_cancelled':
    case 'forgery_flagged':
      return 'refused';
    case 'pending':
      return outcome === 'unconfirmed' ? 'confirming' : 'not_completed';
  }
}

/**
 * What the buyer sees after the redirect, in Korean or English. It shows the
 * order as the database holds it (verified), never what the query claims; the
 * query's `outcome` only says whether verification could not finish yet
 * (`unconfirmed`) or that a second payment was refused (`duplicate_payment`).
 * A pending order's page looks again a bounded number of times and reloads
 * when the order moved on.
 */
export function resultPage(
  order: OrderView | null,
  outcome: string | null,
  locale: Locale,
): string {
  const messages = MESSAGES[locale];
  const text = messages.result;
  const title = `${text.title} · ${messages.shopName}`;
  if (order === null) {
    const { headline, lead } = text.states.unknown;
    return page(
      locale,
      title,
      `<main id="content" data-state="unknown">
<section class="card">
<p class="status bad" data-status="unknown">${escapeHtml(headline)}</p>
<h1>${escapeHtml(text.title)}</h1>
<p>${escapeHtml(lead)}</p>
</section>
<div class="actions"><a class="button" href="/" data-action="shop">${escapeHtml(text.continueShopping)}</a></div>
</main>`,
    );
  }
  const state = resultStateOf(order, outcome);
  const described = describe(order, state, outcome, locale);
  const headline =
    state === 'refused' ? text.refused.headline : text.states[state].headline;
  const pending = order.status === 'pending';
  const rows = described.rows
    .filter(([, , value]) => value !== '')
    .map(([field, label, value]) => {
      const inner =
        field === 'account_number'
          ? `<span id="account-number" class="mono">${escapeHtml(value)}</span><button type="button" class="copy secondary" data-copy="account-number" aria-live="polite">${escapeHtml(text.copy)}</button>`
          : escapeHtml(value);
      return `<div data-field="${field}"><dt>${escapeHtml(text.labels[label])}</dt><dd>${inner}</dd></div>`;
    })
    .join('\n');
  const retry = state === 'failed' || state === 'not_completed';
  const actions = [
    retry
      ? `<a class="button" href="/" data-action="retry">${escapeHtml(text.tryAgain)}</a>`
      : '',
    state === 'confirming'
      ? `<a class="button" href="${escapeHtml(selfUrl(order, outcome))}" data-action="reload">${escapeHtml(text.reload)}</a>`
      : '',
    `<a class="button${retry || state === 'confirming' ? ' secondary' : ''}" href="/" data-action="shop">${escapeHtml(text.continueShopping)}</a>`,
  ].join('');
  const scripts = [
    state === 'awaiting_deposit'
      ? COPY_SCRIPT.replace(
          '__TEXT__',
          scriptJson({
            copy: text.copy,
            copied: text.copied,
            failed: text.copyFailed,
          }),
        )
      : '',
    pending
      ? POLL_SCRIPT.replace(
          '__POLL__',
          scriptJson({
            url: `/orders/${encodeURIComponent(order.merchant_uid)}`,
            status: order.status,
            delaysMs: POLL_DELAYS_MS,
          }),
        )
      : '',
  ].filter((script) => script !== '');
  return page(
    locale,
    title,
    `<main id="content" data-state="${state}"${pending ? ' data-polling="active"' : ''}>
<section class="card">
<p class="status ${described.tone}" data-status="${escapeHtml(order.status)}">${escapeHtml(headline)}</p>
<h1>${escapeHtml(order.name)}</h1>
<p data-role="lead">${escapeHtml(described.lead)}</p>
${described.notice ? `<p class="notice" data-role="notice">${escapeHtml(described.notice)}</p>` : ''}
<dl>
${rows}
</dl>
${state === 'awaiting_deposit' ? '<p id="copy-message" class="error" role="status"></p>' : ''}
${state === 'confirming' ? `<p id="next-steps" class="notice" data-role="next-steps" role="status" hidden>${escapeHtml(text.confirmingGaveUp)}</p>` : ''}
</section>
<div class="actions">${actions}</div>
</main>`,
    scripts.join('\n'),
  );
}

function describe(
  order: OrderView,
  state: ResultState,
  outcome: string | null,
  locale: Locale,
): Description {
  const text = MESSAGES[locale].result;
  const money = (amount: number) => formatAmount(amount, order.currency);
  const when = (moment: string | null) => formatDateTime(moment, locale);
  const orderRow: Description['rows'][number] = [
    'order',
    'order',
    order.merchant_uid,
  ];
  const quantityRow: Description['rows'][number] = [
    'quantity',
    'quantity',
    order.quantity > 1 ? text.quantityValue(order.quantity) : '',
  ];
  const amountRow: Description['rows'][number] = [
    'amount',
    'amount',
    money(order.amount),
  ];
  const lead = state === 'refused' ? '' : text.states[state].lead;
  const duplicate =
    outcome === 'duplicate_payment' ? text.duplicatePayment : undefined;
  switch (state) {
    case 'paid':
      return {
        tone: 'ok',
        lead,
        notice: duplicate,
        rows: [
          orderRow,
          quantityRow,
          amountRow,
          ['paid_at', 'paidAt', when(order.paid_at)],
        ],
      };
    case 'awaiting_deposit':
      return {
        tone: 'wait',
        lead,
        rows: [
          ['bank', 'bank', order.vbank?.bank_name ?? ''],
          [
            'account_number',
            'accountNumber',
            order.vbank?.account_number ?? '',
          ],
          ['holder', 'holder', order.vbank?.holder ?? ''],
          ['deposit_amount', 'depositAmount', money(order.amount)],
          [
            'deadline',
            'deadline',
            formatDeadline(order.vbank?.due_at ?? null, locale),
          ],
          orderRow,
          quantityRow,
        ],
      };
    case 'partly_refunded':
      return {
        tone: 'info',
        lead,
        notice: duplicate,
        rows: [
          orderRow,
          quantityRow,
          amountRow,
          ['refunded', 'refunded', money(order.cancelled_amount)],
          [
            'remaining',
            'remaining',
            money(Math.max(0, order.amount - order.cancelled_amount)),
          ],
          ['refunded_at', 'refundedAt', when(order.cancelled_at)],
        ],
      };
    case 'refunded':
      return {
        tone: 'info',
        lead,
        notice: duplicate,
        rows: [
          orderRow,
          quantityRow,
          amountRow,
          ['refunded', 'refunded', money(order.cancelled_amount)],
          ['refunded_at', 'refundedAt', when(order.cancelled_at)],
        ],
      };
    case 'cancelled':
      return { tone: 'info', lead, rows: [orderRow, quantityRow] };
    case 'failed':
      return {
        tone: 'bad',
        lead,
        // iamport's message (the PG's), meant for the buyer.
        rows: [
          ['reason', 'reason', reasonFor(order.failure_reason, locale)],
          orderRow,
          quantityRow,
          amountRow,
        ],
      };
    case 'refused':
      // No reason and no amounts: a forgery's failure_reason (the amounts compared) is for the merchant.
      return {
        tone: 'bad',
        lead:
          order.status === 'forgery_flagged'
            ? text.refused.forgery_flagged
            : text.refused.forgery_cancelled,
        rows: [orderRow],
      };
    case 'confirming':
      return { tone: 'wait', lead, rows: [orderRow, quantityRow, amountRow] };
    case 'not_completed':
      return { tone: 'bad', lead, rows: [orderRow, quantityRow, amountRow] };
    case 'unknown':
      return { tone: 'bad', lead, rows: [] };
  }
}

/** A failed order's reason for the buyer: iamport's message as it is, the module's own in the page's language. */
function reasonFor(reason: string | null, locale: Locale): string {
  if (reason === null) return '';
  const reasons = MESSAGES[locale].result.reasons;
  return Object.hasOwn(reasons, reason) ? reasons[reason] : reason;
}

/** This page again, for the reload button (the outcome only if it is a plain word). */
function selfUrl(order: OrderView, outcome: string | null): string {
  const query = new URLSearchParams({ merchant_uid: order.merchant_uid });
  if (outcome && /^[a-z_]{1,40}$/.test(outcome)) query.set('outcome', outcome);
  return `/result?${query}`;
}

const COPY_SCRIPT = `const copyText = __TEXT__;
const copyMessage = document.getElementById('copy-message');
async function copyToClipboard(value) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(value);
      return true;
    } catch (error) {
      // Refused (no permission, not focused): try the older way.
    }
  }
  const area = document.createElement('textarea');
  area.value = value;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.top = '0';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  let copied = false;
  try {
    copied = document.execCommand('copy');
  } catch (error) {
    copied = false;
  }
  area.remove();
  return copied;
}
document.querySelectorAll('button[data-copy]').forEach((button) => {
  let timer;
  button.addEventListener('click', async () => {
    const target = document.getElementById(button.dataset.copy);
    const copied = await copyToClipboard(target.textContent.trim());
    clearTimeout(timer);
    if (copied) {
      copyMessage.textContent = '';
      button.textContent = copyText.copied;
      button.dataset.copied = 'true';
      timer = setTimeout(() => {
        button.textContent = copyText.copy;
        delete button.dataset.copied;
      }, 3000);
    } else {
      copyMessage.textContent = copyText.failed;
      getSelection().selectAllChildren(target);
    }
  });
});`;

const POLL_SCRIPT = `const poll = __POLL__;
(async () => {
  const main = document.getElementById('content');
  let looks = 0;
  for (const delay of poll.delaysMs) {
    await new Promise((resolve) => setTimeout(resolve, delay));
    looks += 1;
    main.dataset.polls = String(looks);
    try {
      const response = await fetch(poll.url, { headers: { accept: 'application/json' }, cache: 'no-store' });
      if (response.ok) {
        const order = await response.json();
        if (order.status !== poll.status) {
          main.dataset.polling = 'changed';
          location.reload();
          return;
        }
      }
    } catch (error) {
      // The shop did not answer this time: look again later.
    }
  }
  // The order is still pending: stop, and say what happens next.
  main.dataset.polling = 'done';
  const next = document.getElementById('next-steps');
  if (next) next.hidden = false;
})();`;
