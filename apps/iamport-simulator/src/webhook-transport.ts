import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { WebhookFormat } from './config.js';
import type { Timers } from './timers.js';

export interface DeliveryOutcome {
  /** HTTP status of the answer; null after a network error or a timeout. */
  status: number | null;
  error?: string;
}

const CONTENT_TYPES: Record<WebhookFormat, string> = {
  json: 'application/json',
  form: 'application/x-www-form-urlencoded',
};

/** One POST, no pooling; gives up after `timeoutMs` (iamport reads for 30 s). */
export async function postWebhook(
  url: string,
  format: WebhookFormat,
  body: string,
  timeoutMs: number,
  timers: Timers,
): Promise<DeliveryOutcome> {
  const { status, error } = await postSignedWebhook(
    url,
    { 'Content-Type': CONTENT_TYPES[format] },
    body,
    timeoutMs,
    timers,
  );
  return error === undefined ? { status } : { status, error };
}

export interface V2DeliveryOutcome {
  /** HTTP status of the answer; null after a network error or a timeout. */
  status: number | null;
  error?: string;
  /** The answer's first bytes and headers, for Payment.webhooks[].response. */
  responseBody?: string;
  responseHeaders?: Record<string, string | string[] | undefined>;
}

const RESPONSE_BODY_LIMIT = 2048;

/** One POST with the given headers (V2's signature, or V1's bare content type), no pooling; gives up after `timeoutMs`. */
export function postSignedWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  timers: Timers,
): Promise<V2DeliveryOutcome> {
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let req: ReturnType<typeof httpRequest>;
    try {
      req = send(url, {
        method: 'POST',
        agent: false,
        headers: { ...headers, 'Content-Length': Buffer.byteLength(body) },
      });
    } catch (error) {
      resolve({ status: null, error: (error as Error).message });
      return;
    }
    let settled = false;
    const finish = (outcome: V2DeliveryOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      untrack();
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      req.destroy();
      finish({ status: null, error: `timeout after ${timeoutMs} ms` });
    }, timeoutMs);
    const untrack = timers.track(() => {
      req.destroy();
      finish({ status: null, error: 'simulator closed' });
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < RESPONSE_BODY_LIMIT) chunks.push(chunk);
        size += chunk.length;
      });
      const done = () =>
        finish({
          status: res.statusCode ?? null,
          responseBody: Buffer.concat(chunks)
            .toString('utf8')
            .slice(0, RESPONSE_BODY_LIMIT),
          responseHeaders: res.headers,
        });
      res.on('end', done);
      res.on('error', done);
    });
    req.on('error', (error) => finish({ status: null, error: error.message }));
    req.end(body);
  });
}
