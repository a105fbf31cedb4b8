// A merchant's minimal Nest app on the packed nestjs-iamport: an in-memory
// order repository (the one required port), the module's redirect and webhook
// routes for PortOne V1 and V2, a handler of paid orders, and two routes of its
// own to create and read an order. Copied as it is into each consumer app (test/consumers/nest*-*/src).
import {
  Body,
  Controller,
  type DynamicModule,
  Get,
  Injectable,
  type INestApplication,
  Module,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  type IamportOrder,
  type IamportOrderRepository,
  IamportModule,
  type IamportPaymentEvent,
  OnIamportPaid,
  type PaymentRecord,
  type TargetStatus,
  type VerificationWrite,
} from 'nestjs-iamport';

/** The order as the shop stores it: what the module reads, plus the transition's fields. */
export interface StoredOrder extends IamportOrder {
  paidAt: string | null;
  reason: string | null;
}

/**
 * Orders and payment records in memory. `commit` is the port's compare-and-set:
 * the order moves only from the version the decision read, a record is
 * inserted only if none exists (version 0) or updated only from its version.
 */
@Injectable()
export class InMemoryOrderRepository implements IamportOrderRepository {
  private readonly orders = new Map<string, StoredOrder>();
  private readonly records = new Map<string, PaymentRecord>();
  /** Every committed move of an order, oldest first. */
  readonly transitions: { merchantUid: string; to: TargetStatus }[] = [];
  /** Commits refused because a version had moved. */
  lostCommits = 0;

  create(merchantUid: string, amount: number): StoredOrder {
    const order: StoredOrder = {
      merchantUid,
      amount,
      currency: 'KRW',
      status: 'pending',
      impUid: null,
      cancelledAmount: 0,
      version: 0,
      paidAt: null,
      reason: null,
    };
    this.orders.set(merchantUid, order);
    return { ...order };
  }

  get(merchantUid: string): StoredOrder | null {
    const order = this.orders.get(merchantUid);
    return order ? { ...order } : null;
  }

  findByMerchantUid(merchantUid: string): Promise<IamportOrder | null> {
    return Promise.resolve(this.get(merchantUid));
  }

  findPaymentRecord(impUid: string): Promise<PaymentRecord | null> {
    const record = this.records.get(impUid);
    return Promise.resolve(record ? { ...record } : null);
  }

  commit(write: VerificationWrite): Promise<boolean> {
    const { transition, record } = write;
    const order = transition ? this.orders.get(transition.merchantUid) : null;
    const stored = this.records.get(record.impUid);
    const orderMoved =
      transition !== null &&
      (!order || order.version !== transition.expectedVersion);
    const recordMoved =
      record.version === 0
        ? stored !== undefined
        : stored?.version !== record.version;
    if (orderMoved || recordMoved) {
      this.lostCommits += 1;
      return Promise.resolve(false);
    }
    if (transition && order) {
      this.orders.set(order.merchantUid, {
        ...order,
        status: transition.to,
        impUid: transition.impUid,
        cancelledAmount: transition.cancelledAmount,
        paidAt: transition.paidAt?.toISOString() ?? null,
        reason: transition.reason,
        version: order.version + 1,
      });
      this.transitions.push({
        merchantUid: order.merchantUid,
        to: transition.to,
      });
    }
    this.records.set(record.impUid, { ...record, version: record.version + 1 });
    return Promise.resolve(true);
  }
}

/** What the shop does once an order is paid: here, count it. */
@Injectable()
export class Fulfilment {
  readonly paid = new Map<string, number>();

  @OnIamportPaid()
  ship(event: IamportPaymentEvent): void {
    this.paid.set(
      event.merchantUid,
      (this.paid.get(event.merchantUid) ?? 0) + 1,
    );
  }
}

@Module({
  providers: [InMemoryOrderRepository],
  exports: [InMemoryOrderRepository],
})
export class OrdersPersistenceModule {}

interface CreateOrderBody {
  merchantUid: string;
  amount: number;
}

@Controller('orders')
export class OrdersController {
  constructor(
    private readonly orders: InMemoryOrderRepository,
    private readonly fulfilment: Fulfilment,
  ) {}

  @Post()
  create(@Body() body: CreateOrderBody): StoredOrder {
    return this.orders.create(body.merchantUid, body.amount);
  }

  @Get(':merchantUid')
  read(@Param('merchantUid') merchantUid: string) {
    const order = this.orders.get(merchantUid);
    if (!order) throw new NotFoundException();
    return {
      order,
      transitions: this.orders.transitions
        .filter((t) => t.merchantUid === merchantUid)
        .map((t) => t.to),
      paidHandlerRuns: this.fulfilment.paid.get(merchantUid) ?? 0,
    };
  }
}

export interface ShopConfig {
  apiBaseUrl: string;
  impKey: string;
  impSecret: string;
  /** PortOne V2 beside V1 (its API at `${apiBaseUrl}/v2`, the simulator's). */
  v2: { apiSecret: string; storeId: string; webhookSecret: string };
}

@Module({})
export class AppModule {
  static forRoot(config: ShopConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        OrdersPersistenceModule,
        IamportModule.forRootAsync({
          imports: [OrdersPersistenceModule],
          inject: [InMemoryOrderRepository],
          useFactory: (orderRepository: InMemoryOrderRepository) => ({
            impKey: config.impKey,
            impSecret: config.impSecret,
            apiBaseUrl: config.apiBaseUrl,
            orderRepository,
            v2: { ...config.v2, apiBaseUrl: `${config.apiBaseUrl}/v2` },
          }),
          routes: {
            redirect: 'payments/complete',
            webhook: 'payments/webhook',
            v2Redirect: 'payments/v2/complete',
            v2Webhook: 'payments/v2/webhook',
          },
        }),
      ],
      controllers: [OrdersController],
      providers: [Fulfilment],
    };
  }
}

export interface RunningShop {
  app: INestApplication;
  url: string;
}

export async function startShop(
  config: ShopConfig,
  port = 0,
): Promise<RunningShop> {
  // rawBody: PortOne V2 signs the exact bytes of its webhooks.
  const app = await NestFactory.create(AppModule.forRoot(config), {
    logger: ['error', 'warn'],
    rawBody: true,
  });
  await app.listen(port, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}
