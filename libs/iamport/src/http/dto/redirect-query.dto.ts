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

/**
 * The query iamport puts on `m_redirect_url`. `imp_uid` may be empty when the
 * PG's pre-validation failed; `imp_success` is `success` with some PGs and
 * absent with others and with newer SDKs. None of it decides anything.
 */
export class RedirectQueryDto {
  static readonly fields = [
    'imp_uid',
    'merchant_uid',
    'imp_success',
    'success',
    'error_code',
    'error_msg',
  ] as const;

  @ValidateIf(
    (query: RedirectQueryDto) =>
      query.imp_uid !== undefined && query.imp_uid !== '',
  )
  @Matches(IMP_UID_PATTERN, {
    message: 'imp_uid must look like imp_123456789012',
  })
  imp_uid?: string;

  @ValidateIf(
    (query: RedirectQueryDto) =>
      !query.imp_uid || query.merchant_uid !== undefined,
  )
  @IsString({ message: 'imp_uid or merchant_uid is required' })
  @Matches(MERCHANT_UID_PATTERN, {
    message: 'merchant_uid must be 1 to 40 visible ASCII characters',
  })
  merchant_uid?: string;

  @IsOptional()
  @IsIn(FLAG_VALUES, { message: 'imp_success must be true or false' })
  imp_success?: string;

  @IsOptional()
  @IsIn(FLAG_VALUES, { message: 'success must be true or false' })
  success?: string;

  @IsOptional()
  @Matches(CODE_PATTERN, {
    message: 'error_code must be 1 to 64 visible ASCII characters',
  })
  error_code?: string;

  @IsOptional()
  @MaxLength(500, { message: 'error_msg must be at most 500 characters' })
  @Matches(TEXT_PATTERN, {
    message: 'error_msg must not contain control characters',
  })
  error_msg?: string;
}
