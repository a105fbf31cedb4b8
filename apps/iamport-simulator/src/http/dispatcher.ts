import type {
  IncomingMessage,
  RequestListener,
  ServerResponse,
} from 'node:http';
import { requireToken } from '../api/auth.js';
import type { SimContext } from '../context.js';
import type { ApiOperation } from '../operations.js';
import { requireV2Auth } from '../v2/api/auth.js';
import { readV2Body } from '../v2/body.js';
import { v2ErrorResponse } from '../v2/errors.js';
import { readBody } from './body.js';
import {
  applyFault,
  applyPaymentFault,
  applyV2Fault,
} from './fault-response.js';
import { errorResponse, send } from './respond.js';
import type { Router } from './router.js';
import { SimError, type Surface } from './types.js';

export function createDispatcher(
  ctx: SimContext,
  router: Router,
): RequestListener {
  return (req, res) => void dispatch(ctx, router, req, res);
}

async function dispatch(
  ctx: SimContext,
  router: Router,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const method = req.method ?? 'GET';
  let surface: Surface = path.startsWith('/_sim/')
    ? 'control'
    : path.startsWith('/v2/')
      ? 'v2'
      : 'api';
  try {
    const match = router.match(method, path);
    if (!match) throw new SimError(404, `No route for ${method} ${path}`);
    const { route, params } = match;
    surface = route.surface;
    if (route.operation) ctx.stats.count(route.operation);
    const body =
      route.surface === 'v2' ? await readV2Body(req) : await readBody(req);
    if (route.v2Operation) {
      const { delayMs, fault } = ctx.faults.forCall(route.v2Operation);
      if (delayMs > 0) await ctx.timers.delay(delayMs);
      if (fault) return applyV2Fault(fault, req, res);
    }
    if (route.surface === 'v2' && route.auth) requireV2Auth(ctx, req.headers);
    if (route.surface === 'api') {
      if (ctx.config.latencyMs > 0)
        await ctx.timers.delay(ctx.config.latencyMs);
      const { delayMs, fault } = ctx.faults.forCall(
        route.operation as ApiOperation,
      );
      if (delayMs > 0) await ctx.timers.delay(delayMs);
      if (fault) return applyFault(ctx, fault, req, res);
      if (route.auth) requireToken(ctx, req.headers);
    }
    const query = new URLSearchParams(
      queryAt === -1 ? '' : url.slice(queryAt + 1),
    );
    let result = await route.handle(ctx, {
      method,
      path,
      query,
      params,
      body,
      headers: req.headers,
      raw: req,
    });
    if (route.surface === 'api') {
      result = await applyPaymentFault(
        ctx,
        route.operation as ApiOperation,
        result,
      );
    }
    send(res, result);
  } catch (error) {
    send(
      res,
      surface === 'v2' ? v2ErrorResponse(error) : errorResponse(surface, error),
    );
  }
}
