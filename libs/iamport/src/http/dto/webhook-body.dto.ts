import { IsOptional, IsString, Matches } from 'class-validator';
import {
  CODE_PATTERN,
  IMP_UID_PATTERN,
  MERCHANT_UID_PATTERN,
} from './parameter-patterns.js';

/**
 * iamport's webhook: `{imp_uid, merchant_uid, status}` (+ `cancellation_id`),
 * as JSON or form-encoded. Unsigned in V1: it only says which payment to fetch.
 */
export class WebhookBodyDto {
  static readonly fields = [
    'imp_uid',
    'merchant_uid',
    'status',
    'cancellation_id',
  ] as const;

  @IsString({ message: 'imp_uid is required' })
  @Matches(IMP_UID_PATTERN, {
    message: 'imp_uid must look like imp_123456789012',
  })
  imp_uid: string;

  @IsOptional()
  @Matches(MERCHANT_UID_PATTERN, {
    message: 'merchant_uid must be 1 to 40 visible ASCII characters',
  })
  merchant_uid?: string;

  // Any short word: the status decides nothing, and refusing a status iamport adds one day would lose webhooks.
  @IsOptional()
  @Matches(/^[a-z_]{1,32}$/, { message: 'status must be a lower-case word' })
  status?: string;

  @IsOptional()
  @Matches(CODE_PATTERN, {
    message: 'cancellation_id must be 1 to 64 visible ASCII characters',
  })
  cancellation_id?: string;
}
