import { type INestApplicationContext, Logger } from '@nestjs/common';
import {
  IamportAuthError,
  IamportClient,
  IamportError,
  type PaymentRecord,
  type ReconciliationSummary,
  ReconciliationService,
} from 'nestjs-iamport';

/**
 * `npm run reconcile [-- --older-than=SECONDS]`: one reconciliation run that
 * prints its progress and a summary, then exits (0, or 1 if some orders could
 * not be settled).
 */
export async function runReconcileCommand(
  app: INestApplicationContext,
  args: string[],
  defaultOlderThanSeconds: number,
  apiUrl: string,
): Promise<number> {
  const logger = new Logger('reconcile');
  const olderThanArgument = args.find((arg) => arg.startsWith('--older-than='));
  const olderThanSeconds = olderThanArgument
    ? Number(olderThanArgument.split('=')[1])
    : defaultOlderThanSeconds;
  if (!Number.isFinite(olderThanSeconds) || olderThanSeconds < 0) {
    logger.error(
      `--older-than must be a number of seconds (got ${olderThanArgument})`,
    );
    return 2;
  }
  const unreachable = await accessProblem(app.get(IamportClient), apiUrl);
  if (unreachable) {
    console.error(unreachable);
    return 1;
  }
  logger.log(`reconciling orders older than ${olderThanSeconds} s`);
  const summary = await app.get(ReconciliationService).reconcile({
    olderThanMs: olderThanSeconds * 1000,
    onProgress: (progress) =>
      console.log(
        `batch ${progress.batch}: ${progress.examined} orders looked at, ${progress.lookups} iamport lookups, ${progress.changed} changed`,
      ),
  });
  console.log(describeSummary(summary));
  const incomplete =
    summary.failed + summary.swept.failed + summary.unaccounted.length;
  return incomplete > 0 ? 1 : 0;
}

/** One line saying why iamport cannot be used, and which variable to change; null when it can. */
async function accessProblem(
  client: IamportClient,
  apiUrl: string,
): Promise<string | null> {
  try {
    await client.checkAccess();
    return null;
  } catch (error) {
    if (!(error instanceof IamportError)) throw error;
    if (error instanceof IamportAuthError)
      return `reconcile: iamport at ${apiUrl} refused the keys: check IAMPORT_IMP_KEY and IAMPORT_IMP_SECRET`;
    return `reconcile: iamport at ${apiUrl} could not be reached (${error.message}): start the shop's simulator (npm start), or set IAMPORT_API_URL`;
  }
}

export function describeSummary(summary: ReconciliationSummary): string {
  const outcomes = Object.entries(summary.outcomes)
    .map(([outcome, count]) => `${outcome} ${count}`)
    .join(', ');
  const payment = (record: PaymentRecord) =>
    `  ${record.impUid} of ${record.merchantUid}: holds ${record.amount - record.cancelledAmount} ${record.currency} (${record.disposition}: ${record.reason})`;
  return [
    `reconciled ${summary.examined} orders in ${summary.batch} batches (${summary.durationMs} ms)`,
    `iamport lookups: ${summary.lookups}`,
    `changed: ${summary.changed}, failed: ${summary.failed}`,
    `outcomes: ${outcomes || 'none'}`,
    `recent payments swept: ${summary.swept.listed} listed, ${summary.swept.verified} verified, ${summary.swept.failed} failed`,
    `flagged for a person: ${summary.flagged.length}`,
    ...summary.flagged.map(payment),
    `unaccounted (holding money, neither settling an order nor flagged): ${summary.unaccounted.length}`,
    ...summary.unaccounted.map(payment),
  ].join('\n');
}
