import type { Handler, Route } from '../http/types.js';

/** A /_sim route: no token, plain JSON, not counted in the stats, no faults. */
export const controlRoute = (
  method: string,
  pattern: string,
  handle: Handler,
): Route => ({
  method,
  pattern,
  surface: 'control',
  operation: null,
  auth: false,
  handle,
});
