import { randomUUID } from 'node:crypto';
import type { SimulatorConfig } from '../../config.js';
import { Timers } from '../../timers.js';
import { rfc3339, rfc3339Nanos } from '../clock.js';
import type { V2Attempt, V2PaymentWebhook } from '../payment.js';
import { statusForEvent, type BodyVersion } from './events.js';
import { signWebhook } from './signing.js';
import {
  postSignedWebhook,
  type V2DeliveryOutcome,
} from '../../webhook-transport.js';

/** Ways a control call can spoil a delivery; each attempt of the webhook carries it. */
export const SIGNING_FAULTS = ['bad_signature', 'stale_timestamp'] as const;
export type SigningFault = (typeof SIGNING_FAULTS)[number];

/** A stale webhook-timestamp: past the 300 s every verifier tolerates. */
export const STALE_SECONDS = 600;

/** PortOne's retry waits in "minutes" (full jitter), after the first attempt. */
export const RETRY_MINUTES = [1, 4, 16, 64, 256] as const;

/** One webhook (one webhook-id) to one URL; retries and resends reuse it as it is. */
export interface V2WebhookMessage {
  webhookId: string;
  url: string;
  type: string;
  /** The exact bytes sent and signed. */
  body: string;
  paymentId: string;
  transactionId: string;
  fault: SigningFault | null;
  /** The payment's record of it, updated after each attempt. */
  record: V2PaymentWebhook | null;
  /** Settles with the first attempt (retries run later). */
  firstAttempt: Promise<V2WebhookDelivery>;
}

export interface V2WebhookDelivery {
  seq: number;
  /** ISO time of the attempt. */
  at: string;
  webhookId: string;
  url: string;
  type: string;
  body: string;
  headers: Record<string, string>;
  /** 1 for the first attempt of this message, counting retries and resends. */
  attempt: number;
  /** HTTP status of the answer; null after a network error or a timeout. */
  status: number | null;
  error?: string;
  fault?: SigningFault;
  manual?: boolean;
  /** The wait before the next automatic retry, when one is scheduled. */
  retryInMs?: number;
}

export interface EmitOptions {
  urls: readonly string[];
  cancellationId?: string;
  trigger?: V2PaymentWebhook['trigger'];
  fault?: SigningFault | null;
  bodyVersion?: BodyVersion;
  /** Automatic retries; config.v2WebhookRetries by default. */
  retries?: number;
  /** The event time (body `timestamp`); now by default. */
  atMs: number;
}

const LOG_LIMIT = 10_000;

/** What a webhook is about: an attempt, or the ids of a forged one. */
export type WebhookSubject = Pick<
  V2Attempt,
  'paymentId' | 'storeId' | 'transactionId' | 'webhooks'
>;

export function webhookBody(
  type: string,
  attempt: Pick<V2Attempt, 'paymentId' | 'storeId' | 'transactionId'>,
  atMs: number,
  version: BodyVersion,
  cancellationId?: string,
): string {
  if (version === '2024-01-01') {
    return JSON.stringify({
      payment_id: attempt.paymentId,
      tx_id: attempt.transactionId,
      status: type.replace(/^Transaction\./, ''),
    });
  }
  return JSON.stringify({
    type,
    timestamp: rfc3339Nanos(atMs),
    data: {
      paymentId: attempt.paymentId,
      storeId: attempt.storeId,
      transactionId: attempt.transactionId,
      ...(cancellationId !== undefined && { cancellationId }),
    },
  });
}

/**
 * PortOne V2's webhook delivery: Standard Webhooks signatures, the 0/1/4/16/64/256-minute
 * schedule with full jitter (one "minute" = config.v2WebhookRetryUnitMs), a log of attempts.
 */
export class V2WebhookSender {
  readonly log: V2WebhookDelivery[] = [];
  private readonly messages = new Map<string, V2WebhookMessage>();
  private readonly attemptsMade = new Map<string, number>();
  private nextSeq = 1;
  private readonly timers = new Timers();
  /** Bumped by stop(): an attempt that outlives it records nothing and retries nothing. */
  private generation = 0;

  constructor(
    private readonly config: SimulatorConfig,
    private readonly clockMs: () => number,
    private readonly onDelivery: (
      delivery: V2WebhookDelivery,
    ) => void = () => {},
  ) {}

  /** Builds one message per URL, records it on the payment and starts delivering it. */
  emit(
    attempt: WebhookSubject,
    type: string,
    options: EmitOptions,
  ): V2WebhookMessage[] {
    const version = options.bodyVersion ?? '2024-04-25';
    const body = webhookBody(
      type,
      attempt,
      options.atMs,
      version,
      options.cancellationId,
    );
    const retries = options.retries ?? this.config.v2WebhookRetries;
    return options.urls.map((url) => {
      const webhookId = `msg_${randomUUID().replaceAll('-', '')}`;
      const paymentStatus = statusForEvent(type);
      const record: V2PaymentWebhook | null = paymentStatus
        ? {
            id: webhookId,
            url,
            paymentStatus,
            isAsync: true,
            currentExecutionCount: 0,
            maxExecutionCount: retries + 1,
            ...(options.trigger && { trigger: options.trigger }),
            triggeredAt: rfc3339(options.atMs),
          }
        : null;
      if (record) attempt.webhooks.push(record);
      const message = {
        webhookId,
        url,
        type,
        body,
        paymentId: attempt.paymentId,
        transactionId: attempt.transactionId,
        fault: options.fault ?? null,
        record,
      } as V2WebhookMessage;
      this.messages.set(webhookId, message);
      message.firstAttempt = this.attempt(message, retries, false, 0);
      return message;
    });
  }

  message(webhookId: string): V2WebhookMessage | undefined {
    return this.messages.get(webhookId);
  }

  /** One more attempt of a message, now, without automatic retries (resend, duplicate). */
  deliverOnce(
    message: V2WebhookMessage,
    manual: boolean,
  ): Promise<V2WebhookDelivery> {
    return this.attempt(message, 0, manual, 0);
  }

  stop(): void {
    this.generation++;
    this.timers.cancelAll();
  }

  reset(): void {
    this.stop();
    this.log.length = 0;
    this.messages.clear();
    this.attemptsMade.clear();
    this.nextSeq = 1;
  }

  private headersFor(message: V2WebhookMessage): Record<string, string> {
    const now = Math.floor(this.clockMs() / 1000);
    const timestamp =
      message.fault === 'stale_timestamp' ? now - STALE_SECONDS : now;
    const secret =
      message.fault === 'bad_signature'
        ? // Another valid secret: the signature is well-formed and simply wrong.
          `whsec_${Buffer.from('not-the-merchant-webhook-secret!').toString('base64')}`
        : this.config.v2WebhookSecret;
    return {
      'Content-Type': 'application/json',
      'webhook-id': message.webhookId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook(
        secret,
        message.webhookId,
        timestamp,
        message.body,
      ),
    };
  }

  private async attempt(
    message: V2WebhookMessage,
    retriesLeft: number,
    manual: boolean,
    retry: number,
  ): Promise<V2WebhookDelivery> {
    const generation = this.generation;
    const headers = this.headersFor(message);
    const requestedAt = this.clockMs();
    const outcome = await postSignedWebhook(
      message.url,
      headers,
      message.body,
      this.config.v2WebhookTimeoutMs,
      this.timers,
    );
    const attempt = (this.attemptsMade.get(message.webhookId) ?? 0) + 1;
    const delivery: V2WebhookDelivery = {
      seq: this.nextSeq++,
      at: new Date().toISOString(),
      webhookId: message.webhookId,
      url: message.url,
      type: message.type,
      body: message.body,
      headers,
      attempt,
      status: outcome.status,
      ...(outcome.error !== undefined && { error: outcome.error }),
      ...(message.fault && { fault: message.fault }),
      ...(manual && { manual: true }),
    };
    if (generation !== this.generation) return delivery;
    this.attemptsMade.set(message.webhookId, attempt);
    this.updateRecord(message, headers, requestedAt, outcome, manual);
    const ok =
      outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
    if (!ok && retriesLeft > 0) {
      const ceiling =
        RETRY_MINUTES[Math.min(retry, RETRY_MINUTES.length - 1)] *
        this.config.v2WebhookRetryUnitMs;
      const waitMs = Math.floor(Math.random() * ceiling);
      delivery.retryInMs = waitMs;
      this.timers.schedule(waitMs, () => {
        void this.attempt(message, retriesLeft - 1, false, retry + 1);
      });
    }
    this.log.push(delivery);
    if (this.log.length > LOG_LIMIT) this.log.shift();
    this.onDelivery(delivery);
    return delivery;
  }

  private updateRecord(
    message: V2WebhookMessage,
    headers: Record<string, string>,
    requestedAt: number,
    outcome: V2DeliveryOutcome,
    manual: boolean,
  ): void {
    const { record } = message;
    if (!record) return;
    record.currentExecutionCount++;
    if (manual) {
      record.trigger = 'MANUAL';
      record.maxExecutionCount = Math.max(
        record.maxExecutionCount,
        record.currentExecutionCount,
      );
    }
    record.status =
      outcome.status === null
        ? 'FAILED_UNEXPECTED_ERROR'
        : outcome.status >= 200 && outcome.status < 300
          ? 'SUCCEEDED'
          : 'FAILED_NOT_OK_RESPONSE';
    record.request = {
      header: JSON.stringify(headers),
      body: message.body,
      requestedAt: rfc3339(requestedAt),
    };
    if (outcome.status !== null) {
      record.response = {
        code: String(outcome.status),
        header: JSON.stringify(outcome.responseHeaders ?? {}),
        body: outcome.responseBody ?? '',
        respondedAt: rfc3339(this.clockMs()),
      };
    } else delete record.response;
  }
}
