import { IsInt, IsOptional, Max, Min } from 'class-validator';

/**
 * `POST /orders`: which product and how many. Never an amount, a price or a
 * currency: those come from the product row, so a buyer cannot choose what
 * the payment is checked against.
 */
export class CreateOrderDto {
  @IsInt()
  @Min(1)
  // An INTEGER column on every database; larger ids cannot exist.
  @Max(2_147_483_647)
  product_id: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  quantity?: number;
}
