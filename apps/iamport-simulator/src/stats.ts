import {
  API_OPERATIONS,
  BROWSER_OPERATIONS,
  type Operation,
} from './operations.js';

export interface WebhookCounters {
  /** Attempts made (each retry counts). */
  sent: number;
  /** Attempts answered 2xx. */
  delivered: number;
  /** Attempts that got a network error, a timeout or a non-2xx status. */
  failed: number;
  /** Webhooks a drop_webhook fault suppressed. */
  dropped: number;
}

/** Calls per operation; /_sim control calls are not counted. */
export class Stats {
  calls: Record<string, number> = Stats.zeroCalls();
  webhooks: WebhookCounters = { sent: 0, delivered: 0, failed: 0, dropped: 0 };

  private static zeroCalls(): Record<string, number> {
    const calls: Record<string, number> = {};
    for (const name of [...API_OPERATIONS, ...BROWSER_OPERATIONS])
      calls[name] = 0;
    return calls;
  }

  count(operation: Operation): void {
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
  }

  get total(): number {
    let total = 0;
    for (const n of Object.values(this.calls)) total += n;
    return total;
  }

  reset(): void {
    this.calls = Stats.zeroCalls();
    this.webhooks = { sent: 0, delivered: 0, failed: 0, dropped: 0 };
  }
}
