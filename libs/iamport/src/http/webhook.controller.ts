import {
  Body,
  Controller,
  HttpCode,
  InternalServerErrorException,
  Logger,
  Post,
  Req,
  ServiceUnavailableException,
  type Type,
  UseGuards,
} from '@nestjs/common';
import { IamportError } from '../client/iamport.errors.js';
import { PaymentVerificationService } from '../verification/payment-verification.service.js';
import type { VerificationOutcome } from '../verification/verification-outcome.js';
import type { VerificationResult } from '../verification/verification-result.js';
import { WebhookBodyDto } from './dto/webhook-body.dto.js';
import {
  NotificationRecorder,
  type ReceivedNotification,
} from './notification-recorder.js';
import { receivedParams } from './received-params.js';
import { StrictValidationPipe } from './strict-validation.pipe.js';
import { WebhookContentGuard } from './webhook-content.guard.js';
import { clientAddress, WebhookSourceGuard } from './webhook-source.guard.js';
import { messageOf } from '../error-message.js';

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
  class WebhookController {
    private readonly logger = new Logger('IamportWebhook');

    constructor(
      private readonly verification: PaymentVerificationService,
      private readonly recorder: NotificationRecorder,
    ) {}

    /**
     * 200 once the outcome is durably recorded (also for duplicates, settled
     * orders and unknown orders, which a retry would not change); 5xx when it
     * could not be, so that iamport's retry helps.
     */
    @Post(path)
    @HttpCode(200)
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
      let result: VerificationResult;
      try {
        result = await this.verification.verify({
          impUid: body.imp_uid,
          merchantUid: body.merchant_uid ?? null,
          source: 'webhook',
        });
      } catch (error) {
        this.logger.error(
          `could not verify ${body.imp_uid}: ${messageOf(error)}`,
        );
        await this.recorder
          .recordFailure(received, error)
          .catch(() => undefined);
        if (error instanceof IamportError)
          throw new ServiceUnavailableException(
            'iamport could not be reached; retry later',
          );
        throw new InternalServerErrorException(
          'the payment could not be recorded; retry later',
        );
      }
      try {
        await this.recorder.recordResult(received, result);
      } catch (error) {
        this.logger.error(
          `could not record webhook of ${body.imp_uid}: ${messageOf(error)}`,
        );
        throw new InternalServerErrorException(
          'the notification could not be recorded; retry later',
        );
      }
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
