import type { OrderStatus, TargetStatus } from './order-status.js';
import type { OutboxEvent } from './outbox.js';

/** Injection token of the merchant's `IamportOrderRepository`. */
export const IAMPORT_ORDER_REPOSITORY = Symbol('IAMPORT_ORDER_REPOSITORY');

/** What verification needs to know of an order. */
export interface IamportOrder {
  merchantUid: string;
  /** The amount the merchant expects, in the currency's smallest unit. */
  amount: number;
  currency: string;
  status: OrderStatus;
  /** The payment that last moved the order (settled it, issued its account, failed it). */
  impUid: string | null;
  /** Refunded so far. */
  cancelledAmount: number;
}

export interface VirtualAccount {
  bankCode: string | null;
  bankName: string | null;
  accountNumber: string;
  holder: string | null;
  /** Deposit deadline. */
  dueAt: Date | null;
}

/** One forward move of one order, to be applied atomically or not at all. */
export interface OrderTransition {
  merchantUid: string;
  /** Apply only if the stored status is one of these. */
  from: readonly OrderStatus[];
  to: TargetStatus;
  impUid: string;
  /**
   * Apply only if the stored imp_uid equals `impUid`: a refund of a payment
   * must not cancel an order that another payment settled.
   */
  requireSameImpUid: boolean;
  /** Apply only if less than this was refunded so far (a partial refund moves forward by amount). */
  requireCancelledAmountBelow: number | null;
  paidAt?: Date;
  failedAt?: Date;
  cancelledAt?: Date;
  cancelledAmount?: number;
  virtualAccount?: VirtualAccount;
  /** Why the order failed or was flagged, for people and result pages. */
  reason?: string;
}

/**
 * The merchant's persistence of orders, behind which the module works.
 *
 * `applyTransition` must be one conditional write, e.g.
 * `UPDATE orders SET ... WHERE merchant_uid = ? AND status IN (...from)
 *  [AND imp_uid = ?] [AND cancelled_amount < ?]`, reporting whether a row
 * changed. A unique constraint on imp_uid makes sure that one payment settles
 * at most one order. Several app instances may call it for the same order at
 * the same moment: exactly one wins.
 *
 * With an outbox configured, the same transaction also inserts `event` when
 * (and only when) the update changed the row.
 */
export interface IamportOrderRepository {
  findByMerchantUid(merchantUid: string): Promise<IamportOrder | null>;
  /** true when this call changed the order; false when the conditions did not hold. */
  applyTransition(
    transition: OrderTransition,
    event: OutboxEvent,
  ): Promise<boolean>;
}
