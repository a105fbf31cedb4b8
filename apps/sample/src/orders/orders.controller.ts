import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { bodyValidation } from '../body-validation.js';
import { CreateOrderDto } from './create-order.dto.js';
import { toOrderView, type OrderView } from './order.view.js';
import { OrdersService } from './orders.service.js';

/** The answer to `POST /orders`: what the checkout opens the payment window with. */
export type CreatedOrderView = Pick<
  OrderView,
  | 'merchant_uid'
  | 'product_id'
  | 'quantity'
  | 'name'
  | 'amount'
  | 'currency'
  | 'status'
  | 'created_at'
> & {
  /** Whether iamport holds the amount (its window then refuses another one). */
  prepared: boolean;
};

@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  async create(
    @Body(bodyValidation(CreateOrderDto)) request: CreateOrderDto,
  ): Promise<CreatedOrderView> {
    const { order, prepared } = await this.orders.create(request);
    const view = toOrderView(order);
    return {
      merchant_uid: view.merchant_uid,
      product_id: view.product_id,
      quantity: view.quantity,
      name: view.name,
      amount: view.amount,
      currency: view.currency,
      status: view.status,
      created_at: view.created_at,
      prepared,
    };
  }

  @Get(':merchant_uid')
  async get(@Param('merchant_uid') merchantUid: string): Promise<OrderView> {
    return toOrderView(await this.orders.get(merchantUid));
  }
}
