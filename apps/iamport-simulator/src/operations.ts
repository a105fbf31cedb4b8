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

export type ApiOperation = (typeof API_OPERATIONS)[number];
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
