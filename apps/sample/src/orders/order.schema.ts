import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ORDER_STATUSES } from 'nestjs-iamport';
import type { FulfilmentStatus } from '../persistence/order.entity.js';
import type { OrderView } from './order.view.js';

/** What `fulfilment` can read (`FulfilmentStatus`; the compiler checks that none is missing). */
const FULFILMENT: Record<FulfilmentStatus, true> = {
  none: true,
  awaiting_deposit: true,
  ready_to_ship: true,
  cancelled: true,
  held: true,
};

const MERCHANT_UID = {
  type: String,
  description: "the order's id, also iamport's `merchant_uid`",
  example: 'order_0123456789abcdef01234567',
};
const STATUS = {
  enum: [...ORDER_STATUSES],
  enumName: 'OrderStatus',
  description: 'moved only by verified payments',
  example: 'pending',
};
const MONEY = {
  type: 'integer' as const,
  description: "in the currency's smallest unit (won for KRW)",
};
const TIME = { type: String, format: 'date-time' };

/** The virtual account of an order paid by bank transfer (OpenAPI only: the routes answer `OrderView`). */
@ApiSchema({ name: 'VirtualAccount' })
export class VirtualAccountSchema {
  @ApiProperty({ type: String, nullable: true, example: '004' })
  bank_code: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'KB국민은행' })
  bank_name: string | null;

  @ApiProperty({ example: '12345678901234' })
  account_number: string;

  @ApiProperty({ type: String, nullable: true })
  holder: string | null;

  @ApiProperty({ ...TIME, nullable: true, description: 'deposit deadline' })
  due_at: string | null;
}

/** `GET /orders/{merchant_uid}` (OpenAPI only; `OrderView` is what the route answers). */
@ApiSchema({ name: 'Order' })
export class OrderSchema implements OrderView {
  @ApiProperty(MERCHANT_UID)
  merchant_uid: string;

  @ApiProperty({ type: 'integer', nullable: true, example: 1 })
  product_id: number | null;

  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  quantity: number;

  @ApiProperty({ description: "the product's name", example: '제주 녹차 100g' })
  name: string;

  @ApiProperty({ ...MONEY, example: 12000 })
  amount: number;

  @ApiProperty({ example: 'KRW' })
  currency: string;

  @ApiProperty(STATUS)
  status: OrderView['status'];

  @ApiProperty({ type: String, nullable: true, example: 'imp_123456789012' })
  imp_uid: string | null;

  @ApiProperty({ ...TIME, nullable: true })
  paid_at: string | null;

  @ApiProperty({ ...TIME, nullable: true })
  failed_at: string | null;

  @ApiProperty({ ...TIME, nullable: true })
  cancelled_at: string | null;

  @ApiProperty({ ...MONEY, example: 0 })
  cancelled_amount: number;

  @ApiProperty({
    type: VirtualAccountSchema,
    nullable: true,
    description: 'the account to pay into, for a virtual-account payment',
  })
  vbank: VirtualAccountSchema | null;

  @ApiProperty({ type: String, nullable: true })
  failure_reason: string | null;

  @ApiProperty({
    enum: Object.keys(FULFILMENT),
    enumName: 'FulfilmentStatus',
    description:
      "the shop's own follow-up, moved by the payment event handlers",
    example: 'none',
  })
  fulfilment: FulfilmentStatus;

  @ApiProperty(TIME)
  created_at: string;

  @ApiProperty(TIME)
  updated_at: string;
}

/** `POST /orders` (OpenAPI only; `CreatedOrderView` is what the route answers). */
@ApiSchema({ name: 'CreatedOrder' })
export class CreatedOrderSchema {
  @ApiProperty(MERCHANT_UID)
  merchant_uid: string;

  @ApiProperty({ type: 'integer', nullable: true, example: 1 })
  product_id: number | null;

  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  quantity: number;

  @ApiProperty({ example: '제주 녹차 100g' })
  name: string;

  @ApiProperty({
    ...MONEY,
    description: "price × quantity, in the currency's smallest unit",
    example: 12000,
  })
  amount: number;

  @ApiProperty({ example: 'KRW' })
  currency: string;

  @ApiProperty({ ...STATUS, example: 'pending' })
  status: OrderView['status'];

  @ApiProperty(TIME)
  created_at: string;

  @ApiProperty({
    description:
      'whether iamport holds the amount (its payment window then refuses another one)',
    example: true,
  })
  prepared: boolean;
}
