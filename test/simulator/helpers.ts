import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  IamportPayment,
  RunningSimulator,
} from '../../apps/iamport-simulator/src/index.js';

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

async function answer<T>(response: Response): Promise<Answer<T>> {
  const text = await response.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text (the malformed fault, HTML pages)
  }
  return {
    status: response.status,
    headers: response.headers,
    body: body as T,
  };
}

export async function getToken(sim: RunningSimulator): Promise<string> {
  const { status, body } = await call(sim, 'POST', '/users/getToken', {
    json: { imp_key: sim.config.impKey, imp_secret: sim.config.impSecret },
  });
  if (status !== 200)
    throw new Error(`getToken answered ${status}: ${JSON.stringify(body)}`);
  return body.response.access_token as string;
}

export interface CallOptions {
  token?: string;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

/** One HTTP call; the token goes as `Authorization: Bearer`. */
export async function call<T = any>(
  sim: RunningSimulator,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  }
  return answer<T>(await fetch(sim.url + path, { method, headers, body }));
}

/** A /_sim control call with a JSON body. */
export const control = <T = any>(
  sim: RunningSimulator,
  method: string,
  path: string,
  json?: unknown,
) => call<T>(sim, method, path, json === undefined ? {} : { json });

export async function createPayment(
  sim: RunningSimulator,
  input: Record<string, unknown>,
): Promise<IamportPayment> {
  const { status, body } = await control<IamportPayment>(
    sim,
    'POST',
    '/_sim/payments',
    input,
  );
  if (status !== 201)
    throw new Error(
      `/_sim/payments answered ${status}: ${JSON.stringify(body)}`,
    );
  return body;
}

export interface ReceivedWebhook {
  contentType: string | undefined;
  headers: IncomingHttpHeaders;
  raw: string;
}

export interface Receiver {
  url: string;
  received: ReceivedWebhook[];
  /** Status to answer for the n-th request (0-based); 200 by default. */
  statusFor: (index: number) => number;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/** A tiny merchant endpoint that records the webhooks it gets. */
export async function startReceiver(): Promise<Receiver> {
  const received: ReceivedWebhook[] = [];
  const receiver: Receiver = {
    url: '',
    received,
    statusFor: () => 200,
    async waitFor(count, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) {
          throw new Error(`Expected ${count} webhooks, got ${received.length}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return received;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const index = received.length;
      received.push({
        contentType: req.headers['content-type'],
        headers: req.headers,
        raw: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(receiver.statusFor(index)).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/iamport`;
  return receiver;
}

export const sleep = (ms: number) =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** The window's `params`: base64url JSON, as the SDK builds it. */
export const encodeWindowParams = (params: Record<string, unknown>): string =>
  Buffer.from(JSON.stringify(params), 'utf8').toString('base64url');

/** The message the window page posts to the SDK in the overlay flow. */
export function postedMessage(html: string): {
  type: string;
  rsp: Record<string, any>;
} {
  const match = /var message = (\{.*\});/.exec(html);
  if (!match) throw new Error(`No message in page: ${html}`);
  return JSON.parse(match[1]);
}
