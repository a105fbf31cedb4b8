import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { SimContext } from '../context.js';
import type { Operation, V2Operation } from '../operations.js';

/**
 * api: the iamport REST API (token, envelope, faults); browser: SDK and window; control: /_sim;
 * v2: the PortOne V2 REST API under /v2 (its own auth, `{type, message}` errors, faults named `v2.*`).
 */
export type Surface = 'api' | 'browser' | 'control' | 'v2';

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  raw: IncomingMessage;
}

export interface SimResponse {
  status: number;
  /** Strings and Buffers are sent as they are; anything else as JSON. */
  body: unknown;
  headers?: Record<string, string>;
}

export type Handler = (
  ctx: SimContext,
  req: SimRequest,
) => SimResponse | Promise<SimResponse>;

export interface Route {
  method: string;
  /** `/payments/:imp_uid` style. */
  pattern: string;
  surface: Surface;
  /** Counted in /_sim/stats; null for control routes. */
  operation: Operation | null;
  /** Needs an iamport access token (v2: a V2 secret or access token). */
  auth: boolean;
  /** A V2 route's name for faults (`/_sim/faults` with `operation: 'v2.getPayment'`, …). */
  v2Operation?: V2Operation;
  handle: Handler;
}

/**
 * A failure answered in the surface's own shape: the iamport envelope
 * `{code, message, response: null}` for the API, `{error}` for /_sim, text for the browser.
 */
export class SimError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = -1,
  ) {
    super(message);
  }
}
