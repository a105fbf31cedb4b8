import type { OrderStatus } from './order-status.js';

/** An order that reconciliation should look at again. */
export interface StaleOrder {
  merchantUid: string;
  status: OrderStatus;
  impUid: string | null;
  /** Reconciliation attempts in a row that could not settle it (iamport or the database failed). */
  failures: number;
}

export interface StaleOrderClaim {
  /** Orders in one of these statuses (those a payment can still settle, `OPEN_STATUSES`)… */
  statuses: readonly OrderStatus[];
  /** …created before this (younger ones still expect their webhook)… */
  createdBefore: Date;
  /** …and after this (older ones are left to the sweep of recent payments)… */
  createdAfter: Date;
  /** …not looked at since this (the run's start: each order at most once per run)… */
  notReconciledSince: Date;
  /** …and not waiting out a backoff after failures (`retryAfter` later than `now`). */
  now: Date;
  limit: number;
  /** Who claims; the claim lasts until `leaseUntil`, then another instance may take the order. */
  owner: string;
  leaseUntil: Date;
}

export interface FailedReconciliation {
  merchantUid: string;
  /** Not claimed again before this. */
  retryAfter: Date;
}

/**
 * What reconciliation needs of the merchant's orders. Several instances may
 * reconcile at once: `claimStaleOrders` must hand each order to one of them
 * (`SELECT … FOR UPDATE SKIP LOCKED` then a lease, or a lease written by a
 * conditional UPDATE where the database has no SKIP LOCKED).
 */
export interface IamportReconciliationRepository {
  claimStaleOrders(claim: StaleOrderClaim): Promise<StaleOrder[]>;
  /** Releases the claim, records when the orders were looked at, and clears their failures. */
  markReconciled(
    merchantUids: readonly string[],
    owner: string,
    reconciledAt: Date,
  ): Promise<void>;
  /**
   * Records that orders could not be settled: the attempt (so the run does
   * not take them again), one more failure, and `retryAfter`, before which
   * they are not claimed; releases this owner's claim. An order claimed by
   * another owner is left to it.
   */
  markFailed(
    failures: readonly FailedReconciliation[],
    owner: string,
    attemptedAt: Date,
  ): Promise<void>;
  /** Those of these orders that wait out a backoff (`retryAfter` later than `now`): the sweep leaves them alone too. */
  findBackedOff(merchantUids: readonly string[], now: Date): Promise<string[]>;
  /** Releases the claim without recording anything (the run stopped before it looked). */
  releaseClaims(merchantUids: readonly string[], owner: string): Promise<void>;
}
