import type { IncomingMessage } from 'node:http';
import { SimError } from './types.js';

export const BODY_LIMIT_BYTES = 64 * 1024;

/** A form body as an object; repeated keys and `key[]` become arrays. */
export function parseForm(text: string): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const isList = rawKey.endsWith('[]');
    const key = isList ? rawKey.slice(0, -2) : rawKey;
    const previous = body[key];
    if (Array.isArray(previous)) previous.push(value);
    else if (previous !== undefined) body[key] = [previous, value];
    else body[key] = isList ? [value] : value;
  }
  return body;
}

function parse(text: string, contentType: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  const isForm = contentType.includes('application/x-www-form-urlencoded');
  const looksJson =
    contentType.includes('json') || (!isForm && /^\s*[{[]/.test(text));
  if (!looksJson) return parseForm(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SimError(400, 'Malformed JSON body');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SimError(400, 'The JSON body must be an object');
  }
  return parsed as Record<string, unknown>;
}

/** Reads a JSON or x-www-form-urlencoded body (iamport takes both); over the limit → 413. */
export async function readBody(
  req: IncomingMessage,
  limit = BODY_LIMIT_BYTES,
): Promise<Record<string, unknown>> {
  if (
    req.method === 'GET' ||
    req.method === 'HEAD' ||
    req.headers['content-length'] === '0'
  ) {
    return {};
  }
  const text = await readText(
    req,
    limit,
    () => new SimError(413, `The body exceeds ${limit} bytes`),
  );
  return parse(text, req.headers['content-type'] ?? '');
}

/** The body as text; past `limit` it is read to the end and discarded, then `tooLarge()` is thrown. */
export function readText(
  req: IncomingMessage,
  limit: number,
  tooLarge: () => Error,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Keep reading (and discarding) so that the refusal reaches a client still sending.
      if (size <= limit) chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > limit) reject(tooLarge());
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}
