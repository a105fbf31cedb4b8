import {
  Agent as HttpAgent,
  type IncomingMessage,
  request as httpRequest,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { type Dispatcher, EnvHttpProxyAgent } from 'undici';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** Path, its parameters already encoded, appended to the base URL's path. */
  path: string;
  query?: URLSearchParams;
  headers: Record<string, string>;
  /** Sent as JSON (with its Content-Type). */
  json?: object;
  /** Bounds the whole exchange: connecting, the headers and the last byte of the body. */
  timeoutMs: number;
  maxAnswerBytes: number;
}

/** The request as sent: the full path with its query, the body encoded. */
interface WireRequest extends Omit<HttpRequest, 'query' | 'json'> {
  body: string | undefined;
}

export interface HttpAnswer {
  status: number;
  text: string;
}

/** Why an exchange ended without an answer to read. */
export type HttpFailureKind =
  'timeout' | 'too_large' | 'bad_response' | 'connection';

/**
 * A failed exchange, by kind and error code only: the underlying error is not
 * kept, so no header (the token, the secret) can travel with it into a log.
 */
export class HttpExchangeError extends Error {
  override readonly name = 'HttpExchangeError';

  constructor(
    readonly kind: HttpFailureKind,
    readonly code: string | undefined,
  ) {
    super(`${kind}${code ? ` (${code})` : ''}`);
  }
}

/**
 * HTTP to one API on keep-alive connections: Node's own `http`/`https` agent,
 * or undici's `EnvHttpProxyAgent` when `HTTP_PROXY`/`HTTPS_PROXY` is set (Node
 * 20's agent knows no proxy; axios honoured them, so this does too, with
 * `NO_PROXY`) or when a dispatcher is given. Both cost a fraction of the CPU
 * axios spent on a lookup (`npm run bench:http-client`), and every verified
 * payment makes one. Node's agent is the default because undici, before it
 * reuses an idle connection, waits for the next turn of the event loop: on a
 * busy app that added 5–10 ms to a first webhook at 10 connections (README,
 * Performance). Redirects are not followed.
 */
export class HttpExchange {
  private readonly url: URL;
  private readonly basePath: string;
  private readonly dispatcher: Dispatcher | null;
  private readonly agent: HttpAgent | null;

  constructor(baseUrl: string, dispatcher?: Dispatcher) {
    this.url = new URL(baseUrl);
    this.basePath = this.url.pathname.replace(/\/+$/, '');
    this.dispatcher =
      dispatcher ?? (proxyConfigured() ? new EnvHttpProxyAgent() : null);
    this.agent = this.dispatcher
      ? null
      : new (this.url.protocol === 'https:' ? HttpsAgent : HttpAgent)({
          keepAlive: true,
        });
  }

  send(request: HttpRequest): Promise<HttpAnswer> {
    const query = request.query?.toString();
    const wire: WireRequest = {
      ...request,
      path: `${this.basePath}${request.path}${query ? `?${query}` : ''}`,
      headers: request.json
        ? { ...request.headers, 'Content-Type': 'application/json' }
        : request.headers,
      body: request.json ? JSON.stringify(request.json) : undefined,
    };
    return this.dispatcher
      ? this.viaUndici(this.dispatcher, wire)
      : this.viaNode(this.agent!, wire);
  }

  /** Closes the idle connections; calls under way finish first. */
  async close(): Promise<void> {
    if (this.dispatcher) return this.dispatcher.close();
    for (const sockets of Object.values(this.agent!.freeSockets))
      for (const socket of sockets ?? []) socket.destroy();
  }

  private async viaUndici(
    dispatcher: Dispatcher,
    request: WireRequest,
  ): Promise<HttpAnswer> {
    const signal = AbortSignal.timeout(request.timeoutMs);
    try {
      const response = await dispatcher.request({
        origin: this.url.origin,
        path: request.path,
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal,
        headersTimeout: request.timeoutMs,
        bodyTimeout: request.timeoutMs,
      });
      const text = await readBounded(response.body, request.maxAnswerBytes);
      return { status: response.statusCode, text };
    } catch (error) {
      throw failureOf(error, signal.aborted);
    }
  }

  private async viaNode(
    agent: HttpAgent,
    request: WireRequest,
  ): Promise<HttpAnswer> {
    const signal = AbortSignal.timeout(request.timeoutMs);
    const send = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    try {
      const incoming = await new Promise<IncomingMessage>((resolve, reject) =>
        send(
          {
            protocol: this.url.protocol,
            hostname: this.url.hostname,
            port: this.url.port,
            path: request.path,
            method: request.method,
            headers: request.headers,
            agent,
            signal,
          },
          resolve,
        )
          .on('error', reject)
          .end(request.body),
      );
      const text = await readBounded(incoming, request.maxAnswerBytes);
      return { status: incoming.statusCode ?? 0, text };
    } catch (error) {
      throw failureOf(error, signal.aborted);
    }
  }
}

function proxyConfigured(): boolean {
  return ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'].some(
    (name) => Boolean(process.env[name]),
  );
}

/** The answer's text, refused (and its connection closed) once it passes `maxBytes`. */
async function readBounded(body: Readable, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      throw new HttpExchangeError('too_large', undefined);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

function failureOf(error: unknown, timedOut: boolean): HttpExchangeError {
  if (error instanceof HttpExchangeError) return error;
  const code = codeOf(error);
  if (timedOut || (code !== undefined && TIMEOUT_CODES.has(code)))
    return new HttpExchangeError('timeout', code ?? 'ETIMEDOUT');
  if (
    (error as Error | null)?.name === 'HTTPParserError' ||
    code?.startsWith('HPE_') ||
    code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH'
  )
    return new HttpExchangeError('bad_response', code);
  return new HttpExchangeError('connection', code);
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
