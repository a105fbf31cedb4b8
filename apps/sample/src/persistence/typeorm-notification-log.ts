import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type {
  IamportNotificationLog,
  PaymentNotification,
} from 'nestjs-iamport';
import type { Repository } from 'typeorm';
import { PaymentNotificationEntity } from './payment-notification.entity.js';

/** The module's notification log on TypeORM: one row per redirect or webhook. */
@Injectable()
export class TypeOrmNotificationLog implements IamportNotificationLog {
  constructor(
    @InjectRepository(PaymentNotificationEntity)
    private readonly notifications: Repository<PaymentNotificationEntity>,
  ) {}

  async record(notification: PaymentNotification): Promise<void> {
    await this.notifications.insert({
      kind: notification.kind,
      params: JSON.stringify(notification.params),
      sourceIp: notification.sourceIp,
      impUid: notification.impUid?.slice(0, 40) ?? null,
      merchantUid: notification.merchantUid?.slice(0, 40) ?? null,
      outcome: notification.outcome,
      changed: notification.changed,
      error: notification.error,
      receivedAt: notification.receivedAt,
    });
  }
}
