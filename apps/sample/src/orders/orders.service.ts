import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import type { Repository } from 'typeorm';
import { OrderEntity } from '../persistence/order.entity.js';
import type { CreateOrderDto } from './create-order.dto.js';

@Injectable()
export class OrdersService {
  constructor(
    @InjectRepository(OrderEntity)
    private readonly orders: Repository<OrderEntity>,
  ) {}

  async create(order: CreateOrderDto): Promise<OrderEntity> {
    // The app's clock, not the database's: a MariaDB server in +09:00 would store its local time.
    const now = new Date();
    const created = this.orders.create({
      merchantUid: newMerchantUid(),
      name: order.name,
      amount: order.amount,
      currency: order.currency ?? 'KRW',
      status: 'pending',
      createdAt: now,
      updatedAt: now,
    });
    return this.orders.save(created);
  }

  async get(merchantUid: string): Promise<OrderEntity> {
    // Not a merchant_uid this shop could have issued (PostgreSQL even refuses a NUL byte): unknown.
    if (!MERCHANT_UID.test(merchantUid))
      throw new NotFoundException('no such order');
    const order = await this.orders.findOneBy({ merchantUid });
    if (!order) throw new NotFoundException('no such order');
    return order;
  }
}

/** What iamport accepts as a merchant_uid: visible ASCII, at most 40 characters. */
const MERCHANT_UID = /^[\x21-\x7e]{1,40}$/;

/** Unguessable and within iamport's 40 characters: `order_` and 24 hex digits. */
function newMerchantUid(): string {
  return `order_${randomBytes(12).toString('hex')}`;
}
