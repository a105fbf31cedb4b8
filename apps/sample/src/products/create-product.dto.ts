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
export class CreateProductDto {
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/^\P{Cc}+$/u, {
    message: 'name must not contain control characters',
  })
  name: string;

  /** In the currency's smallest unit (won). */
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  price: number;

  @IsOptional()
  @Matches(/^[A-Z]{3}$/, {
    message: 'currency must be a three-letter ISO code such as KRW',
  })
  currency?: string;
}
