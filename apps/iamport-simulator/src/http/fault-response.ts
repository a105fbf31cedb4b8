import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from '../context.js';
import type { Fault, MalformedValue } from '../faults.js';
import type { ApiOperation } from '../operations.js';
import type { IamportPayment } from '../payment.js';
import { refused, send } from './respond.js';
import type { SimResponse } from './types.js';

/** The body a broken gateway might send: cut mid-JSON. */
const MALFORMED_BODY = '{"code":0,"message":null,"response":{"imp_uid":"imp_';

/** Answers (or deliberately does not answer) a call as the fault says. */
export function applyFault(
  ctx: SimContext,
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  switch (fault.kind) {
    case 'http_error':
      send(
        res,
        refused(`Simulated server error (${fault.id})`, fault.status, -1),
      );
      return;
    case 'error_code':
      send(res, refused(`Simulated error (${fault.id})`, 200, 1));
      return;
    case 'malformed':
      send(res, { status: 200, body: MALFORMED_BODY });
      return;
    case 'expired_token':
      // Really expire it, so that the client's retry has to fetch a new token.
      ctx.tokens.expireAll(ctx.now());
      send(res, refused('Unauthorized', 401, -1));
      return;
    case 'reset':
      req.socket.destroy();
      return;
    case 'timeout':
      // Hold it: no answer until the client gives up or the simulator closes its sockets.
      return;
    default:
      return;
  }
}

/** A gateway's error page: not JSON, as a proxy in front of PortOne would answer. */
const GATEWAY_PAGE = '<html><body><h1>502 Bad Gateway</h1></body></html>';

/** Answers a V2 call as the fault says: V2's error shape, a gateway's HTML, or no answer. */
export function applyV2Fault(
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  switch (fault.kind) {
    case 'http_error':
      send(res, {
        status: fault.status,
        body: {
          type: 'SIMULATED_ERROR',
          message: `Simulated server error (${fault.id})`,
        },
      });
      return;
    case 'malformed':
      send(res, {
        status: 502,
        body: GATEWAY_PAGE,
        headers: { 'Content-Type': 'text/html' },
      });
      return;
    case 'reset':
      req.socket.destroy();
      return;
    default:
      // timeout: no answer until the client gives up or the simulator closes its sockets.
      return;
  }
}

/** The payments an envelope carries: one, a list (batch) or a page ({list}). */
function paymentsIn(response: unknown): IamportPayment[] {
  if (Array.isArray(response)) return response as IamportPayment[];
  if (response === null || typeof response !== 'object') return [];
  const { list } = response as { list?: unknown };
  if (Array.isArray(list)) return list as IamportPayment[];
  return 'imp_uid' in response ? [response as IamportPayment] : [];
}

/** A timestamp as a gateway that forgot the contract might send it: a 'YYYY-MM-DD' string. */
const asDate = (seconds: number): string =>
  new Date(seconds * 1000).toISOString().slice(0, 10);

/**
 * malformed_payment: a successful answer (code 0) of an operation that answers payments, with the
 * fault's timestamp field of every payment in it replaced. The stored payments are not touched.
 */
export async function applyPaymentFault(
  ctx: SimContext,
  operation: ApiOperation,
  result: SimResponse,
): Promise<SimResponse> {
  const body = result.body as { code?: unknown; response?: unknown } | null;
  if (body === null || typeof body !== 'object' || body.code !== 0)
    return result;
  const fault = ctx.faults.malformsPayments(operation);
  if (!fault || fault.field === null) return result;
  if (fault.latencyMs > 0) await ctx.timers.delay(fault.latencyMs);
  const spoiled = structuredClone(body);
  const field = fault.field;
  for (const payment of paymentsIn(spoiled.response)) {
    const value: MalformedValue =
      fault.value !== undefined
        ? fault.value
        : asDate(payment[field] || ctx.now());
    Object.assign(payment, { [field]: value });
  }
  return { ...result, body: spoiled };
}
