import type { SimulatorConfig, WebhookFormat } from './config.js';
import type { FaultRegistry } from './faults.js';
import type { Stats } from './stats.js';
import { Timers } from './timers.js';
import { postWebhook, type DeliveryOutcome } from './webhook-transport.js';

/** What iamport POSTs: `{imp_uid, merchant_uid, status}`, plus cancellation_id on cancellations. */
export interface WebhookPayload {
  imp_uid: string;
  merchant_uid: string;
  status: string;
  cancellation_id?: string;
}

export interface WebhookDelivery {
  id: number;
  /** ISO time of the attempt. */
  at: string;
  url: string;
  format: WebhookFormat;
  body: string;
  payload: WebhookPayload;
  attempt: number;
  /** HTTP status of the answer; null after a network error, a timeout or a drop. */
  status: number | null;
  error?: string;
  dropped?: boolean;
}

const LOG_LIMIT = 10_000;

/** One webhook to one URL, as it goes on the wire. */
interface Job {
  url: string;
  format: WebhookFormat;
  body: string;
  payload: WebhookPayload;
}

export class WebhookSender {
  readonly log: WebhookDelivery[] = [];
  private nextId = 1;
  /** Retries and in-flight requests, stopped by reset() and close(). */
  private readonly timers = new Timers();
  /** Bumped by stop(): an attempt that outlives it records nothing and retries nothing. */
  private generation = 0;

  constructor(
    private readonly config: SimulatorConfig,
    private readonly stats: Stats,
    private readonly faults: FaultRegistry,
    private readonly onDelivery: (delivery: WebhookDelivery) => void = () => {},
  ) {}

  /** What iamport does after a payment event: asynchronous, with the configured retries. */
  notify(noticeUrls: readonly string[], payload: WebhookPayload): void {
    const { webhookUrl, webhookFormat, webhookRetries } = this.config;
    const urls =
      noticeUrls.length > 0 ? noticeUrls : webhookUrl ? [webhookUrl] : [];
    for (const url of urls)
      void this.send(url, payload, webhookFormat, webhookRetries);
  }

  /** One webhook to one URL; resolves with the first attempt (retries run later). */
  send(
    url: string,
    payload: WebhookPayload,
    format: WebhookFormat,
    retries: number,
  ): Promise<WebhookDelivery> {
    const fields = payload as unknown as Record<string, string>;
    const body =
      format === 'json'
        ? JSON.stringify(payload)
        : new URLSearchParams(fields).toString();
    const job: Job = { url, format, body, payload };
    if (this.faults.dropsWebhook()) {
      this.stats.webhooks.dropped++;
      return Promise.resolve(this.record(job, 1, { status: null }, true));
    }
    return this.attempt(job, 1, retries);
  }

  /** Stops pending retries and in-flight deliveries. */
  stop(): void {
    this.generation++;
    this.timers.cancelAll();
  }

  /** stop(), and forget the log. */
  reset(): void {
    this.stop();
    this.log.length = 0;
    this.nextId = 1;
  }

  private async attempt(
    job: Job,
    attempt: number,
    retriesLeft: number,
  ): Promise<WebhookDelivery> {
    const generation = this.generation;
    const { webhookTimeoutMs, webhookRetryDelayMs } = this.config;
    const outcome = await postWebhook(
      job.url,
      job.format,
      job.body,
      webhookTimeoutMs,
      this.timers,
    );
    if (generation !== this.generation)
      return this.delivery(job, attempt, outcome, false);
    this.stats.webhooks.sent++;
    const ok =
      outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
    if (ok) this.stats.webhooks.delivered++;
    else this.stats.webhooks.failed++;
    // iamport retries only after a network error or a 5xx, never after a 4xx.
    const retryable = outcome.status === null || outcome.status >= 500;
    if (retryable && retriesLeft > 0) {
      this.timers.schedule(webhookRetryDelayMs, () => {
        void this.attempt(job, attempt + 1, retriesLeft - 1);
      });
    }
    return this.record(job, attempt, outcome, false);
  }

  private delivery(
    { url, format, body, payload }: Job,
    attempt: number,
    outcome: DeliveryOutcome,
    dropped: boolean,
  ): WebhookDelivery {
    return {
      id: this.nextId++,
      at: new Date().toISOString(),
      url,
      format,
      body,
      payload,
      attempt,
      status: outcome.status,
      ...(outcome.error !== undefined && { error: outcome.error }),
      ...(dropped && { dropped: true }),
    };
  }

  private record(
    job: Job,
    attempt: number,
    outcome: DeliveryOutcome,
    dropped: boolean,
  ): WebhookDelivery {
    const delivery = this.delivery(job, attempt, outcome, dropped);
    this.log.push(delivery);
    if (this.log.length > LOG_LIMIT) this.log.shift();
    this.onDelivery(delivery);
    return delivery;
  }
}
