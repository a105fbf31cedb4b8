import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from './columns.js';

/** A product of the shop: the only source of an order's price. */
@Entity('products')
export class ProductEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** In the currency's smallest unit (won for KRW). */
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  price: number;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ name: 'created_at', type: Date })
  createdAt: Date;
}
