import {
  Body,
  Controller,
  HttpCode,
  Logger,
  Post,
  Req,
  type Type,
  UseGuards,
} from '@nestjs/common';
import { IamportError } from '../client/iamport.errors.js';
import { PaymentVerificationService } from '../verification/payment-verification.service.js';
import type { VerificationOutcome } from '../verification/verification-outcome.js';
import { WebhookAnswerDto } from './dto/answer.dto.js';
import { WebhookBodyDto } from './dto/webhook-body.dto.js';
import {
  NotificationRecorder,
  type ReceivedNotification,
} from './notification-recorder.js';
import { IamportV1EnabledGuard } from './api-enabled.guard.js';
import { receivedParams } from './received-params.js';
import { recordedWebhookOutcome } from './webhook-outcome.js';
import {
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
  errorAnswer,
} from './openapi.js';
import { StrictValidationPipe } from './strict-validation.pipe.js';
import {
  MAX_WEBHOOK_BYTES,
  WebhookContentGuard,
} from './webhook-content.guard.js';
import { clientAddress, WebhookSourceGuard } from './webhook-source.guard.js';

interface HttpRequest {
  ip?: string;
  body?: unknown;
}

export interface WebhookAnswer {
  merchant_uid: string | null;
  imp_uid: string | null;
  outcome: VerificationOutcome;
  changed: boolean;
}

/** Builds the webhook controller at the configured path. */
export function createWebhookController(path: string): Type<unknown> {
  @Controller()
  @ApiTags('iamport')
  @UseGuards(IamportV1EnabledGuard)
  class WebhookController {
    readonly logger = new Logger('IamportWebhook');

    constructor(
      private readonly verification: PaymentVerificationService,
      readonly recorder: NotificationRecorder,
    ) {}

    /**
     * 200 once the outcome is durably recorded (also for duplicates, settled
     * orders and unknown orders, which a retry would not change); 5xx when it
     * could not be, so that iamport's retry helps.
     */
    @Post(path)
    @HttpCode(200)
    @ApiOperation({
      summary: "iamport's webhook (notification URL): verifies the payment",
      description:
        "iamport's notice of a payment: `{imp_uid, merchant_uid, status}`, as JSON or a form (a console setting). Unsigned, so it only says which payment to fetch; the order moves at most once. Answers 200 once the outcome is durably recorded, and 5xx when it could not be, so that iamport's retry helps.",
    })
    @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
    @ApiBody({ type: WebhookBodyDto })
    @ApiProduces('application/json')
    @ApiResponse({
      status: 200,
      description:
        'The outcome is recorded (also for a repeat, a settled order or an unknown order).',
      type: WebhookAnswerDto,
    })
    @ApiResponse({
      status: 400,
      description:
        'The body is not what iamport sends (bad, missing or repeated fields).',
      schema: errorAnswer(400, 'Bad Request', [
        'imp_uid must look like imp_123456789012',
      ]),
    })
    @ApiResponse({
      status: 403,
      description:
        "The sender's address is not on the allow-list (`webhookAllowList`).",
      schema: errorAnswer(
        403,
        'Forbidden',
        'webhook source address is not allowed',
      ),
    })
    @ApiResponse({
      status: 413,
      description: `The body is larger than ${MAX_WEBHOOK_BYTES} bytes.`,
      schema: errorAnswer(
        413,
        'Payload Too Large',
        `the webhook must be at most ${MAX_WEBHOOK_BYTES} bytes`,
      ),
    })
    @ApiResponse({
      status: 415,
      description:
        'The body is neither `application/json` nor `application/x-www-form-urlencoded`.',
      schema: errorAnswer(
        415,
        'Unsupported Media Type',
        'the webhook must be application/json or application/x-www-form-urlencoded',
      ),
    })
    @ApiResponse({
      status: 500,
      description: 'The outcome could not be recorded; iamport retries.',
      schema: errorAnswer(
        500,
        'Internal Server Error',
        'the notification could not be recorded; retry later',
      ),
    })
    @ApiResponse({
      status: 503,
      description:
        'iamport could not be reached to fetch the payment; iamport retries.',
      schema: errorAnswer(
        503,
        'Service Unavailable',
        'iamport could not be reached; retry later',
      ),
    })
    @UseGuards(WebhookSourceGuard, WebhookContentGuard)
    async receive(
      @Req() request: HttpRequest,
      @Body(new StrictValidationPipe(WebhookBodyDto)) body: WebhookBodyDto,
    ): Promise<WebhookAnswer> {
      const received: ReceivedNotification = {
        kind: 'webhook',
        params: receivedParams(request.body),
        sourceIp: clientAddress(request),
      };
      const result = await recordedWebhookOutcome(
        this,
        received,
        body.imp_uid,
        () =>
          this.verification.verify({
            impUid: body.imp_uid,
            merchantUid: body.merchant_uid ?? null,
            source: 'webhook',
            // A refund's notice carries a cancellation_id: whatever its status word (a partial refund
            // may read `paid` with some PGs, it is not documented), it always gets a fresh lookup.
            claimedStatus: body.cancellation_id ? null : (body.status ?? null),
          }),
        {
          name: 'iamport',
          unreachable: (error) => error instanceof IamportError,
        },
      );
      return {
        merchant_uid: result.merchantUid,
        imp_uid: result.impUid,
        outcome: result.outcome,
        changed: result.changed,
      };
    }
  }
  return WebhookController;
}
