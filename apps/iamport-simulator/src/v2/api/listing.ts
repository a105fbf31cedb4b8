import type { SimContext } from '../../context.js';
import { json } from '../../http/respond.js';
import type { Route, SimRequest } from '../../http/types.js';
import { parseJsonObject } from '../body.js';
import { apiMs } from '../clock.js';
import { invalidRequest } from '../errors.js';
import {
  optionalDateTime,
  optionalFlag,
  optionalInt,
  optionalObject,
  optionalText,
} from '../fields.js';
import {
  isV2PaymentStatus,
  type V2Attempt,
  type V2PaymentStatus,
} from '../payment.js';
import { checkStore, paymentJson } from './payments.js';
import { v2Route } from './route.js';

const NINETY_DAYS_MS = 90 * 24 * 3600 * 1000;
const PAGE_WINDOW = 60_000;
const CURSOR_MAX_SIZE = 1000;

/** List queries come as ?requestBody=<JSON> (the official SDK), or as a body. */
function requestBody({ query, body }: SimRequest): Record<string, unknown> {
  const raw = query.get('requestBody');
  return raw === null ? body : parseJsonObject(raw);
}

/** The filter's `PENDING` reads as the object's `PAY_PENDING` (the two enums differ). */
function statusFilter(value: unknown): Set<V2PaymentStatus> | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value))
    throw invalidRequest('filter.status must be an array');
  return new Set(
    value.map((status) => {
      const read = status === 'PENDING' ? 'PAY_PENDING' : status;
      if (!isV2PaymentStatus(read))
        throw invalidRequest(
          `filter.status: unknown status ${JSON.stringify(status)}`,
        );
      return read;
    }),
  );
}

/** Payments in the filter, newest first by the chosen timestamp. */
function filtered(
  ctx: SimContext,
  filter: Record<string, unknown>,
): V2Attempt[] {
  checkStore(ctx, optionalText(filter, 'storeId'));
  const now = apiMs(ctx);
  const timestampType =
    optionalText(filter, 'timestampType') ?? 'STATUS_CHANGED_AT';
  if (timestampType !== 'CREATED_AT' && timestampType !== 'STATUS_CHANGED_AT')
    throw invalidRequest(
      'filter.timestampType must be CREATED_AT or STATUS_CHANGED_AT',
    );
  const until = optionalDateTime(filter, 'until') ?? now + 1;
  const from = optionalDateTime(filter, 'from') ?? until - NINETY_DAYS_MS;
  const statuses = statusFilter(filter.status);
  const isTest = optionalFlag(filter, 'isTest');
  const currency = optionalText(filter, 'currency');
  const sortOrder = optionalText(filter, 'sortOrder') ?? 'DESC';
  const at = (a: V2Attempt) =>
    timestampType === 'CREATED_AT' ? a.requestedAt : a.statusChangedAt;
  const items = [...ctx.v2.payments.currentAll()].filter(
    (a) =>
      at(a) >= from &&
      at(a) < until &&
      (!statuses || statuses.has(a.status)) &&
      (isTest === undefined || (a.channelType === 'TEST') === isTest) &&
      (currency === undefined || a.currency === currency),
  );
  const direction = sortOrder === 'ASC' ? 1 : -1;
  return items.sort((a, b) => direction * (at(a) - at(b) || a.seq - b.seq));
}

const encodeCursor = (seq: number): string =>
  Buffer.from(`seq:${seq}`).toString('base64url');

function decodeCursor(cursor: string): number {
  const match = /^seq:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw invalidRequest('cursor is not one this API returned');
  return Number(match[1]);
}

/** A payment's place in the cursor order: its first attempt (creation). */
const firstSeq = (ctx: SimContext, paymentId: string): number =>
  ctx.v2.payments.attempts(paymentId)[0].seq;

export const v2ListingRoutes: Route[] = [
  v2Route(
    'GET',
    '/payments',
    (ctx, req) => {
      const query = requestBody(req);
      const page = optionalObject(query, 'page') ?? {};
      const number = optionalInt(page, 'number') ?? 0;
      const size = optionalInt(page, 'size', 1) ?? 10;
      if ((number + 1) * size > PAGE_WINDOW)
        throw invalidRequest(
          `(page.number + 1) * page.size must not exceed ${PAGE_WINDOW}`,
        );
      const items = filtered(ctx, optionalObject(query, 'filter') ?? {}).slice(
        number * size,
        (number + 1) * size,
      );
      return json({
        items: items.map((a) => paymentJson(ctx, a)),
        // "실제 반환된 객체 수" (OAS PageInfo.totalCount): the items in this page.
        page: { number, size, totalCount: items.length },
      });
    },
    true,
    'v2.getPayments',
  ),
  v2Route(
    'GET',
    '/payments-by-cursor',
    (ctx, req) => {
      const query = requestBody(req);
      checkStore(ctx, optionalText(query, 'storeId'));
      const size = optionalInt(query, 'size', 1, CURSOR_MAX_SIZE) ?? 10;
      const now = apiMs(ctx);
      const until = optionalDateTime(query, 'until') ?? now + 1;
      const from = optionalDateTime(query, 'from') ?? until - NINETY_DAYS_MS;
      const cursor = optionalText(query, 'cursor');
      const after = cursor === undefined ? 0 : decodeCursor(cursor);
      const items = [...ctx.v2.payments.currentAll()]
        .map((attempt) => ({ attempt, seq: firstSeq(ctx, attempt.paymentId) }))
        .filter(({ attempt, seq }) => {
          const created = ctx.v2.payments.attempts(attempt.paymentId)[0]
            .requestedAt;
          return seq > after && created >= from && created < until;
        })
        .sort((a, b) => a.seq - b.seq)
        .slice(0, size);
      return json({
        items: items.map(({ attempt, seq }) => ({
          payment: paymentJson(ctx, attempt),
          cursor: encodeCursor(seq),
        })),
      });
    },
    true,
    'v2.getPaymentsByCursor',
  ),
];
