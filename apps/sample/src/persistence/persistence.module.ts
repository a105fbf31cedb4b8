import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ENTITIES } from './database-options.js';
import { TypeOrmNotificationLog } from './typeorm-notification-log.js';
import { TypeOrmOrderRepository } from './typeorm-order.repository.js';
import { TypeOrmOutbox } from './typeorm-outbox.js';

/** The TypeORM adapters of the module's ports. Needs `TypeOrmModule.forRoot…()` in the importing app. */
@Module({
  imports: [TypeOrmModule.forFeature(ENTITIES)],
  providers: [TypeOrmOrderRepository, TypeOrmNotificationLog, TypeOrmOutbox],
  exports: [
    TypeOrmModule,
    TypeOrmOrderRepository,
    TypeOrmNotificationLog,
    TypeOrmOutbox,
  ],
})
export class PersistenceModule {}
