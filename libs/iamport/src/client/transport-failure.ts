import { type HttpFailureKind, HttpExchangeError } from './http-exchange.js';

/**
 * What went wrong when a call got no usable answer: the kind and the error
 * code of the failed exchange, nothing else. Shared by the V1 and V2
 * transports, which turn it into their own typed errors.
 */
export interface TransportFailure {
  kind: HttpFailureKind;
  code: string | undefined;
  /** Appended to the message of a call that is not repeated: it may have been applied. */
  unknownOutcome: string;
}

export function transportFailure(
  error: unknown,
  repeatable: boolean,
): TransportFailure {
  const unknownOutcome = repeatable
    ? ''
    : '; not retried, its outcome is unknown';
  if (error instanceof HttpExchangeError)
    return { kind: error.kind, code: error.code, unknownOutcome };
  return { kind: 'connection', code: undefined, unknownOutcome };
}
