import { Controller, Get } from '@nestjs/common';
import type { ProductView } from './product.view.js';
import { ProductsService } from './products.service.js';

@Controller('products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Get()
  list(): Promise<ProductView[]> {
    return this.products.list();
  }
}
