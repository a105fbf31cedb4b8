import { Logger } from '@nestjs/common';
import type { IamportClient } from '../client/iamport.client.js';
import {
  IamportNetworkError,
  IamportNotFoundError,
  IamportResponseError,
} from '../client/iamport.errors.js';
import type { CancelPaymentRequest, Payment } from '../client/iamport.types.js';
import { IamportEventDelivery } from '../events/iamport-event-delivery.js';
import type { IamportEventHandlers } from '../events/iamport-event-handlers.js';
import type { IamportPaymentEvent } from '../events/iamport-event.js';
import type { ResolvedIamportOptions } from '../iamport.options.js';
import type {
  IamportOrder,
  IamportOrderRepository,
  OrderTransition,
  VerificationWrite,
} from '../ports/order.repository.js';
import type { OutboxEvent } from '../ports/outbox.js';
import type { PaymentRecord } from '../ports/payment-record.js';
import { PaymentRefunder } from './payment-refunder.js';
import { PaymentVerificationService } from './payment-verification.service.js';
import type { ForgeryPolicy } from './verification-outcome.js';
import { fromIamport } from './iamport-payment.adapter.js';
import { iamportPayment, PAID_AT } from './payment.fixtures.js';

function payment(overrides: Partial<Payment> = {}): Payment {
  return iamportPayment({ imp_uid: 'imp_1', ...overrides });
}

function order(overrides: Partial<IamportOrder> = {}): IamportOrder {
  return {
    merchantUid: 'order-1',
    amount: 10_000,
    currency: 'KRW',
    status: 'pending',
    impUid: null,
    cancelledAmount: 0,
    version: 3,
    ...overrides,
  };
}

function notFound(): IamportNotFoundError {
  return new IamportNotFoundError('no such payment', {
    operation: 'getPaymentByImpUid',
    httpStatus: 404,
    code: 1,
    iamportMessage: 'not found',
    retryable: false,
  });
}

/** An order row: what verification reads, and what the last transition wrote. */
type StoredOrder = IamportOrder &
  Partial<
    Pick<
      OrderTransition,
      'paidAt' | 'failedAt' | 'cancelledAt' | 'virtualAccount' | 'reason'
    >
  >;

/**
 * The merchant's tables, in memory: `commit` is a real compare-and-set on the
 * order's and the record's versions, and writes all of it or nothing.
 */
class InMemoryOrders implements IamportOrderRepository {
  readonly orders = new Map<string, StoredOrder>();
  readonly records = new Map<string, PaymentRecord>();
  readonly events: OutboxEvent[] = [];
  /** Every write that was committed, in order. */
  readonly writes: VerificationWrite[] = [];
  /** Every write refused because a version had moved. */
  readonly lost: VerificationWrite[] = [];
  /** What another instance writes between our read and our commit. */
  beforeCommit: (() => void) | null = null;
  /** A repository that matches merchant_uids case-insensitively (not trusted by the module). */
  matchLoosely = false;
  /** The optional one-read method of the port: absent unless a test sets it. */
  findOrderAndRecord?: IamportOrderRepository['findOrderAndRecord'];

  constructor(private readonly log: string[] = []) {}

  add(...orders: IamportOrder[]): void {
    for (const o of orders) this.orders.set(o.merchantUid, { ...o });
  }

  order(merchantUid: string): StoredOrder {
    return this.orders.get(merchantUid)!;
  }

  findByMerchantUid(merchantUid: string): Promise<IamportOrder | null> {
    const found = this.matchLoosely
      ? [...this.orders.values()].find(
          (o) => o.merchantUid.toLowerCase() === merchantUid.toLowerCase(),
        )
      : this.orders.get(merchantUid);
    return Promise.resolve(found ? { ...found } : null);
  }

  findPaymentRecord(impUid: string): Promise<PaymentRecord | null> {
    const found = this.records.get(impUid);
    return Promise.resolve(found ? { ...found } : null);
  }

  commit(write: VerificationWrite): Promise<boolean> {
    this.log.push('commit');
    this.beforeCommit?.();
    const { transition, record, event } = write;
    const stored = this.records.get(record.impUid);
    const target = transition && this.orders.get(transition.merchantUid);
    const orderMoved =
      transition !== null &&
      (!target || target.version !== transition.expectedVersion);
    const recordMoved =
      record.version === 0
        ? stored !== undefined
        : stored?.version !== record.version;
    if (orderMoved || recordMoved) {
      this.lost.push(write);
      return Promise.resolve(false);
    }
    if (transition && target) {
      const { expectedVersion: _, to, ...fields } = transition;
      this.orders.set(transition.merchantUid, {
        ...target,
        ...fields,
        status: to,
        version: target.version + 1,
      });
    }
    this.records.set(record.impUid, { ...record, version: record.version + 1 });
    if (event) this.events.push(event);
    this.writes.push(write);
    return Promise.resolve(true);
  }

  /** Another instance moves the order: its version changes under our decision. */
  moveByAnother(merchantUid: string, changes: Partial<IamportOrder>): void {
    const stored = this.order(merchantUid);
    this.orders.set(merchantUid, {
      ...stored,
      ...changes,
      version: stored.version + 1,
    });
  }
}

/**
 * iamport as the module uses it: lookups hide test-channel payments unless
 * asked for; a cancel is refused (HTTP 200, code 1) when its checksum is not
 * the refundable balance or when the payment cannot be refunded this way.
 */
class FakeIamport {
  readonly payments = new Map<string, Payment>();
  readonly cancels: CancelPaymentRequest[] = [];
  readonly lookups: string[] = [];
  readonly unrefundable = new Map<string, string>();
  down = false;

  constructor(private readonly log: string[] = []) {}

  add(...payments: Payment[]): void {
    for (const p of payments) this.payments.set(p.imp_uid, { ...p });
  }

  private visible(p: Payment | undefined, includeSandbox?: boolean) {
    return p && (!p.sandbox || includeSandbox) ? p : undefined;
  }

  private unreachable() {
    return new IamportNetworkError('connection reset', {
      operation: 'getPaymentByImpUid',
      httpStatus: null,
      code: null,
      iamportMessage: null,
      retryable: true,
    });
  }

  getPayment(
    impUid: string,
    options: { includeSandbox?: boolean } = {},
  ): Promise<Payment> {
    this.lookups.push(impUid);
    if (this.down) return Promise.reject(this.unreachable());
    const found = this.visible(
      this.payments.get(impUid),
      options.includeSandbox,
    );
    return found ? Promise.resolve({ ...found }) : Promise.reject(notFound());
  }

  findPaymentByMerchantUid(
    merchantUid: string,
    options: { includeSandbox?: boolean } = {},
  ): Promise<Payment | null> {
    this.lookups.push(`find ${merchantUid}`);
    const newest = [...this.payments.values()]
      .filter(
        (p) =>
          p.merchant_uid === merchantUid &&
          this.visible(p, options.includeSandbox),
      )
      .sort((a, b) => b.started_at - a.started_at)[0];
    return Promise.resolve(newest ? { ...newest } : null);
  }

  cancelPayment(request: CancelPaymentRequest): Promise<Payment> {
    this.log.push(`cancel ${request.imp_uid} ${request.amount}`);
    this.cancels.push(request);
    const found = this.payments.get(request.imp_uid!)!;
    const left = found.amount - found.cancel_amount;
    const refusal =
      this.unrefundable.get(found.imp_uid) ??
      (request.checksum !== left ? 'checksum mismatch' : undefined);
    if (refusal)
      return Promise.reject(
        new IamportResponseError('cancel refused', {
          operation: 'cancelPayment',
          httpStatus: 200,
          code: 1,
          iamportMessage: refusal,
          retryable: false,
        }),
      );
    const refunded: Payment = {
      ...found,
      status: 'cancelled',
      cancel_amount: found.cancel_amount + (request.amount ?? left),
      cancelled_at: PAID_AT + 600,
    };
    this.payments.set(found.imp_uid, refunded);
    return Promise.resolve({ ...refunded });
  }
}

interface Setup {
  includeSandbox?: boolean;
  forgeryPolicy?: ForgeryPolicy;
  unknownOrderPolicy?: ForgeryPolicy;
}

function setup(options: Setup = {}) {
  const log: string[] = [];
  const iamport = new FakeIamport(log);
  const orders = new InMemoryOrders(log);
  const resolved = {
    includeSandbox: false,
    forgeryPolicy: 'cancel',
    unknownOrderPolicy: 'flag',
    ...options,
  } as ResolvedIamportOptions;
  const delivered: IamportPaymentEvent[] = [];
  const handlers = {
    dispatch: (event: IamportPaymentEvent) => {
      log.push(`deliver ${event.type}`);
      delivered.push(event);
      return Promise.resolve(true);
    },
  } as unknown as IamportEventHandlers;
  const client = iamport as unknown as IamportClient;
  const service = new PaymentVerificationService(
    client,
    orders,
    resolved,
    new PaymentRefunder(client),
    new IamportEventDelivery(handlers, resolved),
  );
  return { service, iamport, orders, delivered, log };
}

describe('PaymentVerificationService', () => {
  let info: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    info = vi.spyOn(Logger.prototype, 'log').mockImplementation(() => {});
    for (const level of ['debug', 'warn', 'error'] as const)
      vi.spyOn(Logger.prototype, level).mockImplementation(() => {});
  });
  afterEach(() => vi.restoreAllMocks());

  describe('a payment that moves its order', () => {
    it('writes the transition, the record and the event in one commit, then tells the handlers', async () => {
      const { service, iamport, orders, delivered, log } = setup();
      orders.add(order());
      iamport.add(payment());
      const result = await service.verify({
        impUid: 'imp_1',
        source: 'webhook',
      });

      expect(result).toEqual({
        outcome: 'paid',
        merchantUid: 'order-1',
        impUid: 'imp_1',
        order: order({ status: 'paid', impUid: 'imp_1', version: 4 }),
        payment: fromIamport(payment()),
        changed: true,
        refundedAmount: 0,
        refundRefused: null,
        reason: 'paid in full',
      });
      expect(orders.writes).toHaveLength(1);
      const [write] = orders.writes;
      expect(write.transition).toMatchObject({
        to: 'paid',
        impUid: 'imp_1',
        expectedVersion: 3,
      });
      expect(write.record).toEqual({
        impUid: 'imp_1',
        merchantUid: 'order-1',
        amount: 10_000,
        cancelledAmount: 0,
        currency: 'KRW',
        status: 'paid',
        disposition: 'settles_order',
        reason: 'paid in full',
        version: 0,
      });
      expect(write.event).toMatchObject({
        type: 'paid',
        merchantUid: 'order-1',
        impUid: 'imp_1',
      });
      expect(orders.order('order-1')).toMatchObject({
        status: 'paid',
        impUid: 'imp_1',
        version: 4,
      });
      expect(log).toEqual(['commit', 'deliver paid']);

      expect(delivered).toHaveLength(1);
      expect(delivered[0]).toEqual({
        id: write.event!.id,
        api: 'v1',
        type: 'paid',
        merchantUid: 'order-1',
        impUid: 'imp_1',
        order: order({ status: 'paid', impUid: 'imp_1', version: 4 }),
        payment: fromIamport(payment()),
        transition: write.transition,
        source: 'webhook',
      });
      expect(info).toHaveBeenCalledWith(
        expect.stringMatching(
          /^order-1: paid \(pending → paid\) by imp_1, from the webhook, in \d+ ms$/,
        ),
      );
      expect(info.mock.contexts[0]).toMatchObject({
        context: 'PaymentVerification',
      });
    });

    it('logs the time taken from when the verification began (the lookup included)', async () => {
      const { service, orders } = setup();
      orders.add(order());
      // As if the lookup had taken 5 s: the line says 5 s and a little more, never less.
      await service.settle(
        fromIamport(payment()),
        { source: 'webhook' },
        performance.now() - 5000,
      );
      expect(info).toHaveBeenCalledWith(
        expect.stringMatching(/, from the webhook, in 5\d{3} ms$/),
      );
    });

    it('changes nothing, writes nothing and tells nobody when the same payment is verified again', async () => {
      const { service, iamport, orders, delivered } = setup();
      orders.add(order());
      iamport.add(payment());
      await service.verify({ impUid: 'imp_1', source: 'redirect' });
      const again = await service.verify({
        impUid: 'imp_1',
        source: 'webhook',
      });
      expect(again).toMatchObject({
        outcome: 'paid',
        changed: false,
        refundedAmount: 0,
        order: order({ status: 'paid', impUid: 'imp_1', version: 4 }),
      });
      expect(orders.writes).toHaveLength(1);
      expect(delivered).toHaveLength(1);
    });

    it('updates the record it stored when the payment moves on, and reports the refund', async () => {
      const { service, iamport, orders, delivered } = setup();
      orders.add(order());
      iamport.add(payment());
      await service.verify({ impUid: 'imp_1', source: 'redirect' });
      iamport.add(payment({ status: 'cancelled', cancel_amount: 2500 }));
      const result = await service.verify({
        impUid: 'imp_1',
        source: 'webhook',
      });

      expect(result).toMatchObject({
        outcome: 'partially_cancelled',
        changed: true,
        order: order({
          status: 'partially_cancelled',
          impUid: 'imp_1',
          cancelledAmount: 2500,
          version: 5,
        }),
      });
      expect(orders.writes[1].record).toMatchObject({
        version: 1,
        cancelledAmount: 2500,
        status: 'cancelled',
        disposition: 'settles_order',
      });
      expect(orders.records.get('imp_1')?.version).toBe(2);
      expect(delivered.map((e) => [e.type, e.source])).toEqual([
        ['paid', 'redirect'],
        ['cancelled', 'webhook'],
      ]);
    });

    it('finds the newest payment of the order when the caller names only the order', async () => {
      const { service, iamport, orders } = setup();
      orders.add(order());
      iamport.add(
        payment({
          imp_uid: 'imp_0',
          status: 'failed',
          paid_at: 0,
          started_at: PAID_AT - 600,
        }),
        payment(),
      );
      const result = await service.verify({
        merchantUid: 'order-1',
        source: 'redirect',
      });
      expect(result).toMatchObject({ outcome: 'paid', impUid: 'imp_1' });
      expect(iamport.lookups).toEqual(['find order-1']);
    });
  });

  describe('a redirect and its webhook at the same moment', () => {
    function both(claimedStatus: string | null) {
      const { service, iamport, orders } = setup();
      orders.add(order());
      return {
        iamport,
        orders,
        run: () =>
          Promise.all([
            service.verify({
              impUid: 'imp_1',
              source: 'redirect',
              claimedStatus: 'paid',
            }),
            service.verify({
              impUid: 'imp_1',
              source: 'webhook',
              claimedStatus,
            }),
          ]),
      };
    }

    it('share one lookup when the webhook claims paid and iamport already says paid', async () => {
      const { iamport, orders, run } = both('paid');
      iamport.add(payment());
      const results = await run();
      expect(iamport.lookups).toEqual(['imp_1']);
      expect(results.map((result) => result.outcome)).toEqual(['paid', 'paid']);
      expect(results.filter((result) => result.changed)).toHaveLength(1);
      expect(orders.writes).toHaveLength(1);
    });

    it('look up again for a claim of a refund: a lookup under way may predate it', async () => {
      const { iamport, run } = both('cancelled');
      iamport.add(payment());
      await run();
      expect(iamport.lookups).toEqual(['imp_1', 'imp_1']);
    });

    it('look up again when the lookup under way does not show what the webhook claims', async () => {
      const { iamport, run } = both('paid');
      iamport.add(payment({ status: 'ready', paid_at: 0 }));
      await run();
      expect(iamport.lookups).toEqual(['imp_1', 'imp_1']);
    });

    it('look up again when the lookup under way finds no such payment', async () => {
      const { iamport, run } = both('paid');
      const results = await run();
      expect(results.map((result) => result.outcome)).toEqual([
        'not_found',
        'not_found',
      ]);
      expect(iamport.lookups).toEqual(['imp_1', 'imp_1']);
    });

    it('look up again for a webhook that claims nothing', async () => {
      const { iamport, run } = both(null);
      iamport.add(payment());
      await run();
      expect(iamport.lookups).toEqual(['imp_1', 'imp_1']);
    });
  });

  describe('payments iamport does not have', () => {
    it('answers not_found for an unknown imp_uid, and writes nothing', async () => {
      const { service, orders } = setup();
      const result = await service.verify({
        impUid: 'imp_x',
        source: 'webhook',
      });
      expect(result).toEqual({
        outcome: 'not_found',
        merchantUid: null,
        impUid: 'imp_x',
        order: null,
        payment: null,
        changed: false,
        refundedAmount: 0,
        refundRefused: null,
        reason: 'iamport knows no such payment',
      });
      expect(orders.writes).toEqual([]);
    });

    it('answers not_found with the claimed order when it has no payment', async () => {
      const { service } = setup();
      const result = await service.verify({
        impUid: '',
        merchantUid: 'order-9',
        source: 'redirect',
      });
      expect(result).toMatchObject({
        outcome: 'not_found',
        merchantUid: 'order-9',
        impUid: null,
      });
    });

    it('does not ask iamport when the caller names no payment and no order', async () => {
      const { service, iamport } = setup();
      const result = await service.verify({ impUid: null, source: 'api' });
      expect(result).toMatchObject({
        outcome: 'not_found',
        merchantUid: null,
        impUid: null,
      });
      expect(iamport.lookups).toEqual([]);
    });

    it('throws when iamport cannot be reached, and writes nothing', async () => {
      const { service, iamport, orders } = setup();
      orders.add(order());
      iamport.add(payment());
      iamport.down = true;
      await expect(
        service.verify({ impUid: 'imp_1', source: 'webhook' }),
      ).rejects.toBeInstanceOf(IamportNetworkError);
      expect(orders.writes).toEqual([]);
    });
  });

  describe('what is not recorded', () => {
    it('records nothing for a payment of another order than the one claimed', async () => {
      const { service, iamport, orders } = setup();
      orders.add(order(), order({ merchantUid: 'order-2' }));
      iamport.add(payment());
      const result = await service.verify({
        impUid: 'imp_1',
        merchantUid: 'order-2',
        source: 'redirect',
      });
      expect(result).toMatchObject({
        outcome: 'merchant_uid_mismatch',
        merchantUid: 'order-1',
        changed: false,
      });
      expect(orders.writes).toEqual([]);
      expect(orders.records.size).toBe(0);
    });

    it('takes an empty claimed merchant_uid for no claim', async () => {
      const { service, iamport, orders } = setup();
      orders.add(order());
      iamport.add(payment());
      const result = await service.verify({
        impUid: 'imp_1',
        merchantUid: '',
        source: 'redirect',
      });
      expect(result.outcome).toBe('paid');
    });

    it('records nothing for a refused test-channel payment (fetched so that it is refused by name)', async () => {
      const { service, iamport, orders } = setup();
      orders.add(order());
      iamport.add(payment({ sandbox: true }));
      const byImpUid = await service.verify({
        impUid: 'imp_1',
        source: 'webhook',
      });
      const byOrder = await service.verify({
        merchantUid: 'order-1',
        source: 'redirect',
      });
      expect(byImpUid.outcome).toBe('sandbox_rejected');
      expect(byOrder.outcome).toBe('sandbox_rejected');
      expect(orders.writes).toEqual([]);
    });

    it('accepts test-channel payments when told to', async () => {
      const { service, iamport, orders } = setup({ includeSandbox: true });
      orders.add(order());
      iamport.add(payment({ sandbox: true }));
      const result = await service.verify({
        impUid: 'imp_1',
        source: 'webhook',
      });
      expect(result.outcome).toBe('paid');
      expect(orders.order('order-1').status).toBe('paid');
    });

    it('writes the record alone when the payment is new but the order does not move, once', async () => {
      const { service, iamport, orders, delivered } = setup({
        forgeryPolicy: 'flag',
      });
      orders.add(order({ status: 'paid', impUid: 'imp_0' }));
      iamport.add(payment());
      const first = await service.verify({
        impUid: 'imp_1',
        source: 'webhook',
      });
      const second = await service.verify({
        impUid: 'imp_1',
        source: 'webhook',
      });
      expect(first).toMatchObject({
        outcome: 'duplicate_payment',
        changed: false,
        order: order({ status: 'paid', impUid: 'imp_0' }),
      });
      expect(second.outcome).toBe('duplicate_payment');
      expect(orders.writes).toHaveLength(1);
      expect(orders.writes[0]).toMatchObject({
        transition: null,
        event: null,
        record: { disposition: 'flagged', version: 0 },
      });
      expect(delivered).toEqual([]);
    });

    it('records an abandoned payment once, without touching the order', async () => {
      const { service, iamport, orders } = setup();
      orders.add(order());
      iamport.add(payment({ status: 'ready', paid_at: 0 }));
      await service.verify({ impUid: 'imp_1', source: 'redirect' });
      await service.verify({ impUid: 'imp_1', source: 'redirect' });
      expect(orders.writes).toHaveLength(1);
      expect(orders.records.get('imp_1')?.disposition).toBe('no_money');
      expect(orders.order('order-1')).toEqual(order());
    });

    it('never takes the order of another merchant_uid from a repository that matches loosely', async () => {
      const { service, iamport, orders } = setup();
      orders.matchLoosely = true;
      orders.add(order());
      iamport.add(payment({ merchant_uid: 'ORDER-1' }));
      const result = await service.verify({
        impUid: 'imp_1',
        source: 'webhook',
      });
      expect(result).toMatchObject({ outcome: 'not_found', order: null });
      expect(orders.order('order-1')).toEqual(order());
      expect(orders.records.get('imp_1')).toMatchObject({
        merchantUid: 'ORDER-1',
        disposition: 'flagged',
      });
    });
  });

  describe('one read of the order and the record', () => {
    it('asks the repository once when it offers findOrderAndRecord', async () => {
      const { service, iamport, orders } = setup();
      orders.add(order());
      iamport.add(payment());
      const asked: string[] = [];
      orders.findOrderAndRecord = async (
        merchantUid: string,
        impUid: string,
      ) => {
        asked.push(`${merchantUid} ${impUid}`);
        return {
          order: await orders.findByMerchantUid(merchantUid),
          record: await orders.findPaymentRecord(impUid),
        };
      };
      const findOrder = vi.spyOn(orders, 'findByMerchantUid');
      const result = await service.verify({
        impUid: 'imp_1',
        source: 'webhook',
      });
      expect(result).toMatchObject({ outcome: 'paid', changed: true });
      expect(asked).toEqual(['order-1 imp_1']);
      // Only the repository's own implementation above called it.
      expect(findOrder).toHaveBeenCalledTimes(1);
    });

    it('never takes the record of another imp_uid from a repository that matches loosely', async () => {
      const { service, iamport, orders } = setup();
      orders.add(order());
      iamport.add(payment());
      const loose: PaymentRecord = {
        impUid: 'IMP_1',
        merchantUid: 'order-1',
        amount: 10_000,
        cancelledAmount: 0,
        currency: 'KRW',
        status: 'paid',
        disposition: 'settles_order',
        reason: 'paid in full',
        version: 1,
      };
      orders.findOrderAndRecord = async (merchantUid: string) => ({
        order: await orders.findByMerchantUid(merchantUid),
        record: loose,
      });
      const result = await service.verify({
        impUid: 'imp_1',
        source: 'webhook',
      });
      expect(result).toMatchObject({ outcome: 'paid', changed: true });
      expect(orders.records.get('imp_1')).toMatchObject({ version: 1 });
    });
  });

  describe('a read made while iamport answers', () => {
    /** iamport answers only once `answer()` is called. */
    function heldLookup(iamport: FakeIamport) {
      const getPayment = iamport.getPayment.bind(iamport);
      let answer!: () => void;
      const answered = new Promise<void>((resolve) => (answer = resolve));
      vi.spyOn(iamport, 'getPayment').mockImplementation(
        async (impUid, options) => {
          await answered;
          return getPayment(impUid, options);
        },
      );
      return { answer };
    }

    const turn = () => new Promise((resolve) => setImmediate(resolve));

    it('reads the order and the record a notification names before iamport answers, and only once', async () => {
      const { service, iamport, orders } = setup();
      orders.add(order());
      iamport.add(payment());
      const { answer } = heldLookup(iamport);
      const readOrder = vi.spyOn(orders, 'findByMerchantUid');
      const readRecord = vi.spyOn(orders, 'findPaymentRecord');
      const verifying = service.verify({
        impUid: 'imp_1',
        merchantUid: 'order-1',
        source: 'webhook',
        claimedStatus: 'paid',
      });
      await turn();
      expect(readOrder.mock.calls).toEqual([['order-1']]);
      expect(readRecord.mock.calls).toEqual([['imp_1']]);
      answer();
      expect(await verifying).toMatchObject({ outcome: 'paid', changed: true });
      expect(readOrder).toHaveBeenCalledTimes(1);
      expect(readRecord).toHaveBeenCalledTimes(1);
      expect(orders.order('order-1')).toMatchObject({
        status: 'paid',
        impUid: 'imp_1',
      });
    });

    it('reads after iamport answers when the notification names only the payment', async () => {
      const { service, iamport, orders } = setup();
      orders.add(order());
      iamport.add(payment());
      const { answer } = heldLookup(iamport);
      const readOrder = vi.spyOn(orders, 'findByMerchantUid');
      const verifying = service.verify({ impUid: 'imp_1', source: 'webhook' });
      await turn();
      expect(readOrder).not.toHaveBeenCalled();
      answer();
      expect(await verifying).toMatchObject({ outcome: 'paid' });
      expect(readOrder.mock.calls).toEqual([['order-1']]);
    });

    it('decides again when another payment settled the order after the read and before iamport answered', async () => {
      const { service, iamport, orders, delivered } = setup();
      orders.add(order());
      iamport.add(payment({ imp_uid: 'imp_0' }), payment());
      const { answer } = heldLookup(iamport);
      const verifying = service.verify({
        impUid: 'imp_1',
        merchantUid: 'order-1',
        source: 'webhook',
      });
      await turn();
      // Read as pending; another instance settles it with imp_0 before iamport answers for imp_1.
      orders.moveByAnother('order-1', { status: 'paid', impUid: 'imp_0' });
      answer();
      const result = await verifying;

      expect(orders.lost.map((write) => write.transition)).toMatchObject([
        { to: 'paid', impUid: 'imp_1', expectedVersion: 3 },
      ]);
      expect(result).toMatchObject({
        outcome: 'duplicate_payment',
        refundedAmount: 10_000,
        order: { status: 'paid', impUid: 'imp_0', version: 4 },
      });
      expect(orders.order('order-1')).toMatchObject({
        status: 'paid',
        impUid: 'imp_0',
      });
      expect(orders.records.get('imp_1')?.disposition).toBe('refunded');
      expect(delivered).toEqual([]);
    });

    it('never decides on the read of another order than the payment’s', async () => {
      const { service, iamport, orders } = setup();
      orders.add(order(), order({ merchantUid: 'order-2', status: 'paid' }));
      iamport.add(payment());
      const result = await service.verify({
        impUid: 'imp_1',
        merchantUid: 'order-2',
        source: 'redirect',
      });
      expect(result).toMatchObject({
        outcome: 'merchant_uid_mismatch',
        order: { merchantUid: 'order-1', status: 'pending' },
      });
    });

    it('never decides on the record of another payment than the one iamport answered with', async () => {
      const { service, iamport, orders } = setup();
      orders.add(order());
      // The record of the payment the notification named, and iamport answering with another one.
      orders.records.set('imp_1', {
        impUid: 'imp_1',
        merchantUid: 'order-1',
        amount: 10_000,
        cancelledAmount: 0,
        currency: 'KRW',
        status: 'failed',
        disposition: 'no_money',
        reason: 'payment failed',
        version: 1,
      });
      iamport.payments.set('imp_1', payment({ imp_uid: 'imp_2' }));
      const result = await service.verify({
        impUid: 'imp_1',
        merchantUid: 'order-1',
        source: 'webhook',
      });
      expect(result).toMatchObject({ outcome: 'paid', impUid: 'imp_2' });
      expect(orders.lost).toEqual([]);
      expect(orders.records.get('imp_2')).toMatchObject({ version: 1 });
    });

    it('reports iamport’s failure, not the read’s, when both fail', async () => {
      const { service, iamport, orders } = setup();
      iamport.down = true;
      vi.spyOn(orders, 'findByMerchantUid').mockRejectedValue(
        new Error('database down'),
      );
      await expect(
        service.verify({
          impUid: 'imp_1',
          merchantUid: 'order-1',
          source: 'webhook',
        }),
      ).rejects.toThrow(IamportNetworkError);
    });

    it('answers not_found when the read made meanwhile failed (and leaves no rejection unhandled)', async () => {
      const { service, orders } = setup();
      vi.spyOn(orders, 'findByMerchantUid').mockRejectedValue(
        new Error('database down'),
      );
      const result = await service.verify({
        impUid: 'imp_1',
        merchantUid: 'order-1',
        source: 'webhook',
      });
      expect(result.outcome).toBe('not_found');
    });

    it('fails as a read after the lookup would when the read fails', async () => {
      const { service, iamport, orders } = setup();
      orders.add(order());
      iamport.add(payment());
      vi.spyOn(orders, 'findByMerchantUid').mockRejectedValue(
        new Error('database down'),
      );
      await expect(
        service.verify({
          impUid: 'imp_1',
          merchantUid: 'order-1',
          source: 'webhook',
        }),
      ).rejects.toThrow('database down');
      expect(orders.writes).toEqual([]);
    });
  });

  describe('refunds', () => {
    it('refunds a forgery with its checksum first, then records the payment as refunded', async () => {
      const { service, iamport, orders, delivered, log } = setup();
      orders.add(order());
      iamport.add(payment({ amount: 100 }));
      const result = await service.verify({
        impUid: 'imp_1',
        source: 'webhook',
      });

      expect(log).toEqual(['cancel imp_1 100', 'commit', 'deliver forgery']);
      expect(iamport.cancels).toEqual([
        {
          imp_uid: 'imp_1',
          amount: 100,
          checksum: 100,
          reason: 'forged amount',
        },
      ]);
      expect(result).toMatchObject({
        outcome: 'forgery',
        reason: 'paid 100 KRW, the order expects 10000 KRW',
        changed: true,
        refundedAmount: 100,
        refundRefused: null,
        payment: { status: 'cancelled', cancelledAmount: 100 },
        order: { status: 'forgery_cancelled', cancelledAmount: 100 },
      });
      expect(orders.records.get('imp_1')).toMatchObject({
        status: 'cancelled',
        cancelledAmount: 100,
        disposition: 'refunded',
      });
      expect(delivered[0].payment.cancelledAmount).toBe(100);
    });

    it('only flags a forgery under the flag policy', async () => {
      const { service, iamport, orders } = setup({ forgeryPolicy: 'flag' });
      orders.add(order());
      iamport.add(payment({ amount: 100 }));
      const result = await service.verify({
        impUid: 'imp_1',
        source: 'webhook',
      });
      expect(iamport.cancels).toEqual([]);
      expect(result).toMatchObject({
        outcome: 'forgery',
        refundedAmount: 0,
        order: { status: 'forgery_flagged' },
      });
    });

    it('flags a forgery iamport refuses to refund, with iamport’s reason, for a person', async () => {
      const { service, iamport, orders } = setup();
      orders.add(order());
      iamport.add(payment({ amount: 100, pay_method: 'vbank' }));
      iamport.unrefundable.set('imp_1', 'refund account required');
      const result = await service.verify({
        impUid: 'imp_1',
        source: 'webhook',
      });
      const reason =
        'paid 100 KRW, the order expects 10000 KRW; iamport refused the refund: refund account required';
      expect(result).toMatchObject({
        outcome: 'forgery',
        changed: true,
        refundedAmount: 0,
        refundRefused: 'refund account required',
        reason,
        order: { status: 'forgery_flagged' },
      });
      expect(iamport.cancels).toHaveLength(1);
      expect(orders.order('order-1')).toMatchObject({
        status: 'forgery_flagged',
        reason,
      });
      expect(orders.records.get('imp_1')).toMatchObject({
        disposition: 'flagged',
        reason,
      });
    });

    it('records a duplicate iamport refuses to refund as flagged, without moving the order', async () => {
      const { service, iamport, orders } = setup();
      orders.add(order({ status: 'paid', impUid: 'imp_0' }));
      iamport.add(payment());
      iamport.unrefundable.set('imp_1', 'refund account required');
      const result = await service.verify({
        impUid: 'imp_1',
        source: 'webhook',
      });
      expect(result).toMatchObject({
        outcome: 'duplicate_payment',
        changed: false,
        refundRefused: 'refund account required',
      });
      expect(orders.writes).toHaveLength(1);
      expect(orders.writes[0].transition).toBeNull();
      expect(orders.records.get('imp_1')).toMatchObject({
        disposition: 'flagged',
        reason:
          'order order-1 was already settled by imp_0; iamport refused the refund: refund account required',
      });
    });

    it('refunds a payment for an order the shop does not know under the cancel policy', async () => {
      const { service, iamport, orders } = setup({
        unknownOrderPolicy: 'cancel',
      });
      iamport.add(payment({ merchant_uid: 'order-9' }));
      const result = await service.verify({
        impUid: 'imp_1',
        source: 'webhook',
      });
      expect(result).toMatchObject({
        outcome: 'not_found',
        merchantUid: 'order-9',
        order: null,
        changed: true,
        refundedAmount: 10_000,
      });
      expect(iamport.cancels).toMatchObject([
        { amount: 10_000, reason: 'no such order' },
      ]);
      expect(orders.records.get('imp_1')?.disposition).toBe('refunded');
    });

    it('only flags a payment for an unknown order under the flag policy', async () => {
      const { service, iamport, orders } = setup();
      iamport.add(payment({ merchant_uid: 'order-9' }));
      const result = await service.verify({
        impUid: 'imp_1',
        source: 'webhook',
      });
      expect(result).toMatchObject({ outcome: 'not_found', changed: false });
      expect(iamport.cancels).toEqual([]);
      expect(orders.records.get('imp_1')?.disposition).toBe('flagged');
    });
  });

  describe('a lost compare-and-set', () => {
    it('reads again and decides again on what another instance wrote', async () => {
      const { service, iamport, orders, delivered } = setup();
      orders.add(order());
      iamport.add(payment({ imp_uid: 'imp_0' }), payment());
      // Another instance settles the order with imp_0 while we decide on imp_1.
      orders.beforeCommit = () => {
        orders.beforeCommit = null;
        orders.moveByAnother('order-1', { status: 'paid', impUid: 'imp_0' });
      };
      const result = await service.verify({
        impUid: 'imp_1',
        source: 'webhook',
      });

      expect(orders.lost).toHaveLength(1);
      expect(orders.lost[0].transition).toMatchObject({
        to: 'paid',
        impUid: 'imp_1',
      });
      expect(result).toMatchObject({
        outcome: 'duplicate_payment',
        changed: true,
        refundedAmount: 10_000,
        order: { status: 'paid', impUid: 'imp_0', version: 4 },
      });
      expect(orders.order('order-1')).toMatchObject({
        status: 'paid',
        impUid: 'imp_0',
      });
      expect(orders.records.get('imp_1')?.disposition).toBe('refunded');
      expect(delivered).toEqual([]);
    });

    it('reports what it refunded for, when the next round sees only a refunded payment', async () => {
      const { service, iamport, orders } = setup();
      orders.add(order({ status: 'paid', impUid: 'imp_0' }));
      iamport.add(payment());
      // Another instance records the duplicate between our refund and our commit.
      orders.beforeCommit = () => {
        orders.beforeCommit = null;
        orders.records.set('imp_1', {
          impUid: 'imp_1',
          merchantUid: 'order-1',
          amount: 10_000,
          cancelledAmount: 0,
          currency: 'KRW',
          status: 'paid',
          disposition: 'flagged',
          reason: 'duplicate',
          version: 1,
        });
      };
      const result = await service.verify({
        impUid: 'imp_1',
        source: 'webhook',
      });
      expect(orders.lost).toHaveLength(1);
      expect(iamport.cancels).toHaveLength(1);
      expect(result).toMatchObject({
        outcome: 'duplicate_payment',
        reason: 'order order-1 was already settled by imp_0',
        changed: true,
        refundedAmount: 10_000,
      });
      expect(orders.records.get('imp_1')).toMatchObject({
        disposition: 'refunded',
        version: 2,
      });
    });

    it('reports the move of a later round, when one moves the order after our refund', async () => {
      // The webhook came before the shop's order row was visible: the payment is
      // refunded as one for an unknown order; by the next round the order is there.
      const { service, iamport, orders } = setup({
        unknownOrderPolicy: 'cancel',
      });
      iamport.add(payment({ amount: 100 }));
      orders.beforeCommit = () => {
        orders.beforeCommit = null;
        orders.add(order());
        orders.records.set('imp_1', {
          impUid: 'imp_1',
          merchantUid: 'order-1',
          amount: 100,
          cancelledAmount: 0,
          currency: 'KRW',
          status: 'paid',
          disposition: 'flagged',
          reason: 'no order order-1',
          version: 1,
        });
      };
      const result = await service.verify({
        impUid: 'imp_1',
        source: 'webhook',
      });
      expect(iamport.cancels).toMatchObject([{ reason: 'no such order' }]);
      expect(result).toMatchObject({
        outcome: 'forgery',
        reason: 'paid 100 KRW, the order expects 10000 KRW',
        changed: true,
        refundedAmount: 100,
        order: { status: 'forgery_cancelled' },
      });
    });

    it('reports a duplicate that someone else refunded meanwhile as it is now', async () => {
      const { service, iamport, orders } = setup();
      orders.add(order({ status: 'paid', impUid: 'imp_0' }));
      // iamport already has it refunded; our snapshot is from before.
      iamport.add(payment({ status: 'cancelled', cancel_amount: 10_000 }));
      const refunded = {
        impUid: 'imp_1',
        merchantUid: 'order-1',
        amount: 10_000,
        cancelledAmount: 10_000,
        currency: 'KRW',
        status: 'cancelled',
        disposition: 'refunded',
        reason: 'refunded elsewhere',
        version: 1,
      } as const;
      orders.beforeCommit = () => {
        orders.beforeCommit = null;
        orders.records.set('imp_1', refunded);
      };
      const result = await service.settle(fromIamport(payment()), {
        source: 'reconciliation',
      });
      expect(iamport.cancels).toHaveLength(1);
      expect(result).toMatchObject({
        outcome: 'duplicate_payment',
        changed: false,
        refundedAmount: 0,
        refundRefused: null,
      });
      expect(orders.records.get('imp_1')).toEqual(refunded);
    });

    it.each<[string, Partial<Payment>, IamportOrder, Setup]>([
      ['a forgery', { amount: 100 }, order(), {}],
      [
        'a payment for an unknown order',
        { merchant_uid: 'order-9' },
        order(),
        { unknownOrderPolicy: 'cancel' },
      ],
    ])(
      'keeps %s iamport refused to refund flagged in the next round, without asking again',
      async (_label, shape, stored, options) => {
        const { service, iamport, orders } = setup(options);
        orders.add(stored);
        iamport.add(payment(shape));
        iamport.unrefundable.set('imp_1', 'refund account required');
        orders.beforeCommit = () => {
          orders.beforeCommit = null;
          orders.moveByAnother('order-1', {});
          orders.records.set('imp_1', {
            impUid: 'imp_1',
            merchantUid: shape.merchant_uid ?? 'order-1',
            amount: shape.amount ?? 10_000,
            cancelledAmount: 0,
            currency: 'KRW',
            status: 'paid',
            disposition: 'settles_order',
            reason: 'seen by another instance',
            version: 1,
          });
        };
        const result = await service.verify({
          impUid: 'imp_1',
          source: 'webhook',
        });
        expect(orders.lost).toHaveLength(1);
        expect(iamport.cancels).toHaveLength(1);
        expect(result.refundRefused).toBe('refund account required');
        expect(result.reason).toMatch(
          /; iamport refused the refund: refund account required$/,
        );
        expect(orders.records.get('imp_1')).toMatchObject({
          disposition: 'flagged',
          version: 2,
        });
      },
    );

    it('gives up after 8 rounds when the order keeps changing, having written nothing', async () => {
      const { service, iamport, orders, delivered } = setup();
      orders.add(order());
      iamport.add(payment());
      orders.beforeCommit = () => orders.moveByAnother('order-1', {});
      await expect(
        service.verify({ impUid: 'imp_1', source: 'webhook' }),
      ).rejects.toThrow(
        'order order-1 kept changing during verification of imp_1',
      );
      expect(orders.lost).toHaveLength(8);
      expect(orders.writes).toEqual([]);
      expect(delivered).toEqual([]);
    });
  });

  describe('a snapshot behind the stored record', () => {
    it('is fetched again, and the decision is made on the newer state', async () => {
      const { service, iamport, orders } = setup();
      orders.add(order({ status: 'paid', impUid: 'imp_1' }));
      iamport.add(payment({ status: 'cancelled', cancel_amount: 10_000 }));
      orders.records.set('imp_1', {
        impUid: 'imp_1',
        merchantUid: 'order-1',
        amount: 10_000,
        cancelledAmount: 10_000,
        currency: 'KRW',
        status: 'cancelled',
        disposition: 'refunded',
        reason: 'refunded in full',
        version: 1,
      });
      // A list answer from before the refund (reconciliation).
      const result = await service.settle(fromIamport(payment()), {
        source: 'reconciliation',
      });
      expect(iamport.lookups).toEqual(['imp_1']);
      expect(result).toMatchObject({
        outcome: 'cancelled',
        payment: { status: 'cancelled', cancelledAmount: 10_000 },
        order: { status: 'cancelled', cancelledAmount: 10_000 },
      });
      expect(orders.order('order-1').status).toBe('cancelled');
    });

    it('is never decided on, even when iamport no longer answers for the payment', async () => {
      const { service, orders } = setup();
      orders.add(order({ status: 'paid', impUid: 'imp_1' }));
      orders.records.set('imp_1', {
        impUid: 'imp_1',
        merchantUid: 'order-1',
        amount: 10_000,
        cancelledAmount: 10_000,
        currency: 'KRW',
        status: 'cancelled',
        disposition: 'refunded',
        reason: 'refunded in full',
        version: 1,
      });
      await expect(
        service.settle(fromIamport(payment()), { source: 'reconciliation' }),
      ).rejects.toThrow(
        'PortOne no longer answers for imp_1, recorded as cancelled: nothing decided',
      );
      expect(orders.writes).toEqual([]);
      expect(orders.order('order-1').status).toBe('paid');
    });
  });
});
