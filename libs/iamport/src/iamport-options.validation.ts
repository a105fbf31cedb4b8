import {
  IAMPORT_DEFAULTS,
  type IamportModuleOptions,
  type ResolvedIamportOptions,
} from './iamport.options.js';

/** Thrown at start-up, so that a missing key fails the boot and not the first payment. */
export class IamportConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid IamportModule options:\n  - ${problems.join('\n  - ')}`);
    this.name = 'IamportConfigurationError';
  }
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

function checkInteger(
  problems: string[],
  name: string,
  value: unknown,
  min: number,
  max: number,
): void {
  if (value === undefined) return;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < min ||
    value > max
  ) {
    problems.push(
      `${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(value)})`,
    );
  }
}

export function resolveIamportOptions(
  options: IamportModuleOptions | undefined,
): ResolvedIamportOptions {
  const raw: Partial<IamportModuleOptions> = options ?? {};
  const problems: string[] = [];
  // The values themselves are never echoed: one of them is the secret.
  if (!isNonEmptyString(raw.impKey))
    problems.push(
      'impKey is required (the REST API key of the iamport console)',
    );
  if (!isNonEmptyString(raw.impSecret))
    problems.push('impSecret is required (the REST API secret)');
  if (raw.apiBaseUrl !== undefined && !isHttpUrl(raw.apiBaseUrl)) {
    problems.push(
      `apiBaseUrl must be an http(s) URL (got ${JSON.stringify(raw.apiBaseUrl)})`,
    );
  }
  checkInteger(problems, 'timeoutMs', raw.timeoutMs, 1, 120_000);
  checkInteger(problems, 'maxRetries', raw.maxRetries, 0, 10);
  checkInteger(problems, 'retryBaseDelayMs', raw.retryBaseDelayMs, 0, 60_000);
  checkInteger(problems, 'retryMaxDelayMs', raw.retryMaxDelayMs, 0, 600_000);
  checkInteger(
    problems,
    'tokenRefreshMarginMs',
    raw.tokenRefreshMarginMs,
    0,
    1_800_000,
  );
  if (
    raw.includeSandbox !== undefined &&
    typeof raw.includeSandbox !== 'boolean'
  ) {
    problems.push('includeSandbox must be a boolean');
  }
  if (raw.tierCode !== undefined && !isNonEmptyString(raw.tierCode))
    problems.push('tierCode must be a non-empty string');
  if (problems.length > 0) throw new IamportConfigurationError(problems);

  return {
    ...IAMPORT_DEFAULTS,
    ...stripUndefined(raw),
    impKey: raw.impKey!,
    impSecret: raw.impSecret!,
    apiBaseUrl: (raw.apiBaseUrl ?? IAMPORT_DEFAULTS.apiBaseUrl).replace(
      /\/+$/,
      '',
    ),
  };
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
