import { Logger } from '@nestjs/common';
import type { ResolvedIamportOptions } from '../iamport.options.js';
import {
  type CallObservation,
  observeCall,
} from '../observability/iamport-telemetry.js';
import { AccessTokenCache } from './access-token.js';
import { withRetries } from './backoff.js';
import type { HttpExchange } from './http-exchange.js';
import {
  type AnsweredCall,
  readAnswer,
  type RawAnswer,
  toTransportError,
} from './iamport-answer.js';
import { IamportAuthError, IamportError } from './iamport.errors.js';
import type { AccessToken } from './iamport.types.js';

export interface IamportCall extends AnsweredCall {
  method: 'GET' | 'POST' | 'PUT';
  /** Path with its parameters already encoded. */
  path: string;
  query?: URLSearchParams;
  body?: object;
}

// Largest answer accepted: a page of 1000 payments is about 2 MB.
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/**
 * Sends one iamport call: token, timeout, retries with backoff for calls that
 * are safe to repeat (`repeatable`), one token refresh after a 401, and the
 * envelope checked. Each call is one span and one duration of the telemetry,
 * around all its attempts (what the caller waits for); a token request it
 * needs is a call of its own, nested in it.
 */
export class IamportTransport {
  private readonly logger = new Logger('IamportClient');
  private readonly tokens: AccessTokenCache;

  constructor(
    private readonly http: HttpExchange,
    private readonly options: ResolvedIamportOptions,
  ) {
    this.tokens = new AccessTokenCache(
      () => this.requestToken(),
      options.tokenRefreshMarginMs,
    );
  }

  /** Sends the call and returns the envelope's `response`, checked by `isExpected` when given. */
  send<T>(
    call: IamportCall,
    isExpected?: (value: unknown) => value is T,
  ): Promise<T> {
    return observeCall(call.operation, call.method, (seen) =>
      this.withRetries(call, seen, async () => {
        const token = await this.tokens.get();
        const answer = await this.exchange(call, token, seen);
        if (answer.httpStatus !== 401)
          return readAnswer(call, answer, isExpected);
        // The token expired or was revoked on iamport's side: refresh once, retry once.
        this.tokens.invalidate(token);
        const retried = await this.exchange(
          call,
          await this.tokens.get(),
          seen,
        );
        if (retried.httpStatus === 401)
          throw refused(call, 'a freshly issued token was refused');
        return readAnswer(call, retried, isExpected);
      }),
    );
  }

  /** A valid token, cached or new (with the same retries as every call). */
  async token(): Promise<void> {
    await this.tokens.get();
  }

  private requestToken(): Promise<AccessToken> {
    const call: IamportCall = {
      operation: 'getToken',
      method: 'POST',
      path: '/users/getToken',
      body: {
        imp_key: this.options.impKey,
        imp_secret: this.options.impSecret,
      },
      // iamport returns the same token when asked again, so a repeat is harmless.
      repeatable: true,
    };
    return observeCall(call.operation, call.method, (seen) =>
      this.withRetries(call, seen, async () => {
        const answer = await this.exchange(call, null, seen);
        if (answer.httpStatus === 401)
          throw refused(call, 'imp_key/imp_secret were refused');
        return readAnswer(call, answer, isAccessToken);
      }),
    );
  }

  private withRetries<T>(
    call: IamportCall,
    seen: CallObservation,
    attemptOnce: () => Promise<T>,
  ): Promise<T> {
    return withRetries(
      attemptOnce,
      this.options,
      // A failed token request was already retried on its own; don't multiply the attempts.
      (error): error is IamportError =>
        error instanceof IamportError &&
        error.operation === call.operation &&
        error.retryable,
      this.logger,
      () => seen.retries++,
    );
  }

  private async exchange(
    call: IamportCall,
    token: string | null,
    seen: CallObservation,
  ): Promise<RawAnswer> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    if (this.options.tierCode) headers.Tier = this.options.tierCode;
    seen.httpStatus = null;
    try {
      const answer = await this.http.send({
        method: call.method,
        path: call.path,
        query: call.query,
        headers,
        json: call.body,
        timeoutMs: this.options.timeoutMs,
        maxAnswerBytes: MAX_ANSWER_BYTES,
      });
      seen.httpStatus = answer.status;
      return { httpStatus: answer.status, text: answer.text };
    } catch (error) {
      throw toTransportError(call, error, this.options.timeoutMs);
    }
  }
}

function refused(call: IamportCall, summary: string): IamportAuthError {
  return new IamportAuthError(summary, {
    operation: call.operation,
    httpStatus: 401,
    code: null,
    iamportMessage: null,
    retryable: false,
  });
}

function isAccessToken(value: unknown): value is AccessToken {
  const token = value as Partial<AccessToken> | null;
  return (
    typeof token?.access_token === 'string' &&
    token.access_token.length > 0 &&
    typeof token.now === 'number' &&
    typeof token.expired_at === 'number'
  );
}
