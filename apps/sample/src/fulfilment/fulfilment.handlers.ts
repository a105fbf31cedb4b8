import { Inject, Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { InjectRepository } from '@nestjs/typeorm';
import {
  type IamportPaymentEvent,
  OnIamportCancelled,
  OnIamportForgery,
  OnIamportPaid,
  OnIamportVbankIssued,
} from 'nestjs-iamport';
import { In, type Repository } from 'typeorm';
import {
  type FulfilmentStatus,
  OrderEntity,
} from '../persistence/order.entity.js';

export const SHIPPING_DELAY_MS = Symbol('SHIPPING_DELAY_MS');

/**
 * What the shop does once a payment is verified: a stand-in for shipping.
 * Each update is conditional, so a repeated event (the outbox delivers at
 * least once) changes nothing.
 */
@Injectable()
export class FulfilmentHandlers {
  private readonly logger = new Logger('Fulfilment');

  constructor(
    @InjectRepository(OrderEntity)
    private readonly orders: Repository<OrderEntity>,
    @Inject(SHIPPING_DELAY_MS) private readonly shippingDelayMs: number,
  ) {}

  @OnIamportVbankIssued()
  async awaitDeposit(event: IamportPaymentEvent): Promise<void> {
    this.logger.log(
      `${event.merchantUid}: waiting for a deposit into ${event.order.impUid}`,
    );
    await this.move(event.merchantUid, ['none'], 'awaiting_deposit');
  }

  @OnIamportPaid()
  async ship(event: IamportPaymentEvent): Promise<void> {
    // Booking a shipment takes time; the outbox makes sure a crash meanwhile loses nothing.
    if (this.shippingDelayMs > 0) await sleep(this.shippingDelayMs);
    this.logger.log(
      `${event.merchantUid}: paid ${event.payment.amount} ${event.payment.currency}, ready to ship`,
    );
    await this.move(
      event.merchantUid,
      ['none', 'awaiting_deposit'],
      'ready_to_ship',
    );
  }

  @OnIamportCancelled()
  async stop(event: IamportPaymentEvent): Promise<void> {
    if (event.order.status !== 'cancelled') {
      this.logger.log(
        `${event.merchantUid}: partly refunded (${event.order.cancelledAmount})`,
      );
      return;
    }
    this.logger.log(`${event.merchantUid}: refunded, shipment cancelled`);
    await this.move(
      event.merchantUid,
      ['none', 'awaiting_deposit', 'ready_to_ship'],
      'cancelled',
    );
  }

  @OnIamportForgery()
  async hold(event: IamportPaymentEvent): Promise<void> {
    this.logger.warn(
      `${event.merchantUid}: forged amount (${event.transition.reason}); order ${event.order.status}`,
    );
    await this.move(event.merchantUid, ['none', 'awaiting_deposit'], 'held');
  }

  private async move(
    merchantUid: string,
    from: FulfilmentStatus[],
    to: FulfilmentStatus,
  ): Promise<void> {
    await this.orders.update(
      { merchantUid, fulfilment: In(from) },
      { fulfilment: to },
    );
  }
}
