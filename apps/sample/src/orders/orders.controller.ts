import {
  Body,
  Controller,
  Get,
  Param,
  Post,
  ValidationPipe,
} from '@nestjs/common';
import { CreateOrderDto } from './create-order.dto.js';
import { toOrderView, type OrderView } from './order.view.js';
import { OrdersService } from './orders.service.js';

const validation = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  expectedType: CreateOrderDto,
});

@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  async create(
    @Body(validation) order: CreateOrderDto,
  ): Promise<
    Pick<OrderView, 'merchant_uid' | 'name' | 'amount' | 'currency' | 'status'>
  > {
    const { merchant_uid, name, amount, currency, status } = toOrderView(
      await this.orders.create(order),
    );
    return { merchant_uid, name, amount, currency, status };
  }

  @Get(':merchant_uid')
  async get(@Param('merchant_uid') merchantUid: string): Promise<OrderView> {
    return toOrderView(await this.orders.get(merchantUid));
  }
}
