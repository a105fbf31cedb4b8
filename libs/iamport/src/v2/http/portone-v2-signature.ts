import { verify, WebhookVerificationError } from '@portone/server-sdk/webhook';

/** Why a V2 webhook was refused before anything was fetched or stored. */
export class PortOneV2SignatureError extends Error {
  constructor(
    /** The server SDK's reason (`NO_MATCHING_SIGNATURE`, `TIMESTAMP_TOO_OLD`, …), or `NOT_JSON`. */
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'PortOneV2SignatureError';
  }
}

const REASONS: Record<string, string> = {
  MISSING_REQUIRED_HEADERS:
    'webhook-id, webhook-timestamp and webhook-signature are required, once each',
  NO_MATCHING_SIGNATURE: 'the signature does not match the body',
  INVALID_SIGNATURE: 'the webhook-timestamp is not a number',
  TIMESTAMP_TOO_OLD: 'the webhook-timestamp is more than 300 s in the past',
  TIMESTAMP_TOO_NEW: 'the webhook-timestamp is more than 300 s in the future',
};

/**
 * Checks a V2 webhook's Standard Webhooks signature with PortOne's server SDK
 * (never a hand-written HMAC), over the exact bytes received: a body parsed
 * and serialised again would not match. With two secrets (a rotation), either
 * may have signed it. Returns the parsed body.
 */
export async function verifyPortOneV2Webhook(
  secrets: readonly string[],
  rawBody: Buffer,
  headers: Record<string, string | string[] | undefined>,
  /** `form`: the 2024-01-01 body sent as application/x-www-form-urlencoded (a console setting). */
  format: 'json' | 'form' = 'json',
): Promise<unknown> {
  const payload = rawBody.toString('utf8');
  let refusal: PortOneV2SignatureError | null = null;
  for (const secret of secrets) {
    try {
      return await verify(secret, payload, headers);
    } catch (error) {
      // The SDK parses the body as JSON only once a signature matched: the message is PortOne's.
      if (error instanceof SyntaxError) {
        if (format === 'form') return formFields(payload);
        throw new PortOneV2SignatureError('NOT_JSON', 'the body is not JSON');
      }
      if (!(error instanceof WebhookVerificationError)) throw error;
      refusal ??= new PortOneV2SignatureError(
        error.reason,
        REASONS[error.reason] ?? error.reason,
      );
      // A timestamp or header problem is the same under every secret; a signature may match the next one.
      if (error.reason !== 'NO_MATCHING_SIGNATURE') throw refusal;
    }
  }
  throw (
    refusal ??
    new PortOneV2SignatureError('NO_SECRET', 'no webhook secret is configured')
  );
}

/** A signed form body's fields; a field given twice is refused rather than guessed at. */
function formFields(payload: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(payload)) {
    if (name in fields)
      throw new PortOneV2SignatureError(
        'NOT_FORM',
        `${name} was given more than once`,
      );
    fields[name] = value;
  }
  return fields;
}
