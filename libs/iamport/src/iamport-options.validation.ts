import { isIP } from 'node:net';
import {
  IAMPORT_DEFAULTS,
  type IamportModuleOptions,
  type IamportResultPages,
  type ResolvedIamportOptions,
} from './iamport.options.js';
import { isHttpUrl, isNonEmptyString } from './option-checks.js';
import {
  checkPortOneV2Options,
  resolvePortOneV2Options,
} from './v2/portone-v2-options.validation.js';

/** Thrown at start-up, so that a missing key fails the boot and not the first payment. */
export class IamportConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid IamportModule options:\n  - ${problems.join('\n  - ')}`);
    this.name = 'IamportConfigurationError';
  }
}

export function resolveIamportOptions(
  options: IamportModuleOptions | undefined,
): ResolvedIamportOptions {
  const raw: Partial<IamportModuleOptions> = options ?? {};
  const problems: string[] = [];
  // V1 is on unless only V2 is configured (neither impKey nor impSecret given, and v2 given).
  const v1 =
    raw.v2 === undefined ||
    raw.impKey !== undefined ||
    raw.impSecret !== undefined;
  // The values themselves are never echoed: one of them is the secret.
  if (v1 && !isNonEmptyString(raw.impKey))
    problems.push(
      'impKey is required (the REST API key of the iamport console)',
    );
  if (v1 && !isNonEmptyString(raw.impSecret))
    problems.push('impSecret is required (the REST API secret)');
  if (raw.v2 !== undefined) checkPortOneV2Options(problems, raw.v2);
  if (
    !hasMethods(raw.orderRepository, [
      'findByMerchantUid',
      'findPaymentRecord',
      'commit',
    ])
  ) {
    problems.push(
      'orderRepository is required: an IamportOrderRepository (findByMerchantUid, findPaymentRecord, commit)',
    );
  }
  if (
    raw.paymentLedger !== undefined &&
    !hasMethods(raw.paymentLedger, [
      'findByImpUids',
      'findUnaccounted',
      'findFlagged',
    ])
  ) {
    problems.push(
      'paymentLedger must be an IamportPaymentLedger (findByImpUids, findUnaccounted, findFlagged)',
    );
  }
  if (
    raw.notificationLog !== undefined &&
    !hasMethods(raw.notificationLog, ['record'])
  ) {
    problems.push('notificationLog must be an IamportNotificationLog (record)');
  }
  if (
    raw.outbox !== undefined &&
    !hasMethods(raw.outbox, ['claimUndelivered', 'markDelivered'])
  ) {
    problems.push(
      'outbox must be an IamportOutbox (claimUndelivered, markDelivered)',
    );
  }
  if (
    raw.reconciliationRepository !== undefined &&
    !hasMethods(raw.reconciliationRepository, [
      'claimStaleOrders',
      'markReconciled',
      'markFailed',
      'findBackedOff',
      'releaseClaims',
    ])
  ) {
    problems.push(
      'reconciliationRepository must be an IamportReconciliationRepository (claimStaleOrders, markReconciled, markFailed, findBackedOff, releaseClaims)',
    );
  }
  checkInteger(
    problems,
    'outboxPollIntervalMs',
    raw.outboxPollIntervalMs,
    0,
    3_600_000,
  );
  checkInteger(
    problems,
    'outboxRedeliveryDelayMs',
    raw.outboxRedeliveryDelayMs,
    0,
    86_400_000,
  );
  if (raw.apiBaseUrl !== undefined && !isHttpUrl(raw.apiBaseUrl)) {
    problems.push(
      `apiBaseUrl must be an http(s) URL (got ${JSON.stringify(raw.apiBaseUrl)})`,
    );
  }
  checkInteger(problems, 'timeoutMs', raw.timeoutMs, 1, 120_000);
  checkInteger(
    problems,
    'redirectTimeBudgetMs',
    raw.redirectTimeBudgetMs,
    1,
    120_000,
  );
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
  for (const name of ['forgeryPolicy', 'unknownOrderPolicy'] as const) {
    const policy = raw[name];
    if (policy !== undefined && policy !== 'cancel' && policy !== 'flag') {
      problems.push(
        `${name} must be 'cancel' or 'flag' (got ${JSON.stringify(policy)})`,
      );
    }
  }
  if (raw.resultPages !== undefined)
    checkResultPages(problems, raw.resultPages);
  if (raw.webhookAllowList !== undefined)
    checkAllowList(problems, raw.webhookAllowList);
  if (raw.tierCode !== undefined && !isNonEmptyString(raw.tierCode))
    problems.push('tierCode must be a non-empty string');
  if (problems.length > 0) throw new IamportConfigurationError(problems);

  const valid = raw as IamportModuleOptions;
  return {
    ...IAMPORT_DEFAULTS,
    ...stripUndefined(valid),
    impKey: v1 ? valid.impKey! : '',
    impSecret: v1 ? valid.impSecret! : '',
    v1,
    v2: valid.v2 === undefined ? null : resolvePortOneV2Options(valid.v2),
    orderRepository: valid.orderRepository,
    apiBaseUrl: (valid.apiBaseUrl ?? IAMPORT_DEFAULTS.apiBaseUrl).replace(
      /\/+$/,
      '',
    ),
    webhookAllowList: valid.webhookAllowList
      ? new Set(valid.webhookAllowList)
      : null,
  };
}

function checkResultPages(problems: string[], pages: IamportResultPages): void {
  for (const key of ['success', 'pending', 'failure'] as const) {
    const page: unknown = pages?.[key];
    // Only these configured pages are ever redirect targets, so they are checked once, here.
    if (!(
      typeof page === 'string' &&
      (page.startsWith('/') ? !page.startsWith('//') : isHttpUrl(page))
    )) {
      problems.push(
        `resultPages.${key} must be an http(s) URL or a path starting with / (got ${JSON.stringify(page)})`,
      );
    }
  }
}

function checkAllowList(problems: string[], list: readonly string[]): void {
  if (!Array.isArray(list) || list.length === 0) {
    problems.push(
      'webhookAllowList must be a non-empty list of IP addresses (omit it to accept any source)',
    );
    return;
  }
  for (const address of list) {
    if (typeof address !== 'string' || isIP(address) === 0) {
      problems.push(
        `webhookAllowList: ${JSON.stringify(address)} is not an IP address`,
      );
    }
  }
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

function hasMethods(value: unknown, names: string[]): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    names.every((name) => typeof (value as any)[name] === 'function')
  );
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
