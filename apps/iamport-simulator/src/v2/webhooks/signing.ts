import { createHmac } from 'node:crypto';

/** The HMAC key of a Standard Webhooks secret: base64 after the optional `whsec_`. */
export const webhookKey = (secret: string): Buffer =>
  Buffer.from(secret.replace(/^whsec_/, ''), 'base64');

/** `v1,<base64 HMAC-SHA256>` over `${id}.${timestamp}.${body}`, body as the exact bytes sent. */
export function signWebhook(
  secret: string,
  webhookId: string,
  timestampSeconds: number,
  body: string,
): string {
  const digest = createHmac('sha256', webhookKey(secret))
    .update(`${webhookId}.${timestampSeconds}.${body}`)
    .digest('base64');
  return `v1,${digest}`;
}
