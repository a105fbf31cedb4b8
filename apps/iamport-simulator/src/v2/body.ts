import type { IncomingMessage } from 'node:http';
import { BODY_LIMIT_BYTES } from '../http/body.js';
import { invalidRequest } from './errors.js';

/**
 * A V2 body: JSON whatever the Content-Type (the official SDK sends text/plain), on any method
 * (a GET may carry the list query as a body). Empty → {}.
 */
export function readV2Body(
  req: IncomingMessage,
  limit = BODY_LIMIT_BYTES,
): Promise<Record<string, unknown>> {
  if (req.headers['content-length'] === '0') return Promise.resolve({});
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > limit) {
        reject(invalidRequest(`The body exceeds ${limit} bytes`));
        return;
      }
      try {
        resolve(parseJsonObject(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error as Error);
      }
    });
  });
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
