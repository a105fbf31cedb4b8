import {
  Agent as HttpAgent,
  type ClientRequest,
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
  /** Read once: `URL`'s getters cost every request something. */
  private readonly target: Pick<URL, 'protocol' | 'hostname' | 'port'>;

  constructor(baseUrl: string, dispatcher?: Dispatcher) {
    this.url = new URL(baseUrl);
    const { protocol, hostname, port } = this.url;
    this.target = { protocol, hostname, port };
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
      // The signal no longer bounds a body that closes without ending: the close ends it too.
      const text = await readBounded(response.body, request.maxAnswerBytes, {
        closeEnds: true,
      });
      return { status: response.statusCode, text };
    } catch (error) {
      throw failureOf(error, signal.aborted);
    }
  }

  /**
   * One exchange on Node's agent, with a timer cleared when it ends and the
   * body read by events: `AbortSignal.timeout` and `for await` over the body
   * cost this path a quarter of its CPU per lookup (`npm run bench:http-client`),
   * and the signal's timer fired `timeoutMs` after every exchange that had ended.
   */
  private viaNode(agent: HttpAgent, request: WireRequest): Promise<HttpAnswer> {
    const send = this.target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<HttpAnswer>((resolve, reject) => {
      let outgoing: ClientRequest | undefined;
      let ended = false;
      const end = (outcome: HttpAnswer | HttpExchangeError) => {
        if (ended) return;
        ended = true;
        clearTimeout(timer);
        if (outcome instanceof HttpExchangeError) {
          outgoing?.destroy();
          reject(outcome);
        } else resolve(outcome);
      };
      const timer = setTimeout(
        () => end(new HttpExchangeError('timeout', 'ETIMEDOUT')),
        request.timeoutMs,
      );
      timer.unref();
      try {
        outgoing = send(
          {
            ...this.target,
            path: request.path,
            method: request.method,
            headers: request.headers,
            agent,
          },
          (incoming) =>
            void readBounded(incoming, request.maxAnswerBytes).then(
              (text) => end({ status: incoming.statusCode ?? 0, text }),
              (error: unknown) => end(failureOf(error, false)),
            ),
        );
        outgoing.on('error', (error) => end(failureOf(error, false)));
        outgoing.end(request.body);
      } catch (error) {
        // A header Node refuses is thrown at once, before anything is sent.
        end(failureOf(error, false));
      }
    });
  }
}

function proxyConfigured(): boolean {
  return ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'].some(
    (name) => Boolean(process.env[name]),
  );
}

/**
 * The answer's text, refused once it passes `maxBytes` (the body destroyed,
 * its connection not reused); an answer cut off before its last byte rejects
 * with the error it ends with. Node's response gets no 'close' listener: it
 * costs a fifth of a lookup's CPU, a response cut off emits 'error'
 * (ECONNRESET) before it closes, and the exchange's timer bounds anything else.
 */
function readBounded(
  body: Readable,
  maxBytes: number,
  { closeEnds = false } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      body.destroy();
      reject(new HttpExchangeError('too_large', undefined));
    });
    body.on('end', () => resolve(Buffer.concat(chunks, size).toString('utf8')));
    body.on('error', reject);
    // After the end, a no-op: a promise settles once.
    if (closeEnds)
      body.once('close', () =>
        reject(
          new HttpExchangeError('connection', 'ERR_STREAM_PREMATURE_CLOSE'),
        ),
      );
  });
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
