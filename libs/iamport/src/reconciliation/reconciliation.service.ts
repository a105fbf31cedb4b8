import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { IamportClient, MAX_IDS_PER_BATCH } from '../client/iamport.client.js';
import type { Payment } from '../client/iamport.types.js';
import type { ResolvedIamportOptions } from '../iamport.options.js';
import { IAMPORT_OPTIONS } from '../iamport.tokens.js';
import type {
  IamportReconciliationRepository,
  StaleOrder,
} from '../ports/reconciliation.repository.js';
import { PaymentVerificationService } from '../verification/payment-verification.service.js';
import type {
  ReconcileOptions,
  ReconciliationSummary,
} from './reconciliation-summary.js';
import { messageOf } from '../error-message.js';

// A claim outlives a slow batch; a crashed instance's orders are taken over after it.
const LEASE_MS = 5 * 60_000;

/**
 * Settles orders whose webhook never came (iamport sends it once by default,
 * and not at all on failure): claims stale orders a batch at a time, looks
 * their payments up a hundred per call, and feeds each payment through the
 * same verification as the redirect and the webhook.
 */
@Injectable()
export class ReconciliationService {
  private readonly logger = new Logger('IamportReconciliation');

  constructor(
    private readonly client: IamportClient,
    private readonly verification: PaymentVerificationService,
    @Inject(IAMPORT_OPTIONS) private readonly options: ResolvedIamportOptions,
  ) {}

  async reconcile(run: ReconcileOptions): Promise<ReconciliationSummary> {
    const orders = this.repository();
    const owner = `${process.pid}-${randomUUID()}`;
    const batchSize = Math.min(
      run.batchSize ?? MAX_IDS_PER_BATCH,
      MAX_IDS_PER_BATCH,
    );
    const started = Date.now();
    const runStart = new Date(started);
    const summary: ReconciliationSummary = {
      batch: 0,
      examined: 0,
      lookups: 0,
      changed: 0,
      outcomes: {},
      failed: 0,
      durationMs: 0,
    };
    while (run.maxOrders === undefined || summary.examined < run.maxOrders) {
      const now = new Date();
      const limit = Math.min(
        batchSize,
        (run.maxOrders ?? Infinity) - summary.examined,
      );
      const claimed = await orders.claimStaleOrders({
        createdBefore: new Date(now.getTime() - run.olderThanMs),
        // Orders this run already looked at are not taken again.
        notReconciledSince: runStart,
        limit,
        owner,
        leaseUntil: new Date(now.getTime() + LEASE_MS),
        now,
      });
      if (claimed.length === 0) break;
      summary.batch++;
      const merchantUids = claimed.map((order) => order.merchantUid);
      let settled: string[];
      try {
        settled = await this.settleBatch(
          claimed,
          summary,
          run.concurrency ?? 8,
        );
      } catch (error) {
        // iamport could not be asked: nothing was decided; give the orders back for the next run.
        await orders.releaseClaims(merchantUids, owner);
        throw error;
      }
      await orders.markReconciled(settled, owner, new Date());
      await orders.releaseClaims(
        merchantUids.filter((merchantUid) => !settled.includes(merchantUid)),
        owner,
      );
      summary.examined += claimed.length;
      run.onProgress?.({ ...summary });
      this.logger.log(
        `batch ${summary.batch}: ${summary.examined} orders, ${summary.lookups} lookups, ${summary.changed} changed`,
      );
    }
    summary.durationMs = Date.now() - started;
    return summary;
  }

  /** Returns the merchant_uids that were settled; the others failed and are left for the next run. */
  private async settleBatch(
    claimed: StaleOrder[],
    summary: ReconciliationSummary,
    concurrency: number,
  ): Promise<string[]> {
    // A virtual account waits for its own payment; any other order for its newest payment.
    const byImpUid = claimed.filter(
      (order) => order.status === 'vbank_issued' && order.impUid !== null,
    );
    const byMerchantUid = claimed.filter((order) => !byImpUid.includes(order));
    const lookup = { includeSandbox: true };
    const payments: Payment[] = [];
    if (byImpUid.length > 0) {
      payments.push(
        ...(await this.client.getPayments(
          byImpUid.map((order) => order.impUid!),
          lookup,
        )),
      );
      summary.lookups += Math.ceil(byImpUid.length / MAX_IDS_PER_BATCH);
    }
    if (byMerchantUid.length > 0) {
      payments.push(
        ...(await this.client.getPaymentsByMerchantUids(
          byMerchantUid.map((order) => order.merchantUid),
          lookup,
        )),
      );
      summary.lookups += Math.ceil(byMerchantUid.length / MAX_IDS_PER_BATCH);
    }
    const paymentOf = new Map(
      payments.map((payment) => [payment.merchant_uid, payment]),
    );
    const settled: string[] = [];
    const queue = [...claimed];
    const worker = async () => {
      for (let order = queue.shift(); order; order = queue.shift()) {
        const payment = paymentOf.get(order.merchantUid);
        if (!payment) {
          count(summary, 'no_payment');
          settled.push(order.merchantUid);
          continue;
        }
        try {
          const result = await this.verification.settle(payment, {
            source: 'reconciliation',
          });
          count(summary, result.outcome);
          if (result.changed) summary.changed++;
          settled.push(order.merchantUid);
        } catch (error) {
          summary.failed++;
          this.logger.error(
            `could not settle ${order.merchantUid}: ${messageOf(error)}`,
          );
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
    return settled;
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
