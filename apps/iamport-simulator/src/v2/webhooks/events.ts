import type { V2PaymentStatus } from '../payment.js';

/** The 2024-04-25 `type`s the simulator emits for payment transactions. */
export const TRANSACTION_EVENTS = [
  'Transaction.Ready',
  'Transaction.PayPending',
  'Transaction.VirtualAccountIssued',
  'Transaction.Paid',
  'Transaction.Failed',
  'Transaction.PartialCancelled',
  'Transaction.Cancelled',
] as const;

export type TransactionEvent = (typeof TRANSACTION_EVENTS)[number];

/** What a receiver must ignore without error (the 2024-04-25 contract). */
export const UNKNOWN_EVENT = 'Transaction.SimulatorUnknownEvent';

export const BODY_VERSIONS = ['2024-04-25', '2024-01-01'] as const;
export type BodyVersion = (typeof BODY_VERSIONS)[number];

const EVENT_FOR_STATUS: Record<V2PaymentStatus, TransactionEvent> = {
  READY: 'Transaction.Ready',
  PAY_PENDING: 'Transaction.PayPending',
  VIRTUAL_ACCOUNT_ISSUED: 'Transaction.VirtualAccountIssued',
  PAID: 'Transaction.Paid',
  FAILED: 'Transaction.Failed',
  PARTIAL_CANCELLED: 'Transaction.PartialCancelled',
  CANCELLED: 'Transaction.Cancelled',
};

export const eventForStatus = (status: V2PaymentStatus): TransactionEvent =>
  EVENT_FOR_STATUS[status];

const STATUS_FOR_EVENT = new Map<string, V2PaymentStatus>(
  Object.entries(EVENT_FOR_STATUS).map(([status, event]) => [
    event,
    status as V2PaymentStatus,
  ]),
);

/** The payment status an event announces, for PaymentWebhook.paymentStatus. */
export const statusForEvent = (type: string): V2PaymentStatus | undefined =>
  STATUS_FOR_EVENT.get(type);
