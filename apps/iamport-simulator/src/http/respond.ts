import type { ServerResponse } from 'node:http';
import { SimError, type SimResponse, type Surface } from './types.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/** iamport's success envelope. */
export const ok = (response: unknown, status = 200): SimResponse => ({
  status,
  body: { code: 0, message: null, response },
});

/** iamport's failure envelope; business refusals come as HTTP 200 with code 1 (observed). */
export const refused = (
  message: string,
  status = 200,
  code = 1,
): SimResponse => ({
  status,
  body: { code, message, response: null },
});

export const json = (body: unknown, status = 200): SimResponse => ({
  status,
  body,
});

export function errorResponse(surface: Surface, error: unknown): SimResponse {
  const known = error instanceof SimError;
  if (!known) console.error('iamport simulator: unexpected error', error);
  const status = known ? error.status : 500;
  const message = known ? error.message : 'Internal simulator error';
  if (surface === 'api')
    return refused(message, status, known ? error.code : -1);
  if (surface === 'control') return json({ error: message }, status);
  return {
    status,
    body: `${status} ${message}\n`,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  };
}

export function send(res: ServerResponse, result: SimResponse): void {
  if (res.headersSent || res.destroyed) return;
  const raw = typeof result.body === 'string' || Buffer.isBuffer(result.body);
  const payload = raw
    ? (result.body as string | Buffer)
    : JSON.stringify(result.body);
  res.writeHead(result.status, {
    'Content-Type': JSON_TYPE,
    ...result.headers,
    'Content-Length': Buffer.byteLength(payload),
  });
  res.end(payload);
}
