import { Inject, Injectable, Logger } from '@nestjs/common';
import { IamportClient } from '../client/iamport.client.js';
import {
  IamportNotFoundError,
  IamportResponseError,
} from '../client/iamport.errors.js';
import type { Payment } from '../client/iamport.types.js';
import { IamportEventHandlers } from '../events/iamport-event-handlers.js';
import { eventTypeOf } from '../events/iamport-event.js';
import type { ResolvedIamportOptions } from '../iamport.options.js';
import { IAMPORT_OPTIONS } from '../iamport.tokens.js';
import {
  IAMPORT_ORDER_REPOSITORY,
  type IamportOrder,
  type IamportOrderRepository,
  type OrderTransition,
} from '../ports/order.repository.js';
import { decide } from './decide.js';
import type { Decision, Refund } from './decision.js';
import type { ForgeryPolicy } from './verification-outcome.js';
import type { VerificationRequest } from './verification-request.js';
import type { VerificationResult } from './verification-result.js';

// A conditional update that loses a race is decided again on the fresh order;
// more rounds than this means the order changes faster than it can be read.
const MAX_ROUNDS = 4;

/**
 * The only way an order changes. Fetches the payment from iamport, loads the
 * order by the payment's own merchant_uid, decides, refunds when the decision
 * says so, applies the transition through the repository and, once it is
 * committed, tells the handlers. Idempotent: calling it again for a settled
 * payment changes nothing and runs no handler.
 *
 * Throws an `IamportError` when iamport cannot be asked, and whatever the
 * repository throws when the database fails; the order is then untouched.
 */
@Injectable()
export class PaymentVerificationService {
  private readonly logger = new Logger('PaymentVerification');

  constructor(
    private readonly client: IamportClient,
    @Inject(IAMPORT_ORDER_REPOSITORY)
    private readonly orders: IamportOrderRepository,
    @Inject(IAMPORT_OPTIONS) private readonly options: ResolvedIamportOptions,
    private readonly handlers: IamportEventHandlers,
  ) {}

  async verify(request: VerificationRequest): Promise<VerificationResult> {
    let payment = await this.fetchPayment(request);
    if (payment === null) {
      return {
        outcome: 'not_found',
        merchantUid: request.merchantUid ?? null,
        impUid: request.impUid || null,
        order: null,
        payment: null,
        changed: false,
        refundedAmount: 0,
        reason: 'iamport knows no such payment',
      };
    }
    let refundedAmount = 0;
    let refundRefusal: string | null = null;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const order = await this.orders.findByMerchantUid(payment.merchant_uid);
      const decideNow = (current: Payment, forgeryPolicy: ForgeryPolicy) =>
        decide({
          order,
          payment: current,
          policy: {
            includeSandbox: this.options.includeSandbox,
            forgeryPolicy,
          },
          claimedMerchantUid: request.merchantUid || null,
          now: new Date(),
        });
      let decision = decideNow(
        payment,
        refundRefusal ? 'flag' : this.options.forgeryPolicy,
      );
      if (decision.refund) {
        const refunded = await this.refund(decision.refund);
        payment = refunded.payment;
        refundedAmount += refunded.amount;
        if (refunded.refusal !== null) {
          // iamport will not refund it (a paid virtual account needs the buyer's bank account):
          // record it as flagged for a person to refund, instead of failing on every retry.
          refundRefusal = refunded.refusal;
          decision = flagged(decideNow(payment, 'flag'), refundRefusal);
        }
      } else if (refundRefusal) {
        decision = flagged(decision, refundRefusal);
      }
      const base = {
        outcome: decision.outcome,
        merchantUid: payment.merchant_uid,
        impUid: payment.imp_uid,
        payment,
      };
      const transition = decision.transition;
      if (transition === null || order === null) {
        return {
          ...base,
          order,
          changed: refundedAmount > 0,
          refundedAmount,
          reason: decision.reason,
        };
      }
      if (await this.orders.applyTransition(transition)) {
        const moved = afterTransition(order, transition);
        this.logger.log(
          `${moved.merchantUid}: ${order.status} → ${moved.status} by ${payment.imp_uid} (${request.source})`,
        );
        await this.notify(moved, payment, transition, request);
        return {
          ...base,
          order: moved,
          changed: true,
          refundedAmount,
          reason: decision.reason,
        };
      }
      // Another instance moved the order between our read and our write: decide again on what it did.
    }
    throw new Error(
      `order ${payment.merchant_uid} kept changing during verification of ${payment.imp_uid}`,
    );
  }

  private async fetchPayment({
    impUid,
    merchantUid,
  }: VerificationRequest): Promise<Payment | null> {
    // Test-channel payments are fetched too, so that they are refused by name instead of looking unknown.
    const lookup = { includeSandbox: true };
    if (impUid) {
      try {
        return await this.client.getPayment(impUid, lookup);
      } catch (error) {
        if (error instanceof IamportNotFoundError) return null;
        throw error;
      }
    }
    // The redirect may carry no imp_uid (pre-validation failed, some PGs): take the order's newest payment.
    if (merchantUid)
      return this.client.findPaymentByMerchantUid(merchantUid, lookup);
    return null;
  }

  /**
   * Refunds with `checksum`. When iamport refuses, the payment is read again:
   * if nothing is left to refund, another instance (or an earlier attempt whose
   * answer was lost) refunded it, and the verification goes on; otherwise the
   * refusal is returned. Failures to reach iamport are thrown (nothing changed).
   */
  private async refund(
    refund: Refund,
  ): Promise<{ payment: Payment; amount: number; refusal: string | null }> {
    try {
      const payment = await this.client.cancelPayment({
        imp_uid: refund.impUid,
        amount: refund.amount,
        checksum: refund.checksum,
        reason: refund.reason,
      });
      this.logger.warn(
        `refunded ${refund.amount} of ${refund.impUid}: ${refund.reason}`,
      );
      return { payment, amount: refund.amount, refusal: null };
    } catch (error) {
      if (!(error instanceof IamportResponseError)) throw error;
      const payment = await this.client.getPayment(refund.impUid, {
        includeSandbox: true,
      });
      if (payment.amount - payment.cancel_amount <= 0)
        return { payment, amount: 0, refusal: null };
      this.logger.error(
        `iamport refused to refund ${refund.impUid} (${refund.reason}): ${error.iamportMessage ?? error.message}`,
      );
      return {
        payment,
        amount: 0,
        refusal: error.iamportMessage ?? 'refund refused',
      };
    }
  }

  private async notify(
    order: IamportOrder,
    payment: Payment,
    transition: OrderTransition,
    request: VerificationRequest,
  ): Promise<void> {
    const type = eventTypeOf(transition.to);
    if (type === null) return;
    await this.handlers.dispatch({
      type,
      merchantUid: order.merchantUid,
      impUid: payment.imp_uid,
      order,
      payment,
      transition,
      source: request.source,
    });
  }
}

function flagged(decision: Decision, refusal: string): Decision {
  const reason = `${decision.reason}; iamport refused the refund: ${refusal}`;
  const transition = decision.transition && { ...decision.transition, reason };
  return { ...decision, reason, transition };
}

function afterTransition(
  order: IamportOrder,
  transition: OrderTransition,
): IamportOrder {
  return {
    ...order,
    status: transition.to,
    impUid: transition.impUid,
    cancelledAmount: transition.cancelledAmount ?? order.cancelledAmount,
  };
}
