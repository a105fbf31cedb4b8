import {
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import {
  CODE_PATTERN,
  TEXT_PATTERN,
} from '../../http/dto/parameter-patterns.js';
import { ApiPropertyOptional, ApiSchema } from '../../http/openapi.js';

/**
 * V2's paymentId is chosen by the merchant; PortOne documents no character set
 * or length (facts file, uncertain item 11), so any visible ASCII up to 200 is
 * accepted: it is only ever sent back to PortOne URL-encoded, and compared.
 */
export const PAYMENT_ID_PATTERN = /^[\x21-\x7e]{1,200}$/;

/**
 * The query PortOne puts on V2's `redirectUrl`: `paymentId` always, `code`
 * and `message` (and `pgCode`, `pgMessage` when the PG gave them) on failure.
 * The mobile SDKs also read `txId` and `transactionType`; the deprecated V2
 * docs spelled them `payment_id` and `tx_id`, so both spellings are accepted.
 * None of it decides anything: the payment is fetched by paymentId.
 */
@ApiSchema({ name: 'PortOneV2CompleteQuery' })
export class PortOneV2CompleteQueryDto {
  static readonly fields = [
    'paymentId',
    'payment_id',
    'txId',
    'tx_id',
    'transactionType',
    'code',
    'message',
    'pgCode',
    'pgMessage',
  ] as const;

  @ApiPropertyOptional({
    type: String,
    description:
      'your paymentId (the order id given to `PortOne.requestPayment`)',
    pattern: PAYMENT_ID_PATTERN.source,
    example: 'order_0123456789abcdef01234567',
  })
  @ValidateIf(
    (query: PortOneV2CompleteQueryDto) => query.payment_id === undefined,
  )
  @Matches(PAYMENT_ID_PATTERN, {
    message: 'paymentId must be 1 to 200 visible ASCII characters',
  })
  @IsString({ message: 'paymentId is required' })
  paymentId?: string;

  @ApiPropertyOptional({
    type: String,
    description: '`paymentId` as the deprecated V2 docs spelled it',
  })
  @IsOptional()
  @Matches(PAYMENT_ID_PATTERN, {
    message: 'payment_id must be 1 to 200 visible ASCII characters',
  })
  payment_id?: string;

  @ApiPropertyOptional({
    type: String,
    description: 'the attempt (transactionId); a hint only',
  })
  @IsOptional()
  @Matches(CODE_PATTERN, {
    message: 'txId must be 1 to 64 visible ASCII characters',
  })
  txId?: string;

  @ApiPropertyOptional({
    type: String,
    description: '`txId` as the deprecated V2 docs spelled it',
  })
  @IsOptional()
  @Matches(CODE_PATTERN, {
    message: 'tx_id must be 1 to 64 visible ASCII characters',
  })
  tx_id?: string;

  @ApiPropertyOptional({ type: String, description: '`PAYMENT`' })
  @IsOptional()
  @Matches(CODE_PATTERN, {
    message: 'transactionType must be 1 to 64 visible ASCII characters',
  })
  transactionType?: string;

  @ApiPropertyOptional({
    type: String,
    description: "PortOne's error code, on failure",
  })
  @IsOptional()
  @Matches(CODE_PATTERN, {
    message: 'code must be 1 to 64 visible ASCII characters',
  })
  code?: string;

  @ApiPropertyOptional({
    type: String,
    description: "PortOne's error message, on failure",
    maxLength: 500,
  })
  @IsOptional()
  @MaxLength(500, { message: 'message must be at most 500 characters' })
  @Matches(TEXT_PATTERN, {
    message: 'message must not contain control characters',
  })
  message?: string;

  @ApiPropertyOptional({
    type: String,
    description: "the PG's error code, on failure",
  })
  @IsOptional()
  @Matches(CODE_PATTERN, {
    message: 'pgCode must be 1 to 64 visible ASCII characters',
  })
  pgCode?: string;

  @ApiPropertyOptional({
    type: String,
    description: "the PG's error message, on failure",
    maxLength: 500,
  })
  @IsOptional()
  @MaxLength(500, { message: 'pgMessage must be at most 500 characters' })
  @Matches(TEXT_PATTERN, {
    message: 'pgMessage must not contain control characters',
  })
  pgMessage?: string;
}
