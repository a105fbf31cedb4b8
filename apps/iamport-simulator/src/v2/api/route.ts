import type { Handler, Route } from '../../http/types.js';
import type { V2Operation } from '../../operations.js';

/** A PortOne V2 REST route under /v2: V2 auth unless `auth` is false, `{type, message}` errors. */
export const v2Route = (
  method: string,
  pattern: string,
  handle: Handler,
  auth = true,
  v2Operation?: V2Operation,
): Route => ({
  method,
  pattern: `/v2${pattern}`,
  surface: 'v2',
  operation: null,
  auth,
  handle,
  ...(v2Operation && { v2Operation }),
});
