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

/** Where the shop reaches PortOne V2's API, and where browsers load its SDK. */
export interface PortOneV2Endpoints {
  apiUrl: string;
  sdkUrl: string;
}

/** PortOne's own, or those of the simulator that serves V1 (its API at `v1ApiUrl`, reached by browsers at `v1BrowserUrl`). */
export function portoneV2Endpoints(
  config: SampleConfig,
  v1ApiUrl: string,
  v1BrowserUrl: string,
): PortOneV2Endpoints {
  return {
    apiUrl: config.portoneV2.apiUrl ?? `${v1ApiUrl}/v2`,
    sdkUrl:
      config.portoneV2.sdkUrl ??
      `${config.portoneV2.apiUrl ? new URL(config.portoneV2.apiUrl).origin : v1BrowserUrl}/v2/browser-sdk.js`,
  };
}

/** The shop: orders on TypeORM, paid through PortOne V1 (iamport) or V2. */
@Module({})
export class AppModule {
  static forConfig(
    config: SampleConfig,
    apiUrl: string,
    sdkUrl: string,
    // Default: those of the simulator that serves V1 at apiUrl and the SDK at sdkUrl (tests).
    v2 = portoneV2Endpoints(config, apiUrl, new URL(sdkUrl).origin),
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
            ...(config.portoneV2.enabled
              ? {
                  v2: {
                    apiSecret: config.portoneV2.apiSecret,
                    storeId: config.portoneV2.storeId,
                    webhookSecret: config.portoneV2.webhookSecret,
                    apiBaseUrl: v2.apiUrl,
                    allowTestChannel: config.portoneV2.allowTestChannel,
                  },
                }
              : {}),
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
          v2: config.portoneV2.enabled
            ? {
                sdkUrl: v2.sdkUrl,
                storeId: config.portoneV2.storeId,
                channelKey: config.portoneV2.channelKey,
              }
            : null,
        }),
      ],
    };
  }
}
