import type {
  PortOneV2Cancellation,
  PortOneV2Payment,
  PortOneV2PaymentPage,
  PortOneV2PaymentStatus,
  PortOneV2UnrecognizedPayment,
} from './portone-v2.types.js';

const KNOWN_STATUSES: ReadonlySet<string> = new Set<PortOneV2PaymentStatus>([
  'READY',
  'PAY_PENDING',
  'VIRTUAL_ACCOUNT_ISSUED',
  'PAID',
  'FAILED',
  'PARTIAL_CANCELLED',
  'CANCELLED',
]);

// PaymentAmount: every one of these is required by the schema, and refunds
// are computed from them; an answer without one is not a payment to act on.
const AMOUNTS = [
  'total',
  'taxFree',
  'discount',
  'paid',
  'cancelled',
  'cancelledTaxFree',
] as const;

// Fields read when present; of another type they would be misread, not ignored.
const OPTIONAL_STRINGS = [
  'customData',
  'paidAt',
  'failedAt',
  'cancelledAt',
  'requestedAt',
  'updatedAt',
  'statusChangedAt',
  'orderName',
  'storeId',
  'version',
] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isMoney(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isOptional(
  value: unknown,
  check: (value: unknown) => boolean,
): boolean {
  return value === undefined || check(value);
}

const isString = (value: unknown): value is string => typeof value === 'string';

/**
 * What the module decides on must be there and of the right type: `id`,
 * `transactionId`, `status`, `amount` and `currency`; fields it reads when
 * present must have their type. Unknown fields are ignored, and an unknown
 * `status` is kept as it came (V2 may add enum values).
 */
export function isPortOneV2Payment(value: unknown): value is PortOneV2Payment {
  if (!isRecord(value)) return false;
  if (!isString(value.id) || value.id === '') return false;
  if (!isString(value.transactionId)) return false;
  if (!isString(value.status) || value.status === '') return false;
  if (!isString(value.currency) || value.currency === '') return false;
  const amount = value.amount;
  if (!isRecord(amount) || !AMOUNTS.every((name) => isMoney(amount[name])))
    return false;
  if (!isOptional(amount.vat, isMoney) || !isOptional(amount.supply, isMoney))
    return false;
  if (!OPTIONAL_STRINGS.every((name) => isOptional(value[name], isString)))
    return false;
  return (
    isOptional(
      value.channel,
      (channel) => isRecord(channel) && isString(channel.type),
    ) &&
    isOptional(
      value.method,
      (method) => isRecord(method) && isString(method.type),
    ) &&
    isOptional(value.failure, isRecord) &&
    isOptional(
      value.cancellations,
      (list) => Array.isArray(list) && list.every(isPortOneV2Cancellation),
    )
  );
}

export function isPortOneV2Cancellation(
  value: unknown,
): value is PortOneV2Cancellation {
  return (
    isRecord(value) &&
    isString(value.status) &&
    isString(value.id) &&
    isMoney(value.totalAmount) &&
    isOptional(value.taxFreeAmount, isMoney) &&
    isOptional(value.vatAmount, isMoney)
  );
}

export function isPortOneV2PaymentPage(
  value: unknown,
): value is PortOneV2PaymentPage {
  return (
    isRecord(value) &&
    Array.isArray(value.items) &&
    value.items.every(isPortOneV2Payment) &&
    isRecord(value.page) &&
    Number.isSafeInteger(value.page.number) &&
    Number.isSafeInteger(value.page.size) &&
    Number.isSafeInteger(value.page.totalCount)
  );
}

/** A payment whose status this library does not know: it must never count as paid. */
export function isUnrecognizedPortOneV2Payment(
  payment: PortOneV2Payment,
): payment is PortOneV2UnrecognizedPayment {
  return !KNOWN_STATUSES.has(payment.status as string);
}
