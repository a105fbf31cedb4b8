import { type INestApplication, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  FastifyAdapter,
  type NestFastifyApplication,
} from '@nestjs/platform-fastify';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  type IamportModuleOptions,
  type IamportPaymentEvent,
  type IamportRoutes,
  IamportModule,
  OnIamportCancelled,
  OnIamportFailed,
  OnIamportForgery,
  OnIamportPaid,
  OnIamportVbankIssued,
} from 'nestjs-iamport';
import { DataSource, type Repository } from 'typeorm';
import { databaseOptions } from '../../apps/sample/src/persistence/database-options.js';
import { OrderEntity } from '../../apps/sample/src/persistence/order.entity.js';
import { PaymentNotificationEntity } from '../../apps/sample/src/persistence/payment-notification.entity.js';
import { PersistenceModule } from '../../apps/sample/src/persistence/persistence.module.js';
import { TypeOrmNotificationLog } from '../../apps/sample/src/persistence/typeorm-notification-log.js';
import { TypeOrmOutbox } from '../../apps/sample/src/persistence/typeorm-outbox.js';
import { Sql } from '../../apps/sample/src/persistence/sql.js';
import { GroupCommit } from '../../apps/sample/src/persistence/group-commit.js';
import { OutboxEventEntity } from '../../apps/sample/src/persistence/outbox-event.entity.js';
import { TypeOrmOrderRepository } from '../../apps/sample/src/persistence/typeorm-order.repository.js';
import { CapturingLogger } from './iamport-client.fixture.js';
import type { SimulatorControl } from './simulator-control.js';

export type Platform = 'express' | 'fastify';
export type ModuleForm = 'forRoot' | 'useFactory' | 'useClass' | 'useExisting';
export type TestOptions = Partial<
  Omit<IamportModuleOptions, 'orderRepository' | 'notificationLog'>
>;

/** Records every event the module delivers, as an application's handlers would receive them. */
@Injectable()
export class RecordingHandlers {
  readonly events: IamportPaymentEvent[] = [];
  @OnIamportPaid() paid(event: IamportPaymentEvent) {
    this.events.push(event);
  }
  @OnIamportVbankIssued() vbankIssued(event: IamportPaymentEvent) {
    this.events.push(event);
  }
  @OnIamportFailed() failed(event: IamportPaymentEvent) {
    this.events.push(event);
  }
  @OnIamportCancelled() cancelled(event: IamportPaymentEvent) {
    this.events.push(event);
  }
  @OnIamportForgery() forgery(event: IamportPaymentEvent) {
    this.events.push(event);
  }
}

export interface ModuleApp {
  url: string;
  app: INestApplication;
  orders: Repository<OrderEntity>;
  notifications: Repository<PaymentNotificationEntity>;
  events: IamportPaymentEvent[];
  logger: CapturingLogger;
  dataSource: DataSource;
  createOrder(amount: number, currency?: string): Promise<string>;
  order(merchantUid: string): Promise<OrderEntity>;
  close(): Promise<void>;
}

let sequence = 0;

/**
 * A small Nest app that mounts the real IamportModule on the TypeORM adapters
 * (SQLite in memory, migrations run) and listens on a free port.
 */
export async function startModuleApp(
  sim: SimulatorControl,
  settings: {
    platform?: Platform;
    form?: ModuleForm;
    options?: TestOptions;
    routes?: IamportRoutes;
    /** Express's `trust proxy` / Fastify's `trustProxy`; off by default, as in a fresh app. */
    trustProxy?: boolean | string;
  } = {},
): Promise<ModuleApp> {
  const dataSource = new DataSource({
    ...databaseOptions(':memory:', ':memory:'),
    migrationsRun: true,
  });
  await dataSource.initialize();
  const options = (
    orders: TypeOrmOrderRepository,
    log: TypeOrmNotificationLog,
    outbox: TypeOrmOutbox,
  ): IamportModuleOptions => ({
    impKey: sim.impKey,
    impSecret: sim.impSecret,
    apiBaseUrl: sim.url,
    timeoutMs: 1000,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 20,
    ...settings.options,
    orderRepository: orders,
    notificationLog: log,
    outbox,
  });
  // One data source for the app and for the test's own reads.
  const database = TypeOrmModule.forRootAsync({
    useFactory: () => dataSource.options,
    dataSourceFactory: () => Promise.resolve(dataSource),
  });
  const iamport = iamportModule(
    settings.form ?? 'forRoot',
    options,
    routesOf(settings.routes),
    dataSource,
  );

  @Module({
    imports: [database, PersistenceModule, iamport],
    providers: [RecordingHandlers],
  })
  class TestAppModule {}

  const logger = new CapturingLogger();
  const app =
    settings.platform === 'fastify'
      ? await NestFactory.create<NestFastifyApplication>(
          TestAppModule,
          new FastifyAdapter({ trustProxy: settings.trustProxy ?? false }),
          { logger, abortOnError: false, rawBody: true },
        )
      : await NestFactory.create<NestExpressApplication>(TestAppModule, {
          logger,
          abortOnError: false,
          rawBody: true,
        });
  if (settings.platform !== 'fastify')
    (app as NestExpressApplication).set(
      'trust proxy',
      settings.trustProxy ?? false,
    );
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const orders = dataSource.getRepository(OrderEntity);
  return {
    url,
    app,
    orders,
    notifications: dataSource.getRepository(PaymentNotificationEntity),
    events: app.get(RecordingHandlers).events,
    logger,
    dataSource,
    async createOrder(amount, currency = 'KRW') {
      const merchantUid = `order-${process.pid}-${++sequence}`;
      await orders.insert({
        merchantUid,
        name: 'Test order',
        amount,
        currency,
        status: 'pending',
      });
      return merchantUid;
    },
    order: (merchantUid) => orders.findOneByOrFail({ merchantUid }),
    close: () => app.close(),
  };
}

function routesOf(routes: IamportRoutes | undefined): IamportRoutes {
  return routes ?? {};
}

function iamportModule(
  form: ModuleForm,
  options: (
    orders: TypeOrmOrderRepository,
    log: TypeOrmNotificationLog,
    outbox: TypeOrmOutbox,
  ) => IamportModuleOptions,
  routes: IamportRoutes,
  dataSource: DataSource,
) {
  // For useClass and useExisting: a class with the factory method the module asks for.
  @Injectable()
  class IamportConfig {
    constructor(
      private readonly orders: TypeOrmOrderRepository,
      private readonly log: TypeOrmNotificationLog,
      private readonly outbox: TypeOrmOutbox,
    ) {}
    createIamportOptions() {
      return options(this.orders, this.log, this.outbox);
    }
  }
  switch (form) {
    case 'forRoot': {
      // forRoot takes plain values: the adapters are built here, before the app.
      const sql = new Sql(dataSource);
      const writes = new GroupCommit(sql);
      return IamportModule.forRoot({
        ...options(
          new TypeOrmOrderRepository(sql),
          new TypeOrmNotificationLog(writes),
          new TypeOrmOutbox(
            dataSource.getRepository(OutboxEventEntity),
            sql,
            writes,
          ),
        ),
        routes,
      });
    }
    case 'useFactory':
      return IamportModule.forRootAsync({
        imports: [PersistenceModule],
        inject: [TypeOrmOrderRepository, TypeOrmNotificationLog, TypeOrmOutbox],
        useFactory: options,
        routes,
      });
    case 'useClass': {
      return IamportModule.forRootAsync({
        imports: [PersistenceModule],
        useClass: IamportConfig,
        routes,
      });
    }
    case 'useExisting': {
      @Module({
        imports: [PersistenceModule],
        providers: [IamportConfig],
        exports: [IamportConfig],
      })
      class ConfigModule {}
      return IamportModule.forRootAsync({
        imports: [ConfigModule],
        useExisting: IamportConfig,
        routes,
      });
    }
  }
}
