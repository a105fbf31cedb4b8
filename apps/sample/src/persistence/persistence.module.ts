import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ENTITIES } from './database-options.js';
import { IamportPorts } from './iamport-ports.js';
import { TypeOrmNotificationLog } from './typeorm-notification-log.js';
import { TypeOrmOrderRepository } from './typeorm-order.repository.js';
import { TypeOrmOutbox } from './typeorm-outbox.js';
import { TypeOrmReconciliationRepository } from './typeorm-reconciliation.repository.js';

const ADAPTERS = [
  TypeOrmOrderRepository,
  TypeOrmNotificationLog,
  TypeOrmOutbox,
  TypeOrmReconciliationRepository,
];

/** The TypeORM adapters of the module's ports. Needs `TypeOrmModule.forRoot…()` in the importing app. */
@Module({
  imports: [TypeOrmModule.forFeature(ENTITIES)],
  providers: [...ADAPTERS, IamportPorts],
  exports: [TypeOrmModule, ...ADAPTERS, IamportPorts],
})
export class PersistenceModule {}
