export type V2ChannelType = 'LIVE' | 'TEST';

/** PortOne V2 settings, kept apart from V1's so that /_sim/config shows V1 only. */
export interface V2Config {
  /** What `Authorization: PortOne <secret>` and POST /v2/login/api-secret accept. */
  v2ApiSecret: string;
  v2StoreId: string;
  v2ChannelKey: string;
  /** `channel.type` of payments made in the window; TEST is what a test channel key gives. */
  v2ChannelType: V2ChannelType;
  /** Standard Webhooks secret: `whsec_` + base64 of the HMAC key. */
  v2WebhookSecret: string;
  /** The console's webhook URL; a payment's noticeUrls replace it. */
  v2WebhookUrl: string | null;
  /** Retries after the first attempt (PortOne: 5). */
  v2WebhookRetries: number;
  /** One "minute" of the 1/4/16/64/256-minute retry schedule; tests make it tiny. */
  v2WebhookRetryUnitMs: number;
  /** PortOne gives up reading after 30 s. */
  v2WebhookTimeoutMs: number;
}

export const V2_DEFAULT_CONFIG: Readonly<V2Config> = Object.freeze({
  v2ApiSecret: 'portone_v2_secret_test',
  v2StoreId: 'store-00000000-0000-4000-8000-000000000001',
  v2ChannelKey: 'channel-key-00000000-0000-4000-8000-000000000001',
  v2ChannelType: 'LIVE',
  // base64 of the 32 bytes 'iamport-simulator-v2-webhook-key'.
  v2WebhookSecret: 'whsec_aWFtcG9ydC1zaW11bGF0b3ItdjItd2ViaG9vay1rZXk=',
  v2WebhookUrl: null,
  v2WebhookRetries: 5,
  v2WebhookRetryUnitMs: 60_000,
  v2WebhookTimeoutMs: 30_000,
});

type Check = (value: unknown) => string | null;

const text: Check = (value) =>
  typeof value === 'string' && value.length > 0
    ? null
    : 'expected a non-empty string';

const integer =
  (min: number, max: number): Check =>
  (value) =>
    Number.isInteger(value) &&
    (value as number) >= min &&
    (value as number) <= max
      ? null
      : `expected an integer from ${min} to ${max}`;

const httpUrlOrNull: Check = (value) => {
  if (value === null) return null;
  if (typeof value === 'string' && URL.canParse(value)) {
    const { protocol } = new URL(value);
    if (protocol === 'http:' || protocol === 'https:') return null;
  }
  return 'expected null or an absolute http(s) URL';
};

const webhookSecret: Check = (value) =>
  typeof value === 'string' &&
  /^(whsec_)?[A-Za-z0-9+/]+={0,2}$/.test(value) &&
  Buffer.from(value.replace(/^whsec_/, ''), 'base64').length > 0
    ? null
    : 'expected whsec_ followed by base64';

export const V2_CONFIG_CHECKS: Record<keyof V2Config, Check> = {
  v2ApiSecret: text,
  v2StoreId: text,
  v2ChannelKey: text,
  v2ChannelType: (value) =>
    value === 'LIVE' || value === 'TEST' ? null : 'expected LIVE or TEST',
  v2WebhookSecret: webhookSecret,
  v2WebhookUrl: httpUrlOrNull,
  v2WebhookRetries: integer(0, 5),
  v2WebhookRetryUnitMs: integer(0, 3_600_000),
  v2WebhookTimeoutMs: integer(1, 600_000),
};

export const V2_CONFIG_KEYS = Object.keys(
  V2_CONFIG_CHECKS,
) as (keyof V2Config)[];
