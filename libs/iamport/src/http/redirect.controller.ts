import {
  Controller,
  Get,
  Inject,
  Logger,
  Query,
  Req,
  Res,
  type Type,
  UseGuards,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ResolvedIamportOptions } from '../iamport.options.js';
import { IAMPORT_OPTIONS } from '../iamport.tokens.js';
import { PaymentVerificationService } from '../verification/payment-verification.service.js';
import { RedirectAnswerDto } from './dto/answer.dto.js';
import { RedirectQueryDto } from './dto/redirect-query.dto.js';
import {
  NotificationRecorder,
  type ReceivedNotification,
} from './notification-recorder.js';
import { IamportV1EnabledGuard } from './api-enabled.guard.js';
import { receivedParams } from './received-params.js';
import { flagOf } from './redirect-answer.js';
import { replyToRedirect } from './redirect-reply.js';
import {
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
  errorAnswer,
} from './openapi.js';
import { StrictValidationPipe } from './strict-validation.pipe.js';
import { clientAddress } from './webhook-source.guard.js';

interface HttpRequest {
  ip?: string;
  query?: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** Builds the `m_redirect_url` controller at the configured path. */
export function createRedirectController(path: string): Type<unknown> {
  @Controller()
  @ApiTags('iamport')
  @UseGuards(IamportV1EnabledGuard)
  class RedirectController {
    readonly logger = new Logger('IamportRedirect');

    constructor(
      private readonly verification: PaymentVerificationService,
      readonly recorder: NotificationRecorder,
      readonly adapterHost: HttpAdapterHost,
      @Inject(IAMPORT_OPTIONS) readonly options: ResolvedIamportOptions,
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
      await replyToRedirect(
        this,
        received,
        this.verification.verify({
          impUid: query.imp_uid || null,
          merchantUid: query.merchant_uid ?? null,
          source: 'redirect',
          // The flag decides nothing; it only lets a lookup under way answer (see answersClaim).
          claimedStatus:
            (query.imp_success ?? query.success) === 'true' ? 'paid' : null,
        }),
        {
          merchantUid: query.merchant_uid ?? null,
          impUid: query.imp_uid || null,
          flag: flagOf(query),
        },
        request,
        response,
      );
    }
  }
  return RedirectController;
}
