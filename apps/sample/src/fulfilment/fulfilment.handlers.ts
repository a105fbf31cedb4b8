import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type IamportPaymentEvent,
  OnIamportCancelled,
  OnIamportForgery,
  OnIamportPaid,
  OnIamportVbankIssued,
} from 'nestjs-iamport';
import { setTimeout as sleep } from 'node:timers/promises';
import { In, type EntityManager } from 'typeorm';
import {
  type FulfilmentStatus,
  OrderEntity,
} from '../persistence/order.entity.js';
import { HandledEvents } from './handled-events.js';

export const SHIPPING_DELAY_MS = Symbol('SHIPPING_DELAY_MS');

/**
 * What the shop does once a payment is verified: a stand-in for shipping.
 * Each event is handled once (`HandledEvents`), and each update is
 * conditional, so a redelivered event changes nothing.
 */
@Injectable()
export class FulfilmentHandlers {
  private readonly logger = new Logger('Fulfilment');

  constructor(
    private readonly handled: HandledEvents,
    @Inject(SHIPPING_DELAY_MS) private readonly shippingDelayMs: number,
  ) {}

  @OnIamportVbankIssued()
  async awaitDeposit(event: IamportPaymentEvent): Promise<void> {
    await this.handled.once(event, 'awaitDeposit', async (manager) => {
      this.logger.log(
        `${event.merchantUid}: waiting for a deposit into ${event.order.impUid}`,
      );
      await move(manager, event.merchantUid, ['none'], 'awaiting_deposit');
    });
  }

  @OnIamportPaid()
  async ship(event: IamportPaymentEvent): Promise<void> {
    // Booking a shipment takes time; the outbox makes sure a crash meanwhile loses nothing.
    if (this.shippingDelayMs > 0) await sleep(this.shippingDelayMs);
    await this.handled.once(event, 'ship', async (manager) => {
      this.logger.log(
        `${event.merchantUid}: paid ${event.payment.amount} ${event.payment.currency}, ready to ship`,
      );
      // `held`: an earlier forged payment was refunded, and this one is right.
      await move(
        manager,
        event.merchantUid,
        ['none', 'awaiting_deposit', 'held'],
        'ready_to_ship',
      );
    });
  }

  @OnIamportCancelled()
  async stop(event: IamportPaymentEvent): Promise<void> {
    await this.handled.once(event, 'stop', async (manager) => {
      if (event.order.status !== 'cancelled') {
        this.logger.log(
          `${event.merchantUid}: partly refunded (${event.order.cancelledAmount})`,
        );
        return;
      }
      this.logger.log(`${event.merchantUid}: refunded, shipment cancelled`);
      await move(
        manager,
        event.merchantUid,
        ['none', 'awaiting_deposit', 'ready_to_ship'],
        'cancelled',
      );
    });
  }

  @OnIamportForgery()
  async hold(event: IamportPaymentEvent): Promise<void> {
    await this.handled.once(event, 'hold', async (manager) => {
      this.logger.warn(
        `${event.merchantUid}: forged amount (${event.transition.reason}); order ${event.order.status}`,
      );
      await move(
        manager,
        event.merchantUid,
        ['none', 'awaiting_deposit'],
        'held',
      );
    });
  }
}

function move(
  manager: EntityManager,
  merchantUid: string,
  from: FulfilmentStatus[],
  to: FulfilmentStatus,
) {
  return manager.update(
    OrderEntity,
    { merchantUid, fulfilment: In(from) },
    { fulfilment: to },
  );
}
