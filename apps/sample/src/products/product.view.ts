import type { ProductEntity } from '../persistence/product.entity.js';

/** The public shape of a product (`GET /products`). */
export interface ProductView {
  id: number;
  name: string;
  /** In the currency's smallest unit (won for KRW). */
  price: number;
  currency: string;
}

export function toProductView(product: ProductEntity): ProductView {
  const { id, name, price, currency } = product;
  return { id, name, price, currency };
}
