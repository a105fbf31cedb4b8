import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { IamportEventDelivery } from '../events/iamport-event-delivery.js';
import {
  countTransition,
  observeStep,
  observeVerification,
} from '../observability/iamport-telemetry.js';
import {
  eventTypeOf,
  type IamportPaymentEvent,
  serializeEvent,
} from '../events/iamport-event.js';
import type { ResolvedIamportOptions } from '../iamport.options.js';
import type {
  IamportOrder,
  IamportOrderRepository,
  OrderTransition,
} from '../ports/order.repository.js';
import type { OutboxEvent } from '../ports/outbox.js';
import type { PaymentRecord } from '../ports/payment-record.js';
import { CommitsInFlight } from './commits-in-flight.js';
import { decide } from './decide.js';
import type { Decision } from './decision.js';
import { FreshLookups } from './fresh-lookup.js';
import { isBehind } from './payment-facts.js';
import { recordOf, sameRecord } from './payment-record.js';
import type { PaymentGateway } from './payment-gateway.js';
import type { PaymentApi, PortOnePayment } from './portone-payment.js';
import type { VerificationPolicy } from './verification-outcome.js';
import type {
  VerificationRequest,
  VerificationSource,
} from './verification-request.js';
import type { VerificationResult } from './verification-result.js';

// A write that loses a race is decided again on what is stored now; more
// rounds than this means the order changes faster than it can be read.
const MAX_ROUNDS = 8;

/** Outcomes that say nothing about the payment itself: nothing is recorded for them. */
const NOT_RECORDED = new Set(['merchant_uid_mismatch', 'sandbox_rejected']);

/** The order and the payment's record, as read. */
interface Stored {
  order: IamportOrder | null;
  stored: PaymentRecord | null;
}

/** A read started before PortOne answered, for the payment the request named. */
interface EarlyRead {
  reading: Promise<Stored>;
  isOf: (payment: PortOnePayment) => boolean;
}

/** A verification's result, and whether it wrote anything (for the telemetry). */
interface Settled {
  result: VerificationResult;
  committed: boolean;
}

/**
 * The only way an order changes, for both PortOne APIs (the gateway is the
 * difference). Fetches the payment from PortOne (a lookup
 * that started after the caller asked), loads the order by the payment's own
 * merchant_uid and the module's record of the payment (read while the lookup
 * runs when the caller named both, see `readAhead`), decides, refunds when
 * the decision says so, and writes the transition, the record and the event
 * as a compare-and-set on exactly what it read; a lost race is read and
 * decided again. Once committed, the handlers are told. Idempotent: calling
 * it again for a settled payment changes nothing and runs no handler.
 *
 * Throws an `IamportError` when iamport cannot be asked, and whatever the
 * repository throws when the database fails; the order is then untouched.
 */
export abstract class PaymentVerificationCore {
  private readonly logger = new Logger('PaymentVerification');
  private readonly lookups = new FreshLookups<PortOnePayment | null>();
  private readonly commits = new CommitsInFlight();

  protected constructor(
    private readonly gateway: PaymentGateway,
    private readonly orders: IamportOrderRepository,
    private readonly options: Pick<
      ResolvedIamportOptions,
      'forgeryPolicy' | 'unknownOrderPolicy'
    >,
    private readonly delivery: IamportEventDelivery,
  ) {}

  verify(request: VerificationRequest): Promise<VerificationResult> {
    return observeVerification(request, () => this.verifyOnce(request));
  }

  /**
   * The second half of `verify`, for a payment already fetched from PortOne
   * (reconciliation looks payments up in lists), through its API's adapter
   * (`fromIamport`, `fromPortOneV2`). Never pass a payment that did not come
   * from PortOne's API.
   */
  settle(
    fetched: PortOnePayment,
    request: { merchantUid?: string | null; source: VerificationSource },
    /** When the verification began (`performance.now()`), for the log line; default now. */
    startedAt = performance.now(),
  ): Promise<VerificationResult> {
    return observeVerification(
      // Stryker disable next-line all: telemetry, proved by observability/iamport-telemetry.spec.ts
      {
        source: request.source,
        impUid: fetched.impUid,
        merchantUid: fetched.merchantUid,
      },
      () => this.settleOnce(fetched, request, startedAt),
    );
  }

  private async verifyOnce(request: VerificationRequest): Promise<Settled> {
    const startedAt = performance.now();
    const early = this.readAhead(request);
    const payment = await this.fetchPayment(request);
    if (payment === null) {
      const result: VerificationResult = {
        outcome: 'not_found',
        merchantUid: request.merchantUid ?? null,
        impUid: request.impUid || null,
        order: null,
        payment: null,
        changed: false,
        refundedAmount: 0,
        refundRefused: null,
        reason: `${this.gateway.api === 'v1' ? 'iamport' : 'PortOne'} knows no such payment`,
      };
      // Stryker disable next-line all: telemetry, proved by observability/iamport-telemetry.spec.ts
      return { result, committed: false };
    }
    return this.settleOnce(payment, request, startedAt, early);
  }

  private async settleOnce(
    fetched: PortOnePayment,
    request: { merchantUid?: string | null; source: VerificationSource },
    startedAt: number,
    early: EarlyRead | null = null,
  ): Promise<Settled> {
    let payment = fetched;
    let refundedAmount = 0;
    let refusal: string | null = null;
    // What the refund was for: a round decided after our own refund sees only a refunded payment.
    let refundedFor: Decision | null = null;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const { order, stored } =
        round === 0 && early?.isOf(payment)
          ? await early.reading
          : await this.read(payment.merchantUid, payment.impUid);
      if (stored && isBehind(payment, stored)) {
        // Another instance saw a newer state of this payment: decide on that, never on this one.
        const newer = await this.lookup(this.gateway.lookupKeyOf(payment));
        if (newer === null)
          throw new Error(
            `PortOne no longer answers for ${payment.impUid}, recorded as ${stored.status}: nothing decided`,
          );
        payment = newer;
        continue;
      }
      const decideOn = (current: PortOnePayment) =>
        decide({
          order,
          payment: current,
          policy: this.policy(refusal !== null),
          claimedMerchantUid: request.merchantUid || null,
          now: new Date(),
        });
      let decision = decideOn(payment);
      // A refund is decided only on facts that never revert (the amount differs from the order's,
      // another payment settled the order; under `unknownOrderPolicy: 'cancel'`, the shop has no
      // such order, which assumes orders are stored before the payment window opens), so a refund
      // made before a write that then loses the race is still right when the loop decides again.
      if (decision.refund) {
        const refunded = await this.gateway.refund(decision.refund, payment);
        payment = refunded.payment;
        refundedAmount += refunded.amount;
        if (refunded.amount > 0) refundedFor = decision;
        // iamport will not refund it (a paid virtual account needs the buyer's bank account):
        // record it as flagged for a person, instead of failing on every retry.
        refusal = refunded.refusal;
        if (refusal) decision = flagged(decideOn(payment), refusal);
      } else if (refusal) {
        decision = flagged(decision, refusal);
      }
      // `decide` moves only an order it was given: with none, the decision has no transition.
      const transition = decision.transition;
      const after =
        order && transition ? afterTransition(order, transition) : order;
      const reported =
        transition === null && refundedFor ? refundedFor : decision;
      const result: VerificationResult = {
        outcome: reported.outcome,
        merchantUid: payment.merchantUid,
        impUid: payment.impUid,
        order: after,
        payment,
        changed: transition !== null || refundedAmount > 0,
        refundedAmount,
        refundRefused: refusal,
        reason: reported.reason,
      };
      if (NOT_RECORDED.has(decision.outcome))
        // Stryker disable next-line all: telemetry, proved by observability/iamport-telemetry.spec.ts
        return { result, committed: false };
      const record = recordOf(payment, after, decision, stored);
      if (transition === null && sameRecord(stored, record))
        // Stryker disable next-line all: telemetry, proved by observability/iamport-telemetry.spec.ts
        return { result, committed: false };
      const event =
        after && transition
          ? outboxEvent(
              after,
              payment,
              transition,
              request.source,
              this.gateway.api,
            )
          : null;
      const written = await this.commits.commit(
        { transition, record, event },
        (write) =>
          observeStep(
            // Stryker disable next-line all: telemetry, proved by observability/iamport-telemetry.spec.ts
            'commit',
            // Stryker disable next-line all: telemetry, proved by observability/iamport-telemetry.spec.ts
            { 'iamport.merchant_uid': payment.merchantUid },
            () => this.orders.commit(write),
          ),
      );
      if (written) {
        // Stryker disable next-line all: telemetry, proved by observability/iamport-telemetry.spec.ts
        if (transition) countTransition(order!.status, transition.to);
        if (event) {
          // One line per settled payment at the default level: ids, outcome and source, never a secret.
          this.logger.log(
            `${after!.merchantUid}: ${decision.outcome} (${order!.status} → ${after!.status}) by ${payment.impUid}, from the ${request.source}, in ${Math.round(performance.now() - startedAt)} ms`,
          );
          await this.delivery.deliver(event);
        }
        // Stryker disable next-line all: telemetry, proved by observability/iamport-telemetry.spec.ts
        return { result, committed: true };
      }
      // Another instance wrote the order or the record between our read and our write: decide again.
    }
    throw new Error(
      `order ${payment.merchantUid} kept changing during verification of ${payment.impUid}`,
    );
  }

  private policy(refundRefused: boolean): VerificationPolicy {
    return {
      includeSandbox: this.gateway.acceptsTestPayments(),
      // Stryker disable next-line StringLiteral: `decide` acts only on 'cancel'; any other policy flags
      forgeryPolicy: refundRefused ? 'flag' : this.options.forgeryPolicy,
      unknownOrderPolicy: refundRefused
        ? // Stryker disable next-line StringLiteral: as above
          'flag'
        : this.options.unknownOrderPolicy,
    };
  }

  /**
   * The order with exactly this merchant_uid (a repository that matches
   * loosely is not trusted), and the record of exactly this payment.
   */
  private async read(merchantUid: string, impUid: string): Promise<Stored> {
    const [order, stored] = this.orders.findOrderAndRecord
      ? await this.orders
          .findOrderAndRecord(merchantUid, impUid)
          .then((found) => [found.order, found.record] as const)
      : await Promise.all([
          this.orders.findByMerchantUid(merchantUid),
          this.orders.findPaymentRecord(impUid),
        ]);
    return {
      order: order && order.merchantUid === merchantUid ? order : null,
      stored: stored && stored.impUid === impUid ? stored : null,
    };
  }

  /**
   * The order and the record a request names, read while PortOne is asked
   * (its answer takes longer than any read), so that a first notification
   * waits for one round trip fewer. Used only when the payment turns out to
   * be the one named, and only for the first decision. Reading before the
   * lookup answers is safe: the write is a compare-and-set on exactly what was
   * read, so a change since is read and decided again, and the refunds
   * decided on it rest on facts that never revert (see `settleOnce`).
   */
  private readAhead({
    impUid,
    merchantUid,
  }: VerificationRequest): EarlyRead | null {
    if (!impUid || !merchantUid) return null;
    const reading = this.read(merchantUid, impUid);
    // Awaited only when used; when the lookup fails, its error is the one reported.
    reading.catch(() => undefined);
    return {
      reading,
      isOf: (payment) =>
        payment.merchantUid === merchantUid && payment.impUid === impUid,
    };
  }

  private fetchPayment({
    impUid,
    merchantUid,
    claimedStatus,
  }: VerificationRequest): Promise<PortOnePayment | null> {
    const key = this.gateway.lookupKey({ impUid, merchantUid });
    if (key) return this.lookup(key, answersClaim(claimedStatus));
    if (merchantUid) return this.gateway.findByOrder(merchantUid);
    return Promise.resolve(null);
  }

  /**
   * A lookup that started after this call: concurrent callers share the next
   * one, never an older one, unless `answers` accepts the one in flight.
   */
  private lookup(
    key: string,
    answers?: (payment: PortOnePayment | null) => boolean,
  ): Promise<PortOnePayment | null> {
    return this.lookups.lookup(key, () => this.gateway.get(key), answers);
  }
}

/**
 * Whether a lookup already under way may answer a notification that claims
 * `claimed`: only a payment iamport already reports `paid` answers a claim of
 * `paid` (the redirect and its webhook arrive together, and would otherwise
 * cost two lookups). A paid payment changes only by a refund, and a refund's
 * notification says `cancelled`, which always gets a fresh lookup, as does
 * every other claim: a second partial refund is `cancelled` again, and a
 * `ready` may become `paid` any moment.
 */
function answersClaim(
  claimed: string | null | undefined,
): ((payment: PortOnePayment | null) => boolean) | undefined {
  if (claimed !== 'paid') return undefined;
  return (payment) => payment?.status === 'paid';
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
    cancelledAmount: transition.cancelledAmount,
    version: order.version + 1,
  };
}

function outboxEvent(
  order: IamportOrder,
  payment: PortOnePayment,
  transition: OrderTransition,
  source: VerificationSource,
  api: PaymentApi,
): OutboxEvent {
  const event: IamportPaymentEvent = {
    id: randomUUID(),
    api,
    type: eventTypeOf(transition.to),
    merchantUid: order.merchantUid,
    impUid: payment.impUid,
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
