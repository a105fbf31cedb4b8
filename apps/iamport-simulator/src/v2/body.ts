import type { IncomingMessage } from 'node:http';
import { BODY_LIMIT_BYTES, readText } from '../http/body.js';
import { invalidRequest } from './errors.js';

/**
 * A V2 body: JSON whatever the Content-Type (the official SDK sends text/plain), on any method
 * (a GET may carry the list query as a body). Empty → {}.
 */
export async function readV2Body(
  req: IncomingMessage,
  limit = BODY_LIMIT_BYTES,
): Promise<Record<string, unknown>> {
  if (req.headers['content-length'] === '0') return {};
  return parseJsonObject(
    await readText(req, limit, () =>
      invalidRequest(`The body exceeds ${limit} bytes`),
    ),
  );
}

export function parseJsonObject(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidRequest('Malformed JSON body');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw invalidRequest('The JSON body must be an object');
  return parsed as Record<string, unknown>;
}
