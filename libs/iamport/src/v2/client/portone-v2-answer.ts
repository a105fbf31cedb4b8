import { transportFailure } from '../../client/transport-failure.js';
import {
  PortOneV2AuthError,
  PortOneV2BadAnswerError,
  PortOneV2ConflictError,
  PortOneV2Error,
  type PortOneV2ErrorDetails,
  PortOneV2InvalidRequestError,
  PortOneV2NotFoundError,
  type PortOneV2Operation,
  PortOneV2PgProviderError,
  PortOneV2TimeoutError,
  PortOneV2TransportError,
} from './portone-v2.errors.js';

export interface RawAnswer {
  httpStatus: number;
  text: string;
}

export interface AnsweredCall {
  operation: PortOneV2Operation;
  /** Whether sending the same call again is safe (it cannot pay or refund twice). */
  repeatable: boolean;
}

/** The V2 error envelope: `{type, message?}`, plus `pgCode`/`pgMessage` for `PG_PROVIDER`. */
interface ErrorEnvelope {
  type: string;
  message: string | null;
  pgCode: string | null;
  pgMessage: string | null;
}

// PortOne's and the PG's messages end up in logs; a runaway one is cut.
const MAX_MESSAGE_CHARS = 500;

/** Reads a 2xx answer as JSON of the expected shape, or throws the error that says what went wrong. */
export function readAnswer<T>(
  call: AnsweredCall,
  answer: RawAnswer,
  isExpected: (value: unknown) => value is T,
): T {
  if (answer.httpStatus < 200 || answer.httpStatus > 299)
    throw toStatusError(call, answer);
  const badAnswer = (summary: string) =>
    new PortOneV2BadAnswerError(summary, {
      operation: call.operation,
      httpStatus: answer.httpStatus,
      type: null,
      portOneMessage: null,
      retryable: call.repeatable,
    });
  const body = parseJson(answer.text);
  if (body === undefined) throw badAnswer('the answer is not JSON');
  if (!isExpected(body))
    throw badAnswer('the answer does not have the expected shape');
  return body;
}

/** Maps an answer that is not 2xx to the error its status and envelope say. */
function toStatusError(call: AnsweredCall, answer: RawAnswer): PortOneV2Error {
  const status = answer.httpStatus;
  const envelope = parseEnvelope(answer.text);
  const details = (retryable: boolean): PortOneV2ErrorDetails => ({
    operation: call.operation,
    httpStatus: status,
    type: envelope?.type ?? null,
    portOneMessage: envelope?.message ?? null,
    retryable,
  });
  if (status === 502 && envelope?.type === 'PG_PROVIDER') {
    return new PortOneV2PgProviderError('the PG refused', details(false), {
      pgCode: envelope.pgCode,
      pgMessage: envelope.pgMessage,
    });
  }
  if (status >= 500 || status === 429) {
    // A gateway in front of PortOne may answer HTML; that is a failed call, not a SyntaxError.
    const summary = envelope
      ? 'PortOne could not answer'
      : 'PortOne could not answer (the answer is not its JSON error envelope)';
    return new PortOneV2TransportError(summary, details(call.repeatable));
  }
  if (status === 401 || status === 403)
    return new PortOneV2AuthError('the API secret was refused', details(false));
  // Only PAYMENT_NOT_FOUND says the payment is missing; any other 404 (no
  // envelope, or a route's NOT_FOUND) is a wrong apiBaseUrl, never read as "no payment".
  if (status === 404 && envelope?.type === 'PAYMENT_NOT_FOUND')
    return new PortOneV2NotFoundError('no such payment', details(false));
  if (status === 409) {
    // A repeat of an idempotent request while the first is still running; the
    // outcome is learned by repeating it again with the same key (V2 REST overview).
    const outstanding = envelope?.type === 'IDEMPOTENCY_OUTSTANDING_REQUEST';
    return new PortOneV2ConflictError(
      outstanding
        ? 'the same request is still being processed'
        : 'the payment is not in a state that allows this',
      details(outstanding && call.repeatable),
    );
  }
  if (status >= 400)
    return new PortOneV2InvalidRequestError(
      status === 404
        ? 'no such route (is apiBaseUrl right?)'
        : 'the request was refused',
      details(false),
    );
  return new PortOneV2TransportError(
    `unexpected HTTP status ${status}`,
    details(false),
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function parseEnvelope(text: string): ErrorEnvelope | null {
  const parsed = parseJson(text);
  if (typeof parsed !== 'object' || parsed === null) return null;
  const envelope = parsed as Record<string, unknown>;
  if (typeof envelope.type !== 'string' || envelope.type === '') return null;
  return {
    type: bounded(envelope.type) ?? '',
    message: bounded(envelope.message),
    pgCode: bounded(envelope.pgCode),
    pgMessage: bounded(envelope.pgMessage),
  };
}

function bounded(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  return value.length > MAX_MESSAGE_CHARS
    ? `${value.slice(0, MAX_MESSAGE_CHARS)}…`
    : value;
}

/** Maps a failure without an answer: its kind and error code only. */
export function toTransportError(
  call: AnsweredCall,
  error: unknown,
  limits: { timeoutMs: number; maxAnswerBytes: number },
): PortOneV2Error {
  if (error instanceof PortOneV2Error) return error;
  const failure = transportFailure(error, call.repeatable);
  const details: PortOneV2ErrorDetails = {
    operation: call.operation,
    httpStatus: null,
    type: null,
    portOneMessage: null,
    retryable: call.repeatable,
  };
  if (failure.kind === 'timeout')
    return new PortOneV2TimeoutError(
      `no answer within ${limits.timeoutMs} ms${failure.unknownOutcome}`,
      details,
    );
  if (failure.kind === 'too_large')
    // The same call would get the same answer: not retried.
    return new PortOneV2BadAnswerError(
      `the answer is larger than ${limits.maxAnswerBytes} bytes`,
      { ...details, retryable: false },
    );
  return new PortOneV2TransportError(
    `connection failed (${failure.code ?? 'unknown error'})${failure.unknownOutcome}`,
    details,
  );
}
