/**
 * Shapes of the PortOne V2 REST API that the module reads, from the official
 * schema (`Payment`, `PaymentAmount`, `SelectedChannel`, `PaymentMethod`,
 * `PaymentCancellation`, `GetPaymentsBody`, …). Only the fields the module
 * needs are typed; the answers carry more, and those are left as they came.
 *
 * Money is an integer in the currency's minor unit (KRW ×1, USD ×100).
 * Timestamps are RFC 3339 strings, with up to nine fractional digits.
 */

declare const UNRECOGNIZED: unique symbol;

/**
 * An enum value this library does not know. V2 promises that new enum values
 * and oneOf cases may appear at any time ("새로운 필드 또는 enum 값, oneOf
 * 케이스가 추가될 수 있습니다"), so every discriminated union has this case.
 * At run time it is the string PortOne sent (read it with `String(value)`);
 * it is typed apart from `string` so that `switch (payment.status)` still
 * narrows to the known variants.
 */
export type PortOneV2Unrecognized = typeof UNRECOGNIZED;

export type PortOneV2PaymentStatus =
  | 'READY'
  | 'PAY_PENDING'
  | 'VIRTUAL_ACCOUNT_ISSUED'
  | 'PAID'
  | 'FAILED'
  | 'PARTIAL_CANCELLED'
  | 'CANCELLED';

export interface PortOneV2PaymentAmount {
  total: number;
  taxFree: number;
  /** Card discounts, PortOne promotions, easy-pay points and coupons. */
  discount: number;
  /** What the customer actually paid. */
  paid: number;
  cancelled: number;
  cancelledTaxFree: number;
  vat?: number;
  supply?: number;
}

export interface PortOneV2Channel {
  /** A payment through a `TEST` channel must never fulfil an order in production. */
  type: 'LIVE' | 'TEST' | (string & {});
  id?: string;
  key?: string;
  name?: string;
  pgProvider: string;
  pgMerchantId?: string;
}

export interface PaymentMethodVirtualAccount {
  type: 'PaymentMethodVirtualAccount';
  /** A standard bank code, e.g. `KOOKMIN`. */
  bank?: string;
  accountNumber: string;
  accountType?: string;
  remitteeName?: string;
  remitterName?: string;
  expiredAt?: string;
  issuedAt?: string;
  refundStatus?: string;
}

/** The other methods of the schema; their details are not read by the module. */
export interface PortOneV2OtherPaymentMethod {
  type:
    | 'PaymentMethodCard'
    | 'PaymentMethodConvenienceStore'
    | 'PaymentMethodCrypto'
    | 'PaymentMethodEasyPay'
    | 'PaymentMethodGiftCertificate'
    | 'PaymentMethodMobile'
    | 'PaymentMethodTransfer';
}

export interface PortOneV2UnrecognizedPaymentMethod {
  type: PortOneV2Unrecognized;
}

export type PortOneV2PaymentMethod =
  | PaymentMethodVirtualAccount
  | PortOneV2OtherPaymentMethod
  | PortOneV2UnrecognizedPaymentMethod;

export interface PortOneV2PaymentFailure {
  reason?: string;
  pgCode?: string;
  pgMessage?: string;
}

export type PortOneV2CancellationStatus =
  'REQUESTED' | 'FAILED' | 'SUCCEEDED' | (string & {});

/** One cancellation (`PaymentCancellation`): `REQUESTED` for a PG that cancels asynchronously. */
export interface PortOneV2Cancellation {
  status: PortOneV2CancellationStatus;
  id: string;
  pgCancellationId?: string;
  totalAmount: number;
  taxFreeAmount: number;
  vatAmount: number;
  easyPayDiscountAmount?: number;
  reason: string;
  cancelledAt?: string;
  requestedAt: string;
  receiptUrl?: string;
  trigger?: string;
}

interface PortOneV2PaymentCommon {
  /** The merchant's paymentId (not the transactionId). */
  id: string;
  /** One attempt of the payment; for a V1 payment, its imp_uid. */
  transactionId: string;
  merchantId?: string;
  storeId: string;
  version: 'V1' | 'V2' | (string & {});
  channel?: PortOneV2Channel;
  method?: PortOneV2PaymentMethod;
  requestedAt: string;
  updatedAt: string;
  statusChangedAt: string;
  orderName: string;
  amount: PortOneV2PaymentAmount;
  currency: string;
  /** What the browser sent as an object comes back as a JSON string. */
  customData?: string;
  paidAt?: string;
  failedAt?: string;
  failure?: PortOneV2PaymentFailure;
  cancelledAt?: string;
  cancellations?: PortOneV2Cancellation[];
}

export interface PortOneV2ReadyPayment extends PortOneV2PaymentCommon {
  status: 'READY';
}

export interface PortOneV2PayPendingPayment extends PortOneV2PaymentCommon {
  status: 'PAY_PENDING';
  channel: PortOneV2Channel;
}

export interface PortOneV2VirtualAccountIssuedPayment extends PortOneV2PaymentCommon {
  status: 'VIRTUAL_ACCOUNT_ISSUED';
  channel: PortOneV2Channel;
}

export interface PortOneV2PaidPayment extends PortOneV2PaymentCommon {
  status: 'PAID';
  channel: PortOneV2Channel;
  paidAt: string;
}

export interface PortOneV2FailedPayment extends PortOneV2PaymentCommon {
  status: 'FAILED';
  failedAt: string;
  failure: PortOneV2PaymentFailure;
}

export interface PortOneV2PartialCancelledPayment extends PortOneV2PaymentCommon {
  status: 'PARTIAL_CANCELLED';
  channel: PortOneV2Channel;
  cancelledAt: string;
  cancellations: PortOneV2Cancellation[];
}

export interface PortOneV2CancelledPayment extends PortOneV2PaymentCommon {
  status: 'CANCELLED';
  channel: PortOneV2Channel;
  cancelledAt: string;
  cancellations: PortOneV2Cancellation[];
}

/** A payment in a status this library does not know; it never counts as paid. */
export interface PortOneV2UnrecognizedPayment extends PortOneV2PaymentCommon {
  status: PortOneV2Unrecognized;
}

export type PortOneV2Payment =
  | PortOneV2ReadyPayment
  | PortOneV2PayPendingPayment
  | PortOneV2VirtualAccountIssuedPayment
  | PortOneV2PaidPayment
  | PortOneV2FailedPayment
  | PortOneV2PartialCancelledPayment
  | PortOneV2CancelledPayment
  | PortOneV2UnrecognizedPayment;

/**
 * The statuses `GET /payments` filters on (`PaymentStatus`). Not the same
 * enum as a payment's: the filter says `PENDING` where a payment says `PAY_PENDING`.
 */
export type PortOneV2PaymentFilterStatus =
  | 'READY'
  | 'PENDING'
  | 'VIRTUAL_ACCOUNT_ISSUED'
  | 'PAID'
  | 'FAILED'
  | 'PARTIAL_CANCELLED'
  | 'CANCELLED';

export interface PortOneV2PageInfo {
  /** From 0. */
  number: number;
  size: number;
  /** The number of items in this page, not a grand total (`PageInfo.totalCount`). */
  totalCount: number;
}

export interface PortOneV2PaymentPage {
  items: PortOneV2Payment[];
  page: PortOneV2PageInfo;
}
