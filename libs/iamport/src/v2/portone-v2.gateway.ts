import { Logger } from '@nestjs/common';
import { countRefund } from '../observability/iamport-telemetry.js';
import type { Refund } from '../verification/decision.js';
import type { PaymentGateway } from '../verification/payment-gateway.js';
import type { PortOnePayment } from '../verification/portone-payment.js';
import type { RefundResult } from '../verification/payment-refunder.js';
import { PortOneV2Client } from './client/portone-v2.client.js';
import {
  PortOneV2ConflictError,
  PortOneV2InvalidRequestError,
  PortOneV2NotFoundError,
  PortOneV2PgProviderError,
} from './client/portone-v2.errors.js';
import { fromPortOneV2 } from './portone-v2-payment.adapter.js';

/**
 * PortOne V2: payments are fetched by `paymentId` (the order key; a
 * `transactionId` answers 404), and refunded by it with
 * `currentCancellableAmount` as the checksum.
 */
export class PortOneV2Gateway implements PaymentGateway {
  readonly api = 'v2' as const;
  private readonly logger = new Logger('PaymentVerification');

  constructor(
    private readonly client: PortOneV2Client,
    private readonly allowTestChannel: boolean,
  ) {}

  acceptsTestPayments(): boolean {
    return this.allowTestChannel;
  }

  lookupKey({
    merchantUid,
  }: {
    impUid?: string | null;
    merchantUid?: string | null;
  }): string | null {
    return merchantUid || null;
  }

  lookupKeyOf(payment: PortOnePayment): string {
    return payment.merchantUid;
  }

  async get(paymentId: string): Promise<PortOnePayment | null> {
    try {
      return fromPortOneV2(await this.client.getPayment(paymentId));
    } catch (error) {
      if (error instanceof PortOneV2NotFoundError) return null;
      throw error;
    }
  }

  findByOrder(paymentId: string): Promise<PortOnePayment | null> {
    return this.get(paymentId);
  }

  /**
   * Only one attempt of a paymentId can be paid, so a cancel by paymentId
   * refunds the payment that was decided on; `currentCancellableAmount` makes
   * a second, concurrent refund answer 409 CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN
   * instead of refunding twice. After a refusal the payment is read again:
   * nothing left means someone refunded first.
   */
  async refund(refund: Refund, payment: PortOnePayment): Promise<RefundResult> {
    const paymentId = payment.merchantUid;
    try {
      await this.client.cancelPayment({
        paymentId,
        amount: refund.amount,
        currentCancellableAmount: refund.checksum,
        reason: refund.reason,
      });
    } catch (error) {
      if (!isRefusal(error)) throw error;
      const now = await this.read(paymentId);
      if (now.amount - now.cancelledAmount <= 0) {
        // Stryker disable next-line all: telemetry, proved by observability/iamport-telemetry.spec.ts
        countRefund('already_refunded');
        return { payment: now, amount: 0, refusal: null };
      }
      const refusal = `${error.type ?? 'refused'}: ${error.portOneMessage ?? 'refund refused'}`;
      // Stryker disable next-line all: telemetry, proved by observability/iamport-telemetry.spec.ts
      countRefund('refused');
      this.logger.error(
        `PortOne refused to refund ${paymentId} (${refund.reason}): ${refusal}`,
      );
      return { payment: now, amount: 0, refusal };
    }
    this.logger.warn(
      `refunded ${refund.amount} of ${paymentId}: ${refund.reason}`,
    );
    // Stryker disable next-line all: telemetry, proved by observability/iamport-telemetry.spec.ts
    countRefund('made');
    // V2's cancel answers the cancellation only: the payment is read again. A PG that cancels
    // asynchronously (`REQUESTED`) may not show the refund yet; the next notification decides again.
    return {
      payment: await this.read(paymentId),
      amount: refund.amount,
      refusal: null,
    };
  }

  private async read(paymentId: string): Promise<PortOnePayment> {
    return fromPortOneV2(await this.client.getPayment(paymentId));
  }
}

/** PortOne answered and refused (409 conflicts, 400 a refund it cannot make, 502 the PG's refusal). */
function isRefusal(
  error: unknown,
): error is
  | PortOneV2ConflictError
  | PortOneV2InvalidRequestError
  | PortOneV2PgProviderError {
  return (
    error instanceof PortOneV2ConflictError ||
    error instanceof PortOneV2InvalidRequestError ||
    error instanceof PortOneV2PgProviderError
  );
}
