import type { Payment } from '../client/iamport.types.js';
import type { TargetStatus } from '../ports/order-status.js';
import type {
  IamportOrder,
  OrderTransition,
} from '../ports/order.repository.js';
import type { PaymentApi } from '../verification/payment-gateway.js';
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
   * `transactionId`, `merchantUid` its `paymentId`, and `payment` the V2
   * payment in V1's shape (amount = `amount.total`, cancel_amount =
   * `amount.cancelled`).
   */
  api: PaymentApi;
  type: IamportEventType;
  merchantUid: string;
  impUid: string;
  /** The order after the transition. */
  order: IamportOrder;
  /** The payment as iamport answered it (after the refund, for a refunded forgery). */
  payment: Payment;
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
  const transition = event.transition;
  for (const key of ['paidAt', 'failedAt', 'cancelledAt'] as const) {
    if (transition[key]) transition[key] = new Date(transition[key]);
  }
  if (transition.virtualAccount?.dueAt)
    transition.virtualAccount.dueAt = new Date(transition.virtualAccount.dueAt);
  return event;
}
