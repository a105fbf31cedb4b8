import { requiredString } from '../http/fields.js';
import { SimError, type Handler, type Route } from '../http/types.js';
import type { BrowserOperation } from '../operations.js';
import { answer } from './answer.js';
import { decodeParams } from './checkout-params.js';
import { complete, OUTCOMES, refusal, type Outcome } from './checkout.js';
import { renderReceipt } from './receipt-page.js';
import { SDK_SCRIPT } from './sdk-script.js';
import { renderWindow } from './window-page.js';

const browserRoute = (
  method: string,
  pattern: string,
  operation: BrowserOperation,
  handle: Handler,
): Route => ({
  method,
  pattern,
  surface: 'browser',
  operation,
  auth: false,
  handle,
});

export const browserRoutes: Route[] = [
  browserRoute('GET', '/v1/iamport.js', 'sdkScript', () => ({
    status: 200,
    body: SDK_SCRIPT,
    headers: {
      'Content-Type': 'application/javascript; charset=utf-8',
      'Cache-Control': 'no-cache',
    },
  })),
  browserRoute('GET', '/window', 'openPaymentWindow', (ctx, { query }) => {
    const encoded = query.get('params') ?? '';
    const params = decodeParams(encoded);
    // A prepared amount that differs: the window never opens and nothing is recorded.
    const refused = refusal(ctx, params);
    if (refused) return answer(ctx, params, refused);
    return renderWindow(params, encoded);
  }),
  browserRoute(
    'POST',
    '/window/complete',
    'completePaymentWindow',
    (ctx, { body, headers }) => {
      const params = decodeParams(requiredString(body, 'params', 20_000));
      const outcome = requiredString(body, 'outcome') as Outcome;
      if (!OUTCOMES.includes(outcome))
        throw new SimError(
          400,
          `outcome must be one of ${OUTCOMES.join(', ')}`,
        );
      return answer(
        ctx,
        params,
        complete(ctx, params, outcome, headers['user-agent'] ?? null),
      );
    },
  ),
  browserRoute(
    'GET',
    '/receipts/:imp_uid',
    'viewReceipt',
    (ctx, { params, query }) => {
      const stored = ctx.payments.get(params.imp_uid);
      if (!stored) throw new SimError(404, `No payment ${params.imp_uid}`);
      return renderReceipt(stored.payment, query.get('cancellation_id'));
    },
  ),
];
