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
import {
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
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

/** `Accept-Language` picks the pages' language (Korean unless English is preferred). */
const ACCEPT_LANGUAGE = ApiHeader({
  name: 'Accept-Language',
  required: false,
  description:
    "the buyer's languages: the page is Korean unless English is preferred; the answer says which in `Content-Language`",
  example: 'ko-KR,ko;q=0.9,en;q=0.8',
});

/** An HTML page, with the headers every page sends. */
const htmlPage = (description: string) =>
  ApiOkResponse({
    description,
    content: { 'text/html': { schema: { type: 'string' } } },
    headers: {
      'Content-Language': {
        description: 'the language of the page (`ko` or `en`)',
        schema: { type: 'string', enum: ['ko', 'en'] },
      },
    },
  });

@Controller()
@ApiTags('pages')
export class CheckoutController {
  constructor(
    private readonly orders: OrdersService,
    private readonly products: ProductsService,
    @Inject(CHECKOUT_CONFIG) private readonly config: CheckoutConfig,
  ) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('vary', 'Accept-Language')
  @ApiOperation({
    summary: 'The checkout page',
    description:
      'The products, each with a button that creates an order (`POST /orders`) and opens the iamport payment window with it; with PortOne V2 configured, each product also offers V2 (card or virtual account) through `PortOne.requestPayment`, verified at `/payments/v2/complete`.',
  })
  @ApiProduces('text/html')
  @ACCEPT_LANGUAGE
  @htmlPage('The checkout page.')
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
  @ApiOperation({
    summary: 'The result page',
    description:
      'Where `GET /payments/complete` sends the buyer (303). It shows the order as the shop has it, never what the query says, and follows a pending order through `GET /orders/{merchant_uid}` a bounded number of times. An unknown or missing order is a page that says so (still 200).',
  })
  @ApiQuery({
    name: 'merchant_uid',
    required: false,
    type: String,
    description: 'the order to show',
    example: 'order_0123456789abcdef01234567',
  })
  @ApiQuery({
    name: 'outcome',
    required: false,
    type: String,
    description:
      "what the redirect decided (`paid`, `unconfirmed`, …); it only chooses the wording while the order's status says nothing yet",
    example: 'paid',
  })
  @ApiProduces('text/html')
  @ACCEPT_LANGUAGE
  @htmlPage('The result page.')
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
  @ApiOperation({
    summary: "The shop's icon",
    description:
      'An SVG image, also at `/favicon.ico` (browsers ask for it by themselves).',
  })
  @ApiProduces('image/svg+xml')
  @ApiOkResponse({
    description: 'The icon (SVG), cached for a day.',
    content: { 'image/svg+xml': { schema: { type: 'string' } } },
  })
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
