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
export function postWebhook(
  url: string,
  format: WebhookFormat,
  body: string,
  timeoutMs: number,
  timers: Timers,
): Promise<DeliveryOutcome> {
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let req: ReturnType<typeof httpRequest>;
    try {
      req = send(url, {
        method: 'POST',
        agent: false,
        headers: {
          'Content-Type': CONTENT_TYPES[format],
          'Content-Length': Buffer.byteLength(body),
        },
      });
    } catch (error) {
      resolve({ status: null, error: (error as Error).message });
      return;
    }
    let settled = false;
    const finish = (outcome: DeliveryOutcome) => {
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
      res.resume();
      res.on('end', () => finish({ status: res.statusCode ?? null }));
      res.on('error', () => finish({ status: res.statusCode ?? null }));
    });
    req.on('error', (error) => finish({ status: null, error: error.message }));
    req.end(body);
  });
}
