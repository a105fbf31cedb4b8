import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { OrderStatus, PaymentRecord } from 'nestjs-iamport';
import { In, MoreThanOrEqual, type Repository } from 'typeorm';
import { OrderEntity } from '../persistence/order.entity.js';
import { PaymentNotificationEntity } from '../persistence/payment-notification.entity.js';
import { PaymentRecordEntity } from '../persistence/payment-record.entity.js';
import { TypeOrmPaymentLedger } from '../persistence/typeorm-payment-ledger.js';
import {
  amountHeld,
  ATTENTION_KINDS,
  type AttentionCause,
  type AttentionKind,
  causeOf,
  kindOf,
  refusalOf,
} from './attention.js';
import {
  BacklogHistory,
  type BacklogSample,
  BUCKET_MS,
  byOutcome,
  type CallRow,
  type CallSummary,
  dayStarts,
  DAYS_SHOWN,
  hourStarts,
  type OutcomeSeries,
  summarizeCalls,
} from './glance.js';

/** Where the iamport call counts come from (`MetricsService`). */
export const ADMIN_CALL_METRICS = Symbol('ADMIN_CALL_METRICS');
export interface CallMetrics {
  iamportCalls(): Promise<CallRow[]>;
}

/** Where the outbox backlog comes from (`TypeOrmOutbox`). */
export const ADMIN_BACKLOG = Symbol('ADMIN_BACKLOG');
export interface BacklogSource {
  backlog(): Promise<{ count: number; oldestCreatedAt: Date | null }>;
}

/** How many payments each list shows at most. */
export const LIST_LIMIT = 500;
/** How many orders the activity list shows. */
export const ORDERS_SHOWN = 50;
/** The newest notifications the charts read at most. */
const CHART_ROWS = 20_000;
/** How often the outbox backlog is read for its chart. */
const BACKLOG_INTERVAL_MS = 30_000;

/** A payment that needs a person (`GET /admin/api/attention`). */
export interface AttentionItem {
  imp_uid: string;
  merchant_uid: string;
  kind: AttentionKind;
  /** For a refused refund: what it was for; otherwise the kind's own cause. */
  cause: AttentionCause | 'unaccounted';
  /** What the buyer paid and has not got back. */
  amount_held: number;
  amount: number;
  cancelled_amount: number;
  currency: string;
  /** iamport's status, as last seen. */
  status: PaymentRecord['status'];
  disposition: PaymentRecord['disposition'];
  /** Why the module recorded it so. */
  reason: string;
  /** iamport's words when it refused the refund; null otherwise. */
  refund_refused: string | null;
  /** The shop's order of that merchant_uid, or null when it has none. */
  order: { status: OrderStatus; amount: number; currency: string } | null;
  first_seen_at: string | null;
  updated_at: string | null;
}

/** One payment of an order and what was done with it. */
export interface PaymentView {
  imp_uid: string;
  merchant_uid: string;
  amount: number;
  cancelled_amount: number;
  amount_held: number;
  currency: string;
  status: PaymentRecord['status'];
  disposition: PaymentRecord['disposition'];
  reason: string;
  first_seen_at: string;
  updated_at: string;
}

/** A redirect or webhook received for an order. */
export interface NotificationView {
  id: number;
  kind: string;
  received_at: string;
  imp_uid: string | null;
  outcome: string;
  changed: boolean;
  error: string | null;
  source_ip: string | null;
  params: Record<string, unknown> | string;
}

export interface OrderSummary {
  merchant_uid: string;
  name: string;
  amount: number;
  currency: string;
  status: OrderStatus;
  imp_uid: string | null;
  fulfilment: string;
  created_at: string;
  updated_at: string;
  payments: PaymentView[];
}

export interface OrderDetail {
  merchant_uid: string;
  /** Null when the shop has no such order (a payment for it may still exist). */
  order: OrderSummary | null;
  payments: PaymentView[];
  notifications: NotificationView[];
}

export interface Glance {
  now: string;
  hours: OutcomeSeries;
  days: OutcomeSeries;
  /** Whether the charts read only the newest CHART_ROWS notifications. */
  truncated: boolean;
  /** Every payment record by disposition. */
  dispositions: Record<string, number>;
  calls: CallSummary;
  backlog: {
    count: number;
    oldest_created_at: string | null;
    history: Array<{ at: string; count: number; oldest_age_s: number | null }>;
  };
}

/** What the operator's pages and their JSON read: the shop's tables, the call metrics and the outbox. */
@Injectable()
export class AdminData implements OnModuleDestroy {
  private readonly logger = new Logger('Admin');
  private readonly history = new BacklogHistory();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ledger: TypeOrmPaymentLedger,
    @InjectRepository(OrderEntity)
    private readonly orders: Repository<OrderEntity>,
    @InjectRepository(PaymentRecordEntity)
    private readonly records: Repository<PaymentRecordEntity>,
    @InjectRepository(PaymentNotificationEntity)
    private readonly notifications: Repository<PaymentNotificationEntity>,
    @Inject(ADMIN_CALL_METRICS) private readonly metrics: CallMetrics,
    @Inject(ADMIN_BACKLOG) private readonly outbox: BacklogSource,
  ) {}

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * The backlog's chart needs readings over time: from the first look at the
   * charts on, the backlog is read every 30 s (a timer that never keeps the
   * process alive), so a shop whose operator never looks reads nothing.
   */
  private startSampling(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.sampleBacklog().catch((error: unknown) =>
        this.logger.debug(`outbox backlog not read: ${String(error)}`),
      );
    }, BACKLOG_INTERVAL_MS);
    this.timer.unref();
  }

  /** Every payment that needs a person: flagged ones, then those the records cannot account for. */
  async attention(): Promise<AttentionItem[]> {
    const [flagged, unaccounted] = await Promise.all([
      this.ledger.findFlagged(LIST_LIMIT),
      this.ledger.findUnaccounted(LIST_LIMIT),
    ]);
    const all = [...flagged, ...unaccounted];
    if (all.length === 0) return [];
    const [stored, orders] = await Promise.all([
      this.records.findBy({ impUid: In(all.map((record) => record.impUid)) }),
      this.orders.findBy({
        merchantUid: In([...new Set(all.map((record) => record.merchantUid))]),
      }),
    ]);
    const storedBy = new Map(stored.map((record) => [record.impUid, record]));
    const orderBy = new Map(orders.map((order) => [order.merchantUid, order]));
    const items = all.map((record): AttentionItem => {
      const kind = kindOf(record);
      const entity = storedBy.get(record.impUid);
      // A repository that matches loosely (MariaDB's collations) is not trusted: the exact merchant_uid only.
      const order = orderBy.get(record.merchantUid);
      return {
        imp_uid: record.impUid,
        merchant_uid: record.merchantUid,
        kind,
        cause: kind === 'unaccounted' ? 'unaccounted' : causeOf(record.reason),
        amount_held: amountHeld(record),
        amount: record.amount,
        cancelled_amount: record.cancelledAmount,
        currency: record.currency,
        status: record.status,
        disposition: record.disposition,
        reason: record.reason,
        refund_refused: refusalOf(record.reason),
        order: order
          ? {
              status: order.status,
              amount: order.amount,
              currency: order.currency,
            }
          : null,
        first_seen_at: iso(entity?.createdAt ?? null),
        updated_at: iso(entity?.updatedAt ?? null),
      };
    });
    const rank = (item: AttentionItem) => ATTENTION_KINDS.indexOf(item.kind);
    return items.sort(
      (a, b) =>
        rank(a) - rank(b) ||
        (b.updated_at ?? '').localeCompare(a.updated_at ?? ''),
    );
  }

  /** The newest orders (of one status, when given), with their payments. */
  async recentOrders(
    status: OrderStatus | null,
    limit = ORDERS_SHOWN,
  ): Promise<OrderSummary[]> {
    const orders = await this.orders.find({
      where: status ? { status } : {},
      order: { id: 'DESC' },
      take: limit,
    });
    const payments = await this.paymentsOf(
      orders.map((order) => order.merchantUid),
    );
    return orders.map((order) => summaryOf(order, payments));
  }

  /** One order (or, when the shop has none, what arrived for its merchant_uid); null when nothing is known of it. */
  async order(merchantUid: string): Promise<OrderDetail | null> {
    const [order, payments, notifications] = await Promise.all([
      this.orders.findOneBy({ merchantUid }),
      this.paymentsOf([merchantUid]),
      this.notifications.find({
        where: { merchantUid },
        order: { id: 'ASC' },
        take: LIST_LIMIT,
      }),
    ]);
    const own = order?.merchantUid === merchantUid ? order : null;
    const exact = notifications.filter(
      (notification) => notification.merchantUid === merchantUid,
    );
    if (own === null && payments.length === 0 && exact.length === 0)
      return null;
    return {
      merchant_uid: merchantUid,
      order: own && summaryOf(own, payments),
      payments,
      notifications: exact.map(notificationView),
    };
  }

  /** The payments of one order, for scripts; null when the shop has no such order. */
  async paymentsOfOrder(merchantUid: string): Promise<PaymentView[] | null> {
    const order = await this.orders.findOneBy({ merchantUid });
    if (order?.merchantUid !== merchantUid) return null;
    return this.paymentsOf([merchantUid]);
  }

  /** What the charts draw. */
  async glance(now = new Date()): Promise<Glance> {
    this.startSampling();
    const hours = hourStarts(now);
    const days = dayStarts(now);
    const since = days[0] < hours[0] ? days[0] : hours[0];
    const [points, dispositions, calls, backlog] = await Promise.all([
      this.notifications.find({
        select: { id: true, impUid: true, outcome: true, receivedAt: true },
        where: { receivedAt: MoreThanOrEqual(since) },
        order: { id: 'DESC' },
        take: CHART_ROWS,
      }),
      this.records
        .createQueryBuilder('p')
        .select('p.disposition', 'disposition')
        .addSelect('COUNT(*)', 'count')
        .groupBy('p.disposition')
        .getRawMany<{ disposition: string; count: number | string }>(),
      this.metrics.iamportCalls(),
      this.sampleBacklog(now),
    ]);
    const history = this.history.list();
    return {
      now: now.toISOString(),
      hours: byOutcome(points, hours, BUCKET_MS.hour),
      days: byOutcome(points, days, BUCKET_MS.day),
      truncated: points.length >= CHART_ROWS,
      dispositions: Object.fromEntries(
        dispositions.map((row) => [row.disposition, Number(row.count)]),
      ),
      calls: summarizeCalls(calls),
      backlog: {
        count: backlog.count,
        oldest_created_at: iso(backlog.oldestCreatedAt),
        history: history.map((sample) => ({
          at: sample.at.toISOString(),
          count: sample.count,
          oldest_age_s:
            sample.oldestCreatedAt === null
              ? null
              : Math.max(
                  0,
                  Math.round(
                    (sample.at.getTime() - sample.oldestCreatedAt.getTime()) /
                      1000,
                  ),
                ),
        })),
      },
    };
  }

  private async sampleBacklog(now = new Date()): Promise<BacklogSample> {
    const { count, oldestCreatedAt } = await this.outbox.backlog();
    const sample = { at: now, count, oldestCreatedAt };
    this.history.add(sample);
    return sample;
  }

  private async paymentsOf(merchantUids: string[]): Promise<PaymentView[]> {
    if (merchantUids.length === 0) return [];
    const wanted = new Set(merchantUids);
    const records = await this.records.find({
      where: { merchantUid: In(merchantUids) },
      order: { createdAt: 'ASC' },
    });
    return records
      .filter((record) => wanted.has(record.merchantUid))
      .map(paymentView);
  }
}

/** Days the charts cover, for the page's wording. */
export const CHART_DAYS = DAYS_SHOWN;

function summaryOf(order: OrderEntity, payments: PaymentView[]): OrderSummary {
  return {
    merchant_uid: order.merchantUid,
    name: order.name,
    amount: order.amount,
    currency: order.currency,
    status: order.status,
    imp_uid: order.impUid,
    fulfilment: order.fulfilment,
    created_at: iso(order.createdAt) ?? '',
    updated_at: iso(order.updatedAt) ?? '',
    payments: payments.filter(
      (payment) => payment.merchant_uid === order.merchantUid,
    ),
  };
}

function paymentView(record: PaymentRecordEntity): PaymentView {
  return {
    imp_uid: record.impUid,
    merchant_uid: record.merchantUid,
    amount: record.amount,
    cancelled_amount: record.cancelledAmount,
    amount_held: amountHeld(record),
    currency: record.currency,
    status: record.status,
    disposition: record.disposition,
    reason: record.reason,
    first_seen_at: iso(record.createdAt) ?? '',
    updated_at: iso(record.updatedAt) ?? '',
  };
}

function notificationView(
  notification: PaymentNotificationEntity,
): NotificationView {
  let params: Record<string, unknown> | string;
  try {
    params = JSON.parse(notification.params) as Record<string, unknown>;
  } catch {
    params = notification.params;
  }
  return {
    id: notification.id,
    kind: notification.kind,
    received_at: iso(notification.receivedAt) ?? '',
    imp_uid: notification.impUid,
    outcome: notification.outcome,
    changed: notification.changed,
    error: notification.error,
    source_ip: notification.sourceIp,
    params,
  };
}

function iso(date: Date | null): string | null {
  if (date === null) return null;
  const moment = new Date(date);
  return Number.isNaN(moment.getTime()) ? null : moment.toISOString();
}
