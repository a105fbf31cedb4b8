import { required, segment } from './request-parts.js';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ResolvedIamportOptions } from '../iamport.options.js';
import { IAMPORT_OPTIONS } from '../iamport.tokens.js';
import { HttpExchange } from './http-exchange.js';
import { IamportTransport } from './iamport-transport.js';
import { IamportNotFoundError } from './iamport.errors.js';
import type {
  CancelPaymentRequest,
  Payment,
  PaymentPage,
  PaymentSorting,
  PaymentStatus,
  PreparedPayment,
  PreparePaymentRequest,
} from './iamport.types.js';
import {
  isPayment,
  isPaymentList,
  isPaymentPage,
  isPreparedPayment,
} from './payment-shape.js';

export interface LookupOptions {
  /** Overrides the module's `includeSandbox` for this call. */
  includeSandbox?: boolean;
}

export interface MerchantUidLookupOptions extends LookupOptions {
  status?: PaymentStatus;
  sorting?: PaymentSorting;
}

export interface PageOptions {
  /** From 1. */
  page?: number;
  /** Up to 1000; iamport's default is 20. */
  limit?: number;
  sorting?: PaymentSorting;
}

export interface StatusLookupOptions extends PageOptions {
  /** UNIX seconds; iamport's window is at most 90 days. */
  from?: number;
  to?: number;
}

/** iamport's limit of ids per batch lookup. */
export const MAX_IDS_PER_BATCH = 100;

/**
 * The only place that talks to iamport. Every method resolves to the
 * envelope's `response` or throws an `IamportError` that says which call
 * failed, how, and whether a retry could help.
 */
@Injectable()
export class IamportClient implements OnApplicationShutdown {
  private readonly http: HttpExchange;
  private readonly transport: IamportTransport;

  constructor(
    @Inject(IAMPORT_OPTIONS) private readonly options: ResolvedIamportOptions,
  ) {
    this.http = new HttpExchange(options.apiBaseUrl);
    this.transport = new IamportTransport(this.http, options);
  }

  /** Closes the keep-alive connections to iamport once the app shuts down. */
  onApplicationShutdown(): Promise<void> {
    return this.http.close();
  }

  /**
   * Whether iamport can be reached with these keys: resolves once a token can
   * be had (a cached one counts), else throws the `IamportError` that says
   * why. The token itself is never handed out.
   */
  async checkAccess(): Promise<void> {
    await this.transport.token();
  }

  /** `GET /payments/{imp_uid}`; throws `IamportNotFoundError` for an unknown (or hidden sandbox) payment. */
  getPayment(impUid: string, options: LookupOptions = {}): Promise<Payment> {
    return this.transport.send(
      {
        operation: 'getPaymentByImpUid',
        method: 'GET',
        path: `/payments/${segment(impUid, 'impUid')}`,
        query: this.sandboxQuery(options),
        repeatable: true,
      },
      isPayment,
    );
  }

  /**
   * `GET /payments?imp_uid[]=…`, split into calls of at most 100 ids. Ids
   * iamport does not know are left out of the result (HTTP 207 or 404).
   */
  getPayments(
    impUids: readonly string[],
    options: LookupOptions = {},
  ): Promise<Payment[]> {
    return this.batchLookup('imp_uid[]', impUids, options);
  }

  /**
   * `GET /payments?merchant_uid[]=…`, split into calls of at most 100: the
   * newest payment of each order (the schema documents `merchant_uid[]` on
   * this route but not which payment it picks when an order has several; the
   * newest is what the simulator answers, and what `find` does). Orders
   * without a payment are left out.
   */
  getPaymentsByMerchantUids(
    merchantUids: readonly string[],
    options: LookupOptions = {},
  ): Promise<Payment[]> {
    return this.batchLookup('merchant_uid[]', merchantUids, options);
  }

  /** `GET /payments/find/{merchant_uid}[/{status}]`: the newest payment of an order; `null` when none. */
  async findPaymentByMerchantUid(
    merchantUid: string,
    options: MerchantUidLookupOptions = {},
  ): Promise<Payment | null> {
    const query = this.sandboxQuery(options);
    if (options.sorting) query.set('sorting', options.sorting);
    const call = {
      operation: 'getPaymentByMerchantUid',
      method: 'GET',
      path: `/payments/find/${segment(merchantUid, 'merchantUid')}${options.status ? `/${options.status}` : ''}`,
      query,
      repeatable: true,
    } as const;
    return this.orEmpty(this.transport.send(call, isPayment), null);
  }

  /** `GET /payments/findAll/{merchant_uid}[/{status}]`: every payment of an order (retries after a failure), paged. */
  getAllPaymentsByMerchantUid(
    merchantUid: string,
    options: MerchantUidLookupOptions & PageOptions = {},
  ): Promise<PaymentPage> {
    const query = pageQuery(this.sandboxQuery(options), options);
    const call = {
      operation: 'getAllPaymentsByMerchantUid',
      method: 'GET',
      path: `/payments/findAll/${segment(merchantUid, 'merchantUid')}${options.status ? `/${options.status}` : ''}`,
      query,
      repeatable: true,
    } as const;
    return this.orEmpty(this.transport.send(call, isPaymentPage), {
      total: 0,
      previous: 0,
      next: 0,
      list: [],
    });
  }

  /** `GET /payments/status/{status}`, for sweeps; pages through `from`..`to`. */
  getPaymentsByStatus(
    status: PaymentStatus | 'all',
    options: StatusLookupOptions = {},
  ): Promise<PaymentPage> {
    const query = pageQuery(new URLSearchParams(), options);
    if (options.from !== undefined) query.set('from', String(options.from));
    if (options.to !== undefined) query.set('to', String(options.to));
    return this.transport.send(
      {
        operation: 'getPaymentsByStatus',
        method: 'GET',
        path: `/payments/status/${status}`,
        query,
        repeatable: true,
      },
      isPaymentPage,
    );
  }

  /**
   * `POST /payments/cancel`. Retried after a network error or a 5xx only when
   * it carries `checksum`: iamport then refuses a repeat, so it cannot refund twice.
   */
  cancelPayment(request: CancelPaymentRequest): Promise<Payment> {
    if (!request.imp_uid && !request.merchant_uid) {
      throw new TypeError('cancelPayment needs imp_uid or merchant_uid');
    }
    return this.transport.send(
      {
        operation: 'cancelPayment',
        method: 'POST',
        path: '/payments/cancel',
        body: request,
        repeatable: request.checksum !== undefined,
      },
      isPayment,
    );
  }

  /** `POST /payments/prepare`: the PG window then refuses any other amount. Not retried (a repeat is refused). */
  preparePayment(request: PreparePaymentRequest): Promise<PreparedPayment> {
    return this.transport.send(
      {
        operation: 'preparePayment',
        method: 'POST',
        path: '/payments/prepare',
        body: request,
        repeatable: false,
      },
      isPreparedPayment,
    );
  }

  /** `PUT /payments/prepare`: changes a prepared amount (setting the same amount twice is harmless). */
  updatePreparedPayment(
    request: PreparePaymentRequest,
  ): Promise<PreparedPayment> {
    return this.transport.send(
      {
        operation: 'editPreparePayment',
        method: 'PUT',
        path: '/payments/prepare',
        body: request,
        repeatable: true,
      },
      isPreparedPayment,
    );
  }

  /** `GET /payments/prepare/{merchant_uid}`; `null` when nothing was prepared. */
  getPreparedPayment(merchantUid: string): Promise<PreparedPayment | null> {
    const call = {
      operation: 'getPaymentPrepareByMerchantUid',
      method: 'GET',
      path: `/payments/prepare/${segment(merchantUid, 'merchantUid')}`,
      repeatable: true,
    } as const;
    return this.orEmpty(this.transport.send(call, isPreparedPayment), null);
  }

  /** `GET /payments` in calls of at most 100 ids; what iamport does not know (HTTP 207, 404) is left out. */
  private async batchLookup(
    key: 'imp_uid[]' | 'merchant_uid[]',
    ids: readonly string[],
    options: LookupOptions,
  ): Promise<Payment[]> {
    const found: Payment[] = [];
    for (let start = 0; start < ids.length; start += MAX_IDS_PER_BATCH) {
      const query = this.sandboxQuery(options);
      for (const id of ids.slice(start, start + MAX_IDS_PER_BATCH)) {
        query.append(key, required(id, key));
      }
      found.push(...(await this.orEmpty(this.batch(query), [] as Payment[])));
    }
    return found;
  }

  private batch(query: URLSearchParams): Promise<Payment[]> {
    return this.transport.send(
      {
        operation: 'getPaymentListByImpUid',
        method: 'GET',
        path: '/payments',
        query,
        repeatable: true,
        acceptPartial: true,
      },
      isPaymentList,
    );
  }

  private sandboxQuery(options: LookupOptions): URLSearchParams {
    const include = options.includeSandbox ?? this.options.includeSandbox;
    return new URLSearchParams(include ? { include_sandbox: 'true' } : {});
  }

  /** iamport answers 404 when a lookup finds nothing; for these calls that is an answer, not a failure. */
  private async orEmpty<T, E>(pending: Promise<T>, empty: E): Promise<T | E> {
    try {
      return await pending;
    } catch (error) {
      if (error instanceof IamportNotFoundError) return empty;
      throw error;
    }
  }
}

function pageQuery(
  query: URLSearchParams,
  options: PageOptions,
): URLSearchParams {
  if (options.page !== undefined) query.set('page', String(options.page));
  if (options.limit !== undefined) query.set('limit', String(options.limit));
  if (options.sorting) query.set('sorting', options.sorting);
  return query;
}
