import { ORDER_STATUSES, type OrderStatus } from 'nestjs-iamport';
import {
  formatAmount,
  formatDateTime,
  SHOP_TIME_ZONE,
} from '../checkout/format.js';
import { escapeHtml, page, scriptJson } from '../checkout/html.js';
import type { Locale } from '../checkout/locale.js';
import type {
  AttentionItem,
  Glance,
  NotificationView,
  OrderDetail,
  OrderSummary,
  PaymentView,
} from './admin-data.js';
import { CSRF_FIELD } from './admin-session.js';
import { ATTENTION_KINDS } from './attention.js';
import type { OutcomeSeries } from './glance.js';
import { ADMIN_MESSAGES, type AdminMessages, labelOf } from './messages.js';

/** Where the pages load Chart.js and their own chart script from. */
export const CHART_JS_PATH = '/admin/assets/chart.umd.js';
export const GLANCE_JS_PATH = '/admin/assets/glance.js';

/** The operator pages' own look, on top of the shop's (`checkout/html.ts`). */
const STYLE = `
  main.admin { max-width: 64rem; }
  nav.admin { display: flex; flex-wrap: wrap; gap: .25rem .75rem; align-items: center; margin: 0 0 .5rem; }
  nav.admin a { color: #1f6feb; }
  nav.admin form { margin: 0 0 0 auto; }
  nav.admin button { padding: .35rem .8rem; font-size: .9rem; }
  section.block { margin: 1.5rem 0; }
  h2 .count { display: inline-block; min-width: 1.6em; padding: 0 .45em; border-radius: 1em; background: #b3261e; color: #fff; font-size: .85em; text-align: center; }
  h2 .count.zero { background: #137333; }
  h3 { font-size: 1rem; margin: 1rem 0 .25rem; }
  .todo { margin: 0 0 .5rem; color: #5b6776; }
  .payment .top { display: flex; flex-wrap: wrap; justify-content: space-between; gap: .25rem 1rem; align-items: baseline; }
  .payment .held { font-size: 1.15rem; font-weight: 700; color: #b3261e; }
  .payment form { margin-top: .75rem; }
  .reason { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85rem; font-weight: 400; }
  .flash { background: #e8f1ff; border: 1px solid #b6d0fb; border-radius: .5rem; padding: .75rem; margin: .75rem 0; }
  .flash.bad { background: #fdecea; border-color: #f3b8b2; }
  .badge { display: inline-block; padding: .05rem .5rem; border-radius: .75rem; background: #eef1f4; font-size: .85rem; font-weight: 600; white-space: nowrap; }
  .badge.bad { background: #fdecea; color: #b3261e; }
  .badge.ok { background: #e6f4ea; color: #137333; }
  .badge.wait { background: #fff4d6; color: #8a5a00; }
  ul.plain, ol.plain { list-style: none; margin: 0; padding: 0; }
  li.order { display: flex; flex-wrap: wrap; gap: .25rem 1rem; justify-content: space-between; }
  li.order .what { flex: 1 1 16rem; min-width: 0; }
  li.order .money { text-align: right; flex: 0 1 auto; }
  li.order .pays { flex: 1 1 100%; font-size: .9rem; color: #5b6776; }
  form.filter { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-end; }
  form.filter label { display: flex; flex-direction: column; font-size: .85rem; color: #5b6776; }
  select, input[type="password"] { font: inherit; padding: .45rem .5rem; border: 1px solid #c5cdd8; border-radius: .4rem; max-width: 100%; }
  form.login { display: flex; flex-direction: column; gap: .75rem; }
  form.login label { display: flex; flex-direction: column; gap: .25rem; }
  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 28rem), 1fr)); gap: .75rem; }
  .charts .card { margin: 0; min-width: 0; }
  .chart { position: relative; height: 15rem; }
  .charts h3 { margin-top: 0; }
  li.event { border-top: 1px solid #eef1f4; padding: .6rem 0; }
  li.event:first-child { border-top: 0; }
  details.params pre { white-space: pre-wrap; word-break: break-all; font-size: .8rem; margin: .25rem 0 0; }
`;

/** The operator's layout: the shop's page with the admin's navigation, style and scripts. */
function adminPage(
  locale: Locale,
  title: string,
  content: string,
  options: { csrf: string | null; scripts?: string[] } = { csrf: null },
): string {
  const m = ADMIN_MESSAGES[locale];
  const logout =
    options.csrf === null
      ? ''
      : `<form method="post" action="/admin/logout">${csrfField(options.csrf)}<button type="submit" class="secondary">${escapeHtml(m.logout)}</button></form>`;
  const scripts = (options.scripts ?? [])
    .map((src) => `<script src="${escapeHtml(src)}"></script>`)
    .join('\n');
  return page(
    locale,
    title,
    `<style>${STYLE}</style>
<main id="content" class="admin">
<nav class="admin" aria-label="${escapeHtml(m.title)}">
<strong>${escapeHtml(m.title)}</strong>
<a href="/admin#attention">${escapeHtml(m.nav.attention)}</a>
<a href="/admin#activity">${escapeHtml(m.nav.activity)}</a>
<a href="/admin#glance">${escapeHtml(m.nav.glance)}</a>
<a href="/admin/orders">${escapeHtml(m.nav.orders)}</a>
${logout}
</nav>
${content}
</main>
${scripts}`,
  );
}

function csrfField(csrf: string | null): string {
  return csrf === null
    ? ''
    : `<input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(csrf)}">`;
}

export function loginPage(
  locale: Locale,
  options: { next: string; error: 'wrong' | 'missing' | null },
): string {
  const m = ADMIN_MESSAGES[locale].login;
  const error = options.error
    ? `<p class="error" role="alert">${escapeHtml(m[options.error])}</p>`
    : '';
  return page(
    locale,
    m.title,
    `<style>${STYLE}</style>
<main id="content" class="login">
<h1>${escapeHtml(m.heading)}</h1>
<p class="note">${escapeHtml(m.lead)}</p>
${error}
<form class="card login" method="post" action="/admin/login">
<input type="hidden" name="next" value="${escapeHtml(options.next)}">
<label>${escapeHtml(m.token)}<input type="password" name="token" autocomplete="current-password" required autofocus></label>
<button type="submit">${escapeHtml(m.submit)}</button>
</form>
</main>`,
  );
}

export interface Flash {
  impUid: string;
  outcome: string | null;
  error: string | null;
  stillNeeded: boolean;
}

/** `GET /admin`: what needs a person, the newest orders, and the charts. */
export function dashboardPage(
  locale: Locale,
  data: {
    attention: AttentionItem[];
    orders: OrderSummary[];
    glance: Glance;
    csrf: string | null;
    flash: Flash | null;
  },
): string {
  const m = ADMIN_MESSAGES[locale];
  return adminPage(
    locale,
    m.title,
    `<h1>${escapeHtml(m.title)}</h1>
${flashOf(m, data.flash)}
${attentionSection(locale, data.attention, data.csrf)}
<section id="activity" class="block" aria-labelledby="activity-heading">
<h2 id="activity-heading">${escapeHtml(m.activity.heading)}</h2>
${statusFilter(m, null)}
${ordersList(locale, data.orders)}
<p><a href="/admin/orders">${escapeHtml(m.activity.more)}</a></p>
</section>
${glanceSection(locale, data.glance)}`,
    { csrf: data.csrf, scripts: [CHART_JS_PATH, GLANCE_JS_PATH] },
  );
}

function flashOf(m: AdminMessages, flash: Flash | null): string {
  if (flash === null) return '';
  if (flash.error !== null)
    return `<p class="flash bad" role="status" data-flash="error">${escapeHtml(m.verified.failed(flash.impUid, flash.error))}</p>`;
  const outcome = labelOf(m.outcomes, flash.outcome ?? '');
  const after = flash.stillNeeded ? m.verified.stillNeeds : m.verified.settled;
  return `<p class="flash" role="status" data-flash="${escapeHtml(flash.outcome ?? '')}">${escapeHtml(m.verified.done(flash.impUid, outcome))} ${escapeHtml(after)}</p>`;
}

function attentionSection(
  locale: Locale,
  items: AttentionItem[],
  csrf: string | null,
): string {
  const m = ADMIN_MESSAGES[locale];
  const groups = ATTENTION_KINDS.map((kind) => {
    const ofKind = items.filter((item) => item.kind === kind);
    if (ofKind.length === 0) return '';
    const text = m.attention.kinds[kind];
    return `<div class="kind" data-kind="${kind}">
<h3>${escapeHtml(text.title)} (${ofKind.length})</h3>
<p class="todo">${escapeHtml(text.todo)}</p>
${ofKind.map((item) => attentionCard(locale, item, csrf)).join('\n')}
</div>`;
  }).join('\n');
  return `<section id="attention" class="block" aria-labelledby="attention-heading">
<h2 id="attention-heading">${escapeHtml(m.attention.heading)} <span class="count${items.length === 0 ? ' zero' : ''}">${items.length}</span></h2>
<p class="note">${escapeHtml(m.attention.lead)}</p>
${items.length === 0 ? `<p class="card" data-role="none">${escapeHtml(m.attention.none)}</p>` : groups}
</section>`;
}

function attentionCard(
  locale: Locale,
  item: AttentionItem,
  csrf: string | null,
): string {
  const m = ADMIN_MESSAGES[locale].attention;
  const all = ADMIN_MESSAGES[locale];
  const order = item.order
    ? `<a href="${orderHref(item.merchant_uid)}" class="mono">${escapeHtml(item.merchant_uid)}</a> <span class="badge">${escapeHtml(labelOf(all.statuses, item.order.status))}</span>`
    : `<a href="${orderHref(item.merchant_uid)}" class="mono">${escapeHtml(item.merchant_uid)}</a> <span class="badge bad">${escapeHtml(m.noOrder)}</span>`;
  const rows: Array<[string, string, string]> = [
    ['order', m.order, order],
    ['paid', m.paid, escapeHtml(formatAmount(item.amount, item.currency))],
    [
      'refunded',
      m.refunded,
      escapeHtml(formatAmount(item.cancelled_amount, item.currency)),
    ],
    ['status', m.iamportStatus, escapeHtml(item.status)],
    [
      'reason',
      m.reason,
      `<span class="reason">${escapeHtml(item.reason)}</span>`,
    ],
  ];
  if (item.first_seen_at)
    rows.push([
      'seen',
      m.seen,
      escapeHtml(formatDateTime(item.first_seen_at, locale)),
    ]);
  return `<article class="card payment" data-imp-uid="${escapeHtml(item.imp_uid)}" data-kind="${item.kind}">
<div class="top"><strong class="mono">${escapeHtml(item.imp_uid)}</strong><span class="held" data-field="held" title="${escapeHtml(m.held)}">${escapeHtml(formatAmount(item.amount_held, item.currency))}</span></div>
<dl>${rows.map(([field, label, value]) => `<div data-field="${field}"><dt>${escapeHtml(label)}</dt><dd>${value}</dd></div>`).join('')}</dl>
<form method="post" action="/admin/payments/${encodeURIComponent(item.imp_uid)}/verify">${csrfField(csrf)}<button type="submit">${escapeHtml(m.reverify)}</button></form>
</article>`;
}

function orderHref(merchantUid: string): string {
  return `/admin/orders/${encodeURIComponent(merchantUid)}`;
}

function statusFilter(m: AdminMessages, current: OrderStatus | null): string {
  const options = [
    `<option value=""${current === null ? ' selected' : ''}>${escapeHtml(m.activity.all)}</option>`,
    ...ORDER_STATUSES.map(
      (status) =>
        `<option value="${status}"${status === current ? ' selected' : ''}>${escapeHtml(labelOf(m.statuses, status))}</option>`,
    ),
  ].join('');
  return `<form class="filter" method="get" action="/admin/orders"><label>${escapeHtml(m.activity.filter)}<select name="status">${options}</select></label><button type="submit" class="secondary">${escapeHtml(m.activity.show)}</button></form>`;
}

const STATUS_TONE: Partial<Record<string, string>> = {
  paid: 'ok',
  partially_cancelled: 'ok',
  pending: 'wait',
  vbank_issued: 'wait',
  forgery_flagged: 'bad',
  failed: 'bad',
};

function statusBadge(m: AdminMessages, status: string): string {
  const tone = STATUS_TONE[status];
  return `<span class="badge${tone ? ` ${tone}` : ''}" data-status="${escapeHtml(status)}">${escapeHtml(labelOf(m.statuses, status))}</span>`;
}

function ordersList(locale: Locale, orders: OrderSummary[]): string {
  const m = ADMIN_MESSAGES[locale];
  if (orders.length === 0)
    return `<p class="card">${escapeHtml(m.activity.none)}</p>`;
  return `<ul class="plain orders">${orders
    .map(
      (
        order,
      ) => `<li class="card order" data-merchant-uid="${escapeHtml(order.merchant_uid)}">
<div class="what"><a href="${orderHref(order.merchant_uid)}" class="mono">${escapeHtml(order.merchant_uid)}</a><br>${escapeHtml(order.name)} · <span class="note">${escapeHtml(formatDateTime(order.created_at, locale))}</span></div>
<div class="money"><strong>${escapeHtml(formatAmount(order.amount, order.currency))}</strong><br>${statusBadge(m, order.status)}</div>
<div class="pays">${escapeHtml(m.activity.payments)}: ${order.payments.length === 0 ? escapeHtml(m.activity.noPayments) : order.payments.map((payment) => `<span class="mono">${escapeHtml(payment.imp_uid)}</span> ${escapeHtml(formatAmount(payment.amount, payment.currency))} · ${escapeHtml(labelOf(m.dispositions, payment.disposition))}`).join('; ')}</div>
</li>`,
    )
    .join('\n')}</ul>`;
}

/** `GET /admin/orders`: the newest orders, of one status when asked. */
export function ordersPage(
  locale: Locale,
  data: {
    orders: OrderSummary[];
    status: OrderStatus | null;
    csrf: string | null;
  },
): string {
  const m = ADMIN_MESSAGES[locale];
  return adminPage(
    locale,
    `${m.activity.heading} · ${m.title}`,
    `<section id="activity" class="block" aria-labelledby="activity-heading">
<h1 id="activity-heading">${escapeHtml(m.activity.heading)}${data.status ? ` · ${escapeHtml(labelOf(m.statuses, data.status))}` : ''}</h1>
${statusFilter(m, data.status)}
${ordersList(locale, data.orders)}
</section>`,
    { csrf: data.csrf },
  );
}

/** `GET /admin/orders/:merchant_uid`: the order, its payments, and every redirect and webhook received. */
export function orderPage(
  locale: Locale,
  detail: OrderDetail,
  csrf: string | null,
  flash: Flash | null = null,
): string {
  const m = ADMIN_MESSAGES[locale];
  const o = m.order;
  const order = detail.order;
  const head = order
    ? `<div class="card"><dl>
<div data-field="item"><dt>${escapeHtml(o.item)}</dt><dd>${escapeHtml(order.name)}</dd></div>
<div data-field="amount"><dt>${escapeHtml(o.amount)}</dt><dd>${escapeHtml(formatAmount(order.amount, order.currency))}</dd></div>
<div data-field="status"><dt>${escapeHtml(o.status)}</dt><dd>${statusBadge(m, order.status)}</dd></div>
<div data-field="fulfilment"><dt>${escapeHtml(o.fulfilment)}</dt><dd>${escapeHtml(order.fulfilment)}</dd></div>
<div data-field="imp_uid"><dt>${escapeHtml(o.settledBy)}</dt><dd class="mono">${escapeHtml(order.imp_uid ?? '–')}</dd></div>
<div data-field="created"><dt>${escapeHtml(o.created)}</dt><dd>${escapeHtml(formatDateTime(order.created_at, locale))}</dd></div>
</dl></div>`
    : `<p class="notice" data-role="unknown-order">${escapeHtml(o.unknownLead)}</p>`;
  return adminPage(
    locale,
    `${o.title} ${detail.merchant_uid} · ${m.title}`,
    `<h1><span class="note">${escapeHtml(order ? o.title : o.unknown)}</span><br><span class="mono">${escapeHtml(detail.merchant_uid)}</span></h1>
${flashOf(m, flash)}
${head}
<section id="payments" class="block"><h2>${escapeHtml(o.payments)}</h2>
${detail.payments.length === 0 ? `<p class="card">${escapeHtml(m.activity.noPayments)}</p>` : detail.payments.map((payment) => paymentCard(locale, payment, csrf)).join('\n')}
</section>
<section id="notifications" class="block"><h2>${escapeHtml(o.notifications)}</h2>
${detail.notifications.length === 0 ? `<p class="card">${escapeHtml(o.noNotifications)}</p>` : `<ol class="plain card events">${detail.notifications.map((notification) => eventItem(locale, notification)).join('\n')}</ol>`}
</section>
<p><a href="/admin">${escapeHtml(o.back)}</a></p>`,
    { csrf },
  );
}

function paymentCard(
  locale: Locale,
  payment: PaymentView,
  csrf: string | null,
): string {
  const m = ADMIN_MESSAGES[locale];
  const a = m.attention;
  const tone =
    payment.disposition === 'flagged'
      ? ' bad'
      : payment.disposition === 'settles_order'
        ? ' ok'
        : '';
  return `<article class="card payment" data-imp-uid="${escapeHtml(payment.imp_uid)}" data-disposition="${escapeHtml(payment.disposition)}">
<div class="top"><strong class="mono">${escapeHtml(payment.imp_uid)}</strong><span class="badge${tone}">${escapeHtml(labelOf(m.dispositions, payment.disposition))}</span></div>
<dl>
<div data-field="paid"><dt>${escapeHtml(a.paid)}</dt><dd>${escapeHtml(formatAmount(payment.amount, payment.currency))}</dd></div>
<div data-field="refunded"><dt>${escapeHtml(a.refunded)}</dt><dd>${escapeHtml(formatAmount(payment.cancelled_amount, payment.currency))}</dd></div>
<div data-field="status"><dt>${escapeHtml(a.iamportStatus)}</dt><dd>${escapeHtml(payment.status)}</dd></div>
<div data-field="reason"><dt>${escapeHtml(a.reason)}</dt><dd><span class="reason">${escapeHtml(payment.reason)}</span></dd></div>
<div data-field="seen"><dt>${escapeHtml(a.seen)}</dt><dd>${escapeHtml(formatDateTime(payment.first_seen_at, locale))}</dd></div>
</dl>
<form method="post" action="/admin/payments/${encodeURIComponent(payment.imp_uid)}/verify">${csrfField(csrf)}<input type="hidden" name="back" value="${escapeHtml(orderHref(payment.merchant_uid))}"><button type="submit" class="secondary">${escapeHtml(a.reverify)}</button></form>
</article>`;
}

function eventItem(locale: Locale, event: NotificationView): string {
  const m = ADMIN_MESSAGES[locale];
  const o = m.order;
  const error = event.error
    ? `<div class="error" data-field="error">${escapeHtml(o.error)}: ${escapeHtml(event.error)}</div>`
    : '';
  const params =
    typeof event.params === 'string'
      ? event.params
      : JSON.stringify(event.params, null, 1);
  return `<li class="event" data-kind="${escapeHtml(event.kind)}" data-outcome="${escapeHtml(event.outcome)}">
<div><span class="note">${escapeHtml(formatDateTime(event.received_at, locale))}</span> · <strong>${escapeHtml(labelOf(m.kinds, event.kind))}</strong> · <span class="badge">${escapeHtml(labelOf(m.outcomes, event.outcome))}</span> · ${escapeHtml(event.changed ? o.changed : o.unchanged)}</div>
<div class="note"><span class="mono">${escapeHtml(event.imp_uid ?? '–')}</span>${event.source_ip ? ` · ${escapeHtml(o.from)} ${escapeHtml(event.source_ip)}` : ''}</div>
${error}
<details class="params"><summary>params</summary><pre>${escapeHtml(params)}</pre></details>
</li>`;
}

/** Colours that stay apart on screen and in print, one per outcome or result. */
const COLOURS: Record<string, string> = {
  paid: '#137333',
  settles_order: '#137333',
  ok: '#137333',
  vbank_issued: '#1d4ed8',
  awaiting_deposit: '#1d4ed8',
  pending: '#8a5a00',
  failed: '#7a8594',
  no_money: '#7a8594',
  cancelled: '#5b6776',
  refunded: '#5b6776',
  partially_cancelled: '#0e7490',
  forgery: '#b3261e',
  flagged: '#b3261e',
  duplicate_payment: '#c2410c',
  not_found: '#7e22ce',
  sandbox_rejected: '#a16207',
  merchant_uid_mismatch: '#be185d',
  unconfirmed: '#f59e0b',
};
const SPARE = ['#334155', '#0f766e', '#9333ea', '#e11d48', '#65a30d'];

function colourOf(key: string, index: number): string {
  return COLOURS[key] ?? SPARE[index % SPARE.length];
}

/** One chart, as `glance.js` hands it to Chart.js. */
export interface ChartSpec {
  id: string;
  type: 'bar' | 'line' | 'doughnut';
  stacked: boolean;
  /** Bars along the y axis (long category names, like iamport's operations). */
  horizontal?: boolean;
  labels: string[];
  datasets: Array<{ label: string; data: Array<number | null>; color: string }>;
  yTitle: string | null;
}

const HOUR = (locale: Locale) =>
  new Intl.DateTimeFormat(locale === 'ko' ? 'ko-KR' : 'en-GB', {
    timeZone: SHOP_TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
const DAY = (locale: Locale) =>
  new Intl.DateTimeFormat(locale === 'ko' ? 'ko-KR' : 'en-GB', {
    timeZone: SHOP_TIME_ZONE,
    month: 'short',
    day: 'numeric',
  });

function outcomeChart(
  id: string,
  m: AdminMessages,
  series: OutcomeSeries,
  format: Intl.DateTimeFormat,
): ChartSpec {
  return {
    id,
    type: 'bar',
    stacked: true,
    labels: series.starts.map((start) => format.format(start)),
    datasets: Object.entries(series.counts).map(([outcome, data], index) => ({
      label: labelOf(m.outcomes, outcome),
      data,
      color: colourOf(outcome, index),
    })),
    yTitle: m.glance.payments,
  };
}

/** Every chart of the glance section. */
export function chartSpecs(locale: Locale, glance: Glance): ChartSpec[] {
  const m = ADMIN_MESSAGES[locale];
  const g = m.glance;
  const calls = glance.calls;
  const hour = HOUR(locale);
  return [
    outcomeChart('chart-hours', m, glance.hours, hour),
    outcomeChart('chart-days', m, glance.days, DAY(locale)),
    {
      id: 'chart-dispositions',
      type: 'doughnut',
      stacked: false,
      labels: Object.keys(glance.dispositions).map((disposition) =>
        labelOf(m.dispositions, disposition),
      ),
      datasets: [
        {
          label: g.payments,
          data: Object.values(glance.dispositions),
          color: Object.keys(glance.dispositions)
            .map((disposition, index) => colourOf(disposition, index))
            .join(','),
        },
      ],
      yTitle: null,
    },
    {
      id: 'chart-latency',
      type: 'bar',
      stacked: false,
      horizontal: true,
      labels: calls.operations,
      datasets: [
        { label: g.latencyOk, data: calls.meanOkMs, color: COLOURS.ok },
        { label: g.latencyError, data: calls.meanErrorMs, color: '#b3261e' },
      ],
      yTitle: g.milliseconds,
    },
    {
      id: 'chart-calls',
      type: 'bar',
      stacked: true,
      horizontal: true,
      labels: calls.operations,
      datasets: Object.entries(calls.counts).map(([result, data], index) => ({
        label: result,
        data,
        color: colourOf(result, index),
      })),
      yTitle: null,
    },
    {
      id: 'chart-backlog',
      type: 'line',
      stacked: false,
      labels: glance.backlog.history.map((sample) =>
        hour.format(new Date(sample.at)),
      ),
      datasets: [
        {
          label: g.waiting,
          data: glance.backlog.history.map((sample) => sample.count),
          color: '#1d4ed8',
        },
      ],
      yTitle: null,
    },
  ];
}

function glanceSection(locale: Locale, glance: Glance): string {
  const g = ADMIN_MESSAGES[locale].glance;
  const { backlog } = glance;
  const oldest =
    backlog.oldest_created_at === null
      ? null
      : Math.max(
          0,
          Math.round(
            (Date.parse(glance.now) - Date.parse(backlog.oldest_created_at)) /
              1000,
          ),
        );
  const backlogText =
    backlog.count === 0
      ? g.backlogEmpty
      : `${g.backlogNow(backlog.count)}${oldest === null ? '' : ` · ${g.oldest(oldest)}`}`;
  const chart = (id: string, title: string, note = '') =>
    `<div class="card" data-chart="${id}"><h3>${escapeHtml(title)}</h3>${note}<div class="chart"><canvas id="${id}" role="img" aria-label="${escapeHtml(title)}"></canvas></div></div>`;
  return `<section id="glance" class="block" aria-labelledby="glance-heading">
<h2 id="glance-heading">${escapeHtml(g.heading)}</h2>
${glance.truncated ? `<p class="note">${escapeHtml(g.truncated)}</p>` : ''}
<div class="charts">
${chart('chart-hours', g.hours)}
${chart('chart-days', g.days)}
${chart('chart-latency', g.latency, glance.calls.operations.length === 0 ? `<p class="note">${escapeHtml(g.noCalls)}</p>` : '')}
${chart('chart-calls', g.calls)}
${chart('chart-backlog', g.backlog, `<p class="note" data-field="backlog">${escapeHtml(backlogText)}</p>`)}
${chart('chart-dispositions', g.dispositions)}
</div>
<script type="application/json" id="glance-data">${scriptJson(chartSpecs(locale, glance))}</script>
</section>`;
}

/**
 * The charts: Chart.js (served from node_modules) draws every spec of
 * `#glance-data`. A static file, so that the pages need no inline script.
 */
export const GLANCE_JS = `(function () {
  'use strict';
  var root = document.documentElement;
  var source = document.getElementById('glance-data');
  if (!source) return;
  if (typeof window.Chart !== 'function') { root.setAttribute('data-charts', 'missing'); return; }
  var Chart = window.Chart;
  Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = '#1d2733';
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.position = 'bottom';
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
  var specs = JSON.parse(source.textContent || '[]');
  var drawn = 0;
  specs.forEach(function (spec) {
    var canvas = document.getElementById(spec.id);
    if (!canvas) return;
    var doughnut = spec.type === 'doughnut';
    var datasets = spec.datasets.map(function (set) {
      var colours = set.color.split(',');
      return {
        label: set.label,
        data: set.data,
        backgroundColor: doughnut ? colours : colours[0],
        borderColor: doughnut ? '#fff' : colours[0],
        borderWidth: spec.type === 'line' ? 2 : 1,
        pointRadius: spec.type === 'line' ? 2 : undefined,
        fill: false,
        tension: 0
      };
    });
    var options = { responsive: true };
    if (!doughnut) {
      var categories = { stacked: spec.stacked, ticks: { autoSkip: !spec.horizontal, maxRotation: 0 } };
      var values = { stacked: spec.stacked, beginAtZero: true, ticks: { precision: 0 },
                     title: { display: !!spec.yTitle, text: spec.yTitle || '' } };
      options.indexAxis = spec.horizontal ? 'y' : 'x';
      options.scales = spec.horizontal ? { x: values, y: categories } : { x: categories, y: values };
    }
    canvas.chart = new Chart(canvas, { type: spec.type, data: { labels: spec.labels, datasets: datasets }, options: options });
    drawn += 1;
  });
  root.setAttribute('data-charts', String(drawn));
})();
`;
