import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { ProductView } from './product.view.js';

/** A product (OpenAPI only; `ProductView` is what the routes answer). */
@ApiSchema({ name: 'Product' })
export class ProductSchema implements ProductView {
  @ApiProperty({ type: 'integer', example: 1 })
  id: number;

  @ApiProperty({ example: '제주 녹차 100g' })
  name: string;

  @ApiProperty({
    type: 'integer',
    description: "in the currency's smallest unit (won for KRW)",
    example: 12000,
  })
  price: number;

  @ApiProperty({ example: 'KRW' })
  currency: string;
}
