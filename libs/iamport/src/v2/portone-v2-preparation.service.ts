import { Inject, Injectable } from '@nestjs/common';
import type { ResolvedIamportOptions } from '../iamport.options.js';
import { IAMPORT_OPTIONS } from '../iamport.tokens.js';
import type { PaymentToPrepare } from '../preparation/payment-preparation.service.js';
import { PortOneV2Client } from './client/portone-v2.client.js';

/**
 * V2's pre-registration (`POST /payments/{paymentId}/pre-register`): the
 * checkout then refuses another amount for this paymentId. Like V1's
 * 사전 검증 it only narrows forgery; verification after payment stays the
 * authority, so a failed registration must never stop an order from being
 * paid. Setting the same amount again is harmless, so the client retries it.
 * An order that is already paid answers 409 `ALREADY_PAID` (a
 * `PortOneV2ConflictError`).
 */
@Injectable()
export class PortOneV2PreparationService {
  constructor(
    private readonly client: PortOneV2Client,
    @Inject(IAMPORT_OPTIONS) private readonly options: ResolvedIamportOptions,
  ) {}

  /** Whether V2 is configured at all (without it there is nothing to register with). */
  get configured(): boolean {
    return this.options.v2 !== null;
  }

  async register(payment: PaymentToPrepare): Promise<void> {
    if (!this.configured)
      throw new Error(
        'PortOne V2 is not configured (the v2 options of IamportModule)',
      );
    await this.client.preRegisterPayment({
      paymentId: payment.merchantUid,
      totalAmount: payment.amount,
      currency: payment.currency ?? 'KRW',
    });
  }
}
