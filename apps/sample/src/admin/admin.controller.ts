import { Body, Controller, Post, UseGuards } from '@nestjs/common';
import { bodyValidation } from '../body-validation.js';
import { CreateProductDto } from '../products/create-product.dto.js';
import type { ProductView } from '../products/product.view.js';
import { ProductsService } from '../products/products.service.js';
import { AdminTokenGuard } from './admin-token.guard.js';

/** The merchant's routes: only with `Authorization: Bearer <ADMIN_TOKEN>`. */
@Controller('admin')
@UseGuards(AdminTokenGuard)
export class AdminController {
  constructor(private readonly products: ProductsService) {}

  @Post('products')
  createProduct(
    @Body(bodyValidation(CreateProductDto)) product: CreateProductDto,
  ): Promise<ProductView> {
    return this.products.create(product);
  }
}
