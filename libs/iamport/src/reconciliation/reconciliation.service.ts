import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { IamportClient } from '../client/iamport.client.js';
import type { Payment, PaymentStatus } from '../client/iamport.types.js';
import { messageOf } from '../error-message.js';
import type { ResolvedIamportOptions } from '../iamport.options.js';
import {
  countReconciledOrders,
  countReconciliationLookup,
  countReconciliationRun,
} from '../observability/iamport-telemetry.js';
import { IAMPORT_OPTIONS } from '../iamport.tokens.js';
import { OPEN_STATUSES } from '../ports/order-status.js';
import type {
  IamportReconciliationRepository,
  StaleOrder,
} from '../ports/reconciliation.repository.js';
import { fromIamport } from '../verification/iamport-payment.adapter.js';
import { PaymentVerificationService } from '../verification/payment-verification.service.js';
import type { PortOnePayment } from '../verification/portone-payment.js';
import { PortOneV2Client } from '../v2/client/portone-v2.client.js';
import type { PortOneV2PaymentFilterStatus } from '../v2/client/portone-v2.types.js';
import { fromPortOneV2 } from '../v2/portone-v2-payment.adapter.js';
import { PortOneV2VerificationService } from '../v2/portone-v2-verification.service.js';
import { inPool } from './in-pool.js';
import type {
  ReconcileOptions,
  ReconciliationSummary,
} from './reconciliation-summary.js';
import { retryAfter } from './retry-after.js';

// A claim outlives a slow batch; a crashed instance's orders are taken over after it.
const LEASE_MS = 5 * 60_000;
const DAY_MS = 86_400_000;
// iamport's largest page.
const PAGE = 1000;
// What the sweep lists: every payment that holds (or held) money, by the time of its status.
const SWEPT: readonly PaymentStatus[] = ['paid', 'cancelled'];
// The same for V2, which names a partial refund apart.
const SWEPT_V2: PortOneV2PaymentFilterStatus[] = [
  'PAID',
  'PARTIAL_CANCELLED',
  'CANCELLED',
];

/** A run's options with the documented defaults filled in. */
type Run = ReconcileOptions &
  Required<
    Pick<
      ReconcileOptions,
      | 'horizonMs'
      | 'sweepWindowMs'
      | 'batchSize'
      | 'concurrency'
      | 'retryBaseMs'
    >
  >;

function withDefaults(options: ReconcileOptions): Run {
  return {
    ...options,
    horizonMs: options.horizonMs ?? 7 * DAY_MS,
    sweepWindowMs: options.sweepWindowMs ?? 2 * DAY_MS,
    batchSize: options.batchSize ?? 100,
    concurrency: options.concurrency ?? 8,
    retryBaseMs: options.retryBaseMs ?? 60_000,
  };
}

/**
 * Settles what webhooks did not (iamport sends one once by default, and none
 * on failure). A run ends: it claims each open order at most once, looks at
 * **all** payments of its merchant_uid, and feeds each through the same
 * verification as the redirect and the webhook; then it sweeps iamport's
 * recently paid and cancelled payments, which also finds payments of settled
 * orders refunded since and payments for orders the shop does not know.
 * An order that fails (in either part) is backed off, not retried in the run.
 */
@Injectable()
export class ReconciliationService {
  private readonly logger = new Logger('IamportReconciliation');

  constructor(
    private readonly client: IamportClient,
    private readonly verification: PaymentVerificationService,
    @Inject(IAMPORT_OPTIONS) private readonly options: ResolvedIamportOptions,
    @Optional() private readonly v2Client?: PortOneV2Client,
    @Optional() private readonly v2Verification?: PortOneV2VerificationService,
  ) {}

  async reconcile(options: ReconcileOptions): Promise<ReconciliationSummary> {
    const run = withDefaults(options);
    const started = Date.now();
    const summary: ReconciliationSummary = {
      batch: 0,
      examined: 0,
      lookups: 0,
      v2Lookups: 0,
      changed: 0,
      outcomes: {},
      failed: 0,
      swept: { listed: 0, verified: 0, failed: 0 },
      unaccounted: [],
      flagged: [],
      durationMs: 0,
    };
    const owner = `${process.pid}-${randomUUID()}`;
    try {
      const failed = await this.reconcileOrders(run, summary, owner);
      await this.sweep(run, summary, owner, failed);
      await this.sweepV2(run, summary, owner, failed);
      const ledger = this.options.paymentLedger;
      if (ledger) {
        summary.unaccounted = await ledger.findUnaccounted(100);
        summary.flagged = await ledger.findFlagged(100);
      }
    } catch (error) {
      // Stryker disable next-line all: telemetry, proved by test/sample/operations.e2e-spec.ts
      countReconciliationRun('error');
      throw error;
    }
    // Stryker disable next-line all: telemetry, proved by test/sample/operations.e2e-spec.ts
    countReconciliationRun('ok');
    summary.durationMs = Date.now() - started;
    return summary;
  }

  /** Returns the merchant_uids it could not settle: the sweep does not try them again in this run. */
  private async reconcileOrders(
    run: Run,
    summary: ReconciliationSummary,
    owner: string,
  ): Promise<Set<string>> {
    const orders = this.repository();
    const runStart = new Date();
    const failedOrders = new Set<string>();
    while (run.maxOrders === undefined || summary.examined < run.maxOrders) {
      const now = new Date();
      const claimed = await orders.claimStaleOrders({
        statuses: OPEN_STATUSES,
        createdBefore: new Date(now.getTime() - run.olderThanMs),
        createdAfter: new Date(now.getTime() - run.horizonMs),
        notReconciledSince: runStart,
        now,
        limit: Math.min(
          Math.max(1, run.batchSize),
          (run.maxOrders ?? Infinity) - summary.examined,
        ),
        owner,
        leaseUntil: new Date(now.getTime() + LEASE_MS),
      });
      if (claimed.length === 0) break;
      summary.batch++;
      const settled: string[] = [];
      const failed: StaleOrder[] = [];
      await inPool(claimed, run.concurrency, async (order) => {
        try {
          await this.settleOrder(order.merchantUid, summary);
          settled.push(order.merchantUid);
        } catch (error) {
          failed.push(order);
          failedOrders.add(order.merchantUid);
          this.logger.error(
            `could not settle ${order.merchantUid}: ${messageOf(error)}`,
          );
        }
      });
      const attemptedAt = new Date();
      await orders.markReconciled(settled, owner, attemptedAt);
      await orders.markFailed(
        failed.map((order) => ({
          merchantUid: order.merchantUid,
          retryAfter: retryAfter(
            attemptedAt,
            order.failures + 1,
            run.retryBaseMs,
          ),
        })),
        owner,
        attemptedAt,
      );
      summary.examined += claimed.length;
      summary.failed += failed.length;
      // Stryker disable next-line all: telemetry, proved by test/sample/operations.e2e-spec.ts
      countReconciledOrders(settled.length, failed.length);
      run.onProgress?.({ ...summary });
      this.logger.log(
        `batch ${summary.batch}: ${summary.examined} orders, ${summary.lookups} lookups, ${summary.changed} changed`,
      );
    }
    return failedOrders;
  }

  /** Every payment of the order, oldest first, as the webhooks would have come. */
  private async settleOrder(
    merchantUid: string,
    summary: ReconciliationSummary,
  ): Promise<void> {
    const payments: Payment[] = [];
    for (let page = this.options.v1 ? 1 : 0; page > 0;) {
      const found = await this.client.getAllPaymentsByMerchantUid(merchantUid, {
        includeSandbox: true,
        page,
        limit: PAGE,
        sorting: 'started',
      });
      summary.lookups++;
      // Stryker disable next-line all: telemetry, proved by test/sample/operations.e2e-spec.ts
      countReconciliationLookup('order');
      payments.push(...found.list);
      page = found.next > page ? found.next : 0;
    }
    // Stable: payments started in the same second keep iamport's (ascending) order.
    payments.sort((a, b) => a.started_at - b.started_at);
    for (const payment of payments)
      await this.settle(fromIamport(payment), summary);
    // The order may have been paid through V2 instead (its paymentId is the merchant_uid): PortOne
    // answers the paymentId's current attempt, the paid one when one is paid.
    const v2 = this.v2();
    let paidThroughV2 = false;
    if (v2) {
      const result = await v2.verification.verifyV2({
        paymentId: merchantUid,
        source: 'reconciliation',
      });
      summary.v2Lookups++;
      if (result.payment) {
        paidThroughV2 = true;
        count(summary, result.outcome);
        if (result.changed) summary.changed++;
      }
    }
    if (payments.length === 0 && !paidThroughV2) count(summary, 'no_payment');
  }

  /** V2's verification and client, when the module has `v2` options. */
  private v2(): {
    verification: PortOneV2VerificationService;
    client: PortOneV2Client;
  } | null {
    const { v2Verification: verification, v2Client: client } = this;
    return verification?.configured && client ? { verification, client } : null;
  }

  /**
   * V2's payments paid or refunded within the window, as the V1 sweep does
   * with iamport's: a webhook PortOne gave up on, a refund in the console, a
   * payment of an order the shop does not know.
   */
  private async sweepV2(
    run: Run,
    summary: ReconciliationSummary,
    owner: string,
    failedOrders: Set<string>,
  ): Promise<void> {
    const v2 = this.v2();
    const windowMs = Math.min(run.sweepWindowMs, 90 * DAY_MS);
    if (!v2 || windowMs <= 0) return;
    const until = new Date();
    const from = new Date(until.getTime() - windowMs);
    for (let page = 0; ; page++) {
      let found;
      try {
        found = await v2.client.listPayments({
          from,
          until,
          pageNumber: page,
          pageSize: PAGE,
          statuses: SWEPT_V2,
        });
      } catch (error) {
        summary.swept.failed++;
        this.logger.error(`could not list V2 payments: ${messageOf(error)}`);
        return;
      }
      summary.v2Lookups++;
      summary.swept.listed += found.items.length;
      const due = await this.toSweep(
        found.items.map((payment) => fromPortOneV2(payment)),
        failedOrders,
      );
      const failed = new Set<string>();
      await inPool(due, run.concurrency, async (payment) => {
        try {
          const result = await v2.verification.settle(payment, {
            source: 'reconciliation',
          });
          count(summary, result.outcome);
          if (result.changed) summary.changed++;
          summary.swept.verified++;
        } catch (error) {
          summary.swept.failed++;
          failed.add(payment.merchantUid);
          this.logger.error(
            `could not settle V2 ${payment.impUid} of ${payment.merchantUid}: ${messageOf(error)}`,
          );
        }
      });
      for (const merchantUid of failed) failedOrders.add(merchantUid);
      await this.repository().markFailed(
        [...failed].map((merchantUid) => ({
          merchantUid,
          retryAfter: retryAfter(new Date(), 1, run.retryBaseMs),
        })),
        owner,
        new Date(),
      );
      // A short page is the last (`totalCount` is the number returned, not a grand total). Past
      // the 60,000 PortOne lists of one query, the client refuses: counted as a failed listing.
      if (found.items.length < PAGE) return;
    }
  }

  /**
   * iamport's payments paid or cancelled within the window. Passed over: those
   * recorded as they are now, and those of orders that failed in this run or
   * wait out a backoff (a failing order is tried once per run).
   */
  private async sweep(
    run: Run,
    summary: ReconciliationSummary,
    owner: string,
    failedOrders: Set<string>,
  ): Promise<void> {
    const windowMs = Math.min(run.sweepWindowMs, 90 * DAY_MS);
    if (windowMs <= 0 || !this.options.v1) return;
    const from = Math.floor((Date.now() - windowMs) / 1000);
    for (const status of SWEPT) {
      for (let page = 1; page > 0;) {
        let found;
        try {
          found = await this.client.getPaymentsByStatus(status, {
            from,
            page,
            limit: PAGE,
          });
        } catch (error) {
          summary.swept.failed++;
          this.logger.error(
            `could not list ${status} payments: ${messageOf(error)}`,
          );
          break;
        }
        summary.lookups++;
        // Stryker disable next-line all: telemetry, proved by test/sample/operations.e2e-spec.ts
        countReconciliationLookup('sweep');
        summary.swept.listed += found.list.length;
        const due = await this.toSweep(
          found.list.map((payment) => fromIamport(payment)),
          failedOrders,
        );
        const failed = new Set<string>();
        await inPool(due, run.concurrency, async (payment) => {
          try {
            await this.settle(payment, summary);
            summary.swept.verified++;
          } catch (error) {
            summary.swept.failed++;
            failed.add(payment.merchantUid);
            this.logger.error(
              `could not settle ${payment.impUid} of ${payment.merchantUid}: ${messageOf(error)}`,
            );
          }
        });
        // A failed order is not tried again in this run; one whose payment was settled still has
        // its other payments verified (a refund of the payment that settles it may be on the next list).
        for (const merchantUid of failed) failedOrders.add(merchantUid);
        // Backed off like a failed order (a payment of an order the shop does not know is simply tried next run).
        const now = new Date();
        await this.repository().markFailed(
          [...failed].map((merchantUid) => ({
            merchantUid,
            retryAfter: retryAfter(now, 1, run.retryBaseMs),
          })),
          owner,
          now,
        );
        page = found.next > page ? found.next : 0;
      }
    }
  }

  private async settle(
    payment: PortOnePayment,
    summary: ReconciliationSummary,
  ): Promise<void> {
    const result = await this.verification.settle(payment, {
      source: 'reconciliation',
    });
    count(summary, result.outcome);
    if (result.changed) summary.changed++;
  }

  /** What the sweep verifies of a listed page; without a ledger every one not passed over (idempotent, only slower). */
  private async toSweep(
    listed: PortOnePayment[],
    failedOrders: ReadonlySet<string>,
  ): Promise<PortOnePayment[]> {
    const fresh = listed.filter(
      (payment) => !failedOrders.has(payment.merchantUid),
    );
    if (fresh.length === 0) return [];
    const backedOff = new Set(
      await this.repository().findBackedOff(
        [...new Set(fresh.map((payment) => payment.merchantUid))],
        new Date(),
      ),
    );
    const payments = fresh.filter(
      (payment) => !backedOff.has(payment.merchantUid),
    );
    const ledger = this.options.paymentLedger;
    if (!ledger || payments.length === 0) return payments;
    const records = new Map(
      (
        await ledger.findByImpUids(payments.map((payment) => payment.impUid))
      ).map((record) => [record.impUid, record]),
    );
    return payments.filter((payment) => {
      const record = records.get(payment.impUid);
      return !(
        record &&
        record.status === payment.status &&
        record.cancelledAmount === payment.cancelledAmount
      );
    });
  }

  private repository(): IamportReconciliationRepository {
    const repository = this.options.reconciliationRepository;
    if (!repository)
      throw new Error(
        'reconciliation needs the reconciliationRepository option of IamportModule',
      );
    return repository;
  }
}

function count(
  summary: ReconciliationSummary,
  outcome: keyof ReconciliationSummary['outcomes'],
): void {
  summary.outcomes[outcome] = (summary.outcomes[outcome] ?? 0) + 1;
}
