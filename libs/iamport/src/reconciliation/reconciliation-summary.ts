import type { VerificationOutcome } from '../verification/verification-outcome.js';

export interface ReconciliationProgress {
  batch: number;
  /** Orders looked at so far. */
  examined: number;
  /** Calls made to iamport so far. */
  lookups: number;
  /** Orders this run moved (or whose payments it refunded) so far. */
  changed: number;
}

export interface ReconciliationSummary extends ReconciliationProgress {
  /** How many orders ended in each outcome; `no_payment` when iamport has no payment for the order. */
  outcomes: Partial<Record<VerificationOutcome | 'no_payment', number>>;
  /** Orders that could not be settled this time (they are left for the next run). */
  failed: number;
  durationMs: number;
}

export interface ReconcileOptions {
  /** Look at orders created longer ago than this. */
  olderThanMs: number;
  /** Orders per batch, at most 100 (iamport's batch lookup). Default 100. */
  batchSize?: number;
  /** Stop after this many orders. Default: until none is left. */
  maxOrders?: number;
  /** Settlements run at once within a batch. Default 8. */
  concurrency?: number;
  onProgress?: (progress: ReconciliationProgress) => void;
}
