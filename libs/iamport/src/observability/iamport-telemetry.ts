import {
  type Attributes,
  type BatchObservableCallback,
  type Counter,
  type Histogram,
  type Meter,
  type MeterProvider,
  metrics,
  type ObservableGauge,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
  type TracerProvider,
  ValueType,
} from '@opentelemetry/api';
import type { IamportOperation } from '../client/iamport.errors.js';
import type { OutboxBacklog } from '../ports/outbox.js';
import type { PortOneV2Operation } from '../v2/client/portone-v2.errors.js';
import type { VerificationResult } from '../verification/verification-result.js';
import type { VerificationSource } from '../verification/verification-request.js';
import { OUT_OF_TIME, withinTime } from '../within-time.js';

/**
 * The module's telemetry, through `@opentelemetry/api` only: the meter and the
 * tracer are the global ones (`metrics.getMeter('nestjs-iamport')`,
 * `trace.getTracer('nestjs-iamport')`), so with no OpenTelemetry SDK in the
 * app every instrument is a no-op. They are looked up at each use and
 * recreated when the global provider changed, so an app that registers its
 * provider at start-up (even after the module was loaded) is seen.
 *
 * Nothing here ever records a secret, a token, a header or a body: the
 * attributes are operation names, outcomes, statuses, error class names and,
 * on spans only, a payment's imp_uid and merchant_uid.
 */
export const IAMPORT_TELEMETRY_SCOPE = 'nestjs-iamport';

/** The names of the module's instruments (as the SDK sees them; Prometheus turns dots into `_`). */
export const IAMPORT_METRICS = {
  /** Counter: verifications by `outcome` (a `VerificationOutcome`, or `error` when one threw) and `source`. */
  verifications: 'iamport.verifications',
  /** Counter: order transitions committed, by `from` and `to` status. */
  transitions: 'iamport.transitions',
  /** Counter: refunds asked of iamport by `result`: `made`, `refused`, or `already_refunded` (someone else had). */
  refunds: 'iamport.refunds',
  /** Counter: forged payments (amount or currency not the order's) acted upon, by `source`. */
  forgeries: 'iamport.forgeries',
  /** Counter: reconciliation runs, by `result` (`ok` or `error`). */
  reconciliationRuns: 'iamport.reconciliation.runs',
  /** Counter: orders a reconciliation run looked at, by `result` (`settled` or `failed`). */
  reconciliationOrders: 'iamport.reconciliation.orders',
  /** Counter: lookups reconciliation made (`findAll` of an order, a page of the sweep), by `kind`. */
  reconciliationLookups: 'iamport.reconciliation.lookups',
  /** Histogram, seconds: each iamport call (retries and a token refresh included), by `operation` and `result` (`ok` or the error class name). */
  clientDuration: 'iamport.client.duration',
  /** Gauge: outbox events not yet delivered (with an outbox that implements `backlog()`). */
  outboxBacklog: 'iamport.outbox.backlog',
  /** Gauge, seconds: age of the oldest undelivered outbox event (0 when none). */
  outboxOldestAge: 'iamport.outbox.oldest_age',
} as const;

/** A call the module makes: an iamport (V1) operation, or a PortOne V2 one prefixed `v2.`. */
export type ObservedOperation = IamportOperation | `v2.${PortOneV2Operation}`;

/** The names of the module's spans. */
export const IAMPORT_SPANS = {
  /** Around `PaymentVerificationService.verify`/`settle`. */
  verify: 'iamport.verify',
  /** Around one iamport call: `iamport.getPaymentByImpUid`, `iamport.getToken`, `iamport.v2.getPayment`, … */
  call: (operation: ObservedOperation) => `iamport.${operation}`,
  /** Around the order repository's compare-and-set write (the transition, the record, the outbox event). */
  commit: 'iamport.commit',
  /** Around the handlers of one committed event (the delivery mark follows, outside it). */
  handlers: 'iamport.handlers',
  /** Around the write of a redirect's or a webhook's row to the notification log. */
  notification: 'iamport.notification',
} as const;

/** The steps after the lookup that write to the merchant's database or run the merchant's code. */
export type ObservedStep = 'commit' | 'handlers' | 'notification';

// Histogram buckets for iamport's latency, in seconds: 5 ms to 10 s (a timeout with retries).
const DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

class Instruments {
  readonly verifications: Counter;
  readonly transitions: Counter;
  readonly refunds: Counter;
  readonly forgeries: Counter;
  readonly reconciliationRuns: Counter;
  readonly reconciliationOrders: Counter;
  readonly reconciliationLookups: Counter;
  readonly clientDuration: Histogram;
  readonly outboxBacklog: ObservableGauge;
  readonly outboxOldestAge: ObservableGauge;

  constructor(readonly meter: Meter) {
    const counter = (name: string, description: string) =>
      meter.createCounter(name, {
        description,
        unit: '{count}',
        valueType: ValueType.INT,
      });
    this.verifications = counter(
      IAMPORT_METRICS.verifications,
      'Payments verified, by outcome and source',
    );
    this.transitions = counter(
      IAMPORT_METRICS.transitions,
      'Order transitions committed, by from and to status',
    );
    this.refunds = counter(
      IAMPORT_METRICS.refunds,
      'Refunds of forged or duplicate payments asked of iamport, by result',
    );
    this.forgeries = counter(
      IAMPORT_METRICS.forgeries,
      'Forged payments acted upon (refunded or flagged)',
    );
    this.reconciliationRuns = counter(
      IAMPORT_METRICS.reconciliationRuns,
      'Reconciliation runs, by result',
    );
    this.reconciliationOrders = counter(
      IAMPORT_METRICS.reconciliationOrders,
      'Orders a reconciliation run looked at, by result',
    );
    this.reconciliationLookups = counter(
      IAMPORT_METRICS.reconciliationLookups,
      'iamport lookups made by reconciliation, by kind',
    );
    this.clientDuration = meter.createHistogram(
      IAMPORT_METRICS.clientDuration,
      {
        description:
          'Duration of iamport calls (retries included), by operation and result',
        unit: 's',
        advice: { explicitBucketBoundaries: DURATION_BUCKETS },
      },
    );
    this.outboxBacklog = meter.createObservableGauge(
      IAMPORT_METRICS.outboxBacklog,
      {
        description: 'Outbox events not yet delivered',
        unit: '{event}',
        valueType: ValueType.INT,
      },
    );
    this.outboxOldestAge = meter.createObservableGauge(
      IAMPORT_METRICS.outboxOldestAge,
      {
        description: 'Age of the oldest undelivered outbox event',
        unit: 's',
      },
    );
  }
}

let meterCache: { provider: MeterProvider; instruments: Instruments } | null =
  null;
let tracerCache: { provider: TracerProvider; tracer: Tracer } | null = null;

/** The instruments of the current global meter provider, created at first use. */
function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  if (meterCache?.provider !== provider)
    meterCache = {
      provider,
      instruments: new Instruments(metrics.getMeter(IAMPORT_TELEMETRY_SCOPE)),
    };
  return meterCache.instruments;
}

function tracer(): Tracer {
  const provider = trace.getTracerProvider();
  if (tracerCache?.provider !== provider)
    tracerCache = {
      provider,
      tracer: trace.getTracer(IAMPORT_TELEMETRY_SCOPE),
    };
  return tracerCache.tracer;
}

/** The class name of what was thrown (`IamportTimeoutError`, …): a bounded label, never a message. */
function errorType(error: unknown): string {
  return error instanceof Error ? error.name || 'Error' : 'Error';
}

function failed(span: Span, error: unknown): void {
  span.setAttribute('error.type', errorType(error));
  span.setStatus({
    code: SpanStatusCode.ERROR,
    // IamportError messages carry no secret, token, header or body (see iamport.errors.ts).
    message: error instanceof Error ? error.message.slice(0, 300) : undefined,
  });
}

/** What a verification span knows before it starts. */
export interface VerificationSubject {
  source: VerificationSource;
  impUid?: string | null;
  merchantUid?: string | null;
}

/**
 * Runs one verification inside an `iamport.verify` span and counts its
 * outcome (`error` when it throws). `committed` says whether it wrote
 * something (a transition or a new record): a forgery is counted once, when
 * it is acted upon, not at every repeated notification of it.
 */
export function observeVerification(
  subject: VerificationSubject,
  verify: () => Promise<{ result: VerificationResult; committed: boolean }>,
): Promise<VerificationResult> {
  const attributes: Attributes = { 'iamport.source': subject.source };
  if (subject.impUid) attributes['iamport.imp_uid'] = subject.impUid;
  if (subject.merchantUid)
    attributes['iamport.merchant_uid'] = subject.merchantUid;
  return tracer().startActiveSpan(
    IAMPORT_SPANS.verify,
    { kind: SpanKind.INTERNAL, attributes },
    async (span) => {
      const meters = instruments();
      try {
        const { result, committed } = await verify();
        if (result.impUid) span.setAttribute('iamport.imp_uid', result.impUid);
        if (result.merchantUid)
          span.setAttribute('iamport.merchant_uid', result.merchantUid);
        span.setAttribute('iamport.outcome', result.outcome);
        meters.verifications.add(1, {
          outcome: result.outcome,
          source: subject.source,
        });
        if (
          result.outcome === 'forgery' &&
          (committed || result.refundedAmount > 0)
        )
          meters.forgeries.add(1, { source: subject.source });
        return result;
      } catch (error) {
        span.setAttribute('iamport.outcome', 'error');
        failed(span, error);
        meters.verifications.add(1, {
          outcome: 'error',
          source: subject.source,
          'error.type': errorType(error),
        });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** A committed order transition. */
export function countTransition(from: string, to: string): void {
  instruments().transitions.add(1, { from, to });
}

/** A refund asked of iamport: made, refused, or already made by someone else. */
export function countRefund(
  result: 'made' | 'refused' | 'already_refunded',
): void {
  instruments().refunds.add(1, { result });
}

/** What the transport learns of one call while it runs. */
export interface CallObservation {
  /** The last HTTP status iamport answered, null while none came. */
  httpStatus: number | null;
  /** Attempts after the first one. */
  retries: number;
}

/**
 * Runs one iamport call (all its attempts: retries, and a token refresh
 * after a 401) inside an `iamport.<operation>` client span and records its
 * duration in `iamport.client.duration` (seconds) with `result` `ok` or the
 * error class name. Only the operation, the method, the HTTP status and the
 * number of retries are recorded: never the URL's query, a header or a body.
 */
export function observeCall<T>(
  operation: ObservedOperation,
  method: string,
  send: (seen: CallObservation) => Promise<T>,
): Promise<T> {
  const seen: CallObservation = { httpStatus: null, retries: 0 };
  return tracer().startActiveSpan(
    IAMPORT_SPANS.call(operation),
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'iamport.operation': operation,
        'http.request.method': method,
      },
    },
    async (span) => {
      const startedAt = performance.now();
      let result = 'ok';
      try {
        return await send(seen);
      } catch (error) {
        result = errorType(error);
        failed(span, error);
        throw error;
      } finally {
        if (seen.httpStatus !== null)
          span.setAttribute('http.response.status_code', seen.httpStatus);
        if (seen.retries > 0)
          span.setAttribute('iamport.retries', seen.retries);
        span.end();
        instruments().clientDuration.record(
          (performance.now() - startedAt) / 1000,
          { operation, result },
        );
      }
    },
  );
}

/**
 * Runs one step of a verification that waits on the merchant's side (the
 * database, the handlers) inside an `iamport.commit`, `iamport.handlers` or
 * `iamport.notification` span, so that a trace shows where a request's time
 * went besides the iamport call. `attributes` are ids and kinds only.
 */
export function observeStep<T>(
  step: ObservedStep,
  attributes: Attributes,
  run: () => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(
    IAMPORT_SPANS[step],
    { kind: SpanKind.INTERNAL, attributes },
    async (span) => {
      try {
        return await run();
      } catch (error) {
        failed(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** Reconciliation: a run ended (`ok`) or threw (`error`). */
export function countReconciliationRun(result: 'ok' | 'error'): void {
  instruments().reconciliationRuns.add(1, { result });
}

/** Reconciliation: orders looked at in a batch. */
export function countReconciledOrders(settled: number, failed: number): void {
  const { reconciliationOrders } = instruments();
  if (settled > 0) reconciliationOrders.add(settled, { result: 'settled' });
  if (failed > 0) reconciliationOrders.add(failed, { result: 'failed' });
}

/** Reconciliation: one lookup (`order`: all payments of an order; `sweep`: a page of recent payments). */
export function countReconciliationLookup(kind: 'order' | 'sweep'): void {
  instruments().reconciliationLookups.add(1, { kind });
}

/**
 * Registers the two outbox gauges on the current meter, read from `read`
 * (one query per collection for both; a collection that starts while one is
 * running shares it). The callback never throws: a failed or slow read
 * (over `timeoutMs`) reports nothing for that collection. Returns the function
 * that unregisters them (call it when the app shuts down).
 */
export function observeOutbox(
  read: () => Promise<OutboxBacklog>,
  { timeoutMs = 2000, now = () => Date.now() } = {},
): () => void {
  const meters = instruments();
  let inFlight: Promise<OutboxBacklog | null> | null = null;
  const readOnce = (): Promise<OutboxBacklog | null> =>
    (inFlight ??= withinTime(read(), timeoutMs)
      .then((backlog) => (backlog === OUT_OF_TIME ? null : backlog))
      .catch(() => null)
      .finally(() => {
        inFlight = null;
      }));
  const callback: BatchObservableCallback = async (observer) => {
    const backlog = await readOnce();
    if (!backlog) return;
    observer.observe(meters.outboxBacklog, backlog.count);
    const oldest = backlog.oldestCreatedAt?.getTime();
    observer.observe(
      meters.outboxOldestAge,
      oldest === undefined || Number.isNaN(oldest)
        ? 0
        : Math.max(0, (now() - oldest) / 1000),
    );
  };
  const observables = [meters.outboxBacklog, meters.outboxOldestAge];
  meters.meter.addBatchObservableCallback(callback, observables);
  return () =>
    meters.meter.removeBatchObservableCallback(callback, observables);
}
