import {
  IamportError,
  type IamportErrorDetails,
  IamportHttpError,
  IamportMalformedResponseError,
  IamportNetworkError,
  IamportNotFoundError,
  type IamportOperation,
  IamportResponseError,
  IamportTimeoutError,
} from './iamport.errors.js';
import type { IamportEnvelope } from './iamport.types.js';
import { transportFailure } from './transport-failure.js';

export interface RawAnswer {
  httpStatus: number;
  text: string;
}

export interface AnsweredCall {
  operation: IamportOperation;
  repeatable: boolean;
  acceptPartial?: boolean;
}

/** Reads iamport's envelope and returns its `response`, or throws the error that says what went wrong. */
export function readAnswer<T>(
  call: AnsweredCall,
  answer: RawAnswer,
  isExpected?: (value: unknown) => value is T,
): T {
  const envelope = parseEnvelope(answer.text);
  const details = (retryable: boolean): IamportErrorDetails => ({
    operation: call.operation,
    httpStatus: answer.httpStatus,
    code: envelope?.code ?? null,
    iamportMessage: envelope?.message ?? null,
    retryable,
  });
  const status = answer.httpStatus;
  if (status >= 500 || status === 429) {
    throw new IamportHttpError(
      'iamport could not answer',
      details(call.repeatable),
    );
  }
  if (status === 404)
    throw new IamportNotFoundError('not found', details(false));
  // HTTP 207: some ids of a batch lookup were not found; the found ones are in `response`.
  // Which `code` comes with it is not documented, so only the list is relied on.
  if (
    status === 207 &&
    call.acceptPartial &&
    Array.isArray(envelope?.response)
  ) {
    return envelope.response as T;
  }
  if (status < 200 || status > 299)
    throw new IamportHttpError('request refused', details(false));
  if (!envelope)
    throw new IamportMalformedResponseError(
      'the answer is not the JSON envelope',
      details(call.repeatable),
    );
  // Not an HTTP error: iamport answers 200 with code 1 for, e.g., a refused cancel.
  if (envelope.code !== 0)
    throw new IamportResponseError(
      'iamport refused the request',
      details(false),
    );
  if (isExpected && !isExpected(envelope.response)) {
    throw new IamportMalformedResponseError(
      'the response has an unexpected shape',
      details(call.repeatable),
    );
  }
  return envelope.response as T;
}

function parseEnvelope(text: string): IamportEnvelope<unknown> | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const envelope = parsed as Partial<IamportEnvelope<unknown>>;
  if (typeof envelope.code !== 'number') return null;
  return {
    code: envelope.code,
    message: typeof envelope.message === 'string' ? envelope.message : null,
    response: envelope.response ?? null,
  };
}

/** Maps a failure without an answer: its kind and error code only. */
export function toTransportError(
  call: AnsweredCall,
  error: unknown,
  timeoutMs: number,
): IamportError {
  if (error instanceof IamportError) return error;
  const failure = transportFailure(error, call.repeatable);
  const details: IamportErrorDetails = {
    operation: call.operation,
    httpStatus: null,
    code: null,
    iamportMessage: null,
    retryable: call.repeatable,
  };
  if (failure.kind === 'timeout')
    return new IamportTimeoutError(
      `no answer within ${timeoutMs} ms${failure.unknownOutcome}`,
      details,
    );
  if (failure.kind !== 'connection')
    return new IamportMalformedResponseError(
      'the answer could not be read',
      details,
    );
  return new IamportNetworkError(
    `connection failed (${failure.code ?? 'unknown error'})${failure.unknownOutcome}`,
    details,
  );
}
