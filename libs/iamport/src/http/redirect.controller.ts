import {
  Controller,
  Get,
  Inject,
  Logger,
  Query,
  Req,
  Res,
  type Type,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ResolvedIamportOptions } from '../iamport.options.js';
import { IAMPORT_OPTIONS } from '../iamport.tokens.js';
import { PaymentVerificationService } from '../verification/payment-verification.service.js';
import type { VerificationResult } from '../verification/verification-result.js';
import { RedirectQueryDto } from './dto/redirect-query.dto.js';
import {
  NotificationRecorder,
  type ReceivedNotification,
} from './notification-recorder.js';
import { receivedParams } from './received-params.js';
import {
  flagOf,
  type RedirectOutcome,
  redirectMessage,
  redirectStatus,
  resultPageUrl,
} from './redirect-answer.js';
import { StrictValidationPipe } from './strict-validation.pipe.js';
import { clientAddress } from './webhook-source.guard.js';
import { messageOf } from '../error-message.js';

interface HttpRequest {
  ip?: string;
  query?: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** The body of the JSON answer (when no result pages are configured). */
export interface RedirectAnswer {
  merchant_uid: string | null;
  imp_uid: string | null;
  outcome: RedirectOutcome;
  message: string;
}

/** Builds the `m_redirect_url` controller at the configured path. */
export function createRedirectController(path: string): Type<unknown> {
  @Controller()
  class RedirectController {
    private readonly logger = new Logger('IamportRedirect');

    constructor(
      private readonly verification: PaymentVerificationService,
      private readonly recorder: NotificationRecorder,
      private readonly adapterHost: HttpAdapterHost,
      @Inject(IAMPORT_OPTIONS) private readonly options: ResolvedIamportOptions,
    ) {}

    @Get(path)
    async complete(
      @Query(new StrictValidationPipe(RedirectQueryDto))
      query: RedirectQueryDto,
      @Req() request: HttpRequest,
      @Res() response: unknown,
    ): Promise<void> {
      const received: ReceivedNotification = {
        kind: 'redirect',
        params: receivedParams(request.query),
        sourceIp: clientAddress(request),
      };
      // Settles in the background whatever the buyer is answered: recorded when it ends, never rejected.
      const verification = this.verification
        .verify({
          impUid: query.imp_uid || null,
          merchantUid: query.merchant_uid ?? null,
          source: 'redirect',
        })
        .then(
          async (result): Promise<VerificationResult> => {
            await this.recorder
              .recordResult(received, result)
              .catch((error: unknown) => this.logFailure('record', error));
            return result;
          },
          async (error: unknown): Promise<null> => {
            // The order is untouched; the webhook or reconciliation settles it once iamport answers again.
            this.logFailure('verify', error);
            await this.recorder
              .recordFailure(received, error)
              .catch((failure: unknown) => this.logFailure('record', failure));
            return null;
          },
        );
      const result = await withinBudget(
        verification,
        this.options.redirectTimeBudgetMs,
      );
      if (result === OUT_OF_TIME)
        this.logger.warn(
          `${query.merchant_uid ?? query.imp_uid}: verification took longer than ${this.options.redirectTimeBudgetMs} ms; the buyer was told it is being confirmed, and it goes on`,
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
              merchant_uid: query.merchant_uid ?? null,
              imp_uid: query.imp_uid || null,
              outcome: 'unconfirmed',
              message: redirectMessage('unconfirmed', flagOf(query)),
            };
      const adapter = this.adapterHost.httpAdapter;
      if (this.options.resultPages && !asksForJsonOnly(request)) {
        adapter.redirect(
          response,
          303,
          resultPageUrl(
            this.options.resultPages,
            answer.outcome,
            answer.merchant_uid,
          ),
        );
      } else {
        adapter.reply(response, answer, redirectStatus(answer.outcome));
      }
    }

    private logFailure(step: string, error: unknown): void {
      this.logger.error(`could not ${step} a redirect: ${messageOf(error)}`);
    }
  }
  return RedirectController;
}

const OUT_OF_TIME = Symbol('out of time');

/** The settled value, or `OUT_OF_TIME` once `budgetMs` has passed (the work goes on). */
async function withinBudget<T>(
  work: Promise<T>,
  budgetMs: number,
): Promise<T | typeof OUT_OF_TIME> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof OUT_OF_TIME>((resolve) => {
    timer = setTimeout(() => resolve(OUT_OF_TIME), budgetMs);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** An API client (`Accept: application/json`, no HTML) gets JSON even where browsers are redirected. */
function asksForJsonOnly(request: HttpRequest): boolean {
  const accept = String(request.headers.accept ?? '').toLowerCase();
  return accept.includes('application/json') && !accept.includes('text/html');
}
