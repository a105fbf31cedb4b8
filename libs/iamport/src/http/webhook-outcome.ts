import {
  InternalServerErrorException,
  type Logger,
  ServiceUnavailableException,
} from '@nestjs/common';
import { messageOf } from '../error-message.js';
import type { VerificationResult } from '../verification/verification-result.js';
import type {
  NotificationRecorder,
  ReceivedNotification,
} from './notification-recorder.js';

export interface WebhookOutcomeContext {
  recorder: NotificationRecorder;
  logger: Logger;
}

/** Which API the webhook came from, and how to tell that it could not be asked. */
export interface WebhookUpstream {
  /** `iamport` or `PortOne`, for the answer. */
  name: string;
  unreachable: (error: unknown) => boolean;
}

/**
 * Verifies the payment a webhook names and records what came of it. Resolves
 * only once the outcome is recorded (the caller answers 200); throws 503 when
 * the API could not be asked and 500 when the outcome could not be stored, so
 * that the sender's retry helps.
 */
export async function recordedWebhookOutcome(
  context: WebhookOutcomeContext,
  received: ReceivedNotification,
  named: string,
  verifying: () => Promise<VerificationResult>,
  upstream: WebhookUpstream,
): Promise<VerificationResult> {
  const { recorder, logger } = context;
  let result: VerificationResult;
  try {
    result = await verifying();
  } catch (error) {
    logger.error(`could not verify ${named}: ${messageOf(error)}`);
    await recorder.recordFailure(received, error).catch(() => undefined);
    if (upstream.unreachable(error))
      throw new ServiceUnavailableException(
        `${upstream.name} could not be reached; retry later`,
      );
    throw new InternalServerErrorException(
      'the payment could not be recorded; retry later',
    );
  }
  try {
    await recorder.recordResult(received, result);
  } catch (error) {
    logger.error(`could not record webhook of ${named}: ${messageOf(error)}`);
    throw new InternalServerErrorException(
      'the notification could not be recorded; retry later',
    );
  }
  return result;
}
