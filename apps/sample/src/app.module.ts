import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IamportModule } from 'nestjs-iamport';
import { CheckoutModule } from './checkout/checkout.module.js';
import type { SampleConfig } from './config.js';
import { FulfilmentModule } from './fulfilment/fulfilment.module.js';
import { OrdersModule } from './orders/orders.module.js';
import { databaseOptions } from './persistence/database-options.js';
import { PersistenceModule } from './persistence/persistence.module.js';
import { TypeOrmNotificationLog } from './persistence/typeorm-notification-log.js';
import { TypeOrmOrderRepository } from './persistence/typeorm-order.repository.js';
import { TypeOrmOutbox } from './persistence/typeorm-outbox.js';

export const DEFAULT_SQLITE_FILE = 'data/sample.sqlite';

/** The shop: orders on TypeORM, paid through iamport. */
@Module({})
export class AppModule {
  static forConfig(
    config: SampleConfig,
    apiUrl: string,
    sdkUrl: string,
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot({
          ...databaseOptions(config.databaseUrl, DEFAULT_SQLITE_FILE),
          migrationsRun: config.migrationsRun,
        }),
        IamportModule.forRootAsync({
          imports: [PersistenceModule],
          inject: [
            TypeOrmOrderRepository,
            TypeOrmNotificationLog,
            TypeOrmOutbox,
          ],
          useFactory: (
            orderRepository: TypeOrmOrderRepository,
            notificationLog: TypeOrmNotificationLog,
            outbox: TypeOrmOutbox,
          ) => ({
            impKey: config.iamport.impKey,
            impSecret: config.iamport.impSecret,
            apiBaseUrl: apiUrl,
            includeSandbox: config.iamport.includeSandbox,
            webhookAllowList: config.iamport.webhookAllowList,
            resultPages: {
              success: '/result',
              pending: '/result',
              failure: '/result',
            },
            orderRepository,
            notificationLog,
            outbox,
            outboxRedeliveryDelayMs: config.outboxRedeliveryDelayMs,
          }),
        }),
        OrdersModule,
        FulfilmentModule.forConfig(config),
        CheckoutModule.forConfig({
          impCode: config.iamport.impCode,
          sdkUrl,
          publicUrl: config.publicUrl,
        }),
      ],
    };
  }
}
