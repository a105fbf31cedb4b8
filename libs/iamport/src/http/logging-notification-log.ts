import { Logger } from '@nestjs/common';
import type {
  IamportNotificationLog,
  PaymentNotification,
} from '../ports/notification-log.js';

/** The default audit trail when the merchant provides none: a log line per notification, not durable. */
export class LoggingNotificationLog implements IamportNotificationLog {
  private readonly logger = new Logger('IamportNotifications');

  record(notification: PaymentNotification): Promise<void> {
    const { kind, merchantUid, impUid, outcome, changed, sourceIp, error } =
      notification;
    this.logger.log(
      `${kind} ${merchantUid ?? '-'} ${impUid ?? '-'} from ${sourceIp ?? '?'}: ${outcome}${changed ? ' (changed)' : ''}${error ? ` (${error})` : ''}`,
    );
    return Promise.resolve();
  }
}
