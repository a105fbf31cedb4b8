import { Injectable } from '@nestjs/common';
import type {
  IamportNotificationLog,
  PaymentNotification,
} from 'nestjs-iamport';
import { GroupCommit, type WriteKind } from './group-commit.js';
import { Sql } from './sql.js';

const COLUMNS =
  '(kind, params, source_ip, imp_uid, merchant_uid, outcome, changed, error, received_at)';

/** Rows that arrive together are inserted together, as one statement. */
const NOTIFICATIONS: WriteKind<PaymentNotification> = {
  statement: (notifications) => ({
    sql: `INSERT INTO payment_notifications ${COLUMNS} VALUES ${notifications.map(() => Sql.list(9)).join(', ')}`,
    values: notifications.flatMap((notification) => [
      notification.kind,
      JSON.stringify(notification.params),
      notification.sourceIp,
      notification.impUid?.slice(0, 40) ?? null,
      notification.merchantUid?.slice(0, 40) ?? null,
      notification.outcome,
      notification.changed,
      notification.error,
      notification.receivedAt,
    ]),
  }),
};

/**
 * The module's notification log: one row per redirect or webhook, written
 * with the other writes of the same moment (`GroupCommit`); `record`
 * resolves once its row is stored.
 */
@Injectable()
export class TypeOrmNotificationLog implements IamportNotificationLog {
  constructor(private readonly writes: GroupCommit) {}

  record(notification: PaymentNotification): Promise<void> {
    return this.writes.add(NOTIFICATIONS, notification);
  }
}
