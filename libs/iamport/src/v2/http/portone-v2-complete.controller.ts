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
import { NotificationRecorder } from '../../http/notification-recorder.js';
import {
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '../../http/openapi.js';
import { receivedParams } from '../../http/received-params.js';
import { replyToRedirect } from '../../http/redirect-reply.js';
import { StrictValidationPipe } from '../../http/strict-validation.pipe.js';
import { clientAddress } from '../../http/webhook-source.guard.js';
import type { ResolvedIamportOptions } from '../../iamport.options.js';
import { IAMPORT_OPTIONS } from '../../iamport.tokens.js';
import { PortOneV2VerificationService } from '../portone-v2-verification.service.js';
import { PortOneV2CompleteQueryDto } from './portone-v2-complete-query.dto.js';
import { PortOneV2EnabledGuard } from '../../http/api-enabled.guard.js';

interface HttpRequest {
  ip?: string;
  query?: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** Builds the controller of V2's `redirectUrl` at the configured path. */
export function createPortOneV2CompleteController(path: string): Type<unknown> {
  @Controller()
  @ApiTags('portone-v2')
  @UseGuards(PortOneV2EnabledGuard)
  class PortOneV2CompleteController {
    readonly logger = new Logger('PortOneV2Redirect');

    constructor(
      private readonly verification: PortOneV2VerificationService,
      readonly recorder: NotificationRecorder,
      readonly adapterHost: HttpAdapterHost,
      @Inject(IAMPORT_OPTIONS) readonly options: ResolvedIamportOptions,
    ) {}

    @Get(path)
    @ApiOperation({
      summary: "PortOne V2's redirect (`redirectUrl`): verifies the payment",
      description:
        'Where PortOne sends the buyer after `PortOne.requestPayment` (always on mobile, and with `forceRedirect`). Nothing in the query is believed, `code` included: the payment is fetched by paymentId and checked against the order, which moves at most once. Answers like the V1 redirect: a 303 to the result pages, or JSON.',
    })
    @ApiProduces('application/json')
    @ApiResponse({ status: 200, description: 'A verified outcome (JSON).' })
    @ApiResponse({ status: 303, description: 'To the configured result page.' })
    @ApiResponse({
      status: 400,
      description: 'The query is not what PortOne sends.',
    })
    @ApiResponse({
      status: 404,
      description: '`not_found`, or V2 is not configured.',
    })
    @ApiResponse({
      status: 503,
      description: '`unconfirmed`: PortOne could not be asked in time.',
    })
    async complete(
      @Query(new StrictValidationPipe(PortOneV2CompleteQueryDto))
      query: PortOneV2CompleteQueryDto,
      @Req() request: HttpRequest,
      @Res() response: unknown,
    ): Promise<void> {
      const paymentId = (query.paymentId ?? query.payment_id)!;
      const transactionId = query.txId ?? query.tx_id ?? null;
      await replyToRedirect(
        this,
        {
          kind: 'redirect',
          params: receivedParams({ ...(request.query as object), paymentId }),
          sourceIp: clientAddress(request),
        },
        this.verification.verifyV2({
          paymentId,
          transactionId,
          source: 'redirect',
          // V2 has no success flag: a failure carries `code`. Never trusted; see answersClaim.
          claimedStatus: query.code === undefined ? 'paid' : null,
        }),
        {
          merchantUid: paymentId,
          impUid: transactionId,
          flag: query.code === undefined,
        },
        request,
        response,
      );
    }
  }
  return PortOneV2CompleteController;
}
