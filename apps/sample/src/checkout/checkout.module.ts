import { type DynamicModule, Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module.js';
import { ProductsModule } from '../products/products.module.js';
import { CheckoutController } from './checkout.controller.js';
import { CHECKOUT_CONFIG, type CheckoutConfig } from './checkout.config.js';

/** The shop's pages: the checkout, the result page buyers land on, and the icon. */
@Module({})
export class CheckoutModule {
  static forConfig(config: CheckoutConfig): DynamicModule {
    return {
      module: CheckoutModule,
      imports: [OrdersModule, ProductsModule],
      controllers: [CheckoutController],
      providers: [{ provide: CHECKOUT_CONFIG, useValue: config }],
    };
  }
}
