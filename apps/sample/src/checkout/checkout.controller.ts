import {
  Controller,
  Get,
  Header,
  Inject,
  NotFoundException,
  Query,
} from '@nestjs/common';
import { toOrderView } from '../orders/order.view.js';
import { OrdersService } from '../orders/orders.service.js';
import { checkoutPage } from './checkout-page.js';
import { CHECKOUT_CONFIG, type CheckoutConfig } from './checkout.config.js';
import { resultPage } from './result-page.js';

@Controller()
export class CheckoutController {
  constructor(
    private readonly orders: OrdersService,
    @Inject(CHECKOUT_CONFIG) private readonly config: CheckoutConfig,
  ) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  checkout(): string {
    return checkoutPage(this.config);
  }

  @Get('result')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async result(
    @Query('merchant_uid') merchantUid: unknown,
    @Query('outcome') outcome: unknown,
  ): Promise<string> {
    if (
      typeof merchantUid !== 'string' ||
      merchantUid.length === 0 ||
      merchantUid.length > 40
    )
      return resultPage(null, false);
    try {
      return resultPage(
        toOrderView(await this.orders.get(merchantUid)),
        outcome === 'unconfirmed',
      );
    } catch (error) {
      if (error instanceof NotFoundException) return resultPage(null, false);
      throw error;
    }
  }
}
