import type { OrderTransition } from '../ports/order.repository.js';
import type { VerificationOutcome } from './verification-outcome.js';

/** A refund to ask iamport for; `checksum` makes a concurrent or repeated one refuse instead of refunding twice. */
export interface Refund {
  impUid: string;
  amount: number;
  checksum: number;
  reason: string;
}

/** The decision for one (order, payment) pair: what it means, what to change, what to refund. */
export interface Decision {
  outcome: VerificationOutcome;
  /** One sentence for logs and answers. */
  reason: string;
  transition: OrderTransition | null;
  /** Issued before the transition; the transition is applied only once the money is back. */
  refund: Refund | null;
}
