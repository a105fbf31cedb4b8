import type {
  PortOneV2Options,
  ResolvedPortOneV2Options,
} from './portone-v2.options.js';
import { PORTONE_V2_DEFAULTS } from './portone-v2.options.js';
import { isHttpUrl, isNonEmptyString } from '../option-checks.js';

// Standard Webhooks secrets are base64 after an optional `whsec_` prefix; the signature check decodes them.
const WEBHOOK_SECRET = /^(whsec_)?[A-Za-z0-9+/]{16,}={0,2}$/;

/** Adds what is wrong with the `v2` options to `problems` (never a value: two of them are secrets). */
export function checkPortOneV2Options(
  problems: string[],
  raw: Partial<PortOneV2Options> | null,
): void {
  if (typeof raw !== 'object' || raw === null) {
    problems.push(
      'v2 must be an object ({ apiSecret, storeId, webhookSecret })',
    );
    return;
  }
  if (!isNonEmptyString(raw.apiSecret))
    problems.push(
      'v2.apiSecret is required (the V2 API secret of the PortOne console)',
    );
  if (!isNonEmptyString(raw.storeId))
    problems.push(
      'v2.storeId is required (store-…, shown in the PortOne console)',
    );
  const secrets = secretsOf(raw.webhookSecret);
  if (secrets === null || secrets.length === 0 || secrets.length > 2)
    problems.push(
      'v2.webhookSecret is required: the console webhook secret, or two of them during a rotation',
    );
  else if (!secrets.every((secret) => WEBHOOK_SECRET.test(secret.trim())))
    problems.push(
      'v2.webhookSecret must be the console secret as issued: whsec_ followed by base64, or the base64 alone',
    );
  if (raw.apiBaseUrl !== undefined && !isHttpUrl(raw.apiBaseUrl))
    problems.push(
      `v2.apiBaseUrl must be an http(s) URL (got ${JSON.stringify(raw.apiBaseUrl)})`,
    );
  if (
    raw.allowTestChannel !== undefined &&
    typeof raw.allowTestChannel !== 'boolean'
  )
    problems.push('v2.allowTestChannel must be a boolean');
}

/** The options once `checkPortOneV2Options` found nothing wrong. */
export function resolvePortOneV2Options(
  valid: PortOneV2Options,
): ResolvedPortOneV2Options {
  return {
    apiSecret: valid.apiSecret,
    storeId: valid.storeId.trim(),
    webhookSecrets: (secretsOf(valid.webhookSecret) ?? []).map((secret) =>
      secret.trim(),
    ),
    apiBaseUrl: (valid.apiBaseUrl ?? PORTONE_V2_DEFAULTS.apiBaseUrl).replace(
      /\/+$/,
      '',
    ),
    allowTestChannel:
      valid.allowTestChannel ?? PORTONE_V2_DEFAULTS.allowTestChannel,
  };
}

function secretsOf(value: unknown): string[] | null {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) return null;
  return list.every(isNonEmptyString) ? (list as string[]) : null;
}
