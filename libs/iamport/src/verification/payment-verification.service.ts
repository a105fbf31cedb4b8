import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { IamportClient } from '../client/iamport.client.js';
import { IamportNotFoundError } from '../client/iamport.errors.js';
import type { Payment } from '../client/iamport.types.js';
import { IamportEventDelivery } from '../events/iamport-event-delivery.js';
import {
  eventTypeOf,
  type IamportPaymentEvent,
  serializeEvent,
} from '../events/iamport-event.js';
import type { ResolvedIamportOptions } from '../iamport.options.js';
import { IAMPORT_OPTIONS } from '../iamport.tokens.js';
import {
  IAMPORT_ORDER_REPOSITORY,
  type IamportOrder,
  type IamportOrderRepository,
  type OrderTransition,
} from '../ports/order.repository.js';
import type { OutboxEvent } from '../ports/outbox.js';
import { decide } from './decide.js';
import type { Decision } from './decision.js';
import { PaymentRefunder } from './payment-refunder.js';
import { SingleFlight } from './single-flight.js';
import type { ForgeryPolicy } from './verification-outcome.js';
import type {
  VerificationRequest,
  VerificationSource,
} from './verification-request.js';
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
  /** Lookups in flight by imp_uid: concurrent verifications of one payment share one lookup. */
  private readonly lookups = new SingleFlight<Payment | null>();
  /** Verifications in flight by imp_uid and claimed merchant_uid (the redirect and its webhook, duplicates). */
  private readonly verifications = new SingleFlight<VerificationResult>();

  constructor(
    private readonly client: IamportClient,
    @Inject(IAMPORT_ORDER_REPOSITORY)
    private readonly orders: IamportOrderRepository,
    @Inject(IAMPORT_OPTIONS) private readonly options: ResolvedIamportOptions,
    private readonly refunder: PaymentRefunder,
    private readonly delivery: IamportEventDelivery,
  ) {}

  /**
   * Concurrent verifications of the same payment (with the same claim) in
   * this process share one run: the first reports what it changed, the others
   * the same outcome with `changed: false`. Across processes, the database's
   * conditional update does the same job.
   */
  verify(request: VerificationRequest): Promise<VerificationResult> {
    if (!request.impUid) return this.verifyAlone(request);
    const key = `${request.impUid}\u0000${request.merchantUid ?? ''}`;
    const { result, shared } = this.verifications.join(key, () =>
      this.verifyAlone(request),
    );
    return shared
      ? result.then((done) => ({ ...done, changed: false, refundedAmount: 0 }))
      : result;
  }

  private async verifyAlone(
    request: VerificationRequest,
  ): Promise<VerificationResult> {
    const payment = await this.fetchPayment(request);
    if (payment === null) {
      return {
        outcome: 'not_found',
        merchantUid: request.merchantUid ?? null,
        impUid: request.impUid || null,
        order: null,
        payment: null,
        changed: false,
        refundedAmount: 0,
        refundRefused: null,
        reason: 'iamport knows no such payment',
      };
    }
    return this.settle(payment, request);
  }

  /**
   * The second half of `verify`, for a payment already fetched from iamport
   * (reconciliation looks payments up a hundred at a time). Never pass a
   * payment that did not come from iamport's API.
   */
  async settle(
    fetched: Payment,
    request: { merchantUid?: string | null; source: VerificationSource },
  ): Promise<VerificationResult> {
    let payment = fetched;
    let refundedAmount = 0;
    let refusal: string | null = null;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const order = await this.orders.findByMerchantUid(payment.merchant_uid);
      const decideFor = (current: Payment, forgeryPolicy: ForgeryPolicy) =>
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
      let decision = decideFor(
        payment,
        refusal ? 'flag' : this.options.forgeryPolicy,
      );
      if (decision.refund) {
        const refunded = await this.refunder.refund(decision.refund);
        payment = refunded.payment;
        refundedAmount += refunded.amount;
        // iamport will not refund it (a paid virtual account needs the buyer's bank account):
        // record it as flagged for a person, instead of failing on every retry.
        refusal = refunded.refusal;
        if (refusal) decision = flagged(decideFor(payment, 'flag'), refusal);
      } else if (refusal) {
        decision = flagged(decision, refusal);
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
          refundRefused: refusal,
          reason: decision.reason,
        };
      }
      const moved = afterTransition(order, transition);
      const event = outboxEvent(moved, payment, transition, request.source);
      if (await this.orders.applyTransition(transition, event)) {
        this.logger.debug(
          `${moved.merchantUid}: ${order.status} → ${moved.status} by ${payment.imp_uid} (${request.source})`,
        );
        await this.delivery.deliver(event);
        return {
          ...base,
          order: moved,
          changed: true,
          refundedAmount,
          refundRefused: refusal,
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
    if (impUid) return this.sharedLookup(impUid);
    // The redirect may carry no imp_uid (pre-validation failed, some PGs): take the order's newest payment.
    if (merchantUid)
      return this.client.findPaymentByMerchantUid(merchantUid, {
        includeSandbox: true,
      });
    return null;
  }

  private sharedLookup(impUid: string): Promise<Payment | null> {
    // Test-channel payments are fetched too, so that they are refused by name instead of looking unknown.
    const lookup = () =>
      this.client
        .getPayment(impUid, { includeSandbox: true })
        .catch((error: unknown) => {
          if (error instanceof IamportNotFoundError) return null;
          throw error;
        });
    return this.lookups.join(impUid, lookup).result;
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

function outboxEvent(
  order: IamportOrder,
  payment: Payment,
  transition: OrderTransition,
  source: VerificationSource,
): OutboxEvent {
  const event: IamportPaymentEvent = {
    id: randomUUID(),
    type: eventTypeOf(transition.to),
    merchantUid: order.merchantUid,
    impUid: payment.imp_uid,
    order,
    payment,
    transition,
    source,
  };
  return {
    id: event.id,
    type: event.type,
    merchantUid: event.merchantUid,
    impUid: event.impUid,
    payload: serializeEvent(event),
    createdAt: new Date(),
  };
}
