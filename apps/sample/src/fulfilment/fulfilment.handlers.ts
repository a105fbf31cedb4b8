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
import { Sql, type Statement } from '../persistence/sql.js';
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
    @Inject(SHIPPING_DELAY_MS) private readonly shippingDelayMs: number,
  ) {}

  @OnIamportVbankIssued()
  async awaitDeposit(event: IamportPaymentEvent): Promise<void> {
    this.logger.debug(
      `${event.merchantUid}: waiting for a deposit into ${event.order.impUid}`,
    );
    await this.handled.once(
      event,
      'awaitDeposit',
      move(event.merchantUid, ['none'], 'awaiting_deposit'),
    );
  }

  @OnIamportPaid()
  async ship(event: IamportPaymentEvent): Promise<void> {
    // Booking a shipment takes time; the outbox makes sure a crash meanwhile loses nothing.
    if (this.shippingDelayMs > 0) await sleep(this.shippingDelayMs);
    this.logger.debug(
      `${event.merchantUid}: paid ${event.payment.amount} ${event.payment.currency}, ready to ship`,
    );
    // `held`: an earlier forged payment was refunded, and this one is right. Only while the
    // order is still settled by this payment: a redelivery after a full refund ships nothing.
    await this.handled.once(
      event,
      'ship',
      move(
        event.merchantUid,
        ['none', 'awaiting_deposit', 'held'],
        'ready_to_ship',
        event.impUid,
      ),
    );
  }

  @OnIamportCancelled()
  async stop(event: IamportPaymentEvent): Promise<void> {
    if (event.order.status !== 'cancelled') {
      this.logger.debug(
        `${event.merchantUid}: partly refunded (${event.order.cancelledAmount})`,
      );
      await this.handled.once(event, 'stop', null);
      return;
    }
    this.logger.debug(`${event.merchantUid}: refunded, shipment cancelled`);
    await this.handled.once(
      event,
      'stop',
      move(
        event.merchantUid,
        ['none', 'awaiting_deposit', 'ready_to_ship'],
        'cancelled',
      ),
    );
  }

  @OnIamportFailed()
  async reopen(event: IamportPaymentEvent): Promise<void> {
    // The virtual account it waited for was revoked (or its payment failed): nothing to wait for.
    await this.handled.once(
      event,
      'reopen',
      move(event.merchantUid, ['awaiting_deposit'], 'none'),
    );
  }

  @OnIamportForgery()
  async hold(event: IamportPaymentEvent): Promise<void> {
    const first = await this.handled.once(
      event,
      'hold',
      move(event.merchantUid, ['none', 'awaiting_deposit'], 'held'),
    );
    if (first)
      this.logger.warn(
        `${event.merchantUid}: forged amount (${event.transition.reason}); order ${event.order.status}`,
      );
  }
}

/** Moves the order's fulfilment; with `settledBy`, only while that payment still holds the order's money. */
function move(
  merchantUid: string,
  from: FulfilmentStatus[],
  to: FulfilmentStatus,
  settledBy?: string,
): Statement {
  const settled = settledBy
    ? " AND imp_uid = ? AND status IN ('paid', 'partially_cancelled')"
    : '';
  return {
    sql: `UPDATE orders SET fulfilment = ?, updated_at = ? WHERE merchant_uid = ? AND fulfilment IN ${Sql.list(from.length)}${settled}`,
    values: [
      to,
      new Date(),
      merchantUid,
      ...from,
      ...(settledBy ? [settledBy] : []),
    ],
  };
}
