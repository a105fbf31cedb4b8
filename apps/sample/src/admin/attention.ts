import type { PaymentRecord } from 'nestjs-iamport';

/**
 * Why a payment needs a person, one kind per thing to do:
 * - `refund_refused`: the module asked iamport for a refund and iamport refused
 *   (a paid virtual account can only be refunded to the buyer's bank account);
 * - `forgery`: amount or currency differ from the order's, flagged unrefunded;
 * - `duplicate_payment`: a second payment of an order another payment settled;
 * - `unknown_order`: a payment for an order the shop does not have;
 * - `flagged`: flagged for another reason (iamport says cancelled, yet nothing was refunded);
 * - `unaccounted`: holds money and is neither settling its order nor flagged.
 */
export type AttentionKind =
  | 'refund_refused'
  | 'forgery'
  | 'duplicate_payment'
  | 'unknown_order'
  | 'flagged'
  | 'unaccounted';

/** The order the page lists them in: what costs the buyer most first. */
export const ATTENTION_KINDS: readonly AttentionKind[] = [
  'refund_refused',
  'forgery',
  'duplicate_payment',
  'unknown_order',
  'unaccounted',
  'flagged',
];

/** What made the module flag it (for a refused refund: what the refund was for). */
export type AttentionCause =
  'forgery' | 'duplicate_payment' | 'unknown_order' | 'other';

/** How `PaymentVerificationService` words a refund iamport refused, after the decision's reason. */
const REFUSAL = '; iamport refused the refund: ';

/** The cause, read from the reason the module recorded (`verification/decide.ts`). */
export function causeOf(reason: string): AttentionCause {
  if (/^paid [^,]*, the order expects /.test(reason)) return 'forgery';
  if (/^order .* was already settled by /.test(reason))
    return 'duplicate_payment';
  if (reason.startsWith('no order ')) return 'unknown_order';
  return 'other';
}

/** iamport's words when it refused the refund, or null. */
export function refusalOf(reason: string): string | null {
  const index = reason.indexOf(REFUSAL);
  return index < 0 ? null : reason.slice(index + REFUSAL.length);
}

/** The kind of a flagged record, or of one `findUnaccounted` found. */
export function kindOf(
  record: Pick<PaymentRecord, 'disposition' | 'reason'>,
): AttentionKind {
  if (record.disposition !== 'flagged') return 'unaccounted';
  if (refusalOf(record.reason) !== null) return 'refund_refused';
  const cause = causeOf(record.reason);
  return cause === 'other' ? 'flagged' : cause;
}

/** What the money is: paid and not refunded yet. */
export function amountHeld(
  record: Pick<PaymentRecord, 'amount' | 'cancelledAmount'>,
): number {
  return Math.max(0, record.amount - record.cancelledAmount);
}
