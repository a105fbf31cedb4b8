import {
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import {
  CODE_PATTERN,
  FLAG_VALUES,
  IMP_UID_PATTERN,
  MERCHANT_UID_PATTERN,
  TEXT_PATTERN,
} from './parameter-patterns.js';
import { ApiPropertyOptional, ApiSchema } from '../openapi.js';

/**
 * The query iamport puts on `m_redirect_url`. `imp_uid` may be empty when the
 * PG's pre-validation failed; `imp_success` is `success` with some PGs and
 * absent with others and with newer SDKs. None of it decides anything.
 */
@ApiSchema({ name: 'IamportRedirectQuery' })
export class RedirectQueryDto {
  static readonly fields = [
    'imp_uid',
    'merchant_uid',
    'imp_success',
    'success',
    'error_code',
    'error_msg',
  ] as const;

  @ApiPropertyOptional({
    type: String,
    description:
      "iamport's id of the payment; empty when the PG's pre-validation failed (then `merchant_uid` is required and its newest payment is verified)",
    pattern: '^(imp_[0-9A-Za-z]{1,28})?$',
    maxLength: 32,
    example: 'imp_123456789012',
  })
  @ValidateIf(
    (query: RedirectQueryDto) =>
      query.imp_uid !== undefined && query.imp_uid !== '',
  )
  @Matches(IMP_UID_PATTERN, {
    message: 'imp_uid must look like imp_123456789012',
  })
  imp_uid?: string;

  @ApiPropertyOptional({
    type: String,
    description:
      'your order id, as given to `IMP.request_pay`; required when `imp_uid` is missing or empty',
    pattern: MERCHANT_UID_PATTERN.source,
    minLength: 1,
    maxLength: 40,
    example: 'order_0123456789abcdef01234567',
  })
  @ValidateIf(
    (query: RedirectQueryDto) =>
      !query.imp_uid || query.merchant_uid !== undefined,
  )
  @Matches(MERCHANT_UID_PATTERN, {
    message: 'merchant_uid must be 1 to 40 visible ASCII characters',
  })
  @IsString({ message: 'imp_uid or merchant_uid is required' })
  merchant_uid?: string;

  @ApiPropertyOptional({
    type: String,
    enum: FLAG_VALUES,
    description:
      "iamport's deprecated success flag: never trusted, it only colours the wording while verification could not finish",
  })
  @IsOptional()
  @IsIn(FLAG_VALUES, { message: 'imp_success must be true or false' })
  imp_success?: string;

  @ApiPropertyOptional({
    type: String,
    enum: FLAG_VALUES,
    description: '`imp_success` as some PGs name it; never trusted either',
  })
  @IsOptional()
  @IsIn(FLAG_VALUES, { message: 'success must be true or false' })
  success?: string;

  @ApiPropertyOptional({
    type: String,
    description: "the PG's error code, when the payment failed",
    pattern: CODE_PATTERN.source,
    minLength: 1,
    maxLength: 64,
  })
  @IsOptional()
  @Matches(CODE_PATTERN, {
    message: 'error_code must be 1 to 64 visible ASCII characters',
  })
  error_code?: string;

  @ApiPropertyOptional({
    type: String,
    description:
      "the PG's error message, when the payment failed (no control characters)",
    maxLength: 500,
  })
  @IsOptional()
  @MaxLength(500, { message: 'error_msg must be at most 500 characters' })
  @Matches(TEXT_PATTERN, {
    message: 'error_msg must not contain control characters',
  })
  error_msg?: string;
}
