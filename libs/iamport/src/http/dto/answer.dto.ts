import type { VerificationOutcome } from '../../verification/verification-outcome.js';
import { ApiProperty, ApiSchema } from '../openapi.js';
import type { RedirectOutcome } from '../redirect-answer.js';

/** Every outcome, as the type lists them (the compiler checks that none is missing). */
const OUTCOMES: Record<VerificationOutcome, true> = {
  paid: true,
  vbank_issued: true,
  failed: true,
  cancelled: true,
  partially_cancelled: true,
  forgery: true,
  sandbox_rejected: true,
  not_found: true,
  pending: true,
  duplicate_payment: true,
  merchant_uid_mismatch: true,
};

export const VERIFICATION_OUTCOMES = Object.keys(
  OUTCOMES,
) as VerificationOutcome[];
export const REDIRECT_OUTCOMES: RedirectOutcome[] = [
  ...VERIFICATION_OUTCOMES,
  'unconfirmed',
];

/**
 * The redirect's JSON answer (`RedirectAnswer`), for the OpenAPI document only:
 * the controller answers plain objects.
 */
@ApiSchema({
  name: 'IamportRedirectAnswer',
  description:
    'What the redirect verified. 200 for a verified outcome, 404 `not_found`, 409 `merchant_uid_mismatch`, 503 `unconfirmed` (iamport could not be asked in time; the verification goes on).',
})
export class RedirectAnswerDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'the order the payment belongs to (null when unknown)',
    example: 'order_0123456789abcdef01234567',
  })
  merchant_uid: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "iamport's id of the payment (null when there is none)",
    example: 'imp_123456789012',
  })
  imp_uid: string | null;

  @ApiProperty({
    enum: REDIRECT_OUTCOMES,
    enumName: 'IamportRedirectOutcome',
    description:
      'what verification decided; `unconfirmed` when iamport could not be asked in time',
    example: 'paid',
  })
  outcome: RedirectOutcome;

  @ApiProperty({
    type: String,
    description: 'a sentence for the buyer',
    example: 'Payment confirmed.',
  })
  message: string;
}

/** The webhook's answer (`WebhookAnswer`), for the OpenAPI document only. */
@ApiSchema({
  name: 'IamportWebhookAnswer',
  description:
    'The outcome, once durably recorded (also for repeats, settled and unknown orders: a retry would not change it).',
})
export class WebhookAnswerDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'the order the payment belongs to (null when unknown)',
    example: 'order_0123456789abcdef01234567',
  })
  merchant_uid: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "iamport's id of the payment",
    example: 'imp_123456789012',
  })
  imp_uid: string | null;

  @ApiProperty({
    enum: VERIFICATION_OUTCOMES,
    enumName: 'IamportVerificationOutcome',
    description: 'what verification decided',
    example: 'paid',
  })
  outcome: VerificationOutcome;

  @ApiProperty({
    type: Boolean,
    description:
      'whether this notification moved the order (false for a repeat)',
    example: true,
  })
  changed: boolean;
}
