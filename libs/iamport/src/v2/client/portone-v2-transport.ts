import { Logger } from '@nestjs/common';
import { withRetries } from '../../client/backoff.js';
import type { HttpExchange } from '../../client/http-exchange.js';
import {
  type CallObservation,
  observeCall,
} from '../../observability/iamport-telemetry.js';
import {
  type AnsweredCall,
  readAnswer,
  type RawAnswer,
  toTransportError,
} from './portone-v2-answer.js';
import { PortOneV2Error } from './portone-v2.errors.js';

export interface PortOneV2CallSettings {
  apiSecret: string;
  apiBaseUrl: string;
  timeoutMs: number;
  maxRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  maxAnswerBytes: number;
}

export interface PortOneV2Call extends AnsweredCall {
  method: 'GET' | 'POST';
  /** Path with its parameters already encoded. */
  path: string;
  query?: URLSearchParams;
  body?: object;
  /** Sent as `Idempotency-Key`, the same on every attempt of the call. */
  idempotencyKey?: string;
}

const USER_AGENT = 'nestjs-iamport (PortOne V2 client)';

/**
 * Sends one V2 call: the secret, a timeout per attempt, retries with backoff
 * for calls that are safe to repeat (`repeatable`), the answer's size bounded
 * and its shape checked. Each call is one span and one duration of the
 * telemetry (`v2.<operationId>`), around all its attempts.
 */
export class PortOneV2Transport {
  private readonly logger = new Logger('PortOneV2Client');

  constructor(
    private readonly http: HttpExchange,
    private readonly settings: PortOneV2CallSettings,
  ) {}

  send<T>(
    call: PortOneV2Call,
    isExpected: (value: unknown) => value is T,
  ): Promise<T> {
    return observeCall(`v2.${call.operation}`, call.method, (seen) =>
      this.withRetries(seen, async () =>
        readAnswer(call, await this.exchange(call, seen), isExpected),
      ),
    );
  }

  private withRetries<T>(
    seen: CallObservation,
    attemptOnce: () => Promise<T>,
  ): Promise<T> {
    return withRetries(
      attemptOnce,
      this.settings,
      (error): error is PortOneV2Error =>
        error instanceof PortOneV2Error && error.retryable,
      this.logger,
      () => seen.retries++,
    );
  }

  private async exchange(
    call: PortOneV2Call,
    seen: CallObservation,
  ): Promise<RawAnswer> {
    const { timeoutMs, maxAnswerBytes } = this.settings;
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: `PortOne ${this.settings.apiSecret}`,
      'User-Agent': USER_AGENT,
    };
    if (call.idempotencyKey) headers['Idempotency-Key'] = call.idempotencyKey;
    seen.httpStatus = null;
    try {
      const answer = await this.http.send({
        method: call.method,
        path: call.path,
        query: call.query,
        headers,
        json: call.body,
        timeoutMs,
        maxAnswerBytes,
      });
      seen.httpStatus = answer.status;
      return { httpStatus: answer.status, text: answer.text };
    } catch (error) {
      throw toTransportError(call, error, { timeoutMs, maxAnswerBytes });
    }
  }
}
