import {
  Controller,
  Get,
  Header,
  Headers,
  Inject,
  NotFoundException,
  Query,
  Res,
} from '@nestjs/common';
import { toOrderView } from '../orders/order.view.js';
import { OrdersService } from '../orders/orders.service.js';
import { ProductsService } from '../products/products.service.js';
import { checkoutPage } from './checkout-page.js';
import { CHECKOUT_CONFIG, type CheckoutConfig } from './checkout.config.js';
import { FAVICON_SVG } from './html.js';
import { LANGUAGE_TAG, type Locale, negotiateLocale } from './locale.js';
import { resultPage } from './result-page.js';

/** What Express's response and Fastify's reply both offer. */
interface HeaderSetter {
  header(name: string, value: string): unknown;
}

@Controller()
export class CheckoutController {
  constructor(
    private readonly orders: OrdersService,
    private readonly products: ProductsService,
    @Inject(CHECKOUT_CONFIG) private readonly config: CheckoutConfig,
  ) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('vary', 'Accept-Language')
  async checkout(
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res({ passthrough: true }) response: HeaderSetter,
  ): Promise<string> {
    const locale = languageOf(acceptLanguage, response);
    return checkoutPage(this.config, await this.products.list(), locale);
  }

  @Get('result')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @Header('vary', 'Accept-Language')
  async result(
    @Query('merchant_uid') merchantUid: unknown,
    @Query('outcome') outcome: unknown,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res({ passthrough: true }) response: HeaderSetter,
  ): Promise<string> {
    const locale = languageOf(acceptLanguage, response);
    const said = typeof outcome === 'string' ? outcome : null;
    if (
      typeof merchantUid !== 'string' ||
      merchantUid.length === 0 ||
      merchantUid.length > 40
    )
      return resultPage(null, said, locale);
    try {
      return resultPage(
        toOrderView(await this.orders.get(merchantUid)),
        said,
        locale,
      );
    } catch (error) {
      if (error instanceof NotFoundException)
        return resultPage(null, said, locale);
      throw error;
    }
  }

  /** The shop's icon; browsers ask for `/favicon.ico` by themselves. */
  @Get(['favicon.svg', 'favicon.ico'])
  @Header('content-type', 'image/svg+xml')
  @Header('cache-control', 'public, max-age=86400')
  favicon(): string {
    return FAVICON_SVG;
  }
}

function languageOf(
  acceptLanguage: string | undefined,
  response: HeaderSetter,
): Locale {
  const locale = negotiateLocale(acceptLanguage);
  response.header('content-language', LANGUAGE_TAG[locale]);
  return locale;
}
