import type { Payment } from '../client/iamport.types.js';
import type { OrderStatus } from '../ports/order-status.js';
import type {
  IamportOrder,
  OrderTransition,
} from '../ports/order.repository.js';
import type { VerificationSource } from '../verification/verification-request.js';

/** What a committed transition tells the application. */
export type IamportEventType =
  'paid' | 'vbank_issued' | 'failed' | 'cancelled' | 'forgery';

/** Delivered once per transition, after it was committed. */
export interface IamportPaymentEvent {
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

export function eventTypeOf(status: OrderStatus): IamportEventType | null {
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
    case 'pending':
      return null;
  }
}
