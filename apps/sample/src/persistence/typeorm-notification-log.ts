import { Injectable } from '@nestjs/common';
import type {
  IamportNotificationLog,
  PaymentNotification,
} from 'nestjs-iamport';
import { BatchWriter } from './batch-writer.js';
import { Sql } from './sql.js';

const COLUMNS =
  '(kind, params, source_ip, imp_uid, merchant_uid, outcome, changed, error, received_at)';

/**
 * The module's notification log: one row per redirect or webhook. Rows that
 * arrive together are inserted together (group commit); `record` resolves once
 * its row is stored.
 */
@Injectable()
export class TypeOrmNotificationLog implements IamportNotificationLog {
  private readonly writer = new BatchWriter<PaymentNotification>(
    (notifications) => this.insert(notifications),
  );

  constructor(private readonly sql: Sql) {}

  record(notification: PaymentNotification): Promise<void> {
    return this.writer.add(notification);
  }

  private async insert(notifications: PaymentNotification[]): Promise<void> {
    const rows = notifications.map(() => Sql.list(9)).join(', ');
    const values = notifications.flatMap((notification) => [
      notification.kind,
      JSON.stringify(notification.params),
      notification.sourceIp,
      notification.impUid?.slice(0, 40) ?? null,
      notification.merchantUid?.slice(0, 40) ?? null,
      notification.outcome,
      notification.changed,
      notification.error,
      notification.receivedAt,
    ]);
    await this.sql.run(
      `INSERT INTO payment_notifications ${COLUMNS} VALUES ${rows}`,
      values,
    );
  }
}
