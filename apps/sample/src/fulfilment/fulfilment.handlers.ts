import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type IamportPaymentEvent,
  OnIamportCancelled,
  OnIamportFailed,
  OnIamportForgery,
  OnIamportPaid,
  OnIamportVbankIssued,
} from 'nestjs-iamport';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EntityManager } from 'typeorm';
import { Sql } from '../persistence/sql.js';
import type { FulfilmentStatus } from '../persistence/order.entity.js';
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
    private readonly sql: Sql,
    @Inject(SHIPPING_DELAY_MS) private readonly shippingDelayMs: number,
  ) {}

  @OnIamportVbankIssued()
  async awaitDeposit(event: IamportPaymentEvent): Promise<void> {
    await this.handled.once(event, 'awaitDeposit', async (manager) => {
      this.logger.debug(
        `${event.merchantUid}: waiting for a deposit into ${event.order.impUid}`,
      );
      await move(
        this.sql,
        manager,
        event.merchantUid,
        ['none'],
        'awaiting_deposit',
      );
    });
  }

  @OnIamportPaid()
  async ship(event: IamportPaymentEvent): Promise<void> {
    // Booking a shipment takes time; the outbox makes sure a crash meanwhile loses nothing.
    if (this.shippingDelayMs > 0) await sleep(this.shippingDelayMs);
    await this.handled.once(event, 'ship', async (manager) => {
      this.logger.debug(
        `${event.merchantUid}: paid ${event.payment.amount} ${event.payment.currency}, ready to ship`,
      );
      // `held`: an earlier forged payment was refunded, and this one is right. Only while the
      // order is still settled by this payment: a redelivery after a full refund ships nothing.
      await move(
        this.sql,
        manager,
        event.merchantUid,
        ['none', 'awaiting_deposit', 'held'],
        'ready_to_ship',
        event.impUid,
      );
    });
  }

  @OnIamportCancelled()
  async stop(event: IamportPaymentEvent): Promise<void> {
    await this.handled.once(event, 'stop', async (manager) => {
      if (event.order.status !== 'cancelled') {
        this.logger.debug(
          `${event.merchantUid}: partly refunded (${event.order.cancelledAmount})`,
        );
        return;
      }
      this.logger.debug(`${event.merchantUid}: refunded, shipment cancelled`);
      await move(
        this.sql,
        manager,
        event.merchantUid,
        ['none', 'awaiting_deposit', 'ready_to_ship'],
        'cancelled',
      );
    });
  }

  @OnIamportFailed()
  async reopen(event: IamportPaymentEvent): Promise<void> {
    await this.handled.once(event, 'reopen', async (manager) => {
      // The virtual account it waited for was revoked (or its payment failed): nothing to wait for.
      await move(
        this.sql,
        manager,
        event.merchantUid,
        ['awaiting_deposit'],
        'none',
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
        this.sql,
        manager,
        event.merchantUid,
        ['none', 'awaiting_deposit'],
        'held',
      );
    });
  }
}

/** Moves the order's fulfilment; with `settledBy`, only while that payment still holds the order's money. */
function move(
  sql: Sql,
  manager: EntityManager,
  merchantUid: string,
  from: FulfilmentStatus[],
  to: FulfilmentStatus,
  settledBy?: string,
) {
  const settled = settledBy
    ? " AND imp_uid = ? AND status IN ('paid', 'partially_cancelled')"
    : '';
  return sql.run(
    `UPDATE orders SET fulfilment = ?, updated_at = ? WHERE merchant_uid = ? AND fulfilment IN ${Sql.list(from.length)}${settled}`,
    [to, new Date(), merchantUid, ...from, ...(settledBy ? [settledBy] : [])],
    manager,
  );
}
