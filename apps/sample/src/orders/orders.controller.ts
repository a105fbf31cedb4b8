import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { bodyValidation } from '../body-validation.js';
import { ErrorAnswer } from '../openapi/error-answer.js';
import { CreateOrderDto } from './create-order.dto.js';
import { CreatedOrderSchema, OrderSchema } from './order.schema.js';
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
@ApiTags('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @ApiOperation({
    summary: 'Create an order of a product',
    description:
      "The server prices the order from the product (`price × quantity`, the product's currency) and registers the amount with iamport, so that its payment window refuses another one. The checkout opens the payment window with the answer.",
  })
  @ApiBody({ type: CreateOrderDto })
  @ApiCreatedResponse({
    description: 'The order, `pending` until a verified payment moves it.',
    type: CreatedOrderSchema,
  })
  @ApiBadRequestResponse({
    description:
      'Not a valid body: a missing or bad `product_id` or `quantity`, an unknown field, a price the client tried to set (`amount`, `price`, `currency`), or no such product.',
    type: ErrorAnswer,
    example: {
      statusCode: 400,
      error: 'Bad Request',
      message: [
        'amount must not be sent: the server prices the order from product_id and quantity',
      ],
    },
  })
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
  @ApiOperation({
    summary: 'Read an order',
    description:
      'What the result page polls while a payment is being confirmed. The order changes only through verified payments.',
  })
  @ApiParam({
    name: 'merchant_uid',
    description: "the order's id (`merchant_uid`)",
    example: 'order_0123456789abcdef01234567',
  })
  @ApiOkResponse({ description: 'The order.', type: OrderSchema })
  @ApiNotFoundResponse({
    description: 'No such order.',
    type: ErrorAnswer,
    example: { statusCode: 404, error: 'Not Found', message: 'no such order' },
  })
  async get(@Param('merchant_uid') merchantUid: string): Promise<OrderView> {
    return toOrderView(await this.orders.get(merchantUid));
  }
}
