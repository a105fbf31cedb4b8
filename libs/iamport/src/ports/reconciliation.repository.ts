import type { OrderStatus } from './order-status.js';

/** An order that reconciliation should look at again. */
export interface StaleOrder {
  merchantUid: string;
  status: OrderStatus;
  impUid: string | null;
}

export interface StaleOrderClaim {
  /** Orders `pending` or `vbank_issued` created before this (a webhook may have been lost). */
  createdBefore: Date;
  /** …and not reconciled since this, so that each order is looked at once per window. */
  notReconciledSince: Date;
  limit: number;
  /** Who claims; the claim lasts until `leaseUntil`, then another instance may take the order. */
  owner: string;
  leaseUntil: Date;
  now: Date;
}

/**
 * What reconciliation needs of the merchant's orders. Several instances may
 * reconcile at once: `claimStaleOrders` must hand each order to one of them
 * (`SELECT … FOR UPDATE SKIP LOCKED` then a lease, or a lease written by a
 * conditional UPDATE where the database has no SKIP LOCKED).
 */
export interface IamportReconciliationRepository {
  claimStaleOrders(claim: StaleOrderClaim): Promise<StaleOrder[]>;
  /** Releases the claim and records when the orders were last looked at. */
  markReconciled(
    merchantUids: readonly string[],
    owner: string,
    reconciledAt: Date,
  ): Promise<void>;
  /** Releases the claim without marking the orders reconciled (they could not be settled this time). */
  releaseClaims(merchantUids: readonly string[], owner: string): Promise<void>;
}
