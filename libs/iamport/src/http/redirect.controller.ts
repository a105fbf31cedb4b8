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
import { RedirectAnswerDto } from './dto/answer.dto.js';
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
import {
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
  errorAnswer,
} from './openapi.js';
import { StrictValidationPipe } from './strict-validation.pipe.js';
import { clientAddress } from './webhook-source.guard.js';
import { messageOf } from '../error-message.js';
import { OUT_OF_TIME, withinTime } from '../within-time.js';

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
  @ApiTags('iamport')
  class RedirectController {
    private readonly logger = new Logger('IamportRedirect');

    constructor(
      private readonly verification: PaymentVerificationService,
      private readonly recorder: NotificationRecorder,
      private readonly adapterHost: HttpAdapterHost,
      @Inject(IAMPORT_OPTIONS) private readonly options: ResolvedIamportOptions,
    ) {}

    @Get(path)
    @ApiOperation({
      summary: "iamport's redirect (`m_redirect_url`): verifies the payment",
      description:
        'Where iamport sends the buyer back after the payment window. Nothing in the query is believed: the payment is fetched from iamport and checked against the order, which moves at most once. With result pages configured, browsers get a 303 to one of them; a client that asks for JSON only (`Accept: application/json`) gets the JSON answer. Parameters it does not know (your own on `m_redirect_url`) are ignored; a parameter given twice is refused.',
    })
    @ApiProduces('application/json')
    @ApiResponse({
      status: 200,
      description:
        'A verified outcome (`paid`, `vbank_issued`, `failed`, `cancelled`, …), without result pages or for a JSON-only client.',
      type: RedirectAnswerDto,
    })
    @ApiResponse({
      status: 303,
      description:
        'With result pages, to a browser: to the success page (`paid`, `vbank_issued`), the pending page (`pending`, `unconfirmed`) or the failure page (every other outcome), with `merchant_uid` and `outcome` added to its query. Only the configured pages are ever targets.',
      headers: {
        Location: {
          description:
            'the result page, e.g. `/orders/done?merchant_uid=order_1&outcome=paid`',
          schema: { type: 'string' },
        },
      },
    })
    @ApiResponse({
      status: 400,
      description:
        'The query is not what iamport sends (bad or repeated parameters); nothing was fetched or stored.',
      schema: errorAnswer(400, 'Bad Request', [
        'imp_uid must look like imp_123456789012',
      ]),
    })
    @ApiResponse({
      status: 404,
      description:
        '`not_found`: iamport knows no such payment, or the shop no such order.',
      type: RedirectAnswerDto,
    })
    @ApiResponse({
      status: 409,
      description:
        "`merchant_uid_mismatch`: the payment belongs to another order than the query's `merchant_uid`.",
      type: RedirectAnswerDto,
    })
    @ApiResponse({
      status: 503,
      description:
        '`unconfirmed`: iamport could not be reached, or did not answer within the time budget. The verification goes on; the webhook, a later visit or reconciliation settles the payment.',
      type: RedirectAnswerDto,
    })
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
          // The flag decides nothing; it only lets a lookup under way answer (see answersClaim).
          claimedStatus:
            (query.imp_success ?? query.success) === 'true' ? 'paid' : null,
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
      const result = await withinTime(
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

/** An API client (`Accept: application/json`, no HTML) gets JSON even where browsers are redirected. */
function asksForJsonOnly(request: HttpRequest): boolean {
  const accept = String(request.headers.accept ?? '').toLowerCase();
  return accept.includes('application/json') && !accept.includes('text/html');
}
