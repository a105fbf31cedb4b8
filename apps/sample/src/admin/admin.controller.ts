import {
  Body,
  Controller,
  Get,
  Header,
  NotFoundException,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ORDER_STATUSES } from 'nestjs-iamport';
import { bodyValidation } from '../body-validation.js';
import { CreateProductDto } from '../products/create-product.dto.js';
import type { ProductView } from '../products/product.view.js';
import { ProductsService } from '../products/products.service.js';
import {
  AdminData,
  type AttentionItem,
  type Glance,
  type OrderSummary,
  type PaymentView,
} from './admin-data.js';
import { statusOf } from './admin-pages.controller.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { ATTENTION_KINDS } from './attention.js';

const PAYMENT_SCHEMA = {
  type: 'object',
  properties: {
    imp_uid: { type: 'string' },
    merchant_uid: { type: 'string' },
    amount: { type: 'integer' },
    cancelled_amount: { type: 'integer' },
    amount_held: { type: 'integer' },
    currency: { type: 'string' },
    status: { type: 'string', description: 'iamport’s status, as last seen' },
    disposition: {
      type: 'string',
      enum: [
        'settles_order',
        'refunded',
        'flagged',
        'awaiting_deposit',
        'no_money',
      ],
    },
    reason: { type: 'string' },
    first_seen_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
  },
};

const ATTENTION_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      imp_uid: { type: 'string' },
      merchant_uid: { type: 'string' },
      kind: { type: 'string', enum: [...ATTENTION_KINDS] },
      cause: {
        type: 'string',
        enum: [
          'forgery',
          'duplicate_payment',
          'unknown_order',
          'other',
          'unaccounted',
        ],
      },
      amount_held: { type: 'integer' },
      amount: { type: 'integer' },
      cancelled_amount: { type: 'integer' },
      currency: { type: 'string' },
      status: { type: 'string' },
      disposition: { type: 'string' },
      reason: { type: 'string' },
      refund_refused: { type: 'string', nullable: true },
      order: {
        type: 'object',
        nullable: true,
        properties: {
          status: { type: 'string', enum: [...ORDER_STATUSES] },
          amount: { type: 'integer' },
          currency: { type: 'string' },
        },
      },
      first_seen_at: { type: 'string', format: 'date-time', nullable: true },
      updated_at: { type: 'string', format: 'date-time', nullable: true },
    },
  },
};

/**
 * The merchant's routes for scripts and monitoring: only with
 * `Authorization: Bearer <ADMIN_TOKEN>` (or a browser's admin session; its
 * POSTs need the CSRF token). JSON, 401 without a token.
 */
@ApiTags('admin')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no token (401); a wrong one is 403' })
@Controller('admin')
@UseGuards(AdminTokenGuard)
export class AdminController {
  constructor(
    private readonly products: ProductsService,
    private readonly data: AdminData,
  ) {}

  @Post('products')
  @ApiOperation({ summary: 'Adds a product' })
  @ApiCreatedResponse({
    schema: {
      type: 'object',
      properties: {
        id: { type: 'integer' },
        name: { type: 'string' },
        price: { type: 'integer' },
        currency: { type: 'string' },
      },
    },
  })
  createProduct(
    @Body(bodyValidation(CreateProductDto)) product: CreateProductDto,
  ): Promise<ProductView> {
    return this.products.create(product);
  }

  @Get('api/attention')
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary:
      'Every payment that needs a person: flagged (forged, duplicate, refund refused, unknown order) and unaccounted, what it still holds and why',
  })
  @ApiOkResponse({ schema: ATTENTION_SCHEMA })
  attention(): Promise<AttentionItem[]> {
    return this.data.attention();
  }

  @Get('api/orders')
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary:
      'The newest 50 orders (of one status when asked), with their payments',
  })
  @ApiQuery({ name: 'status', required: false, enum: ORDER_STATUSES })
  @ApiOkResponse({
    schema: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          merchant_uid: { type: 'string' },
          name: { type: 'string' },
          amount: { type: 'integer' },
          currency: { type: 'string' },
          status: { type: 'string', enum: [...ORDER_STATUSES] },
          imp_uid: { type: 'string', nullable: true },
          fulfilment: { type: 'string' },
          created_at: { type: 'string', format: 'date-time' },
          updated_at: { type: 'string', format: 'date-time' },
          payments: { type: 'array', items: PAYMENT_SCHEMA },
        },
      },
    },
  })
  orders(@Query('status') status: unknown): Promise<OrderSummary[]> {
    return this.data.recentOrders(statusOf(status));
  }

  @Get('api/orders/:merchant_uid/payments')
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary:
      'Every payment of an order and what was done with it (its record), oldest first',
  })
  @ApiParam({ name: 'merchant_uid' })
  @ApiOkResponse({ schema: { type: 'array', items: PAYMENT_SCHEMA } })
  @ApiNotFoundResponse({ description: 'the shop has no such order' })
  async payments(
    @Param('merchant_uid') merchantUid: string,
  ): Promise<PaymentView[]> {
    const payments =
      merchantUid.length <= 40
        ? await this.data.paymentsOfOrder(merchantUid)
        : null;
    if (payments === null)
      throw new NotFoundException(`no order ${merchantUid.slice(0, 40)}`);
    return payments;
  }

  @Get('api/glance')
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary:
      'What the charts draw: payments by outcome per hour (24 h) and per KST day (14 days), records by disposition, iamport calls since start, the outbox backlog',
  })
  @ApiOkResponse({ schema: { type: 'object' } })
  glance(): Promise<Glance> {
    return this.data.glance();
  }
}
