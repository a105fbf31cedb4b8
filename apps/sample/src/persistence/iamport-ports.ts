import { Injectable } from '@nestjs/common';
import type { IamportModuleOptions } from 'nestjs-iamport';
import { TypeOrmNotificationLog } from './typeorm-notification-log.js';
import { TypeOrmOrderRepository } from './typeorm-order.repository.js';
import { TypeOrmOutbox } from './typeorm-outbox.js';
import { TypeOrmPaymentLedger } from './typeorm-payment-ledger.js';
import { TypeOrmReconciliationRepository } from './typeorm-reconciliation.repository.js';

type Ports =
  | 'orderRepository'
  | 'notificationLog'
  | 'outbox'
  | 'paymentLedger'
  | 'reconciliationRepository';

/** The TypeORM adapters of every port of the module, ready to spread into its options. */
@Injectable()
export class IamportPorts implements Required<
  Pick<IamportModuleOptions, Ports>
> {
  constructor(
    readonly orderRepository: TypeOrmOrderRepository,
    readonly notificationLog: TypeOrmNotificationLog,
    readonly outbox: TypeOrmOutbox,
    readonly paymentLedger: TypeOrmPaymentLedger,
    readonly reconciliationRepository: TypeOrmReconciliationRepository,
  ) {}

  options(): Required<Pick<IamportModuleOptions, Ports>> {
    const {
      orderRepository,
      notificationLog,
      outbox,
      paymentLedger,
      reconciliationRepository,
    } = this;
    return {
      orderRepository,
      notificationLog,
      outbox,
      paymentLedger,
      reconciliationRepository,
    };
  }
}
