import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProductSchema } from './product.schema.js';
import type { ProductView } from './product.view.js';
import { ProductsService } from './products.service.js';

@Controller('products')
@ApiTags('products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Get()
  @ApiOperation({
    summary: 'List the products',
    description:
      'Every product of the shop, oldest first; orders are priced from them (`POST /admin/products` adds one).',
  })
  @ApiOkResponse({
    description: 'The products.',
    type: ProductSchema,
    isArray: true,
  })
  list(): Promise<ProductView[]> {
    return this.products.list();
  }
}
