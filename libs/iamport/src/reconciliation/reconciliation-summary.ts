import type { PaymentRecord } from '../ports/payment-record.js';
import type { VerificationOutcome } from '../verification/verification-outcome.js';

export interface ReconciliationProgress {
  batch: number;
  /** Orders looked at so far. */
  examined: number;
  /** Calls made to iamport (V1) so far. */
  lookups: number;
  /** Calls made to PortOne V2 so far (0 without `v2` options). */
  v2Lookups: number;
  /** Payments this run moved an order for (or refunded) so far. */
  changed: number;
}

export interface ReconciliationSummary extends ReconciliationProgress {
  /** How many payments ended in each outcome; `no_payment` counts orders iamport has no payment for. */
  outcomes: Partial<Record<VerificationOutcome | 'no_payment', number>>;
  /** Orders that could not be settled this time (retried by a later run, after a backoff). */
  failed: number;
  /** Recent paid and cancelled payments the sweep listed, and how many of them it verified. */
  swept: { listed: number; verified: number; failed: number };
  /**
   * With a payment ledger: payments that hold money and are neither settling
   * their order nor flagged. Empty when every payment is accounted for.
   */
  unaccounted: PaymentRecord[];
  /** With a payment ledger: payments flagged for a person (up to 100, newest first). */
  flagged: PaymentRecord[];
  durationMs: number;
}

export interface ReconcileOptions {
  /** Look at open orders created longer ago than this. */
  olderThanMs: number;
  /** …and more recently than this; older ones are left to the sweep. Default 7 days. */
  horizonMs?: number;
  /** Sweep iamport's payments paid or cancelled within this window (at most 90 days). Default 2 days; 0: no sweep. */
  sweepWindowMs?: number;
  /** Orders claimed at a time. Default 100. */
  batchSize?: number;
  /** Stop after this many orders. Default: until none is left. */
  maxOrders?: number;
  /** Orders (and swept payments) settled at once. Default 8. */
  concurrency?: number;
  /** First backoff after an order failed; it doubles with each failure in a row, up to 6 hours. Default 60000. */
  retryBaseMs?: number;
  onProgress?: (progress: ReconciliationProgress) => void;
}
