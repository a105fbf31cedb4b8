import {
  V2_CONFIG_CHECKS,
  V2_CONFIG_KEYS,
  V2_DEFAULT_CONFIG,
  type V2Config,
} from './v2/config.js';

export type WebhookFormat = 'json' | 'form';
export type RedirectFlag = 'imp_success' | 'success' | 'none';
/**
 * How a revoked (never deposited) virtual account reports `cancel_amount`: undocumented by iamport.
 * `zero`: nothing was paid, so nothing was cancelled; `amount`: the whole amount reads cancelled.
 */
export type VbankRevokeCancelAmount = 'zero' | 'amount';

/** V1 settings, then PortOne V2's (`v2*`, see v2/config.ts). */
export interface SimulatorConfig extends V2Config {
  host: string;
  /**
   * How browsers reach the simulator when that is not `http://host:port`
   * (listening on 0.0.0.0 for a phone on the same network, or behind a
   * tunnel): receipt URLs use it. Read at start-up. null: the listening URL.
   */
  publicUrl: string | null;
  /** 0 = a random free port. */
  port: number;
  impKey: string;
  impSecret: string;
  /** Where webhooks go; a payment's notice_url overrides it. */
  webhookUrl: string | null;
  webhookFormat: WebhookFormat;
  /** iamport sends once by default; on request it retries up to 5 times after a network error or 5xx. */
  webhookRetries: number;
  webhookRetryDelayMs: number;
  webhookTimeoutMs: number;
  /** Which flag the redirect carries: PG flavours differ, newer SDKs send none. */
  redirectFlag: RedirectFlag;
  /** Added to every iamport API answer. */
  latencyMs: number;
  tokenTtlSeconds: number;
  tokenExtendWindowSeconds: number;
  tokenExtendSeconds: number;
  /** The API's clock = real clock + offset, to prove clients never compare clocks. */
  clockOffsetSeconds: number;
  /** `cancel_amount` of a revoked virtual account (DELETE /vbanks/{imp_uid}): 0 or the amount. */
  vbankRevokeCancelAmount: VbankRevokeCancelAmount;
}

export const DEFAULT_CONFIG: Readonly<SimulatorConfig> = Object.freeze({
  host: '127.0.0.1',
  publicUrl: null,
  port: 0,
  impKey: 'imp_key_test',
  impSecret: 'imp_secret_test',
  webhookUrl: null,
  webhookFormat: 'json',
  webhookRetries: 0,
  webhookRetryDelayMs: 60_000,
  webhookTimeoutMs: 30_000,
  redirectFlag: 'imp_success',
  latencyMs: 0,
  tokenTtlSeconds: 1800,
  tokenExtendWindowSeconds: 60,
  tokenExtendSeconds: 300,
  clockOffsetSeconds: 0,
  vbankRevokeCancelAmount: 'zero',
  ...V2_DEFAULT_CONFIG,
});

/** The V1 keys: what /_sim/config shows and patches. */
export type V1ConfigKey = Exclude<keyof SimulatorConfig, keyof V2Config>;

type Check = (value: unknown) => string | null;

const integer =
  (min: number, max = Number.MAX_SAFE_INTEGER): Check =>
  (value) =>
    Number.isInteger(value) &&
    (value as number) >= min &&
    (value as number) <= max
      ? null
      : `expected an integer from ${min} to ${max}`;

const nonEmptyString: Check = (value) =>
  typeof value === 'string' && value.length > 0
    ? null
    : 'expected a non-empty string';

const oneOf =
  (...allowed: string[]): Check =>
  (value) =>
    allowed.includes(value as string)
      ? null
      : `expected one of ${allowed.join(', ')}`;

export const isHttpUrl = (value: unknown): boolean => {
  if (typeof value !== 'string' || !URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'http:' || protocol === 'https:';
};

const CHECKS: Record<V1ConfigKey, Check> = {
  host: nonEmptyString,
  publicUrl: (value) =>
    value === null || isHttpUrl(value)
      ? null
      : 'expected null or an absolute http(s) URL',
  port: integer(0, 65535),
  impKey: nonEmptyString,
  impSecret: nonEmptyString,
  webhookUrl: (value) =>
    value === null || isHttpUrl(value)
      ? null
      : 'expected null or an absolute http(s) URL',
  webhookFormat: oneOf('json', 'form'),
  webhookRetries: integer(0, 5),
  webhookRetryDelayMs: integer(0),
  webhookTimeoutMs: integer(1),
  redirectFlag: oneOf('imp_success', 'success', 'none'),
  latencyMs: integer(0, 600_000),
  tokenTtlSeconds: integer(1),
  tokenExtendWindowSeconds: integer(0),
  tokenExtendSeconds: integer(0),
  clockOffsetSeconds: integer(Number.MIN_SAFE_INTEGER),
  vbankRevokeCancelAmount: oneOf('zero', 'amount'),
};

export const CONFIG_KEYS = Object.keys(CHECKS) as V1ConfigKey[];

/** Why `value` is not acceptable for `key`, or null when it is. */
export function configValueProblem(
  key: keyof SimulatorConfig,
  value: unknown,
): string | null {
  return key in CHECKS
    ? CHECKS[key as V1ConfigKey](value)
    : V2_CONFIG_CHECKS[key as keyof V2Config](value);
}

/** Defaults + options, validated; throws with every problem listed. */
export function resolveConfig(
  options: Partial<SimulatorConfig> = {},
): SimulatorConfig {
  const config: SimulatorConfig = { ...DEFAULT_CONFIG };
  const problems: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (
      !CONFIG_KEYS.includes(key as V1ConfigKey) &&
      !V2_CONFIG_KEYS.includes(key as keyof V2Config)
    ) {
      problems.push(`${key}: unknown option`);
      continue;
    }
    const problem = configValueProblem(key as keyof SimulatorConfig, value);
    if (problem)
      problems.push(`${key}: ${problem}, got ${JSON.stringify(value)}`);
    else Object.assign(config, { [key]: value });
  }
  if (problems.length > 0) {
    throw new Error(`Invalid iamport simulator config: ${problems.join('; ')}`);
  }
  return config;
}
