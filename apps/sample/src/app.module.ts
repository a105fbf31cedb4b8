import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IamportModule } from 'nestjs-iamport';
import { AdminModule } from './admin/admin.module.js';
import { CheckoutModule } from './checkout/checkout.module.js';
import type { SampleConfig } from './config.js';
import { FulfilmentModule } from './fulfilment/fulfilment.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { OrdersModule } from './orders/orders.module.js';
import { databaseOptions } from './persistence/database-options.js';
import { IamportPorts } from './persistence/iamport-ports.js';
import { PersistenceModule } from './persistence/persistence.module.js';
import { ProductsModule } from './products/products.module.js';
import { ReconciliationModule } from './reconciliation/reconciliation.module.js';

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
          ...databaseOptions(
            config.databaseUrl,
            DEFAULT_SQLITE_FILE,
            config.databasePoolSize,
          ),
          migrationsRun: config.migrationsRun,
        }),
        IamportModule.forRootAsync({
          // Global: the reconciliation scheduler injects ReconciliationService.
          isGlobal: true,
          imports: [PersistenceModule],
          inject: [IamportPorts],
          useFactory: (ports: IamportPorts) => ({
            ...ports.options(),
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
            outboxRedeliveryDelayMs: config.outboxRedeliveryDelayMs,
          }),
        }),
        MetricsModule.forConfig(config),
        HealthModule,
        ProductsModule,
        OrdersModule,
        AdminModule.forConfig(config),
        FulfilmentModule.forConfig(config),
        ReconciliationModule.forSchedule(config.reconciliation),
        CheckoutModule.forConfig({
          impCode: config.iamport.impCode,
          sdkUrl,
          publicUrl: config.publicUrl,
        }),
      ],
    };
  }
}
