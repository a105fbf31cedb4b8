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

export const isApiOperation = (name: unknown): name is ApiOperation =>
  (API_OPERATIONS as readonly unknown[]).includes(name);
