import { isAxiosError } from 'axios';

/**
 * What went wrong when a call got no usable answer, read from axios's error
 * code only (an axios error carries headers and bodies, the secret among
 * them, so nothing else of it is kept). Shared by the V1 and V2 transports,
 * which turn it into their own typed errors.
 */
export interface TransportFailure {
  kind: 'timeout' | 'too_large' | 'bad_response' | 'connection';
  code: string | undefined;
  /** Appended to the message of a call that is not repeated: it may have been applied. */
  unknownOutcome: string;
}

export function transportFailure(
  error: unknown,
  repeatable: boolean,
): TransportFailure {
  const code = isAxiosError(error) ? error.code : undefined;
  const unknownOutcome = repeatable
    ? ''
    : '; not retried, its outcome is unknown';
  if (
    code === 'ECONNABORTED' ||
    code === 'ETIMEDOUT' ||
    code === 'ERR_CANCELED'
  )
    return { kind: 'timeout', code, unknownOutcome };
  if (code === 'ERR_BAD_RESPONSE')
    return {
      kind:
        isAxiosError(error) && error.message.startsWith('maxContentLength')
          ? 'too_large'
          : 'bad_response',
      code,
      unknownOutcome,
    };
  return { kind: 'connection', code, unknownOutcome };
}
