import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Sql } from './sql.js';
import { SqliteCheckpoints } from './sqlite-checkpoints.js';
import { ENTITIES } from './database-options.js';
import { GroupCommit } from './group-commit.js';
import { IamportPorts } from './iamport-ports.js';
import { TypeOrmNotificationLog } from './typeorm-notification-log.js';
import { TypeOrmOrderRepository } from './typeorm-order.repository.js';
import { TypeOrmOutbox } from './typeorm-outbox.js';
import { TypeOrmPaymentLedger } from './typeorm-payment-ledger.js';
import { TypeOrmReconciliationRepository } from './typeorm-reconciliation.repository.js';

const ADAPTERS = [
  TypeOrmOrderRepository,
  TypeOrmNotificationLog,
  TypeOrmOutbox,
  TypeOrmPaymentLedger,
  TypeOrmReconciliationRepository,
];

/** The TypeORM adapters of the module's ports. Needs `TypeOrmModule.forRoot…()` in the importing app. */
@Module({
  imports: [TypeOrmModule.forFeature(ENTITIES)],
  providers: [
    ...ADAPTERS,
    IamportPorts,
    GroupCommit,
    {
      provide: Sql,
      useFactory: (dataSource: DataSource) => new Sql(dataSource),
      inject: [DataSource],
    },
    {
      provide: SqliteCheckpoints,
      useFactory: (dataSource: DataSource) => new SqliteCheckpoints(dataSource),
      inject: [DataSource],
    },
  ],
  exports: [TypeOrmModule, ...ADAPTERS, IamportPorts, Sql, SqliteCheckpoints],
})
export class PersistenceModule {}
