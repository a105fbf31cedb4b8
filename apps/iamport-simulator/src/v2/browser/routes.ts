import { escapeHtml, htmlPage } from '../../browser/html.js';
import { requiredString } from '../../http/fields.js';
import { SimError, type Handler, type Route } from '../../http/types.js';
import { rfc3339 } from '../clock.js';
import { cancelledAmount } from '../payment.js';
import { v2Answer } from './answer.js';
import {
  complete,
  openAttempt,
  refusal,
  V2_OUTCOMES,
  type V2Outcome,
} from './checkout.js';
import { decodeCheckoutRequest } from './request.js';
import { V2_SDK_SCRIPT } from './sdk-script.js';
import { renderV2Window } from './window-page.js';

const browserRoute = (
  method: string,
  pattern: string,
  handle: Handler,
): Route => ({
  method,
  pattern,
  surface: 'browser',
  operation: null,
  auth: false,
  handle,
});

export const v2BrowserRoutes: Route[] = [
  browserRoute('GET', '/v2/browser-sdk.js', () => ({
    status: 200,
    body: V2_SDK_SCRIPT,
    headers: {
      'Content-Type': 'application/javascript; charset=utf-8',
      'Cache-Control': 'no-cache',
    },
  })),
  browserRoute('GET', '/v2/window', (ctx, { query, headers, raw }) => {
    const encoded = query.get('request') ?? '';
    const request = decodeCheckoutRequest(encoded);
    const refused = refusal(ctx, request);
    if (refused) return v2Answer(request, refused);
    const attempt = openAttempt(
      ctx,
      request,
      headers,
      raw.socket.remoteAddress ?? '127.0.0.1',
    );
    return renderV2Window(request, encoded, attempt.transactionId);
  }),
  browserRoute('POST', '/v2/window/complete', (ctx, { body }) => {
    const request = decodeCheckoutRequest(
      requiredString(body, 'request', 20_000),
    );
    const outcome = requiredString(body, 'outcome') as V2Outcome;
    if (!V2_OUTCOMES.includes(outcome))
      throw new SimError(
        400,
        `outcome must be one of ${V2_OUTCOMES.join(', ')}`,
      );
    const transactionId = requiredString(body, 'transactionId', 100);
    return v2Answer(request, complete(ctx, request, transactionId, outcome));
  }),
  browserRoute('GET', '/v2/receipts/:transactionId', (ctx, { params }) => {
    const attempt = ctx.v2.payments.byTransaction(params.transactionId);
    if (!attempt)
      throw new SimError(404, `No V2 transaction ${params.transactionId}`);
    const rows: [string, string][] = [
      ['paymentId', attempt.paymentId],
      ['transactionId', attempt.transactionId],
      ['결제 금액', `${attempt.totalAmount} ${attempt.currency}`],
      ['취소 금액', `${cancelledAmount(attempt)} ${attempt.currency}`],
      ['상태', attempt.status],
      ['결제 시각', attempt.paidAt ? rfc3339(attempt.paidAt) : '-'],
    ];
    return htmlPage(
      'Receipt - PortOne V2 simulator',
      `<h1>매출전표 · Receipt</h1><dl>${rows
        .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`)
        .join(
          '',
        )}</dl><p class="note">PortOne V2 simulator: not a real receipt.</p>`,
    );
  }),
];
