import { Inject, Injectable } from '@nestjs/common';
import { IamportEventDelivery } from '../events/iamport-event-delivery.js';
import type { ResolvedIamportOptions } from '../iamport.options.js';
import { IAMPORT_OPTIONS } from '../iamport.tokens.js';
import {
  IAMPORT_ORDER_REPOSITORY,
  type IamportOrderRepository,
} from '../ports/order.repository.js';
import { PaymentVerificationCore } from '../verification/payment-verification.core.js';
import type { VerificationRequest } from '../verification/verification-request.js';
import type { VerificationResult } from '../verification/verification-result.js';
import { PortOneV2Client } from './client/portone-v2.client.js';
import { PortOneV2Gateway } from './portone-v2.gateway.js';

/** What a V2 redirect or webhook says of a payment. None of it is trusted: it only says which payment to fetch. */
export interface PortOneV2VerificationRequest extends Pick<
  VerificationRequest,
  'source' | 'claimedStatus'
> {
  /** The merchant's paymentId (the order's merchant_uid): V2 fetches payments by it. */
  paymentId: string;
  /** The attempt the notification names (`txId`, `transactionId`), when it names one: a hint. */
  transactionId?: string | null;
}

/**
 * Verifies PortOne V2 payments through the same core as V1: the payment is
 * fetched by paymentId, mapped into the core's shape, and settled by the same
 * rules, compare-and-set, payment record and events (`api: 'v2'`).
 */
@Injectable()
export class PortOneV2VerificationService extends PaymentVerificationCore {
  readonly configured: boolean;
  /** The console's webhook secrets (two during a rotation), for the signature check. */
  readonly webhookSecrets: readonly string[];

  constructor(
    client: PortOneV2Client,
    @Inject(IAMPORT_ORDER_REPOSITORY) orders: IamportOrderRepository,
    @Inject(IAMPORT_OPTIONS) options: ResolvedIamportOptions,
    delivery: IamportEventDelivery,
  ) {
    super(
      new PortOneV2Gateway(client, options.v2?.allowTestChannel ?? false),
      orders,
      options,
      delivery,
    );
    this.configured = options.v2 !== null;
    this.webhookSecrets = options.v2?.webhookSecrets ?? [];
  }

  verifyV2(request: PortOneV2VerificationRequest): Promise<VerificationResult> {
    if (!this.configured)
      return Promise.reject(
        new Error(
          'PortOne V2 is not configured (the v2 options of IamportModule)',
        ),
      );
    return this.verify({
      merchantUid: request.paymentId,
      impUid: request.transactionId ?? null,
      source: request.source,
      claimedStatus: request.claimedStatus ?? null,
    });
  }
}
