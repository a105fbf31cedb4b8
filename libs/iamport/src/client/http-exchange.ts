import { type Dispatcher, EnvHttpProxyAgent } from 'undici';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** Path and query, already encoded, appended to the base URL's path. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Bounds the whole exchange: connecting, the headers and the last byte of the body. */
  timeoutMs: number;
  maxAnswerBytes: number;
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
 * HTTP to one API, on undici's keep-alive connections: a lookup costs about
 * a quarter of the CPU axios spent on it (`npm run bench:http-client`), and
 * every verified payment makes one. `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` are honoured
 * as axios honoured them. Redirects are not followed.
 */
export class HttpExchange {
  private readonly origin: string;
  private readonly basePath: string;

  constructor(
    baseUrl: string,
    private readonly dispatcher: Dispatcher = new EnvHttpProxyAgent(),
  ) {
    const url = new URL(baseUrl);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
  }

  async send(request: HttpRequest): Promise<HttpAnswer> {
    const signal = AbortSignal.timeout(request.timeoutMs);
    try {
      const response = await this.dispatcher.request({
        origin: this.origin,
        path: `${this.basePath}${request.path}`,
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

  /** Closes the idle connections; calls under way finish first. */
  close(): Promise<void> {
    return this.dispatcher.close();
  }
}

async function readBounded(
  body: Dispatcher.ResponseData['body'],
  maxBytes: number,
): Promise<string> {
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
