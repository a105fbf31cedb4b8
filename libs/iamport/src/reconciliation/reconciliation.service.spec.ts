import { Logger } from '@nestjs/common';
import type { IamportClient } from '../client/iamport.client.js';
import {
  IamportNetworkError,
  IamportNotFoundError,
  IamportResponseError,
} from '../client/iamport.errors.js';
import type {
  CancelPaymentRequest,
  Payment,
  PaymentPage,
  PaymentStatus,
} from '../client/iamport.types.js';
import { IamportEventDelivery } from '../events/iamport-event-delivery.js';
import type { IamportEventHandlers } from '../events/iamport-event-handlers.js';
import type { IamportPaymentEvent } from '../events/iamport-event.js';
import type { ResolvedIamportOptions } from '../iamport.options.js';
import { OPEN_STATUSES, SETTLING_STATUSES } from '../ports/order-status.js';
import type {
  IamportOrder,
  IamportOrderRepository,
  VerificationWrite,
} from '../ports/order.repository.js';
import type { IamportPaymentLedger } from '../ports/payment-ledger.js';
import type { PaymentRecord } from '../ports/payment-record.js';
import type {
  FailedReconciliation,
  IamportReconciliationRepository,
  StaleOrder,
  StaleOrderClaim,
} from '../ports/reconciliation.repository.js';
import { PaymentRefunder } from '../verification/payment-refunder.js';
import { PaymentVerificationService } from '../verification/payment-verification.service.js';
import type { ReconciliationProgress } from './reconciliation-summary.js';
import { ReconciliationService } from './reconciliation.service.js';
import { iamportPayment } from '../verification/payment.fixtures.js';
import type {
  ListPaymentsRequest,
  PortOneV2Client,
} from '../v2/client/portone-v2.client.js';
import {
  PortOneV2NotFoundError,
  PortOneV2TransportError,
} from '../v2/client/portone-v2.errors.js';
import type {
  PortOneV2Payment,
  PortOneV2PaymentPage,
} from '../v2/client/portone-v2.types.js';
import { PortOneV2VerificationService } from '../v2/portone-v2-verification.service.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** UNIX seconds, `agoMs` before now. */
function secondsAgo(agoMs: number): number {
  return Math.floor((Date.now() - agoMs) / 1000);
}

function payment(overrides: Partial<Payment> = {}): Payment {
  return iamportPayment({
    imp_uid: 'imp_1',
    started_at: secondsAgo(60 * MINUTE),
    paid_at: secondsAgo(59 * MINUTE),
    ...overrides,
  });
}

function order(merchantUid: string, overrides: Partial<IamportOrder> = {}) {
  return {
    merchantUid,
    amount: 10_000,
    currency: 'KRW',
    status: 'pending',
    impUid: null,
    cancelledAmount: 0,
    version: 1,
    ...overrides,
  } satisfies IamportOrder;
}

function networkError(message: string): IamportNetworkError {
  return new IamportNetworkError(message, {
    operation: 'getAllPaymentsByMerchantUid',
    httpStatus: null,
    code: null,
    iamportMessage: null,
    retryable: true,
  });
}

/** The merchant's orders and payment records; `commit` is a compare-and-set on versions. */
class InMemoryOrders implements IamportOrderRepository {
  readonly orders = new Map<string, IamportOrder>();
  readonly records = new Map<string, PaymentRecord>();
  /** merchant_uids whose reads fail (the database is down for them). */
  readonly broken = new Set<string>();

  findByMerchantUid(merchantUid: string): Promise<IamportOrder | null> {
    if (this.broken.has(merchantUid))
      return Promise.reject(new Error(`database unreachable`));
    const found = this.orders.get(merchantUid);
    return Promise.resolve(found ? { ...found } : null);
  }

  findPaymentRecord(impUid: string): Promise<PaymentRecord | null> {
    const found = this.records.get(impUid);
    return Promise.resolve(found ? { ...found } : null);
  }

  commit({ transition, record }: VerificationWrite): Promise<boolean> {
    const target = transition && this.orders.get(transition.merchantUid);
    const stored = this.records.get(record.impUid);
    if (
      (transition && target?.version !== transition.expectedVersion) ||
      (record.version === 0
        ? stored !== undefined
        : stored?.version !== record.version)
    )
      return Promise.resolve(false);
    if (transition && target)
      this.orders.set(target.merchantUid, {
        ...target,
        status: transition.to,
        impUid: transition.impUid,
        cancelledAmount: transition.cancelledAmount,
        version: target.version + 1,
      });
    // Newest last: the ledger lists flagged payments newest first.
    this.records.delete(record.impUid);
    this.records.set(record.impUid, { ...record, version: record.version + 1 });
    return Promise.resolve(true);
  }
}

interface Row {
  merchantUid: string;
  createdAt: Date;
  reconciledAt: Date | null;
  failures: number;
  retryAfter: Date | null;
  owner: string | null;
  leaseUntil: Date | null;
}

/** The reconciliation columns of the merchant's orders, claimed with a lease. */
class InMemoryReconciliation implements IamportReconciliationRepository {
  readonly rows = new Map<string, Row>();
  readonly claims: StaleOrderClaim[] = [];
  readonly reconciled: string[][] = [];
  readonly failed: FailedReconciliation[][] = [];
  readonly attempts: Date[] = [];
  readonly failedAt: Date[] = [];
  readonly backedOffAsked: string[][] = [];

  constructor(private readonly orders: InMemoryOrders) {}

  add(
    o: IamportOrder,
    row: { createdAgoMs?: number; failures?: number; retryAfter?: Date } = {},
  ): void {
    this.orders.orders.set(o.merchantUid, o);
    this.rows.set(o.merchantUid, {
      merchantUid: o.merchantUid,
      createdAt: new Date(Date.now() - (row.createdAgoMs ?? 60 * MINUTE)),
      reconciledAt: null,
      failures: row.failures ?? 0,
      retryAfter: row.retryAfter ?? null,
      owner: null,
      leaseUntil: null,
    });
  }

  claimStaleOrders(claim: StaleOrderClaim): Promise<StaleOrder[]> {
    this.claims.push(claim);
    const picked = [...this.rows.values()]
      .filter((row) => {
        const status = this.orders.orders.get(row.merchantUid)!.status;
        return (
          claim.statuses.includes(status) &&
          row.createdAt < claim.createdBefore &&
          row.createdAt > claim.createdAfter &&
          (row.reconciledAt === null ||
            row.reconciledAt < claim.notReconciledSince) &&
          (row.retryAfter === null || row.retryAfter <= claim.now) &&
          (row.leaseUntil === null || row.leaseUntil <= claim.now)
        );
      })
      .slice(0, claim.limit);
    return Promise.resolve(
      picked.map((row) => {
        row.owner = claim.owner;
        row.leaseUntil = claim.leaseUntil;
        const o = this.orders.orders.get(row.merchantUid)!;
        return {
          merchantUid: row.merchantUid,
          status: o.status,
          impUid: o.impUid,
          failures: row.failures,
        };
      }),
    );
  }

  /** The row, released, if it is this owner's to write: claimed by it, or (`unclaimed`) by nobody. */
  private release(
    merchantUid: string,
    owner: string,
    unclaimed = false,
  ): Row | null {
    const row = this.rows.get(merchantUid);
    if (!row) return null;
    if (row.owner !== owner && !(unclaimed && row.owner === null)) return null;
    row.owner = null;
    row.leaseUntil = null;
    return row;
  }

  markReconciled(
    merchantUids: readonly string[],
    owner: string,
    reconciledAt: Date,
  ): Promise<void> {
    this.reconciled.push([...merchantUids]);
    this.attempts.push(reconciledAt);
    for (const merchantUid of merchantUids) {
      const row = this.release(merchantUid, owner);
      if (!row) continue;
      row.reconciledAt = reconciledAt;
      row.failures = 0;
      row.retryAfter = null;
    }
    return Promise.resolve();
  }

  markFailed(
    failures: readonly FailedReconciliation[],
    owner: string,
    attemptedAt: Date,
  ): Promise<void> {
    this.failed.push([...failures]);
    this.failedAt.push(attemptedAt);
    for (const failure of failures) {
      const row = this.release(failure.merchantUid, owner, true);
      if (!row) continue;
      row.reconciledAt = attemptedAt;
      row.failures++;
      row.retryAfter = failure.retryAfter;
    }
    return Promise.resolve();
  }

  findBackedOff(merchantUids: readonly string[], now: Date): Promise<string[]> {
    this.backedOffAsked.push([...merchantUids]);
    return Promise.resolve(
      merchantUids.filter((merchantUid) => {
        const retryAfter = this.rows.get(merchantUid)?.retryAfter;
        return retryAfter != null && retryAfter > now;
      }),
    );
  }

  releaseClaims(merchantUids: readonly string[], owner: string): Promise<void> {
    for (const merchantUid of merchantUids) this.release(merchantUid, owner);
    return Promise.resolve();
  }
}

/** Reads of the payment records, as the ledger port describes them. */
class InMemoryLedger implements IamportPaymentLedger {
  readonly asked: string[][] = [];

  constructor(private readonly orders: InMemoryOrders) {}

  findByImpUids(impUids: readonly string[]): Promise<PaymentRecord[]> {
    this.asked.push([...impUids]);
    return Promise.resolve(
      impUids.flatMap((impUid) => {
        const found = this.orders.records.get(impUid);
        return found ? [{ ...found }] : [];
      }),
    );
  }

  findUnaccounted(limit: number): Promise<PaymentRecord[]> {
    return Promise.resolve(
      [...this.orders.records.values()]
        .filter((r) => {
          const o = this.orders.orders.get(r.merchantUid);
          const holds =
            r.status === 'paid' ||
            (r.status === 'cancelled' && r.cancelledAmount < r.amount);
          const settles =
            o?.impUid === r.impUid && SETTLING_STATUSES.has(o.status);
          return holds && r.disposition !== 'flagged' && !settles;
        })
        .slice(0, limit),
    );
  }

  findFlagged(limit: number): Promise<PaymentRecord[]> {
    return Promise.resolve(
      [...this.orders.records.values()]
        .filter((r) => r.disposition === 'flagged')
        .reverse()
        .slice(0, limit),
    );
  }
}

interface PageCall {
  what: string;
  page?: number;
  limit?: number;
  from?: number;
  includeSandbox?: boolean;
  sorting?: string;
}

/**
 * iamport's lookups and cancel as the module uses them: pages of at most
 * `limit` (20 when not given), `next` 0 on the last page; test-channel
 * payments only when asked for; status lists by the time of each payment's
 * current status; a cancel refused unless its checksum is the balance.
 */
class FakeIamport {
  readonly payments = new Map<string, Payment>();
  readonly calls: PageCall[] = [];
  readonly cancels: CancelPaymentRequest[] = [];
  /** merchant_uids and statuses whose listing fails. */
  readonly down = new Set<string>();
  /** A server that answers smaller pages than asked. */
  pageSize = Infinity;
  /** A server that answers `next` pointing at the page just answered. */
  loopingNext = false;
  /** Runs on every listing (to act while the run is in flight). */
  onList: (() => void) | null = null;
  /** A server that answers newest first whatever `sorting` asks. */
  ignoresSorting = false;

  add(...payments: Payment[]): void {
    for (const p of payments) this.payments.set(p.imp_uid, { ...p });
  }

  private page(list: Payment[], page = 1, limit = 20): PaymentPage {
    const size = Math.min(limit, this.pageSize);
    const next = page * size < list.length ? page + 1 : 0;
    return {
      total: list.length,
      previous: page > 1 ? page - 1 : 0,
      next: this.loopingNext ? page : next,
      list: list.slice((page - 1) * size, page * size).map((p) => ({ ...p })),
    };
  }

  getPayment(
    impUid: string,
    options: { includeSandbox?: boolean } = {},
  ): Promise<Payment> {
    const found = this.payments.get(impUid);
    if (!found || (found.sandbox && !options.includeSandbox))
      return Promise.reject(
        new IamportNotFoundError('no such payment', {
          operation: 'getPaymentByImpUid',
          httpStatus: 404,
          code: 1,
          iamportMessage: null,
          retryable: false,
        }),
      );
    return Promise.resolve({ ...found });
  }

  getAllPaymentsByMerchantUid(
    merchantUid: string,
    options: {
      includeSandbox?: boolean;
      page?: number;
      limit?: number;
      sorting?: string;
    } = {},
  ): Promise<PaymentPage> {
    this.calls.push({ what: `findAll ${merchantUid}`, ...options });
    this.onList?.();
    if (this.down.has(merchantUid))
      return Promise.reject(networkError('iamport timed out'));
    // Ascending: by start, then in the order iamport took them; '-started' (the default) is the reverse.
    const ascending = [...this.payments.values()]
      .filter(
        (p) =>
          p.merchant_uid === merchantUid &&
          (!p.sandbox || options.includeSandbox),
      )
      .sort((a, b) => a.started_at - b.started_at);
    const list =
      options.sorting === 'started' && !this.ignoresSorting
        ? ascending
        : ascending.reverse();
    return Promise.resolve(this.page(list, options.page, options.limit));
  }

  getPaymentsByStatus(
    status: PaymentStatus,
    options: { from?: number; page?: number; limit?: number } = {},
  ): Promise<PaymentPage> {
    this.calls.push({ what: `status ${status}`, ...options });
    this.onList?.();
    if (this.down.has(status))
      return Promise.reject(networkError('iamport answered 503'));
    const timeOf = (p: Payment) =>
      p.status === 'paid' ? p.paid_at : p.cancelled_at;
    const list = [...this.payments.values()].filter(
      (p) =>
        p.status === status && !p.sandbox && timeOf(p) >= (options.from ?? 0),
    );
    return Promise.resolve(this.page(list, options.page, options.limit));
  }

  cancelPayment(request: CancelPaymentRequest): Promise<Payment> {
    this.cancels.push(request);
    const found = this.payments.get(request.imp_uid!)!;
    const left = found.amount - found.cancel_amount;
    if (request.checksum !== left)
      return Promise.reject(
        new IamportResponseError('cancel refused', {
          operation: 'cancelPayment',
          httpStatus: 200,
          code: 1,
          iamportMessage: 'checksum mismatch',
          retryable: false,
        }),
      );
    const refunded: Payment = {
      ...found,
      status: 'cancelled',
      cancel_amount: found.amount,
      cancelled_at: secondsAgo(0),
    };
    this.payments.set(found.imp_uid, refunded);
    return Promise.resolve({ ...refunded });
  }

  listed(what: string): PageCall[] {
    return this.calls.filter((call) => call.what === what);
  }
}

/** PortOne V2 as the reconciliation sees it: payments by paymentId, and listings by time window. */
class FakePortOneV2 {
  readonly payments = new Map<string, PortOneV2Payment>();
  readonly lookups: string[] = [];
  readonly listings: ListPaymentsRequest[] = [];
  listingDown = false;

  add(paymentId: string, fields: Record<string, unknown> = {}): void {
    const at = new Date(Date.now() - MINUTE).toISOString();
    this.payments.set(paymentId, {
      status: 'PAID',
      id: paymentId,
      transactionId: `tx-${paymentId}`,
      storeId: 'store-1',
      version: 'V2',
      channel: { type: 'LIVE', pgProvider: 'X' },
      requestedAt: at,
      updatedAt: at,
      statusChangedAt: at,
      paidAt: at,
      orderName: 'Order',
      amount: {
        total: 10_000,
        taxFree: 0,
        discount: 0,
        paid: 10_000,
        cancelled: 0,
        cancelledTaxFree: 0,
      },
      currency: 'KRW',
      ...fields,
    } as unknown as PortOneV2Payment);
  }

  getPayment(paymentId: string): Promise<PortOneV2Payment> {
    this.lookups.push(paymentId);
    const found = this.payments.get(paymentId);
    if (!found)
      return Promise.reject(
        new PortOneV2NotFoundError('no such payment', {
          operation: 'getPayment',
          httpStatus: 404,
          type: 'PAYMENT_NOT_FOUND',
          portOneMessage: null,
          retryable: false,
        }),
      );
    return Promise.resolve(structuredClone(found));
  }

  /** Refunds with the checksum, as PortOne does (a stale one is a 409). */
  cancelPayment(request: {
    paymentId: string;
    amount?: number;
    currentCancellableAmount: number;
  }): Promise<unknown> {
    const found = this.payments.get(request.paymentId)!;
    const left = found.amount.total - found.amount.cancelled;
    if (request.currentCancellableAmount !== left)
      throw new Error('unexpected checksum in this fake');
    const cancelled = found.amount.cancelled + (request.amount ?? left);
    this.payments.set(request.paymentId, {
      ...found,
      status:
        cancelled === found.amount.total ? 'CANCELLED' : 'PARTIAL_CANCELLED',
      amount: { ...found.amount, cancelled },
      cancelledAt: new Date().toISOString(),
      cancellations: [
        {
          status: 'SUCCEEDED',
          id: `c-${cancelled}`,
          totalAmount: request.amount ?? left,
          taxFreeAmount: 0,
          vatAmount: 0,
          reason: 'refund',
          requestedAt: new Date().toISOString(),
        },
      ],
    } as PortOneV2Payment);
    return Promise.resolve({});
  }

  listPayments(request: ListPaymentsRequest): Promise<PortOneV2PaymentPage> {
    this.listings.push(request);
    if (this.listingDown)
      return Promise.reject(
        new PortOneV2TransportError('PortOne answered 503', {
          operation: 'getPayments',
          httpStatus: 503,
          type: null,
          portOneMessage: null,
          retryable: true,
        }),
      );
    const items = [...this.payments.values()].filter((payment) =>
      (request.statuses as string[] | undefined)?.includes(
        String(payment.status),
      ),
    );
    const start = request.pageNumber * request.pageSize;
    const page = items.slice(start, start + request.pageSize);
    return Promise.resolve({
      items: page,
      page: {
        number: request.pageNumber,
        size: request.pageSize,
        totalCount: page.length,
      },
    });
  }
}

function setup(
  options: {
    ledger?: boolean;
    reconciliationRepository?: boolean;
    /** PortOne V2 beside V1 (or alone, with `v1: false`). */
    v2?: FakePortOneV2;
    /** The client exists (the module always builds one) but `v2` options were not given. */
    v2Configured?: boolean;
    v1?: boolean;
  } = {},
) {
  const iamport = new FakeIamport();
  const orders = new InMemoryOrders();
  const repository = new InMemoryReconciliation(orders);
  const ledger = new InMemoryLedger(orders);
  const resolved = {
    v1: options.v1 ?? true,
    v2:
      options.v2 && options.v2Configured !== false
        ? { allowTestChannel: false, webhookSecrets: [], storeId: 'store-1' }
        : null,
    includeSandbox: false,
    forgeryPolicy: 'cancel',
    unknownOrderPolicy: 'flag',
    orderRepository: orders,
    reconciliationRepository:
      options.reconciliationRepository === false ? undefined : repository,
    paymentLedger: options.ledger ? ledger : undefined,
  } as unknown as ResolvedIamportOptions;
  const delivered: IamportPaymentEvent[] = [];
  const handlers = {
    dispatch: (event: IamportPaymentEvent) => {
      delivered.push(event);
      return Promise.resolve(true);
    },
  } as unknown as IamportEventHandlers;
  const client = iamport as unknown as IamportClient;
  const verification = new PaymentVerificationService(
    client,
    orders,
    resolved,
    new PaymentRefunder(client),
    new IamportEventDelivery(handlers, resolved),
  );
  const v2Client = options.v2 as unknown as PortOneV2Client | undefined;
  const v2Verification = v2Client
    ? new PortOneV2VerificationService(
        v2Client,
        orders,
        resolved,
        new IamportEventDelivery(handlers, resolved),
      )
    : undefined;
  const service = new ReconciliationService(
    client,
    verification,
    resolved,
    v2Client,
    v2Verification,
  );
  return { service, iamport, orders, repository, ledger, delivered };
}

/** Only the orders part of a run. */
const ordersOnly = { olderThanMs: 10 * MINUTE, sweepWindowMs: 0 };

describe('ReconciliationService', () => {
  let logged: ReturnType<typeof vi.spyOn>;
  let errors: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    logged = vi.spyOn(Logger.prototype, 'log').mockImplementation(() => {});
    errors = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => {});
    for (const level of ['warn', 'debug'] as const)
      vi.spyOn(Logger.prototype, level).mockImplementation(() => {});
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('needs the reconciliation repository', async () => {
    const { service } = setup({ reconciliationRepository: false });
    await expect(service.reconcile(ordersOnly)).rejects.toThrow(
      'reconciliation needs the reconciliationRepository option of IamportModule',
    );
  });

  describe('open orders', () => {
    it('settles every payment of an order, oldest first, and marks the order reconciled', async () => {
      const { service, iamport, orders, repository, delivered } = setup();
      repository.add(order('order-1'));
      iamport.add(
        payment({ imp_uid: 'imp_A', started_at: secondsAgo(50 * MINUTE) }),
        payment({ imp_uid: 'imp_B', started_at: secondsAgo(40 * MINUTE) }),
      );
      const summary = await service.reconcile(ordersOnly);

      // The first payment settles the order; the later one is its duplicate.
      expect(orders.orders.get('order-1')).toMatchObject({
        status: 'paid',
        impUid: 'imp_A',
      });
      expect(iamport.cancels).toMatchObject([
        { imp_uid: 'imp_B', reason: 'duplicate payment' },
      ]);
      expect(summary).toMatchObject({
        batch: 1,
        examined: 1,
        lookups: 1,
        changed: 2,
        failed: 0,
        outcomes: { paid: 1, duplicate_payment: 1 },
      });
      expect(delivered.map((e) => [e.type, e.impUid, e.source])).toEqual([
        ['paid', 'imp_A', 'reconciliation'],
      ]);
      expect(repository.reconciled).toEqual([['order-1']]);
      expect(repository.rows.get('order-1')?.reconciledAt).toEqual(
        repository.attempts[0],
      );
    });

    it('settles oldest first even from a server that answers newest first', async () => {
      const { service, iamport, orders, repository } = setup();
      iamport.ignoresSorting = true;
      repository.add(order('order-1'));
      iamport.add(
        payment({ imp_uid: 'imp_A', started_at: secondsAgo(50 * MINUTE) }),
        payment({ imp_uid: 'imp_B', started_at: secondsAgo(40 * MINUTE) }),
        payment({ imp_uid: 'imp_C', started_at: secondsAgo(30 * MINUTE) }),
      );
      await service.reconcile(ordersOnly);
      expect(orders.orders.get('order-1')?.impUid).toBe('imp_A');
      expect(iamport.cancels.map((c) => c.imp_uid)).toEqual(['imp_B', 'imp_C']);
    });

    it('settles payments started in the same second in iamport’s ascending order', async () => {
      const { service, iamport, orders, repository } = setup();
      repository.add(order('order-1'));
      const sameSecond = secondsAgo(50 * MINUTE);
      iamport.add(
        payment({ imp_uid: 'imp_B', started_at: sameSecond }),
        payment({ imp_uid: 'imp_A', started_at: sameSecond }),
      );
      await service.reconcile(ordersOnly);
      expect(orders.orders.get('order-1')?.impUid).toBe('imp_B');
      expect(iamport.cancels.map((c) => c.imp_uid)).toEqual(['imp_A']);
    });

    it('asks for every payment of the order, test-channel ones included, in iamport’s largest pages', async () => {
      const { service, iamport, repository } = setup();
      repository.add(order('order-1'));
      iamport.add(
        ...Array.from({ length: 25 }, (_, i) =>
          payment({
            imp_uid: `imp_${i}`,
            status: 'failed',
            paid_at: 0,
            sandbox: i === 0,
          }),
        ),
      );
      const summary = await service.reconcile(ordersOnly);
      expect(iamport.listed('findAll order-1')).toEqual([
        {
          what: 'findAll order-1',
          includeSandbox: true,
          page: 1,
          limit: 1000,
          sorting: 'started',
        },
      ]);
      expect(summary.lookups).toBe(1);
      expect(summary.outcomes).toEqual({ failed: 24, sandbox_rejected: 1 });
    });

    it('follows `next` through the pages of an order’s payments', async () => {
      const { service, iamport, repository } = setup();
      iamport.pageSize = 2;
      repository.add(order('order-1'));
      iamport.add(
        ...Array.from({ length: 5 }, (_, i) =>
          payment({ imp_uid: `imp_${i}`, status: 'failed', paid_at: 0 }),
        ),
      );
      const summary = await service.reconcile(ordersOnly);
      expect(iamport.listed('findAll order-1').map((c) => c.page)).toEqual([
        1, 2, 3,
      ]);
      expect(summary.lookups).toBe(3);
      expect(summary.outcomes).toEqual({ failed: 5 });
    });

    it('stops at a page whose `next` points back at itself', async () => {
      const { service, iamport, repository } = setup();
      iamport.loopingNext = true;
      repository.add(order('order-1'));
      iamport.add(payment());
      const summary = await service.reconcile(ordersOnly);
      expect(summary.lookups).toBe(1);
      expect(summary.outcomes).toEqual({ paid: 1 });
    });

    it('counts an order iamport has no payment for as no_payment, and marks it reconciled', async () => {
      const { service, repository } = setup();
      repository.add(order('order-1'));
      const summary = await service.reconcile(ordersOnly);
      expect(summary.outcomes).toEqual({ no_payment: 1 });
      expect(summary.changed).toBe(0);
      expect(repository.reconciled).toEqual([['order-1']]);
    });

    it('claims each open order once per run, in batches, and reports progress after each', async () => {
      const { service, iamport, repository } = setup();
      for (let i = 1; i <= 5; i++) repository.add(order(`order-${i}`));
      const progress: ReconciliationProgress[] = [];
      const summary = await service.reconcile({
        ...ordersOnly,
        batchSize: 2,
        onProgress: (p) => progress.push(p),
      });
      expect(
        iamport.calls.map((c) => c.what).sort((a, b) => a.localeCompare(b)),
      ).toEqual([1, 2, 3, 4, 5].map((i) => `findAll order-${i}`));
      expect(repository.claims.map((c) => c.limit)).toEqual([2, 2, 2, 2]);
      expect(summary).toMatchObject({
        batch: 3,
        examined: 5,
        lookups: 5,
        outcomes: { no_payment: 5 },
      });
      // Snapshots: a later batch does not change what an earlier report said.
      expect(progress).toEqual([
        expect.objectContaining({ batch: 1, examined: 2, lookups: 2 }),
        expect.objectContaining({ batch: 2, examined: 4, lookups: 4 }),
        expect.objectContaining({ batch: 3, examined: 5, lookups: 5 }),
      ]);
      expect(logged).toHaveBeenCalledWith(
        'batch 3: 5 orders, 5 lookups, 0 changed',
      );
      expect(logged.mock.contexts[0]).toMatchObject({
        context: 'IamportReconciliation',
      });
    });

    it('claims one order at a time when given a batch size below 1, and 100 by default', async () => {
      const { service, repository } = setup();
      for (let i = 1; i <= 3; i++) repository.add(order(`order-${i}`));
      await service.reconcile({ ...ordersOnly, batchSize: 0 });
      expect(repository.claims.map((c) => c.limit)).toEqual([1, 1, 1, 1]);

      const other = setup();
      other.repository.add(order('order-1'));
      await other.service.reconcile(ordersOnly);
      expect(other.repository.claims.map((c) => c.limit)).toEqual([100, 100]);
    });

    it('stops at maxOrders, claiming no more than is left', async () => {
      const { service, repository } = setup();
      for (let i = 1; i <= 5; i++) repository.add(order(`order-${i}`));
      const summary = await service.reconcile({
        ...ordersOnly,
        batchSize: 2,
        maxOrders: 3,
      });
      expect(summary.examined).toBe(3);
      expect(repository.claims.map((c) => c.limit)).toEqual([2, 1]);
      const untouched = [...repository.rows.values()].filter(
        (row) => row.reconciledAt === null,
      );
      expect(untouched).toHaveLength(2);
    });

    it('claims nothing with maxOrders 0', async () => {
      const { service, repository } = setup();
      repository.add(order('order-1'));
      const summary = await service.reconcile({ ...ordersOnly, maxOrders: 0 });
      expect(repository.claims).toEqual([]);
      expect(summary.examined).toBe(0);
    });

    it('claims only open orders, older than olderThanMs and younger than the horizon', async () => {
      const { service, repository } = setup();
      repository.add(order('young'), { createdAgoMs: MINUTE });
      repository.add(order('recent'), { createdAgoMs: 6 * DAY });
      repository.add(order('old'), { createdAgoMs: 8 * DAY });
      repository.add(order('settled', { status: 'paid', impUid: 'imp_9' }));
      for (const status of OPEN_STATUSES)
        repository.add(order(`open-${status}`, { status }));
      await service.reconcile(ordersOnly);
      const claimed = repository.reconciled.flat().sort();
      expect(claimed).toEqual(
        ['recent', ...OPEN_STATUSES.map((s) => `open-${s}`)].sort(),
      );

      const wider = setup();
      wider.repository.add(order('old'), { createdAgoMs: 8 * DAY });
      await wider.service.reconcile({ ...ordersOnly, horizonMs: 10 * DAY });
      expect(wider.repository.reconciled.flat()).toEqual(['old']);
    });

    it('holds its claim for five minutes: another instance cannot take the orders meanwhile', async () => {
      const { service, iamport, repository } = setup();
      repository.add(order('order-1'));
      const takenByOther: number[] = [];
      iamport.onList = () => {
        iamport.onList = null;
        for (const laterMs of [4 * MINUTE, 6 * MINUTE]) {
          const now = new Date(Date.now() + laterMs);
          void repository
            .claimStaleOrders({
              statuses: OPEN_STATUSES,
              createdBefore: now,
              createdAfter: new Date(0),
              notReconciledSince: now,
              now,
              limit: 10,
              owner: 'other-instance',
              leaseUntil: new Date(now.getTime() + 5 * MINUTE),
            })
            .then((claimed) => takenByOther.push(claimed.length));
        }
      };
      await service.reconcile(ordersOnly);
      expect(takenByOther).toEqual([0, 1]);
    });

    it('claims under an owner of its own for each run', async () => {
      const { service, repository } = setup();
      await service.reconcile(ordersOnly);
      await service.reconcile(ordersOnly);
      const [first, second] = repository.claims.map((c) => c.owner);
      expect(first.startsWith(`${process.pid}-`)).toBe(true);
      expect(first.length).toBeGreaterThan(`${process.pid}-`.length);
      expect(second).not.toBe(first);
    });

    it('marks orders it could not settle failed, kept back by a backoff that grows with their failures', async () => {
      const { service, iamport, repository } = setup();
      repository.add(order('order-1'));
      repository.add(order('order-2'), { failures: 2 });
      repository.add(order('order-3'));
      iamport.add(payment());
      iamport.down.add('order-2');
      iamport.down.add('order-3');
      const summary = await service.reconcile({
        ...ordersOnly,
        retryBaseMs: 1000,
      });
      expect(summary).toMatchObject({ examined: 3, failed: 2 });
      expect(repository.reconciled).toEqual([['order-1']]);
      const attemptedAt = repository.attempts[0].getTime();
      const backoffs = repository.failed[0].map((f) => [
        f.merchantUid,
        f.retryAfter.getTime() - attemptedAt,
      ]);
      // The third failure in a row waits 4 × base; a first one, the base.
      expect(backoffs).toEqual([
        ['order-2', 4000],
        ['order-3', 1000],
      ]);
      expect(repository.rows.get('order-2')?.failures).toBe(3);
      expect(errors).toHaveBeenCalledWith(
        expect.stringContaining('could not settle order-2: '),
      );
      expect(errors).toHaveBeenCalledWith(
        expect.stringContaining('iamport timed out'),
      );
      // Looked at once in this run, not taken again.
      expect(iamport.listed('findAll order-2')).toHaveLength(1);
    });

    it('backs off one minute after a first failure by default', async () => {
      const { service, iamport, repository } = setup();
      repository.add(order('order-1'));
      iamport.down.add('order-1');
      await service.reconcile(ordersOnly);
      const [failure] = repository.failed[0];
      expect(
        failure.retryAfter.getTime() - repository.attempts[0].getTime(),
      ).toBe(MINUTE);
    });
  });

  describe('the sweep of recent payments', () => {
    it('verifies recent paid and cancelled payments, passing over those recorded as they are', async () => {
      const { service, iamport, orders, repository, ledger } = setup({
        ledger: true,
      });
      repository.add(
        order('order-1', { status: 'paid', impUid: 'imp_1', version: 2 }),
      );
      repository.add(
        order('order-3', { status: 'paid', impUid: 'imp_3', version: 2 }),
      );
      const asRecorded = (
        p: Payment,
        disposition: PaymentRecord['disposition'],
      ) =>
        orders.records.set(p.imp_uid, {
          impUid: p.imp_uid,
          merchantUid: p.merchant_uid,
          amount: p.amount,
          cancelledAmount: p.cancel_amount,
          currency: p.currency,
          status: p.status,
          disposition,
          reason: 'seen before',
          version: 1,
        });
      // Recorded as iamport has it: passed over.
      const seen = payment();
      asRecorded(seen, 'settles_order');
      // Refunded in part since it was recorded.
      const refundedSince = payment({
        imp_uid: 'imp_3',
        merchant_uid: 'order-3',
        status: 'cancelled',
        cancel_amount: 4000,
        cancelled_at: secondsAgo(MINUTE),
      });
      asRecorded({ ...refundedSince, cancel_amount: 1000 }, 'settles_order');
      // Refunded in full since it was recorded as paid.
      const cancelledSince = payment({
        imp_uid: 'imp_4',
        merchant_uid: 'order-4',
        status: 'cancelled',
        cancel_amount: 10_000,
        cancelled_at: secondsAgo(MINUTE),
      });
      asRecorded(
        { ...cancelledSince, status: 'paid', cancel_amount: 0 },
        'flagged',
      );
      // Never seen: a payment for an order the shop does not know.
      const unknown = payment({ imp_uid: 'imp_2', merchant_uid: 'order-9' });
      // Recorded while its virtual account awaited the deposit; deposited since.
      const deposited = payment({
        imp_uid: 'imp_6',
        merchant_uid: 'order-6',
        pay_method: 'vbank',
      });
      asRecorded({ ...deposited, status: 'ready' }, 'awaiting_deposit');
      orders.orders.set(
        'order-6',
        order('order-6', { status: 'vbank_issued', impUid: 'imp_6' }),
      );
      iamport.add(seen, refundedSince, cancelledSince, unknown, deposited);
      iamport.add(payment({ imp_uid: 'imp_5', status: 'ready', paid_at: 0 }));

      const summary = await service.reconcile({ olderThanMs: 10 * MINUTE });

      expect(iamport.calls.map((c) => c.what)).toEqual([
        'status paid',
        'status cancelled',
      ]);
      expect(ledger.asked).toEqual([
        ['imp_1', 'imp_2', 'imp_6'],
        ['imp_3', 'imp_4'],
      ]);
      expect(summary.swept).toEqual({ listed: 5, verified: 4, failed: 0 });
      // imp_4's order is unknown to the shop, like imp_2's.
      expect(summary.outcomes).toEqual({
        not_found: 2,
        partially_cancelled: 1,
        paid: 1,
      });
      expect(summary.changed).toBe(2);
      expect(orders.orders.get('order-6')?.status).toBe('paid');
      expect(summary.lookups).toBe(2);
      expect(orders.orders.get('order-3')).toMatchObject({
        status: 'partially_cancelled',
        cancelledAmount: 4000,
      });
      expect(orders.records.get('imp_4')?.disposition).toBe('refunded');
    });

    it('verifies every listed payment again without a ledger (idempotent, only slower)', async () => {
      const { service, iamport, orders, repository } = setup();
      repository.add(
        order('order-1', { status: 'paid', impUid: 'imp_1', version: 2 }),
      );
      iamport.add(payment());
      orders.records.set('imp_1', {
        impUid: 'imp_1',
        merchantUid: 'order-1',
        amount: 10_000,
        cancelledAmount: 0,
        currency: 'KRW',
        status: 'paid',
        disposition: 'settles_order',
        reason: 'paid in full',
        version: 1,
      });
      const summary = await service.reconcile({ olderThanMs: 10 * MINUTE });
      expect(summary.swept).toEqual({ listed: 1, verified: 1, failed: 0 });
      expect(summary.outcomes).toEqual({ paid: 1 });
      expect(summary.changed).toBe(0);
      expect(summary.unaccounted).toEqual([]);
      expect(summary.flagged).toEqual([]);
    });

    it('asks neither the repository nor the ledger about an empty page', async () => {
      const { service, repository, ledger } = setup({ ledger: true });
      const summary = await service.reconcile({ olderThanMs: 10 * MINUTE });
      expect(summary.swept).toEqual({ listed: 0, verified: 0, failed: 0 });
      expect(repository.backedOffAsked).toEqual([]);
      expect(ledger.asked).toEqual([]);
    });

    it('passes over the payments of orders this run failed on, and those it recorded as they are', async () => {
      const { service, iamport, repository } = setup({ ledger: true });
      repository.add(order('order-1'));
      repository.add(order('order-2'));
      iamport.add(
        payment(),
        payment({ imp_uid: 'imp_2', merchant_uid: 'order-2' }),
      );
      iamport.down.add('order-2');
      const summary = await service.reconcile({ olderThanMs: 10 * MINUTE });
      expect(summary.outcomes).toEqual({ paid: 1 });
      expect(summary.failed).toBe(1);
      expect(summary.swept).toEqual({ listed: 2, verified: 0, failed: 0 });
      // order-2 failed: not even asked about; order-1 was settled, and its payment is recorded as it is.
      expect(repository.backedOffAsked).toEqual([['order-1']]);
    });

    it('passes over the payments of orders waiting out a backoff', async () => {
      const { service, iamport, orders, repository, ledger } = setup({
        ledger: true,
      });
      repository.add(order('order-3', { status: 'paid', impUid: 'imp_3' }), {
        failures: 1,
        retryAfter: new Date(Date.now() + 10 * MINUTE),
      });
      repository.add(order('order-4', { status: 'paid', impUid: 'imp_4' }), {
        failures: 1,
        retryAfter: new Date(Date.now() - MINUTE),
      });
      const refunded = (impUid: string, merchantUid: string) =>
        payment({
          imp_uid: impUid,
          merchant_uid: merchantUid,
          status: 'cancelled',
          cancel_amount: 10_000,
          cancelled_at: secondsAgo(MINUTE),
        });
      iamport.add(
        payment({ imp_uid: 'imp_31', merchant_uid: 'order-3' }),
        refunded('imp_3', 'order-3'),
        refunded('imp_30', 'order-3'),
        refunded('imp_4', 'order-4'),
      );
      const summary = await service.reconcile({ olderThanMs: 10 * MINUTE });
      // Each order asked about once per page.
      expect(repository.backedOffAsked).toEqual([
        ['order-3'],
        ['order-3', 'order-4'],
      ]);
      // Nothing to ask the ledger about where every order waits out a backoff.
      expect(ledger.asked).toEqual([['imp_4']]);
      expect(summary.swept).toEqual({ listed: 4, verified: 1, failed: 0 });
      expect(orders.orders.get('order-3')?.status).toBe('paid');
      expect(orders.orders.get('order-4')?.status).toBe('cancelled');
    });

    it('verifies every unrecorded payment of an order, on both lists (a refund of the payment that settles it is not left for later)', async () => {
      const { service, iamport, orders, repository } = setup();
      repository.add(order('order-5', { status: 'paid', impUid: 'imp_X' }));
      iamport.add(
        payment({ imp_uid: 'imp_X', merchant_uid: 'order-5' }),
        payment({
          imp_uid: 'imp_Y',
          merchant_uid: 'order-5',
          status: 'cancelled',
          cancel_amount: 10_000,
          cancelled_at: secondsAgo(MINUTE),
        }),
      );
      const summary = await service.reconcile({ olderThanMs: 10 * MINUTE });
      expect(summary.swept).toEqual({ listed: 2, verified: 2, failed: 0 });
      expect(orders.records.has('imp_X')).toBe(true);
      expect(orders.records.get('imp_Y')).toMatchObject({
        status: 'cancelled',
        cancelledAmount: 10_000,
      });
    });

    it('lists payments of the last two days by default, in iamport’s largest pages', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2026-11-25T00:00:00.700Z'));
      const { service, iamport } = setup();
      iamport.add(
        payment({ imp_uid: 'imp_1', paid_at: secondsAgo(DAY) }),
        payment({ imp_uid: 'imp_2', paid_at: secondsAgo(3 * DAY) }),
        // The first second of the window is in it.
        payment({ imp_uid: 'imp_3', paid_at: secondsAgo(2 * DAY) }),
      );
      const summary = await service.reconcile({ olderThanMs: 10 * MINUTE });
      expect(iamport.listed('status paid')).toEqual([
        {
          what: 'status paid',
          from: secondsAgo(2 * DAY),
          page: 1,
          limit: 1000,
        },
      ]);
      expect(summary.swept.listed).toBe(2);
    });

    it('sweeps at most 90 days back', async () => {
      const { service, iamport } = setup();
      iamport.add(
        payment({ imp_uid: 'imp_1', paid_at: secondsAgo(85 * DAY) }),
        payment({ imp_uid: 'imp_2', paid_at: secondsAgo(95 * DAY) }),
      );
      const summary = await service.reconcile({
        olderThanMs: 10 * MINUTE,
        sweepWindowMs: 100 * DAY,
      });
      expect(summary.swept.listed).toBe(1);
    });

    it('does not sweep with a window of 0 or less', async () => {
      for (const sweepWindowMs of [0, -DAY]) {
        const { service, iamport } = setup();
        iamport.add(payment());
        const summary = await service.reconcile({
          olderThanMs: 10 * MINUTE,
          sweepWindowMs,
        });
        expect(iamport.calls).toEqual([]);
        expect(summary.swept).toEqual({ listed: 0, verified: 0, failed: 0 });
      }
    });

    it('follows `next` through the pages of a status, and stops at a page pointing at itself', async () => {
      const { service, iamport } = setup();
      iamport.pageSize = 2;
      iamport.add(
        ...Array.from({ length: 5 }, (_, i) =>
          payment({ imp_uid: `imp_${i}`, merchant_uid: `order-${i}` }),
        ),
      );
      const summary = await service.reconcile({ olderThanMs: 10 * MINUTE });
      expect(iamport.listed('status paid').map((c) => c.page)).toEqual([
        1, 2, 3,
      ]);
      expect(summary.swept).toEqual({ listed: 5, verified: 5, failed: 0 });
      expect(summary.lookups).toBe(4);

      const looping = setup();
      looping.iamport.loopingNext = true;
      looping.iamport.add(payment());
      const once = await looping.service.reconcile({
        olderThanMs: 10 * MINUTE,
      });
      expect(once.swept.listed).toBe(1);
    });

    it('counts a listing that fails, and still lists the other status', async () => {
      const { service, iamport } = setup();
      iamport.down.add('paid');
      iamport.add(
        payment({
          status: 'cancelled',
          cancel_amount: 10_000,
          cancelled_at: secondsAgo(MINUTE),
        }),
      );
      const summary = await service.reconcile({ olderThanMs: 10 * MINUTE });
      expect(summary.swept).toEqual({ listed: 1, verified: 1, failed: 1 });
      expect(summary.lookups).toBe(1);
      expect(errors).toHaveBeenCalledWith(
        expect.stringContaining('could not list paid payments: '),
      );
      expect(errors).toHaveBeenCalledWith(
        expect.stringContaining('iamport answered 503'),
      );
    });

    it('counts a payment it could not settle, goes on with the others, and backs its order off', async () => {
      const { service, iamport, orders, repository } = setup();
      repository.add(order('order-1', { status: 'paid', impUid: 'imp_1' }));
      orders.broken.add('order-1');
      iamport.add(
        payment(),
        payment({ imp_uid: 'imp_2', merchant_uid: 'order-2' }),
      );
      const summary = await service.reconcile({
        olderThanMs: 10 * MINUTE,
        retryBaseMs: 1000,
      });
      expect(summary.swept).toEqual({ listed: 2, verified: 1, failed: 1 });
      expect(summary.outcomes).toEqual({ not_found: 1 });
      expect(errors).toHaveBeenCalledWith(
        'could not settle imp_1 of order-1: database unreachable',
      );
      const at = repository.failed.findIndex((f) => f.length > 0);
      expect(repository.failed[at]).toEqual([
        {
          merchantUid: 'order-1',
          retryAfter: new Date(repository.failedAt[at].getTime() + 1000),
        },
      ]);
      expect(repository.rows.get('order-1')).toMatchObject({ failures: 1 });

      // The next run leaves it alone until the backoff is over.
      orders.broken.delete('order-1');
      const next = await service.reconcile({ olderThanMs: 10 * MINUTE });
      expect(next.swept).toEqual({ listed: 2, verified: 1, failed: 0 });
      expect(orders.records.has('imp_1')).toBe(false);
    });

    it('does not try an order again in the same run once one of its payments failed, even with no backoff', async () => {
      const { service, iamport, orders, repository } = setup();
      repository.add(order('order-1', { status: 'paid', impUid: 'imp_1' }));
      orders.broken.add('order-1');
      iamport.add(
        payment(),
        payment({
          imp_uid: 'imp_1b',
          status: 'cancelled',
          cancel_amount: 10_000,
          cancelled_at: secondsAgo(MINUTE),
        }),
      );
      const summary = await service.reconcile({
        olderThanMs: 10 * MINUTE,
        retryBaseMs: 0,
      });
      expect(summary.swept).toEqual({ listed: 2, verified: 0, failed: 1 });
      expect(errors).toHaveBeenCalledTimes(1);
    });

    it('backs the order of a payment it could not settle off by a minute by default', async () => {
      const { service, iamport, orders, repository } = setup();
      repository.add(order('order-1', { status: 'paid', impUid: 'imp_1' }));
      orders.broken.add('order-1');
      iamport.add(payment());
      await service.reconcile({ olderThanMs: 10 * MINUTE });
      const at = repository.failed.findIndex((f) => f.length > 0);
      expect(
        repository.failed[at][0].retryAfter.getTime() -
          repository.failedAt[at].getTime(),
      ).toBe(MINUTE);
    });
  });

  describe('the summary', () => {
    it('reports, with a ledger, the payments nobody accounts for and those flagged, newest first, 100 at most', async () => {
      const { service, orders, repository } = setup({ ledger: true });
      repository.add(order('order-1', { status: 'paid', impUid: 'imp_0' }));
      const record = (
        impUid: string,
        disposition: PaymentRecord['disposition'],
      ) =>
        orders.records.set(impUid, {
          impUid,
          merchantUid: 'order-1',
          amount: 10_000,
          cancelledAmount: 0,
          currency: 'KRW',
          status: 'paid',
          disposition,
          reason: 'x',
          version: 1,
        });
      record('imp_0', 'settles_order');
      record('imp_lost', 'settles_order');
      for (let i = 0; i <= 100; i++) record(`imp_f${i}`, 'flagged');
      const summary = await service.reconcile(ordersOnly);
      expect(summary.unaccounted.map((r) => r.impUid)).toEqual(['imp_lost']);
      expect(summary.flagged).toHaveLength(100);
      expect(summary.flagged[0].impUid).toBe('imp_f100');
    });

    it('says how long the run took', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2026-11-25T00:00:00Z'));
      const { service, iamport, repository } = setup();
      repository.add(order('order-1'));
      iamport.onList = () => vi.setSystemTime(Date.now() + 1500);
      const summary = await service.reconcile(ordersOnly);
      expect(summary.durationMs).toBe(1500);
    });
  });

  describe('PortOne V2', () => {
    it('settles a stale order paid through V2, looked up by its paymentId, once', async () => {
      const v2 = new FakePortOneV2();
      const { service, iamport, orders, repository, delivered } = setup({ v2 });
      repository.add(order('order-1'));
      v2.add('order-1');
      const summary = await service.reconcile(ordersOnly);
      expect(orders.orders.get('order-1')).toMatchObject({
        status: 'paid',
        impUid: 'tx-order-1',
      });
      expect(summary).toMatchObject({
        examined: 1,
        lookups: 1,
        v2Lookups: 1,
        changed: 1,
        outcomes: { paid: 1 },
      });
      expect(summary.outcomes).toEqual({ paid: 1 });
      expect(v2.lookups).toEqual(['order-1']);
      expect(iamport.listed('findAll order-1')).toHaveLength(1);
      expect(
        delivered.map((event) => [event.api, event.type, event.source]),
      ).toEqual([['v2', 'paid', 'reconciliation']]);
      expect(repository.reconciled).toEqual([['order-1']]);
      const again = await service.reconcile(ordersOnly);
      expect(again.changed).toBe(0);
    });

    it('counts what a V2 payment that changes nothing is, and no change', async () => {
      const v2 = new FakePortOneV2();
      const { service, repository } = setup({ v2 });
      repository.add(order('order-1'));
      v2.add('order-1', { status: 'READY', paidAt: undefined });
      const summary = await service.reconcile(ordersOnly);
      expect(summary).toMatchObject({
        changed: 0,
        outcomes: { pending: 1 },
      });
    });

    it('counts no_payment once when neither API has a payment for the order', async () => {
      const v2 = new FakePortOneV2();
      const { service, repository } = setup({ v2 });
      repository.add(order('order-1'));
      const summary = await service.reconcile(ordersOnly);
      expect(summary.outcomes).toEqual({ no_payment: 1 });
      expect(summary.v2Lookups).toBe(1);
    });

    it('counts both when both APIs have a payment: the V1 one settles, the V2 one is a duplicate', async () => {
      const v2 = new FakePortOneV2();
      const { service, iamport, repository } = setup({ v2 });
      repository.add(order('order-1'));
      iamport.add(payment({ imp_uid: 'imp_A' }));
      v2.add('order-1');
      const summary = await service.reconcile(ordersOnly);
      expect(summary.outcomes).toEqual({ paid: 1, duplicate_payment: 1 });
      expect(v2.payments.get('order-1')?.status).toBe('CANCELLED');
    });

    it('asks V1 nothing when only V2 is configured', async () => {
      const v2 = new FakePortOneV2();
      const { service, iamport, repository } = setup({ v2, v1: false });
      repository.add(order('order-1'));
      v2.add('order-1');
      const summary = await service.reconcile({ olderThanMs: 10 * MINUTE });
      expect(iamport.calls).toEqual([]);
      // Settled by the orders part; verified again by the sweep (no ledger), changing nothing.
      expect(summary).toMatchObject({
        lookups: 0,
        v2Lookups: 2,
        changed: 1,
        outcomes: { paid: 2 },
      });
    });

    it('never asks V2 without V2 options', async () => {
      const { service, repository } = setup();
      repository.add(order('order-1'));
      const summary = await service.reconcile({ olderThanMs: 10 * MINUTE });
      expect(summary.v2Lookups).toBe(0);
      // The module builds the V2 client and service either way: unconfigured, they are not used.
      const v2 = new FakePortOneV2();
      v2.add('order-2');
      const off = setup({ v2, v2Configured: false });
      off.repository.add(order('order-2'));
      const quiet = await off.service.reconcile({ olderThanMs: 10 * MINUTE });
      expect(quiet.v2Lookups).toBe(0);
      expect([v2.lookups, v2.listings]).toEqual([[], []]);
    });

    it('sweeps V2 payments paid or refunded within the window, in pages of 1000', async () => {
      const v2 = new FakePortOneV2();
      const { service, orders, delivered } = setup({ v2 });
      orders.orders.set(
        'order-2',
        order('order-2', { status: 'paid', impUid: 'tx-order-2', version: 2 }),
      );
      v2.add('order-2', {
        status: 'CANCELLED',
        cancelledAt: new Date().toISOString(),
        amount: {
          total: 10_000,
          taxFree: 0,
          discount: 0,
          paid: 10_000,
          cancelled: 10_000,
          cancelledTaxFree: 0,
        },
        cancellations: [
          {
            status: 'SUCCEEDED',
            id: 'c-1',
            totalAmount: 10_000,
            taxFreeAmount: 0,
            vatAmount: 0,
            reason: 'console',
            requestedAt: new Date().toISOString(),
          },
        ],
      });
      v2.add('order-3', { status: 'READY', paidAt: undefined });
      const before = Date.now();
      const summary = await service.reconcile({ olderThanMs: 10 * MINUTE });
      expect(orders.orders.get('order-2')?.status).toBe('cancelled');
      expect(summary.changed).toBe(1);
      expect(delivered.map((event) => [event.type, event.source])).toEqual([
        ['cancelled', 'reconciliation'],
      ]);
      expect(summary.swept).toEqual({ listed: 1, verified: 1, failed: 0 });
      expect(summary.v2Lookups).toBe(1);
      expect(v2.listings).toHaveLength(1);
      const [listing] = v2.listings;
      expect(listing).toMatchObject({
        pageNumber: 0,
        pageSize: 1000,
        statuses: ['PAID', 'PARTIAL_CANCELLED', 'CANCELLED'],
      });
      expect(listing.until.getTime()).toBeGreaterThanOrEqual(before);
      expect(listing.until.getTime() - listing.from.getTime()).toBe(2 * DAY);
    });

    it('sweeps at most 90 days back, and not at all with a window of 0', async () => {
      const v2 = new FakePortOneV2();
      const { service } = setup({ v2 });
      await service.reconcile({
        olderThanMs: MINUTE,
        sweepWindowMs: 400 * DAY,
      });
      expect(
        v2.listings[0].until.getTime() - v2.listings[0].from.getTime(),
      ).toBe(90 * DAY);
      await service.reconcile({ olderThanMs: MINUTE, sweepWindowMs: 0 });
      expect(v2.listings).toHaveLength(1);
    });

    it('follows full pages to the next, and stops at a short one', async () => {
      const v2 = new FakePortOneV2();
      const { service } = setup({ v2 });
      for (let i = 0; i < 1001; i++) v2.add(`unknown-${i}`);
      const summary = await service.reconcile({ olderThanMs: MINUTE });
      expect(v2.listings.map((listing) => listing.pageNumber)).toEqual([0, 1]);
      expect(summary.swept.listed).toBe(1001);
      expect(summary.v2Lookups).toBe(2);
    });

    it('counts a V2 listing that fails, and ends the run', async () => {
      const v2 = new FakePortOneV2();
      v2.listingDown = true;
      const { service } = setup({ v2 });
      const summary = await service.reconcile({ olderThanMs: MINUTE });
      expect(summary.swept.failed).toBe(1);
      expect(summary.v2Lookups).toBe(0);
      expect(errors).toHaveBeenCalledWith(
        expect.stringContaining('could not list V2 payments: '),
      );
    });

    it('passes over V2 payments recorded as they are, and backs off an order it could not settle', async () => {
      const v2 = new FakePortOneV2();
      const { service, orders, repository } = setup({ v2, ledger: true });
      orders.orders.set('order-1', order('order-1'));
      v2.add('order-1');
      await service.reconcile({ olderThanMs: DAY });
      expect(orders.orders.get('order-1')?.status).toBe('paid');
      const quiet = await service.reconcile({ olderThanMs: DAY });
      expect(quiet.swept).toEqual({ listed: 1, verified: 0, failed: 0 });

      v2.add('order-4');
      orders.orders.set('order-4', order('order-4'));
      orders.broken.add('order-4');
      const failing = await service.reconcile({ olderThanMs: DAY });
      expect(failing.swept.failed).toBe(1);
      expect(repository.failed.at(-1)).toEqual([
        expect.objectContaining({ merchantUid: 'order-4' }),
      ]);
      expect(errors).toHaveBeenCalledWith(
        expect.stringContaining('could not settle V2 tx-order-4 of order-4'),
      );
    });
  });
});
