import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { ProductEntity } from '../persistence/product.entity.js';
import type { CreateProductDto } from './create-product.dto.js';
import { type ProductView, toProductView } from './product.view.js';

@Injectable()
export class ProductsService {
  constructor(
    @InjectRepository(ProductEntity)
    private readonly products: Repository<ProductEntity>,
  ) {}

  async list(): Promise<ProductView[]> {
    const products = await this.products.find({ order: { id: 'ASC' } });
    return products.map(toProductView);
  }

  /** The product an order is priced from, or null when the shop has none with this id. */
  find(id: number): Promise<ProductEntity | null> {
    return this.products.findOneBy({ id });
  }

  async create(product: CreateProductDto): Promise<ProductView> {
    const saved = await this.products.save(
      this.products.create({
        name: product.name,
        price: product.price,
        currency: product.currency ?? 'KRW',
        createdAt: new Date(),
      }),
    );
    return toProductView(saved);
  }
}
