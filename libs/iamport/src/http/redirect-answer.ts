import type { IamportResultPages } from '../iamport.options.js';
import type { VerificationOutcome } from '../verification/verification-outcome.js';

/** A verified outcome, or `unconfirmed` when iamport could not be asked (the webhook or reconciliation settles it later). */
export type RedirectOutcome = VerificationOutcome | 'unconfirmed';

const MESSAGES: Record<VerificationOutcome, string> = {
  paid: 'Payment confirmed.',
  vbank_issued:
    'A virtual account was issued; the order is paid once the deposit arrives.',
  failed: 'The payment failed.',
  cancelled: 'The payment was refunded.',
  partially_cancelled: 'The payment was partly refunded.',
  forgery:
    'The paid amount does not match the order; the payment was not accepted.',
  sandbox_rejected: 'Test payments are not accepted.',
  not_found: 'No such payment or order.',
  pending: 'The payment was not completed.',
  duplicate_payment:
    'This order was already paid; the second payment was not accepted.',
  merchant_uid_mismatch: 'The payment does not belong to this order.',
};

/**
 * What the buyer reads. The flag iamport put on the redirect (`imp_success` or
 * `success`) is deprecated and can read false for a payment that succeeded, so
 * it only colours the wording while verification could not finish.
 */
export function redirectMessage(
  outcome: RedirectOutcome,
  flag: boolean | null,
): string {
  if (outcome !== 'unconfirmed') return MESSAGES[outcome];
  if (flag === false)
    return 'The payment seems not to have completed; we are confirming it with iamport.';
  return 'Your payment is being confirmed; this page will not change the result.';
}

export function redirectStatus(outcome: RedirectOutcome): number {
  switch (outcome) {
    case 'unconfirmed':
      return 503;
    case 'not_found':
      return 404;
    case 'merchant_uid_mismatch':
      return 409;
    default:
      return 200;
  }
}

export function resultPageKind(
  outcome: RedirectOutcome,
): keyof IamportResultPages {
  switch (outcome) {
    case 'paid':
    case 'vbank_issued':
      return 'success';
    case 'pending':
    case 'unconfirmed':
      return 'pending';
    default:
      return 'failure';
  }
}

/** One of the configured pages (never a URL from the request), with merchant_uid and outcome added to its query. */
export function resultPageUrl(
  pages: IamportResultPages,
  outcome: RedirectOutcome,
  merchantUid: string | null,
): string {
  const page = pages[resultPageKind(outcome)];
  const relative = page.startsWith('/');
  const url = new URL(page, 'http://relative.invalid');
  if (merchantUid) url.searchParams.set('merchant_uid', merchantUid);
  url.searchParams.set('outcome', outcome);
  return relative ? `${url.pathname}${url.search}${url.hash}` : url.toString();
}

export function flagOf(query: {
  imp_success?: string;
  success?: string;
}): boolean | null {
  const flag = query.imp_success ?? query.success;
  return flag === undefined ? null : flag === 'true';
}
