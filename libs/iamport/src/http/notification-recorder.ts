import { Inject, Injectable } from '@nestjs/common';
import { observeStep } from '../observability/iamport-telemetry.js';
import {
  IAMPORT_NOTIFICATION_LOG,
  type IamportNotificationLog,
  type NotificationKind,
  type PaymentNotification,
} from '../ports/notification-log.js';
import type { VerificationResult } from '../verification/verification-result.js';

export interface ReceivedNotification {
  kind: NotificationKind;
  params: Record<string, string>;
  sourceIp: string | null;
}

/** Writes a redirect or webhook, with what verification made of it, to the merchant's notification log. */
@Injectable()
export class NotificationRecorder {
  constructor(
    @Inject(IAMPORT_NOTIFICATION_LOG)
    private readonly log: IamportNotificationLog,
  ) {}

  recordResult(
    received: ReceivedNotification,
    result: VerificationResult,
  ): Promise<void> {
    return this.write({
      ...received,
      impUid: result.impUid ?? received.params.imp_uid ?? null,
      merchantUid: result.merchantUid ?? received.params.merchant_uid ?? null,
      outcome: result.outcome,
      changed: result.changed,
      // Verification finished; what is left is money iamport would not refund, for a person.
      error: result.refundRefused
        ? `refund refused by iamport: ${result.refundRefused}`.slice(0, 500)
        : null,
      receivedAt: new Date(),
    });
  }

  recordFailure(received: ReceivedNotification, error: unknown): Promise<void> {
    return this.write({
      ...received,
      // V1 names them imp_uid and merchant_uid; V2 transactionId (txId) and paymentId.
      impUid:
        received.params.imp_uid ||
        received.params.transactionId ||
        received.params.txId ||
        null,
      merchantUid:
        received.params.merchant_uid || received.params.paymentId || null,
      outcome: 'unconfirmed',
      changed: false,
      // IamportError messages carry no secret; anything else is reduced to its class.
      error:
        error instanceof Error
          ? `${error.name}: ${error.message}`.slice(0, 500)
          : 'unknown error',
      receivedAt: new Date(),
    });
  }

  private write(notification: PaymentNotification): Promise<void> {
    return observeStep(
      'notification',
      { 'iamport.notification_kind': notification.kind },
      () => this.log.record(notification),
    );
  }
}
