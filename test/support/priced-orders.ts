/** The `ADMIN_TOKEN` every test app is started with (its `/admin` routes add the products tests order). */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface PricedOrderAnswer<T = any> {
  status: number;
  body: T;
}

/** One HTTP request with a JSON body to the app under test. */
export type SendJson = (
  method: 'POST',
  path: string,
  body: unknown,
  headers: Record<string, string>,
) => Promise<PricedOrderAnswer>;

export interface PricedOrder {
  name?: string;
  /** The product's price (so the order's amount when quantity is 1). */
  amount?: number;
  currency?: string;
  quantity?: number;
}

/**
 * Orders of any price through the shop's real interface: a product of that
 * name, price and currency is added once through `POST /admin/products`
 * (bearer `TEST_ADMIN_TOKEN`), then ordered with `POST /orders {product_id,
 * quantity}`, as a buyer would. The shop prices every order on the server.
 */
export class PricedOrders {
  private readonly products = new Map<string, Promise<number>>();

  constructor(private readonly send: SendJson) {}

  /** `POST /orders` for such a product, answered as the shop answered it. */
  async post(order: PricedOrder = {}): Promise<PricedOrderAnswer> {
    const productId = await this.product(order);
    return this.send(
      'POST',
      '/orders',
      {
        product_id: productId,
        ...(order.quantity === undefined ? {} : { quantity: order.quantity }),
      },
      {},
    );
  }

  /** The id of a product with this name, price and currency, added on first use. */
  product({
    name = 'Celadon mug',
    amount = 35_000,
    currency,
  }: PricedOrder = {}): Promise<number> {
    const key = JSON.stringify([name, amount, currency]);
    let id = this.products.get(key);
    if (!id) {
      id = this.send(
        'POST',
        '/admin/products',
        { name, price: amount, ...(currency ? { currency } : {}) },
        { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      ).then((answer) => {
        if (answer.status !== 201)
          throw new Error(
            `POST /admin/products answered ${answer.status}: ${JSON.stringify(answer.body)}`,
          );
        return (answer.body as { id: number }).id;
      });
      // A failed add is not remembered: the next order tries again.
      id.catch(() => this.products.delete(key));
      this.products.set(key, id);
    }
    return id;
  }
}
