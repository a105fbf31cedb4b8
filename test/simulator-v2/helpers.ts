import type { RunningSimulator } from '../../apps/iamport-simulator/src/index.js';
import type { Answer } from '../simulator/helpers.js';

export {
  startReceiver,
  sleep,
  type Receiver,
  type ReceivedWebhook,
} from '../simulator/helpers.js';

export interface V2CallOptions {
  /** The JSON body, sent as text/plain like the official SDK (no Content-Type of its own). */
  json?: unknown;
  /** `PortOne <secret>` by default; a string is sent as the whole Authorization header; null: none. */
  authorization?: string | null;
  headers?: Record<string, string>;
}

async function answer<T>(response: Response): Promise<Answer<T>> {
  const text = await response.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: HTML pages, scripts
  }
  return { status: response.status, headers: response.headers, body };
}

/** One V2 REST call; `path` is under /v2. */
export async function v2<T = any>(
  sim: RunningSimulator,
  method: string,
  path: string,
  options: V2CallOptions = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  const authorization =
    options.authorization === undefined
      ? `PortOne ${sim.config.v2ApiSecret}`
      : options.authorization;
  if (authorization !== null) headers.authorization = authorization;
  const body =
    options.json === undefined ? undefined : JSON.stringify(options.json);
  return answer<T>(
    await fetch(`${sim.url}/v2${path}`, { method, headers, body }),
  );
}

/** A /_sim/v2 control call with a JSON body. */
export async function simV2<T = any>(
  sim: RunningSimulator,
  method: string,
  path: string,
  json?: unknown,
): Promise<Answer<T>> {
  return answer<T>(
    await fetch(`${sim.url}/_sim/v2${path}`, {
      method,
      headers: json === undefined ? {} : { 'content-type': 'application/json' },
      body: json === undefined ? undefined : JSON.stringify(json),
    }),
  );
}

/** A payment made through /_sim/v2/payments (201 expected). */
export async function createV2Payment(
  sim: RunningSimulator,
  input: Record<string, unknown> = {},
): Promise<Record<string, any>> {
  const { status, body } = await simV2(sim, 'POST', '/payments', input);
  if (status !== 201)
    throw new Error(
      `/_sim/v2/payments answered ${status}: ${JSON.stringify(body)}`,
    );
  return body;
}

export const listQuery = (body: unknown): string =>
  `requestBody=${encodeURIComponent(JSON.stringify(body))}`;

/** The request the SDK stand-in puts in /v2/window?request=… */
export const encodeRequest = (request: Record<string, unknown>): string =>
  Buffer.from(JSON.stringify(request), 'utf8').toString('base64url');

let counter = 0;
export const newPaymentId = (): string =>
  `payment-${Date.now().toString(36)}-${++counter}`;

/**
 * The official server SDK joins paths with `new URL('/payments/…', baseUrl)`, which drops any
 * base path: it cannot reach `${sim.url}/v2` directly. This forwards `/x` to `${sim.url}/v2/x`.
 */
export async function startV2Prefixer(
  sim: RunningSimulator,
): Promise<{ url: string; close(): Promise<void> }> {
  const { createServer, request } = await import('node:http');
  const server = createServer((req, res) => {
    const upstream = request(`${sim.url}/v2${req.url}`, {
      method: req.method,
      headers: req.headers,
    });
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
