import { PAYMENT_ID_PATTERN } from './portone-v2-complete-query.dto.js';

/** What a signed V2 webhook names; nothing in it is believed beyond which payment to fetch. */
export interface PortOneV2WebhookNotice {
  /** `Transaction.Paid`, …: a hint, never a decision. */
  type: string;
  /** Null for events about no payment (billing keys, types added later). */
  paymentId: string | null;
  transactionId: string | null;
  cancellationId: string | null;
}

/**
 * Reads the 2024-04-25 body `{type, timestamp, data: {paymentId, storeId,
 * transactionId, cancellationId?}}`, and the original 2024-01-01 one
 * `{payment_id, tx_id, status}` (both are signed; the version is a console
 * setting). Unknown fields and types are ignored, as PortOne asks. Returns a
 * reason when the body is neither.
 */
export function readPortOneV2Webhook(
  body: unknown,
): PortOneV2WebhookNotice | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return 'the body must be a JSON object';
  const fields = body as Record<string, unknown>;
  if (typeof fields.type === 'string') {
    const data = fields.data;
    if (data !== undefined && (typeof data !== 'object' || data === null))
      return 'data must be an object';
    const named = (data ?? {}) as Record<string, unknown>;
    return notice(
      fields.type,
      named.paymentId,
      named.transactionId,
      named.cancellationId,
    );
  }
  if (typeof fields.status === 'string' && fields.payment_id !== undefined)
    return notice(
      `Transaction.${fields.status}`,
      fields.payment_id,
      fields.tx_id,
      undefined,
    );
  return 'the body is not a PortOne V2 webhook (no type)';
}

function notice(
  type: string,
  paymentId: unknown,
  transactionId: unknown,
  cancellationId: unknown,
): PortOneV2WebhookNotice | string {
  if (paymentId !== undefined && paymentId !== null) {
    if (typeof paymentId !== 'string' || !PAYMENT_ID_PATTERN.test(paymentId))
      return 'data.paymentId must be 1 to 200 visible ASCII characters';
  }
  return {
    type: type.slice(0, 100),
    paymentId: typeof paymentId === 'string' ? paymentId : null,
    transactionId: shortText(transactionId),
    cancellationId: shortText(cancellationId),
  };
}

function shortText(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= 200
    ? value
    : null;
}
