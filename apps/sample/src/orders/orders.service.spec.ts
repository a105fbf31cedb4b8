import { Logger } from '@nestjs/common';
import type {
  PaymentPreparationService,
  PortOneV2PreparationService,
} from 'nestjs-iamport';
import type { Repository } from 'typeorm';
import type { OrderEntity } from '../persistence/order.entity.js';
import type { ProductsService } from '../products/products.service.js';
import { OrdersService } from './orders.service.js';

type Registration = () => Promise<unknown>;

/** An OrdersService over an in-memory repository, one product (12,000원), and scripted registrations. */
function service(
  v1: Registration,
  v2: Registration,
  v2Configured = true,
): {
  orders: OrdersService;
  registered: { v1: unknown[]; v2: unknown[] };
} {
  const registered = { v1: [] as unknown[], v2: [] as unknown[] };
  const repository = {
    create: (order: Partial<OrderEntity>) => order,
    save: (order: Partial<OrderEntity>) => Promise.resolve(order),
  } as unknown as Repository<OrderEntity>;
  const products = {
    find: (id: number) =>
      Promise.resolve(
        id === 1
          ? { id: 1, name: 'Tea', price: 12_000, currency: 'KRW' }
          : null,
      ),
  } as unknown as ProductsService;
  const preparation = {
    register: (payment: unknown) => {
      registered.v1.push(payment);
      return v1();
    },
  } as unknown as PaymentPreparationService;
  const v2Preparation = {
    configured: v2Configured,
    register: (payment: unknown) => {
      registered.v2.push(payment);
      return v2();
    },
  } as unknown as PortOneV2PreparationService;
  return {
    orders: new OrdersService(repository, products, preparation, v2Preparation),
    registered,
  };
}

const ok = () => Promise.resolve();
const fails = () => Promise.reject(new Error('503 from the API'));
const never = () => new Promise<never>(() => undefined);

describe('OrdersService: registering the amount with iamport and PortOne V2', () => {
  let warnings: string[];

  beforeEach(() => {
    warnings = [];
    vi.spyOn(Logger.prototype, 'warn').mockImplementation((message) => {
      warnings.push(String(message));
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('registers the same merchant_uid, amount and currency with both; prepared is iamport’s', async () => {
    const { orders, registered } = service(ok, ok);
    const { order, prepared } = await orders.create({
      product_id: 1,
      quantity: 2,
    });
    expect(prepared).toBe(true);
    const payment = {
      merchantUid: order.merchantUid,
      amount: 24_000,
      currency: 'KRW',
    };
    expect(registered).toEqual({ v1: [payment], v2: [payment] });
    expect(warnings).toEqual([]);
  });

  it('a V2 failure only logs a warning: the order is created, prepared stays iamport’s answer', async () => {
    const { orders } = service(ok, fails);
    const { order, prepared } = await orders.create({ product_id: 1 });
    expect(prepared).toBe(true);
    expect(warnings).toEqual([
      `the amount of ${order.merchantUid} was not registered with PortOne V2: 503 from the API`,
    ]);
  });

  it('an iamport failure: prepared false, whatever V2 did', async () => {
    const { orders } = service(fails, ok);
    const { order, prepared } = await orders.create({ product_id: 1 });
    expect(prepared).toBe(false);
    expect(warnings).toEqual([
      `the amount of ${order.merchantUid} was not registered with iamport: 503 from the API`,
    ]);
  });

  it('V2 not configured: nothing is sent to it', async () => {
    const { orders, registered } = service(ok, ok, false);
    await expect(orders.create({ product_id: 1 })).resolves.toMatchObject({
      prepared: true,
    });
    expect(registered.v2).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('one budget of 3 s for both: a V2 that never answers delays the order by the budget, not more', async () => {
    vi.useFakeTimers();
    const { orders } = service(ok, never);
    let answered: { prepared: boolean } | undefined;
    void orders.create({ product_id: 1 }).then((created) => {
      answered = created;
    });
    await vi.advanceTimersByTimeAsync(2_999);
    expect(answered).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(answered).toMatchObject({ prepared: true });
  });

  it('an iamport that never answers: prepared false once the budget is spent', async () => {
    vi.useFakeTimers();
    const { orders } = service(never, ok);
    let answered: { prepared: boolean } | undefined;
    void orders.create({ product_id: 1 }).then((created) => {
      answered = created;
    });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(answered).toMatchObject({ prepared: false });
  });
});
