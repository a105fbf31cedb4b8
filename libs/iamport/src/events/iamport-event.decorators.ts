import { SetMetadata } from '@nestjs/common';
import type { IamportEventType } from './iamport-event.js';

export const IAMPORT_EVENT_HANDLER = 'nestjs-iamport:event-handler';

/**
 * Marks a provider method to run after a transition of this type was
 * committed: `(event: IamportPaymentEvent) => unknown`. Handlers are found at
 * start-up in every provider of the application.
 */
export const OnIamportEvent = (type: IamportEventType): MethodDecorator =>
  SetMetadata(IAMPORT_EVENT_HANDLER, type);

/** The order was paid in full (card, transfer, or a deposit into its virtual account). */
export const OnIamportPaid = (): MethodDecorator => OnIamportEvent('paid');
/** A virtual account was issued; the buyer still has to deposit. */
export const OnIamportVbankIssued = (): MethodDecorator =>
  OnIamportEvent('vbank_issued');
export const OnIamportFailed = (): MethodDecorator => OnIamportEvent('failed');
/** Refunded in full or in part (`event.order.status` tells which). */
export const OnIamportCancelled = (): MethodDecorator =>
  OnIamportEvent('cancelled');
/** A forged amount was refunded or flagged (`event.order.status` tells which). */
export const OnIamportForgery = (): MethodDecorator =>
  OnIamportEvent('forgery');
