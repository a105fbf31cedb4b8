import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { HttpExchange, HttpExchangeError } from './http-exchange.js';

/** A dispatcher that fails every request with `error`, or answers with `chunks`. */
function dispatcher(outcome: { error?: unknown; chunks?: string[] }) {
  const seen: Dispatcher.RequestOptions[] = [];
  const fake = {
    request(options: Dispatcher.RequestOptions) {
      seen.push(options);
      if (outcome.error) return Promise.reject(outcome.error);
      return Promise.resolve({
        statusCode: 200,
        body: Readable.from((outcome.chunks ?? []).map((c) => Buffer.from(c))),
      });
    },
    close: () => Promise.resolve(),
  };
  return { fake: fake as unknown as Dispatcher, seen };
}

const request = {
  method: 'GET' as const,
  path: '/payments/imp_1?include_sandbox=true',
  headers: { Accept: 'application/json' },
  timeoutMs: 1000,
  maxAnswerBytes: 10,
};

async function failureOf(error: unknown): Promise<HttpExchangeError> {
  const { fake } = dispatcher({ error });
  return new HttpExchange('https://api.iamport.kr', fake).send(request).then(
    () => expect.unreachable('the exchange should have failed'),
    (thrown: unknown) => thrown as HttpExchangeError,
  );
}

function coded(code: string, name = 'Error'): Error {
  return Object.assign(new Error('with headers: Authorization Bearer x'), {
    code,
    name,
  });
}

describe('HttpExchange', () => {
  it('sends to the base URL, its path kept', async () => {
    const { fake, seen } = dispatcher({ chunks: ['{"code"', ':0}'] });
    const answer = await new HttpExchange(
      'http://127.0.0.1:8080/v2/',
      fake,
    ).send(request);
    expect(answer).toEqual({ status: 200, text: '{"code":0}' });
    expect(seen[0]).toMatchObject({
      origin: 'http://127.0.0.1:8080',
      path: '/v2/payments/imp_1?include_sandbox=true',
      method: 'GET',
      headersTimeout: 1000,
      bodyTimeout: 1000,
    });
    expect(seen[0]!.signal).toBeInstanceOf(AbortSignal);
  });

  it('refuses an answer one byte over the limit, and takes one at it', async () => {
    const over = dispatcher({ chunks: ['12345', '678901'] });
    await expect(
      new HttpExchange('http://h', over.fake).send(request),
    ).rejects.toMatchObject({ kind: 'too_large' });
    const at = dispatcher({ chunks: ['12345', '67890'] });
    expect(await new HttpExchange('http://h', at.fake).send(request)).toEqual({
      status: 200,
      text: '1234567890',
    });
  });

  it.each([
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['UND_ERR_BODY_TIMEOUT', 'timeout'],
    ['ETIMEDOUT', 'timeout'],
    ['HPE_INVALID_CONSTANT', 'bad_response'],
    ['UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'bad_response'],
    ['ECONNREFUSED', 'connection'],
    ['ECONNRESET', 'connection'],
    ['UND_ERR_SOCKET', 'connection'],
  ])(
    'reads %s as %s, keeping the code and nothing else',
    async (code, kind) => {
      const failure = await failureOf(coded(code));
      expect(failure).toBeInstanceOf(HttpExchangeError);
      expect(failure).toMatchObject({ kind, code });
      expect(failure.message).toBe(`${kind} (${code})`);
      expect(failure.cause).toBeUndefined();
    },
  );

  it('reads an HTTP parser error without a code as a bad response', async () => {
    expect(await failureOf(coded('', 'HTTPParserError'))).toMatchObject({
      kind: 'bad_response',
    });
  });

  it('reads an error without a code as a connection failure', async () => {
    expect(await failureOf(new Error('socket hang up'))).toMatchObject({
      kind: 'connection',
      code: undefined,
      message: 'connection',
    });
  });
});
