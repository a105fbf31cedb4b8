import type { TargetStatus } from '../ports/order-status.js';
import type {
  IamportOrder,
  OrderTransition,
} from '../ports/order.repository.js';
import type { Payment as IamportPayment } from '../client/iamport.types.js';
import { fromIamport } from '../verification/iamport-payment.adapter.js';
import type {
  PaymentApi,
  PortOnePayment,
} from '../verification/portone-payment.js';
import type { VerificationSource } from '../verification/verification-request.js';

/** What a committed transition tells the application. */
export type IamportEventType =
  'paid' | 'vbank_issued' | 'failed' | 'cancelled' | 'forgery';

/**
 * Delivered after its transition was committed: once, or, with an outbox,
 * at least once (a redelivery after a crash carries the same `id`).
 */
export interface IamportPaymentEvent {
  /** Unique per transition. */
  id: string;
  /**
   * The PortOne API the payment was made through. For `v2`, `impUid` is V2's
   * `transactionId` and `merchantUid` its `paymentId`.
   */
  api: PaymentApi;
  type: IamportEventType;
  merchantUid: string;
  impUid: string;
  /** The order after the transition. */
  order: IamportOrder;
  /**
   * The payment as PortOne answered it (after the refund, for a refunded
   * forgery), in API-neutral terms; `payment.raw` is the API's own answer
   * (V1's `Payment` or V2's `PortOneV2Payment`, by `payment.api`).
   */
  payment: PortOnePayment;
  transition: OrderTransition;
  /** What led to the verification. */
  source: VerificationSource;
}

export function eventTypeOf(status: TargetStatus): IamportEventType {
  switch (status) {
    case 'paid':
    case 'vbank_issued':
    case 'failed':
      return status;
    case 'cancelled':
    case 'partially_cancelled':
      return 'cancelled';
    case 'forgery_cancelled':
    case 'forgery_flagged':
      return 'forgery';
  }
}

/** The event as the outbox stores it. */
export function serializeEvent(event: IamportPaymentEvent): string {
  return JSON.stringify(event);
}

/** Reads a stored event back, with its dates as dates again. */
export function deserializeEvent(payload: string): IamportPaymentEvent {
  const event = JSON.parse(payload) as IamportPaymentEvent;
  // Events stored before V2 existed carry no api: they are all V1's.
  event.api ??= 'v1';
  event.payment = paymentOf(event.payment as StoredPayment);
  const transition = event.transition;
  for (const key of ['paidAt', 'failedAt', 'cancelledAt'] as const)
    transition[key] = dateOf(transition[key]);
  if (transition.virtualAccount)
    transition.virtualAccount.dueAt = dateOf(transition.virtualAccount.dueAt);
  return event;
}

/** Events stored before the API-neutral payment carry V1's `Payment` itself. */
type StoredPayment = PortOnePayment | IamportPayment;

function paymentOf(stored: StoredPayment): PortOnePayment {
  if ('imp_uid' in stored) return fromIamport(stored);
  for (const key of ['startedAt', 'paidAt', 'failedAt', 'cancelledAt'] as const)
    stored[key] = dateOf(stored[key]);
  if (stored.virtualAccount)
    stored.virtualAccount.dueAt = dateOf(stored.virtualAccount.dueAt);
  for (const refund of stored.refunds) refund.at = dateOf(refund.at);
  return stored;
}

/** JSON has no dates: an ISO string back to a Date; none stays null. */
function dateOf(value: Date | string | null | undefined): Date | null {
  return value ? new Date(value) : null;
}
