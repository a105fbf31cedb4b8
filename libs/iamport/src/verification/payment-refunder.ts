import { Injectable, Logger } from '@nestjs/common';
import { IamportClient } from '../client/iamport.client.js';
import { IamportResponseError } from '../client/iamport.errors.js';
import { countRefund } from '../observability/iamport-telemetry.js';
import type { Refund } from './decision.js';
import { fromIamport } from './iamport-payment.adapter.js';
import type { PortOnePayment } from './portone-payment.js';

export interface RefundResult {
  /** The payment after the attempt, as PortOne answered it. */
  payment: PortOnePayment;
  /** What this call refunded; 0 when someone else already had. */
  amount: number;
  /** iamport's reason when it refused and money is still left; null otherwise. */
  refusal: string | null;
}

/**
 * Refunds forged and duplicate payments with `checksum`, so that two
 * instances detecting the same forgery refund once: iamport refuses the
 * second (HTTP 200, code 1). After a refusal the payment is read again: if
 * nothing is left to refund, it was refunded (by the other instance, or by an
 * earlier attempt whose answer was lost) and verification goes on.
 */
@Injectable()
export class PaymentRefunder {
  private readonly logger = new Logger('PaymentVerification');

  constructor(private readonly client: IamportClient) {}

  /** Throws when iamport cannot be reached (nothing was decided; the order stays untouched). */
  async refund(refund: Refund): Promise<RefundResult> {
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
      // Stryker disable next-line all: telemetry, proved by observability/iamport-telemetry.spec.ts
      countRefund('made');
      return {
        payment: fromIamport(payment),
        amount: refund.amount,
        refusal: null,
      };
    } catch (error) {
      if (!(error instanceof IamportResponseError)) throw error;
      const payment = await this.client.getPayment(refund.impUid, {
        includeSandbox: true,
      });
      if (payment.amount - payment.cancel_amount <= 0) {
        // Stryker disable next-line all: telemetry, proved by observability/iamport-telemetry.spec.ts
        countRefund('already_refunded');
        return { payment: fromIamport(payment), amount: 0, refusal: null };
      }
      const refusal = error.iamportMessage ?? 'refund refused';
      // Stryker disable next-line all: telemetry, proved by observability/iamport-telemetry.spec.ts
      countRefund('refused');
      this.logger.error(
        `iamport refused to refund ${refund.impUid} (${refund.reason}): ${refusal}`,
      );
      return { payment: fromIamport(payment), amount: 0, refusal };
    }
  }
}
