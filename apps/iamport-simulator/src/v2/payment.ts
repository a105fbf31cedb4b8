import type { V2ChannelType } from './config.js';

/** `Payment.status`, the discriminator of the OAS Payment oneOf. */
export const V2_PAYMENT_STATUSES = [
  'READY',
  'PAY_PENDING',
  'VIRTUAL_ACCOUNT_ISSUED',
  'PAID',
  'FAILED',
  'PARTIAL_CANCELLED',
  'CANCELLED',
] as const;

export type V2PaymentStatus = (typeof V2_PAYMENT_STATUSES)[number];

export const isV2PaymentStatus = (value: unknown): value is V2PaymentStatus =>
  (V2_PAYMENT_STATUSES as readonly unknown[]).includes(value);

/** Statuses reached through a payment: only one attempt per paymentId may get there. */
export const PAID_STATUSES: readonly V2PaymentStatus[] = [
  'PAID',
  'PARTIAL_CANCELLED',
  'CANCELLED',
];

export interface V2VirtualAccount {
  bank: string;
  accountNumber: string;
  remitteeName: string;
  remitterName: string | null;
  issuedAt: number;
  expiredAt: number;
}

export interface V2Cancellation {
  id: string;
  pgCancellationId: string;
  totalAmount: number;
  taxFreeAmount: number;
  vatAmount: number;
  reason: string;
  requestedAt: number;
  cancelledAt: number;
  trigger: 'API' | 'CONSOLE';
}

export interface V2Failure {
  reason: string;
  pgCode: string;
  pgMessage: string;
}

export interface V2Customer {
  id?: string;
  name?: string;
  email?: string;
  phoneNumber?: string;
}

export interface V2Origin {
  platformType: 'PC' | 'MOBILE' | 'API';
  ipAddress: string;
  userAgent?: string;
  url?: string;
}

/** `Payment.webhooks[]` (PaymentWebhook), one per webhook-id. */
export interface V2PaymentWebhook {
  id: string;
  url: string;
  paymentStatus: V2PaymentStatus;
  status?: 'SUCCEEDED' | 'FAILED_NOT_OK_RESPONSE' | 'FAILED_UNEXPECTED_ERROR';
  isAsync: boolean;
  currentExecutionCount: number;
  maxExecutionCount: number;
  trigger?: 'MANUAL' | 'VIRTUAL_ACCOUNT_DEPOSIT';
  request?: { header: string; body: string; requestedAt: string };
  response?: {
    code: string;
    header: string;
    body: string;
    respondedAt: string;
  };
  triggeredAt: string;
}

/**
 * One attempt (transaction) of a paymentId, in the simulator's terms; `renderPayment` gives the
 * OAS `Payment`. Times are milliseconds on the API's clock.
 */
export interface V2Attempt {
  paymentId: string;
  transactionId: string;
  storeId: string;
  status: V2PaymentStatus;
  orderName: string;
  currency: string;
  totalAmount: number;
  taxFreeAmount: number;
  channelType: V2ChannelType;
  channelKey: string;
  method: 'CARD' | 'VIRTUAL_ACCOUNT' | null;
  virtualAccount: V2VirtualAccount | null;
  approvalNumber: string | null;
  pgTxId: string | null;
  customer: V2Customer;
  customData: string | null;
  origin: V2Origin;
  noticeUrls: string[];
  requestedAt: number;
  updatedAt: number;
  statusChangedAt: number;
  paidAt: number | null;
  failedAt: number | null;
  failure: V2Failure | null;
  cancellations: V2Cancellation[];
  webhooks: V2PaymentWebhook[];
  /** Creation order, for sorting and the cursor. */
  seq: number;
}

export const cancelledAmount = (attempt: V2Attempt): number =>
  attempt.cancellations.reduce((sum, c) => sum + c.totalAmount, 0);

export const cancelledTaxFree = (attempt: V2Attempt): number =>
  attempt.cancellations.reduce((sum, c) => sum + c.taxFreeAmount, 0);

export const cancellableAmount = (attempt: V2Attempt): number =>
  attempt.totalAmount - cancelledAmount(attempt);

/** VAT is 1/11 of the taxable amount when the merchant does not say (PortOne's default). */
export const vatOf = (amount: number, taxFree: number): number =>
  Math.round((amount - taxFree) / 11);
