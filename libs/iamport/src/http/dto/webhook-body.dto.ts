import { IsOptional, IsString, Matches } from 'class-validator';
import {
  CODE_PATTERN,
  IMP_UID_PATTERN,
  MERCHANT_UID_PATTERN,
} from './parameter-patterns.js';
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '../openapi.js';

/** The status words the webhook is documented with (any lower-case word is accepted). */
const WEBHOOK_STATUS_PATTERN = /^[a-z_]{1,32}$/;

/**
 * iamport's webhook: `{imp_uid, merchant_uid, status}` (+ `cancellation_id`),
 * as JSON or form-encoded. Unsigned in V1: it only says which payment to fetch.
 */
@ApiSchema({
  name: 'IamportWebhookBody',
  description:
    "iamport's notification: which payment to fetch. Unsigned, so nothing in it is believed; the payment is fetched from the REST API.",
})
export class WebhookBodyDto {
  static readonly fields = [
    'imp_uid',
    'merchant_uid',
    'status',
    'cancellation_id',
  ] as const;

  @ApiProperty({
    type: String,
    description: "iamport's id of the payment",
    pattern: IMP_UID_PATTERN.source,
    maxLength: 32,
    example: 'imp_123456789012',
  })
  @Matches(IMP_UID_PATTERN, {
    message: 'imp_uid must look like imp_123456789012',
  })
  @IsString({ message: 'imp_uid is required' })
  imp_uid: string;

  @ApiPropertyOptional({
    type: String,
    description: 'your order id; checked against the payment',
    pattern: MERCHANT_UID_PATTERN.source,
    minLength: 1,
    maxLength: 40,
    example: 'order_0123456789abcdef01234567',
  })
  @IsOptional()
  @Matches(MERCHANT_UID_PATTERN, {
    message: 'merchant_uid must be 1 to 40 visible ASCII characters',
  })
  merchant_uid?: string;

  // Any short word: the status decides nothing, and refusing a status iamport adds one day would lose webhooks.
  @ApiPropertyOptional({
    type: String,
    description:
      "iamport's status of the payment (`ready`, `paid`, `failed`, `cancelled`); decides nothing",
    pattern: WEBHOOK_STATUS_PATTERN.source,
    maxLength: 32,
    example: 'paid',
  })
  @IsOptional()
  @Matches(WEBHOOK_STATUS_PATTERN, {
    message: 'status must be a lower-case word',
  })
  status?: string;

  @ApiPropertyOptional({
    type: String,
    description: 'the id of a cancellation, on webhooks about refunds',
    pattern: CODE_PATTERN.source,
    minLength: 1,
    maxLength: 64,
  })
  @IsOptional()
  @Matches(CODE_PATTERN, {
    message: 'cancellation_id must be 1 to 64 visible ASCII characters',
  })
  cancellation_id?: string;
}
