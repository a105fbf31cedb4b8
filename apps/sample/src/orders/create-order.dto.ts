import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/**
 * `POST /orders`: which product and how many. Never an amount, a price or a
 * currency: those come from the product row, so a buyer cannot choose what
 * the payment is checked against.
 */
@ApiSchema({
  name: 'CreateOrder',
  description:
    'Which product and how many; `amount`, `price` and `currency` are refused (400): the server prices the order.',
})
export class CreateOrderDto {
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: 2_147_483_647,
    description: 'a product of `GET /products`',
    example: 1,
  })
  @IsInt()
  @Min(1)
  // An INTEGER column on every database; larger ids cannot exist.
  @Max(2_147_483_647)
  product_id: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 100,
    default: 1,
    example: 1,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  quantity?: number;
}
