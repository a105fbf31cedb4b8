import {
  BadRequestException,
  Injectable,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  PaymentPreparationService,
  PortOneV2PreparationService,
} from 'nestjs-iamport';
import { randomBytes } from 'node:crypto';
import type { Repository } from 'typeorm';
import { OrderEntity } from '../persistence/order.entity.js';
import { ProductsService } from '../products/products.service.js';
import type { CreateOrderDto } from './create-order.dto.js';

/** How long creating an order waits for iamport (and PortOne V2) to register its amount before answering without it. */
const PREPARE_BUDGET_MS = 3000;

export interface CreatedOrder {
  order: OrderEntity;
  /** Whether iamport holds the amount, so its window refuses another one. */
  prepared: boolean;
}

@Injectable()
export class OrdersService {
  private readonly logger = new Logger('Orders');

  constructor(
    @InjectRepository(OrderEntity)
    private readonly orders: Repository<OrderEntity>,
    private readonly products: ProductsService,
    private readonly preparation: PaymentPreparationService,
    private readonly v2Preparation: PortOneV2PreparationService,
  ) {}

  async create(request: CreateOrderDto): Promise<CreatedOrder> {
    const product = await this.products.find(request.product_id);
    if (!product)
      throw new BadRequestException(
        `product_id ${request.product_id} is not a product of this shop (GET /products lists them)`,
      );
    const quantity = request.quantity ?? 1;
    // The app's clock, not the database's: a MariaDB server in +09:00 would store its local time.
    const now = new Date();
    const order = await this.orders.save(
      this.orders.create({
        merchantUid: newMerchantUid(),
        productId: product.id,
        quantity,
        name: product.name,
        amount: product.price * quantity,
        currency: product.currency,
        status: 'pending',
        createdAt: now,
        updatedAt: now,
      }),
    );
    return { order, prepared: await this.prepare(order) };
  }

  async get(merchantUid: string): Promise<OrderEntity> {
    // Not a merchant_uid this shop could have issued (PostgreSQL even refuses a NUL byte): unknown.
    if (!MERCHANT_UID.test(merchantUid))
      throw new NotFoundException('no such order');
    const order = await this.orders.findOneBy({ merchantUid });
    if (!order) throw new NotFoundException('no such order');
    return order;
  }

  /**
   * Registers the amount with iamport and, when it is configured, with
   * PortOne V2 (whose paymentId is the merchant_uid), both at once within one
   * budget. The order is already stored, and the verification after payment
   * is the authority, so a registration that fails or takes too long only
   * costs the early refusal in the PG window. The answer is iamport's (V1's):
   * `prepared` of `POST /orders`; V2's outcome is only logged when it failed.
   */
  private async prepare(order: OrderEntity): Promise<boolean> {
    const payment = {
      merchantUid: order.merchantUid,
      amount: order.amount,
      currency: order.currency,
    };
    const failed = (withWhom: string) => (error: unknown) => {
      this.logger.warn(
        `the amount of ${order.merchantUid} was not registered with ${withWhom}: ${error instanceof Error ? error.message : String(error)}`,
      );
    };
    // iamport's answer within the budget; false until then.
    let prepared = false;
    const v1 = this.preparation.register(payment).then(() => {
      prepared = true;
    }, failed('iamport'));
    const v2 = this.v2Preparation.configured
      ? this.v2Preparation.register(payment).catch(failed('PortOne V2'))
      : undefined;
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, PREPARE_BUDGET_MS);
    });
    try {
      await Promise.race([Promise.all([v1, v2]), budget]);
      return prepared;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** What iamport accepts as a merchant_uid: visible ASCII, at most 40 characters. */
const MERCHANT_UID = /^[\x21-\x7e]{1,40}$/;

/** Unguessable and within iamport's 40 characters: `order_` and 24 hex digits. */
function newMerchantUid(): string {
  return `order_${randomBytes(12).toString('hex')}`;
}
