import {
  BadRequestException,
  Controller,
  HttpCode,
  InternalServerErrorException,
  Logger,
  PayloadTooLargeException,
  Post,
  Req,
  type Type,
  UnauthorizedException,
  UnsupportedMediaTypeException,
  UseGuards,
} from '@nestjs/common';
import {
  NotificationRecorder,
  type ReceivedNotification,
} from '../../http/notification-recorder.js';
import { receivedParams } from '../../http/received-params.js';
import { recordedWebhookOutcome } from '../../http/webhook-outcome.js';
import { clientAddress } from '../../http/webhook-source.guard.js';
import {
  ApiOperation,
  ApiResponse,
  ApiTags,
  errorAnswer,
} from '../../http/openapi.js';
import type { VerificationOutcome } from '../../verification/verification-outcome.js';
import { PortOneV2Error } from '../client/portone-v2.errors.js';
import { PortOneV2VerificationService } from '../portone-v2-verification.service.js';
import { PortOneV2EnabledGuard } from '../../http/api-enabled.guard.js';
import {
  PortOneV2SignatureError,
  verifyPortOneV2Webhook,
} from './portone-v2-signature.js';
import { readPortOneV2Webhook } from './portone-v2-webhook-body.js';

interface RawRequest {
  ip?: string;
  headers: Record<string, string | string[] | undefined>;
  /** Set by Nest when the app is created with `{ rawBody: true }` (Express and Fastify alike). */
  rawBody?: Buffer;
}

// A V2 webhook is a type, a timestamp and three ids; anything much larger is not PortOne.
export const MAX_V2_WEBHOOK_BYTES = 16 * 1024;

export interface PortOneV2WebhookAnswer {
  payment_id: string | null;
  transaction_id: string | null;
  /** `ignored` for a signed event about no payment (a billing key, a type added later). */
  outcome: VerificationOutcome | 'ignored';
  changed: boolean;
}

/** Builds the V2 webhook controller at the configured path. */
export function createPortOneV2WebhookController(path: string): Type<unknown> {
  @Controller()
  @ApiTags('portone-v2')
  @UseGuards(PortOneV2EnabledGuard)
  class PortOneV2WebhookController {
    readonly logger = new Logger('PortOneV2Webhook');

    constructor(
      private readonly verification: PortOneV2VerificationService,
      readonly recorder: NotificationRecorder,
    ) {}

    /**
     * 200 once the outcome is durably recorded (a replay of the same
     * webhook-id changes nothing and answers 200 again); 400/401 when the
     * body or its signature is not PortOne's, before anything is fetched or
     * stored; 5xx when the outcome could not be recorded, so PortOne retries.
     */
    @Post(path)
    @HttpCode(200)
    @ApiOperation({
      summary:
        "PortOne V2's webhook: checks the signature, then verifies the payment",
      description:
        'Signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`) over the exact bytes sent; the app must be created with `rawBody: true`. The body only names the payment: it is fetched again by paymentId and checked against the order, which moves at most once.',
    })
    @ApiResponse({ status: 200, description: 'The outcome is recorded.' })
    @ApiResponse({
      status: 400,
      description: 'The body is not JSON, or not a PortOne V2 webhook.',
      schema: errorAnswer(400, 'Bad Request', 'the body is not JSON'),
    })
    @ApiResponse({
      status: 401,
      description:
        'The signature is missing, does not match the body, or its timestamp is more than 300 s away.',
      schema: errorAnswer(
        401,
        'Unauthorized',
        'the signature does not match the body',
      ),
    })
    @ApiResponse({
      status: 413,
      description: `The body is larger than ${MAX_V2_WEBHOOK_BYTES} bytes.`,
    })
    @ApiResponse({
      status: 415,
      description:
        'The body is neither application/json nor (the 2024-01-01 body) application/x-www-form-urlencoded.',
    })
    @ApiResponse({
      status: 503,
      description:
        'PortOne could not be reached to fetch the payment; PortOne retries.',
    })
    async receive(@Req() request: RawRequest): Promise<PortOneV2WebhookAnswer> {
      const parsed = await this.authenticate(request);
      const notice = readPortOneV2Webhook(parsed);
      if (typeof notice === 'string') throw new BadRequestException(notice);
      if (notice.paymentId === null)
        return {
          payment_id: null,
          transaction_id: null,
          outcome: 'ignored',
          changed: false,
        };
      const received: ReceivedNotification = {
        kind: 'webhook',
        params: receivedParams({
          type: notice.type,
          paymentId: notice.paymentId,
          ...(notice.transactionId
            ? { transactionId: notice.transactionId }
            : {}),
          ...(notice.cancellationId
            ? { cancellationId: notice.cancellationId }
            : {}),
        }),
        sourceIp: clientAddress(request),
      };
      const result = await recordedWebhookOutcome(
        this,
        received,
        notice.paymentId,
        () =>
          this.verification.verifyV2({
            paymentId: notice.paymentId!,
            transactionId: notice.transactionId,
            source: 'webhook',
            // The type decides nothing: it only lets a lookup under way answer a claim of `paid`.
            claimedStatus: notice.type === 'Transaction.Paid' ? 'paid' : null,
          }),
        {
          name: 'PortOne',
          unreachable: (error) => error instanceof PortOneV2Error,
        },
      );
      return {
        payment_id: result.merchantUid,
        transaction_id: result.impUid,
        outcome: result.outcome,
        changed: result.changed,
      };
    }

    /** The parsed body, once its signature is PortOne's. */
    private async authenticate(request: RawRequest): Promise<unknown> {
      const type = String(request.headers['content-type'] ?? '')
        .split(';')[0]
        .trim()
        .toLowerCase();
      // The 2024-04-25 body is JSON; the 2024-01-01 one may be a form (a console setting).
      const format =
        type === 'application/json'
          ? 'json'
          : type === 'application/x-www-form-urlencoded'
            ? 'form'
            : null;
      if (format === null)
        throw new UnsupportedMediaTypeException(
          'the webhook must be application/json or application/x-www-form-urlencoded',
        );
      const raw = request.rawBody;
      if (!Buffer.isBuffer(raw)) {
        // Without the raw bytes no signature can be checked: refuse loudly rather than trust a re-serialised body.
        this.logger.error(
          'the V2 webhook needs the raw body: create the app with NestFactory.create(AppModule, { rawBody: true })',
        );
        throw new InternalServerErrorException(
          'the webhook cannot be verified; retry later',
        );
      }
      if (raw.length > MAX_V2_WEBHOOK_BYTES)
        throw new PayloadTooLargeException(
          `the webhook must be at most ${MAX_V2_WEBHOOK_BYTES} bytes`,
        );
      try {
        return await verifyPortOneV2Webhook(
          this.verification.webhookSecrets,
          raw,
          request.headers,
          format,
        );
      } catch (error) {
        if (!(error instanceof PortOneV2SignatureError)) throw error;
        this.logger.warn(`refused a V2 webhook: ${error.reason}`);
        if (error.reason === 'NOT_JSON' || error.reason === 'NOT_FORM')
          throw new BadRequestException(error.message);
        throw new UnauthorizedException(error.message);
      }
    }
  }
  return PortOneV2WebhookController;
}
