/** The iamport REST operations, named by the official schema's operationIds. */
export const API_OPERATIONS = [
  'getToken',
  'getPaymentByImpUid',
  'getPaymentListByImpUid',
  'getPaymentByMerchantUid',
  'getAllPaymentsByMerchantUid',
  'getPaymentsByStatus',
  'cancelPayment',
  'preparePayment',
  'editPreparePayment',
  'getPaymentPrepareByMerchantUid',
  'revokeVbank',
] as const;

/** The browser side (SDK script, payment window, receipts): our own names. */
export const BROWSER_OPERATIONS = [
  'sdkScript',
  'openPaymentWindow',
  'completePaymentWindow',
  'viewReceipt',
] as const;

/**
 * The PortOne V2 REST operations a fault can target (the V2 schema's
 * operationIds, prefixed so they never match a V1 name). `*` never matches
 * them: a V2 fault names its operation.
 */
export const V2_OPERATIONS = [
  'v2.getPayment',
  'v2.cancelPayment',
  'v2.preRegisterPayment',
  'v2.getPayments',
  'v2.getPaymentsByCursor',
] as const;

export type ApiOperation = (typeof API_OPERATIONS)[number];
export type V2Operation = (typeof V2_OPERATIONS)[number];
/** What a V2 fault can do: V1's envelope, token and payment faults have no V2 meaning. */
export const V2_FAULT_KINDS = [
  'latency',
  'http_error',
  'timeout',
  'reset',
  'malformed',
] as const;
export type BrowserOperation = (typeof BROWSER_OPERATIONS)[number];
export type Operation = ApiOperation | BrowserOperation;

/** The operations whose success answers carry payments (one, a list or a page of them). */
export const PAYMENT_OPERATIONS: readonly ApiOperation[] = [
  'getPaymentByImpUid',
  'getPaymentListByImpUid',
  'getPaymentByMerchantUid',
  'getAllPaymentsByMerchantUid',
  'getPaymentsByStatus',
  'cancelPayment',
  'revokeVbank',
];

export const isApiOperation = (name: unknown): name is ApiOperation =>
  (API_OPERATIONS as readonly unknown[]).includes(name);

export const isV2Operation = (name: unknown): name is V2Operation =>
  (V2_OPERATIONS as readonly unknown[]).includes(name);
