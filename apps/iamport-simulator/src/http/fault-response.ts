import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from '../context.js';
import type { Fault } from '../faults.js';
import { refused, send } from './respond.js';

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
