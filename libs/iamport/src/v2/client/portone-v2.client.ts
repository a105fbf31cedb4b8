import type { OnApplicationShutdown } from '@nestjs/common';
import type { Dispatcher } from 'undici';
import { HttpExchange } from '../../client/http-exchange.js';
import { required, segment } from '../../client/request-parts.js';
import { randomUUID } from 'node:crypto';
import {
  isPortOneV2Cancellation,
  isPortOneV2Payment,
  isPortOneV2PaymentPage,
} from './portone-v2-shape.js';
import { PortOneV2Transport } from './portone-v2-transport.js';
import type {
  PortOneV2Cancellation,
  PortOneV2Payment,
  PortOneV2PaymentFilterStatus,
  PortOneV2PaymentPage,
} from './portone-v2.types.js';

export interface PortOneV2ClientSettings {
  /** The V2 API Secret (not the V1 REST API key/secret, not a PG key). */
  apiSecret: string;
  /** Sent on every call; null to use the store the secret is bound to. */
  storeId: string | null;
  /** `https://api.portone.io` in production; no trailing slash. */
  apiBaseUrl: string;
  /** Per attempt. PortOne advises a read timeout of at least 60 s. */
  timeoutMs: number;
  maxRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** Largest answer accepted, in bytes; 16 MiB when not given. */
  maxAnswerBytes?: number;
}

export interface CancelPaymentRequest {
  paymentId: string;
  /** Omitted: cancel everything that is left. */
  amount?: number;
  /**
   * The balance that could be cancelled when the payment was read (V2's
   * checksum): PortOne refuses with 409 `CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN`
   * when it moved since, so a repeated or concurrent cancel never refunds twice.
   */
  currentCancellableAmount: number;
  reason: string;
}

export interface PreRegisterPaymentRequest {
  paymentId: string;
  totalAmount: number;
  currency: string;
}

export interface ListPaymentsRequest {
  /** Payments whose status changed at or after this instant… */
  from: Date;
  /** …and before this one. */
  until: Date;
  /** From 0. */
  pageNumber: number;
  pageSize: number;
  statuses?: readonly PortOneV2PaymentFilterStatus[];
}

// Largest answer accepted: a page of 1000 payments is a few MB.
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/** `GetPaymentsBody`: "(number + 1) * size가 60,000을 초과할 수 없습니다". */
export const MAX_LISTED_PAYMENTS = 60_000;

/**
 * The only place that talks to the PortOne V2 REST API. Every method resolves
 * to the checked answer or throws a `PortOneV2Error` that says which call
 * failed, how, and whether a retry could help.
 */
export class PortOneV2Client implements OnApplicationShutdown {
  private readonly http: HttpExchange;
  private readonly transport: PortOneV2Transport;

  /** `dispatcher`: undici's, for a proxy or TLS settings of your own; by default one that honours `HTTP(S)_PROXY`. */
  constructor(
    private readonly settings: PortOneV2ClientSettings,
    dispatcher?: Dispatcher,
  ) {
    this.http = new HttpExchange(settings.apiBaseUrl, dispatcher);
    this.transport = new PortOneV2Transport(this.http, {
      ...settings,
      maxAnswerBytes: settings.maxAnswerBytes ?? MAX_ANSWER_BYTES,
    });
  }

  /** Closes the keep-alive connections to PortOne (the module calls it when the app shuts down). */
  onApplicationShutdown(): Promise<void> {
    return this.http.close();
  }

  /** `GET /payments/{paymentId}`; throws `PortOneV2NotFoundError` for an unknown paymentId. */
  async getPayment(paymentId: string): Promise<PortOneV2Payment> {
    const query = new URLSearchParams();
    if (this.settings.storeId !== null)
      query.set('storeId', this.settings.storeId);
    return this.transport.send(
      {
        operation: 'getPayment',
        method: 'GET',
        path: `/payments/${segment(paymentId, 'paymentId')}`,
        query,
        repeatable: true,
      },
      isPortOneV2Payment,
    );
  }

  /**
   * `POST /payments/{paymentId}/cancel`. Retried after a transport failure
   * only, with the same `Idempotency-Key`: PortOne answers a repeat with the
   * first outcome, and the checksum refuses one it did not recognise. A
   * transport error after the last retry leaves the outcome unknown: read
   * the payment again before deciding.
   */
  async cancelPayment(
    request: CancelPaymentRequest,
  ): Promise<PortOneV2Cancellation> {
    if (request.amount !== undefined) money(request.amount, 'amount', 1);
    money(request.currentCancellableAmount, 'currentCancellableAmount', 0);
    const answer = await this.transport.send(
      {
        operation: 'cancelPayment',
        method: 'POST',
        path: `/payments/${segment(request.paymentId, 'paymentId')}/cancel`,
        body: this.withStore({
          amount: request.amount,
          currentCancellableAmount: request.currentCancellableAmount,
          reason: required(request.reason, 'reason'),
        }),
        idempotencyKey: idempotencyKey(),
        repeatable: true,
      },
      isCancelAnswer,
    );
    return answer.cancellation;
  }

  /**
   * `POST /payments/{paymentId}/pre-register`: the checkout then refuses any
   * other amount. Setting the same amount again is harmless, so it is
   * retried; an already paid paymentId is a `PortOneV2ConflictError` (`ALREADY_PAID`).
   */
  async preRegisterPayment(request: PreRegisterPaymentRequest): Promise<void> {
    await this.transport.send(
      {
        operation: 'preRegisterPayment',
        method: 'POST',
        path: `/payments/${segment(request.paymentId, 'paymentId')}/pre-register`,
        body: this.withStore({
          totalAmount: money(request.totalAmount, 'totalAmount', 0),
          currency: required(request.currency, 'currency'),
        }),
        idempotencyKey: idempotencyKey(),
        repeatable: true,
      },
      isObject,
    );
  }

  /**
   * `GET /payments`: one page of the payments whose status changed in
   * [`from`, `until`), oldest change first, for reconciliation. PortOne lists
   * at most 60,000 payments of a query: a page beyond is a `RangeError`
   * (narrow the window instead).
   */
  async listPayments(
    request: ListPaymentsRequest,
  ): Promise<PortOneV2PaymentPage> {
    const { pageNumber, pageSize } = request;
    if (!Number.isSafeInteger(pageNumber) || pageNumber < 0)
      throw new TypeError('pageNumber must be an integer from 0');
    if (!Number.isSafeInteger(pageSize) || pageSize < 1)
      throw new TypeError('pageSize must be a positive integer');
    if ((pageNumber + 1) * pageSize > MAX_LISTED_PAYMENTS) {
      throw new RangeError(
        `PortOne V2 lists at most ${MAX_LISTED_PAYMENTS} payments of a query ((pageNumber + 1) * pageSize); narrow the from/until window`,
      );
    }
    const from = instant(request.from, 'from');
    const until = instant(request.until, 'until');
    if (request.until <= request.from)
      throw new RangeError('until must be after from');
    const filter = {
      ...(this.settings.storeId === null
        ? {}
        : { storeId: this.settings.storeId }),
      timestampType: 'STATUS_CHANGED_AT',
      from,
      until,
      status: request.statuses?.length ? [...request.statuses] : undefined,
      // A stable order, so that pages do not shift while the window is read.
      sortBy: 'STATUS_CHANGED_AT',
      sortOrder: 'ASC',
    };
    const requestBody = JSON.stringify({
      page: { number: pageNumber, size: pageSize },
      filter,
    });
    return this.transport.send(
      {
        operation: 'getPayments',
        method: 'GET',
        path: '/payments',
        // GET bodies go in the `requestBody` query parameter (V2 REST overview).
        query: new URLSearchParams({ requestBody }),
        repeatable: true,
      },
      isPortOneV2PaymentPage,
    );
  }

  private withStore<T extends object>(body: T): T & { storeId?: string } {
    return this.settings.storeId === null
      ? body
      : { ...body, storeId: this.settings.storeId };
  }
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function isCancelAnswer(
  value: unknown,
): value is { cancellation: PortOneV2Cancellation } {
  return (
    isObject(value) &&
    isPortOneV2Cancellation((value as { cancellation?: unknown }).cancellation)
  );
}

/** RFC 8941 quoted string of 16–256 ASCII characters; new for each call, kept across its retries. */
function idempotencyKey(): string {
  return `"nestjs-iamport-${randomUUID()}"`;
}

function money(value: number, name: string, least: number): number {
  if (!Number.isSafeInteger(value) || value < least)
    throw new TypeError(`${name} must be an integer of at least ${least}`);
  return value;
}

function instant(value: Date, name: string): string {
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    throw new TypeError(`${name} must be a valid Date`);
  return value.toISOString();
}
