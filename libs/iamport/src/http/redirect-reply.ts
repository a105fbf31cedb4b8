import type { Logger } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { messageOf } from '../error-message.js';
import type { ResolvedIamportOptions } from '../iamport.options.js';
import type { VerificationResult } from '../verification/verification-result.js';
import { OUT_OF_TIME, withinTime } from '../within-time.js';
import type {
  NotificationRecorder,
  ReceivedNotification,
} from './notification-recorder.js';
import {
  type RedirectOutcome,
  redirectMessage,
  redirectStatus,
  resultPageUrl,
} from './redirect-answer.js';

/** The body of the JSON answer (when no result pages are configured). */
export interface RedirectAnswer {
  merchant_uid: string | null;
  imp_uid: string | null;
  outcome: RedirectOutcome;
  message: string;
}

export interface RedirectReplyContext {
  recorder: NotificationRecorder;
  adapterHost: HttpAdapterHost;
  options: ResolvedIamportOptions;
  logger: Logger;
}

/** What the buyer is told while the verification could not finish: the ids the redirect named, and its flag. */
export interface UnconfirmedAnswer {
  merchantUid: string | null;
  impUid: string | null;
  /** The redirect's success flag (V1's `imp_success`, V2's absent `code`): it only colours the wording. */
  flag: boolean | null;
}

/**
 * Answers a redirect (V1's `m_redirect_url`, V2's `redirectUrl`) once the
 * verification ends or the time budget runs out, whichever is first: the
 * verification goes on and is recorded either way.
 */
export async function replyToRedirect(
  context: RedirectReplyContext,
  received: ReceivedNotification,
  verifying: Promise<VerificationResult>,
  unconfirmed: UnconfirmedAnswer,
  request: { headers: Record<string, string | string[] | undefined> },
  response: unknown,
): Promise<void> {
  const { recorder, logger, options } = context;
  const logFailure = (step: string, error: unknown) =>
    logger.error(`could not ${step} a redirect: ${messageOf(error)}`);
  // Settles in the background whatever the buyer is answered: recorded when it ends, never rejected.
  const verification = verifying.then(
    async (result): Promise<VerificationResult> => {
      await recorder
        .recordResult(received, result)
        .catch((error: unknown) => logFailure('record', error));
      return result;
    },
    async (error: unknown): Promise<null> => {
      // The order is untouched; the webhook or reconciliation settles it once PortOne answers again.
      logFailure('verify', error);
      await recorder
        .recordFailure(received, error)
        .catch((failure: unknown) => logFailure('record', failure));
      return null;
    },
  );
  const result = await withinTime(verification, options.redirectTimeBudgetMs);
  if (result === OUT_OF_TIME)
    logger.warn(
      `${unconfirmed.merchantUid ?? unconfirmed.impUid}: verification took longer than ${options.redirectTimeBudgetMs} ms; the buyer was told it is being confirmed, and it goes on`,
    );
  const answer: RedirectAnswer =
    result && result !== OUT_OF_TIME
      ? {
          merchant_uid: result.merchantUid,
          imp_uid: result.impUid,
          outcome: result.outcome,
          message: redirectMessage(result.outcome, null),
        }
      : {
          merchant_uid: unconfirmed.merchantUid,
          imp_uid: unconfirmed.impUid,
          outcome: 'unconfirmed',
          message: redirectMessage('unconfirmed', unconfirmed.flag),
        };
  const adapter = context.adapterHost.httpAdapter;
  if (options.resultPages && !asksForJsonOnly(request)) {
    adapter.redirect(
      response,
      303,
      resultPageUrl(options.resultPages, answer.outcome, answer.merchant_uid),
    );
  } else {
    adapter.reply(response, answer, redirectStatus(answer.outcome));
  }
}

/** An API client (`Accept: application/json`, no HTML) gets JSON even where browsers are redirected. */
function asksForJsonOnly(request: {
  headers: Record<string, string | string[] | undefined>;
}): boolean {
  const accept = String(request.headers.accept ?? '').toLowerCase();
  return accept.includes('application/json') && !accept.includes('text/html');
}
