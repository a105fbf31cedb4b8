import type { Handler, Route } from '../http/types.js';
import type { ApiOperation } from '../operations.js';

/** An iamport REST route: token required, envelope answers, faults apply. */
export const apiRoute = (
  method: string,
  pattern: string,
  operation: ApiOperation,
  handle: Handler,
): Route => ({
  method,
  pattern,
  surface: 'api',
  operation,
  auth: true,
  handle,
});
