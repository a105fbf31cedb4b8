/**
 * The life of an order as this module sees it. Orders only move forward:
 * pending → vbank_issued → paid → partially_cancelled → cancelled, and
 * pending → failed; a failed order can still be paid by a later attempt
 * with the same merchant_uid.
 */
export type OrderStatus =
  | 'pending'
  | 'vbank_issued'
  | 'paid'
  | 'failed'
  | 'cancelled'
  | 'partially_cancelled'
  | 'forgery_cancelled'
  | 'forgery_flagged';

export const ORDER_STATUSES: readonly OrderStatus[] = [
  'pending',
  'vbank_issued',
  'paid',
  'failed',
  'cancelled',
  'partially_cancelled',
  'forgery_cancelled',
  'forgery_flagged',
];

/** Every status but `pending` is where some transition leads. */
export type TargetStatus = Exclude<OrderStatus, 'pending'>;

/**
 * From which statuses an order may move to each status: a rule `decide()`
 * applies to the order it read. The database's guard is the order's version
 * (nothing changed since the decision read it), not this table.
 */
export const ALLOWED_FROM: Readonly<
  Record<Exclude<OrderStatus, 'pending'>, readonly OrderStatus[]>
> = {
  // A retry after a failure, or after a forged payment was refunded, is a new chance to pay.
  // A second virtual account does not replace the first (their notifications interleave: the
  // order would flip between them); either may still be deposited into and pay the order.
  vbank_issued: ['pending', 'failed', 'forgery_cancelled', 'forgery_flagged'],
  paid: [
    'pending',
    'failed',
    'vbank_issued',
    'forgery_cancelled',
    'forgery_flagged',
  ],
  failed: ['pending', 'vbank_issued'],
  partially_cancelled: [
    'pending',
    'failed',
    'vbank_issued',
    'paid',
    'partially_cancelled',
    'forgery_cancelled',
    'forgery_flagged',
  ],
  cancelled: ['vbank_issued', 'paid', 'partially_cancelled'],
  forgery_cancelled: ['pending', 'failed', 'vbank_issued', 'forgery_flagged'],
  forgery_flagged: ['pending', 'failed', 'vbank_issued'],
};

/** Statuses in which an order belongs to the payment that settled it. */
export const SETTLED_STATUSES: ReadonlySet<OrderStatus> = new Set([
  'paid',
  'partially_cancelled',
  'cancelled',
]);

/**
 * Statuses from which an order can still be settled by a payment: what
 * reconciliation sweeps (a webhook may have been lost for any of them).
 */
export const OPEN_STATUSES: readonly OrderStatus[] = [
  'pending',
  'vbank_issued',
  'failed',
  'forgery_cancelled',
  'forgery_flagged',
];

/** Statuses in which the order's payment (its `impUid`) holds the money that settles it. */
export const SETTLING_STATUSES: ReadonlySet<OrderStatus> = new Set([
  'paid',
  'partially_cancelled',
]);
