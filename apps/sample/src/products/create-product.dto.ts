import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import {
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

/** `POST /admin/products`: what a product costs is set here, by the merchant, and nowhere else. */
@ApiSchema({ name: 'CreateProduct' })
export class CreateProductDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 100,
    description: 'no control characters',
    example: '제주 녹차 100g',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/^\P{Cc}+$/u, {
    message: 'name must not contain control characters',
  })
  name: string;

  /** In the currency's smallest unit (won). */
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: 1_000_000_000,
    description: "in the currency's smallest unit (won for KRW)",
    example: 12000,
  })
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  price: number;

  @ApiPropertyOptional({
    pattern: '^[A-Z]{3}$',
    default: 'KRW',
    description: 'a three-letter ISO 4217 code',
    example: 'KRW',
  })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, {
    message: 'currency must be a three-letter ISO code such as KRW',
  })
  currency?: string;
}
