// The module's telemetry read through a real OpenTelemetry SDK: the module
// (real client, real HTTP) against the in-process simulator, with an in-memory
// order repository and outbox; metrics collected by a MetricReader, spans by
// an InMemorySpanExporter, both registered as the global providers.
import { metrics, trace } from '@opentelemetry/api';
import {
  DataPointType,
  type Histogram,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  type RunningSimulator,
  startSimulator,
} from '../../../../apps/iamport-simulator/src/index.js';
import { IamportHttpError } from '../client/iamport.errors.js';
import { IamportHealthIndicator } from '../health/iamport.health.js';
import { NotificationRecorder } from '../http/notification-recorder.js';
import { IamportModule } from '../iamport.module.js';
import type {
  IamportOrder,
  IamportOrderRepository,
  VerificationWrite,
} from '../ports/order.repository.js';
import type { IamportOutbox, OutboxBacklog } from '../ports/outbox.js';
import type { PaymentRecord } from '../ports/payment-record.js';
import { PaymentVerificationService } from '../verification/payment-verification.service.js';
import {
  IAMPORT_METRICS,
  IAMPORT_TELEMETRY_SCOPE,
  observeOutbox,
  observeStep,
} from './iamport-telemetry.js';

/** Collects on demand (cumulative), as a Prometheus scrape does. */
class TestReader extends MetricReader {
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/** Orders and payment records in memory; `commit` is a compare-and-set on both versions. */
class InMemoryOrders implements IamportOrderRepository {
  readonly orders = new Map<string, IamportOrder>();
  readonly records = new Map<string, PaymentRecord>();

  add(merchantUid: string, amount: number): void {
    this.orders.set(merchantUid, {
      merchantUid,
      amount,
      currency: 'KRW',
      status: 'pending',
      impUid: null,
      cancelledAmount: 0,
      version: 0,
    });
  }

  findByMerchantUid(merchantUid: string): Promise<IamportOrder | null> {
    const order = this.orders.get(merchantUid);
    return Promise.resolve(order ? { ...order } : null);
  }

  findPaymentRecord(impUid: string): Promise<PaymentRecord | null> {
    const record = this.records.get(impUid);
    return Promise.resolve(record ? { ...record } : null);
  }

  commit({ transition, record }: VerificationWrite): Promise<boolean> {
    const order = transition && this.orders.get(transition.merchantUid);
    const stored = this.records.get(record.impUid);
    if (transition && order?.version !== transition.expectedVersion)
      return Promise.resolve(false);
    if (record.version === 0 ? stored : stored?.version !== record.version)
      return Promise.resolve(false);
    if (transition && order)
      this.orders.set(order.merchantUid, {
        ...order,
        status: transition.to,
        impUid: transition.impUid,
        cancelledAmount: transition.cancelledAmount,
        version: order.version + 1,
      });
    this.records.set(record.impUid, { ...record, version: record.version + 1 });
    return Promise.resolve(true);
  }
}

/** An outbox with nothing in it but a backlog to report, counting its reads. */
class BacklogOutbox implements IamportOutbox {
  reads = 0;
  answer: () => Promise<OutboxBacklog> = () =>
    Promise.resolve({ count: 0, oldestCreatedAt: null });
  claimUndelivered() {
    return Promise.resolve([]);
  }
  markDelivered() {
    return Promise.resolve();
  }
  backlog(): Promise<OutboxBacklog> {
    this.reads++;
    return this.answer();
  }
}

type Point = { attributes: Record<string, unknown>; value: number };

/** The data points of one instrument, by name; a histogram's value is its count. */
function pointsOf(collected: ResourceMetrics, name: string): Point[] {
  const scope = collected.scopeMetrics.find(
    (s) => s.scope.name === IAMPORT_TELEMETRY_SCOPE,
  );
  const metric = scope?.metrics.find((m) => m.descriptor.name === name);
  if (!metric) return [];
  return metric.dataPoints.map((point) => ({
    attributes: point.attributes as Record<string, unknown>,
    value:
      metric.dataPointType === DataPointType.HISTOGRAM
        ? (point.value as Histogram).count
        : (point.value as number),
  }));
}

/** The attributes as one comparable string, whatever their order. */
const keyOf = (attributes: Record<string, unknown>): string =>
  JSON.stringify(
    Object.keys(attributes)
      .sort((a, b) => a.localeCompare(b))
      .map((key) => [key, attributes[key]]),
  );

/** The value of the point with exactly these attributes (0 when none). */
function valueOf(
  collected: ResourceMetrics,
  name: string,
  attributes: Record<string, unknown>,
): number {
  return (
    pointsOf(collected, name).find(
      (point) => keyOf(point.attributes) === keyOf(attributes),
    )?.value ?? 0
  );
}

describe('the module telemetry, read through the OpenTelemetry SDK', () => {
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const spans = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
  });
  const orders = new InMemoryOrders();
  const outbox = new BacklogOutbox();
  let sim: RunningSimulator;
  let moduleRef: TestingModule;
  let verification: PaymentVerificationService;
  let closed = false;

  const control = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<any> => {
    const response = await fetch(`${sim.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.json();
  };
  const collect = async () => {
    const { resourceMetrics, errors } = await reader.collect();
    expect(errors).toEqual([]);
    return resourceMetrics;
  };

  beforeAll(async () => {
    // Set before the module exists, as an app does at start-up.
    metrics.setGlobalMeterProvider(meterProvider);
    trace.setGlobalTracerProvider(tracerProvider);
    sim = await startSimulator({ port: 0 });
    moduleRef = await Test.createTestingModule({
      imports: [
        IamportModule.forRoot({
          impKey: sim.config.impKey,
          impSecret: sim.config.impSecret,
          orderRepository: orders,
          outbox,
          outboxPollIntervalMs: 0,
          routes: { redirect: false, webhook: false },
          apiBaseUrl: sim.url,
          timeoutMs: 1000,
          retryBaseDelayMs: 5,
          retryMaxDelayMs: 20,
        }),
      ],
    }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    verification = moduleRef.get(PaymentVerificationService);
  });

  afterAll(async () => {
    if (!closed) await moduleRef?.close();
    await sim?.close();
    metrics.disable();
    trace.disable();
    await meterProvider.shutdown();
    await tracerProvider.shutdown();
  });

  it('counts a paid, a forged and a failed payment and a verification that failed, and never records the secret or a token', async () => {
    const before = await collect();
    orders.add('tel-paid', 1000);
    orders.add('tel-forged', 1000);
    orders.add('tel-failed', 1000);
    orders.add('tel-error', 1000);
    const paid = await control('POST', '/_sim/payments', {
      merchant_uid: 'tel-paid',
      amount: 1000,
    });
    const forged = await control('POST', '/_sim/payments', {
      merchant_uid: 'tel-forged',
      amount: 10,
    });
    const failed = await control('POST', '/_sim/payments', {
      merchant_uid: 'tel-failed',
      amount: 1000,
      status: 'failed',
    });
    const broken = await control('POST', '/_sim/payments', {
      merchant_uid: 'tel-error',
      amount: 1000,
    });

    await expect(
      verification.verify({ impUid: paid.imp_uid, source: 'webhook' }),
    ).resolves.toMatchObject({ outcome: 'paid' });
    await expect(
      verification.verify({ impUid: forged.imp_uid, source: 'redirect' }),
    ).resolves.toMatchObject({ outcome: 'forgery', refundedAmount: 10 });
    // A repeat of the forged payment's notification: verified again, but the forgery is counted once.
    await expect(
      verification.verify({ impUid: forged.imp_uid, source: 'webhook' }),
    ).resolves.toMatchObject({ outcome: 'forgery', changed: false });
    await expect(
      verification.verify({ impUid: failed.imp_uid, source: 'webhook' }),
    ).resolves.toMatchObject({ outcome: 'failed' });
    // iamport answers 503 to every attempt (the first and both retries).
    await control('POST', '/_sim/faults', {
      kind: 'http_error',
      operation: 'getPaymentByImpUid',
      status: 503,
      times: 3,
    });
    await expect(
      verification.verify({ impUid: broken.imp_uid, source: 'api' }),
    ).rejects.toBeInstanceOf(IamportHttpError);

    const after = await collect();
    const delta = (name: string, attributes: Record<string, unknown>) =>
      valueOf(after, name, attributes) - valueOf(before, name, attributes);

    const v = IAMPORT_METRICS.verifications;
    expect(delta(v, { outcome: 'paid', source: 'webhook' })).toBe(1);
    expect(delta(v, { outcome: 'forgery', source: 'redirect' })).toBe(1);
    expect(delta(v, { outcome: 'forgery', source: 'webhook' })).toBe(1);
    expect(delta(v, { outcome: 'failed', source: 'webhook' })).toBe(1);
    expect(
      delta(v, {
        outcome: 'error',
        source: 'api',
        'error.type': 'IamportHttpError',
      }),
    ).toBe(1);
    const t = IAMPORT_METRICS.transitions;
    expect(delta(t, { from: 'pending', to: 'paid' })).toBe(1);
    expect(delta(t, { from: 'pending', to: 'forgery_cancelled' })).toBe(1);
    expect(delta(t, { from: 'pending', to: 'failed' })).toBe(1);
    expect(delta(IAMPORT_METRICS.refunds, { result: 'made' })).toBe(1);
    expect(delta(IAMPORT_METRICS.refunds, { result: 'refused' })).toBe(0);
    expect(delta(IAMPORT_METRICS.forgeries, { source: 'redirect' })).toBe(1);
    expect(delta(IAMPORT_METRICS.forgeries, { source: 'webhook' })).toBe(0);

    // One duration per call, retries included: 5 lookups (one of them failed after its retries), 1 refund, 1 token.
    const d = IAMPORT_METRICS.clientDuration;
    expect(
      delta(d, { operation: 'getPaymentByImpUid', result: 'ok' }) +
        delta(d, {
          operation: 'getPaymentByImpUid',
          result: 'IamportHttpError',
        }),
    ).toBe(5);
    expect(
      delta(d, { operation: 'getPaymentByImpUid', result: 'IamportHttpError' }),
    ).toBe(1);
    expect(delta(d, { operation: 'cancelPayment', result: 'ok' })).toBe(1);
    expect(delta(d, { operation: 'getToken', result: 'ok' })).toBe(1);
    const histogram = after.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .find((metric) => metric.descriptor.name === d)!;
    expect(histogram.descriptor.unit).toBe('s');

    // Spans: one iamport.verify per verification, with its ids, source and outcome; the failed one an error.
    const finished = spans.getFinishedSpans();
    const verifies = finished.filter((span) => span.name === 'iamport.verify');
    expect(
      verifies.map((span) => [
        span.attributes['iamport.merchant_uid'],
        span.attributes['iamport.source'],
        span.attributes['iamport.outcome'],
        span.status.code,
      ]),
    ).toEqual([
      ['tel-paid', 'webhook', 'paid', 0],
      ['tel-forged', 'redirect', 'forgery', 0],
      ['tel-forged', 'webhook', 'forgery', 0],
      ['tel-failed', 'webhook', 'failed', 0],
      [undefined, 'api', 'error', 2],
    ]);
    expect(verifies[0].attributes['iamport.imp_uid']).toBe(paid.imp_uid);
    const lookups = finished.filter(
      (span) => span.name === 'iamport.getPaymentByImpUid',
    );
    expect(lookups).toHaveLength(5);
    expect(lookups.at(-1)!.attributes).toMatchObject({
      'iamport.operation': 'getPaymentByImpUid',
      'http.request.method': 'GET',
      'http.response.status_code': 503,
      'iamport.retries': 2,
      'error.type': 'IamportHttpError',
    });
    expect(lookups[0].attributes['http.response.status_code']).toBe(200);
    // The steps after a lookup: a commit for each verification that wrote (not the repeat, not
    // the one whose lookup failed), and the handlers of each committed transition.
    expect(
      finished
        .filter((span) => span.name === 'iamport.commit')
        .map((span) => span.attributes['iamport.merchant_uid']),
    ).toEqual(['tel-paid', 'tel-forged', 'tel-failed']);
    expect(
      finished
        .filter((span) => span.name === 'iamport.handlers')
        .map((span) => [
          span.attributes['iamport.event_type'],
          span.attributes['iamport.merchant_uid'],
        ]),
    ).toEqual([
      ['paid', 'tel-paid'],
      ['forgery', 'tel-forged'],
      ['failed', 'tel-failed'],
    ]);
    expect(
      finished.find((span) => span.name === 'iamport.getToken')?.attributes,
    ).toMatchObject({ 'http.response.status_code': 200 });

    // Nothing recorded holds the secret or the token (iamport answers the same token when asked again).
    const token = await control('POST', '/users/getToken', {
      imp_key: sim.config.impKey,
      imp_secret: sim.config.impSecret,
    });
    const accessToken = token.response.access_token as string;
    expect(accessToken.length).toBeGreaterThan(10);
    const recorded = JSON.stringify({
      metrics: after.scopeMetrics.map((scope) =>
        scope.metrics.map((metric) => [
          metric.descriptor,
          metric.dataPoints.map((point) => point.attributes),
        ]),
      ),
      spans: finished.map((span) => [
        span.name,
        span.attributes,
        span.status,
        span.events,
      ]),
    });
    expect(recorded).toContain('tel-paid');
    expect(recorded).not.toContain(sim.config.impSecret);
    expect(recorded).not.toContain(accessToken);
  });

  it('times the notification row in a span of its own, and marks a step that failed as an error', async () => {
    spans.reset();
    await moduleRef.get(NotificationRecorder).recordFailure(
      {
        kind: 'webhook',
        params: { imp_uid: 'imp_000000000001' },
        sourceIp: '127.0.0.1',
      },
      new Error('iamport could not be reached'),
    );
    await expect(
      observeStep('commit', { 'iamport.merchant_uid': 'tel-step' }, () =>
        Promise.reject(new TypeError('database gone')),
      ),
    ).rejects.toThrow('database gone');
    expect(
      spans
        .getFinishedSpans()
        .map((span) => [
          span.name,
          span.attributes,
          span.status.code,
          span.status.message,
        ]),
    ).toEqual([
      [
        'iamport.notification',
        { 'iamport.notification_kind': 'webhook' },
        0,
        undefined,
      ],
      [
        'iamport.commit',
        { 'iamport.merchant_uid': 'tel-step', 'error.type': 'TypeError' },
        2,
        'database gone',
      ],
    ]);
  });

  it('reports the outbox backlog with one read per collection, and nothing when the read fails', async () => {
    const oldest = new Date(Date.now() - 90_000);
    outbox.answer = () =>
      Promise.resolve({ count: 7, oldestCreatedAt: oldest });
    outbox.reads = 0;
    const collected = await collect();
    expect(outbox.reads).toBe(1);
    expect(pointsOf(collected, IAMPORT_METRICS.outboxBacklog)).toEqual([
      { attributes: {}, value: 7 },
    ]);
    const [age] = pointsOf(collected, IAMPORT_METRICS.outboxOldestAge);
    expect(age.value).toBeGreaterThanOrEqual(90);
    expect(age.value).toBeLessThan(120);

    // A read that fails: the collection goes on without an error (the SDK keeps the last value).
    outbox.answer = () => Promise.reject(new Error('database gone'));
    const failing = await reader.collect();
    expect(outbox.reads).toBe(2);
    expect(failing.errors).toEqual([]);
    expect(
      pointsOf(failing.resourceMetrics, IAMPORT_METRICS.verifications).length,
    ).toBeGreaterThan(0);

    // A gauge removed reads no more; the module removes its own when the app shuts down.
    const stop = observeOutbox(() => outbox.backlog());
    stop();
    outbox.reads = 0;
    await moduleRef.close();
    closed = true;
    await collect();
    expect(outbox.reads).toBe(0);
  });

  it('says iamport is up when a token can be had, and down with the reason, never the secret', async () => {
    const fresh = await Test.createTestingModule({
      imports: [
        IamportModule.forRoot({
          impKey: sim.config.impKey,
          impSecret: sim.config.impSecret,
          orderRepository: orders,
          routes: { redirect: false, webhook: false },
          apiBaseUrl: sim.url,
          timeoutMs: 1000,
          retryBaseDelayMs: 5,
          retryMaxDelayMs: 20,
        }),
      ],
    }).compile();
    fresh.useLogger(false);
    try {
      const indicator = fresh.get(IamportHealthIndicator);
      await control('POST', '/_sim/faults', {
        kind: 'http_error',
        operation: 'getToken',
        status: 503,
        times: 3,
      });
      const down = await indicator.isHealthy('payments');
      expect(down).toEqual({
        payments: {
          status: 'down',
          responseTimeMs: expect.any(Number),
          lastError: expect.stringContaining('getToken'),
        },
      });
      expect(JSON.stringify(down)).not.toContain(sim.config.impSecret);
      // Slower than the indicator's timeout: down, with the timeout as the reason.
      await control('POST', '/_sim/faults', {
        kind: 'latency',
        operation: 'getToken',
        latency_ms: 300,
      });
      await expect(
        indicator.isHealthy('iamport', { timeoutMs: 50 }),
      ).resolves.toEqual({
        iamport: {
          status: 'down',
          responseTimeMs: expect.any(Number),
          lastError: 'no token from iamport within 50 ms',
        },
      });
      // The token request it gave up on still ends; then iamport is up.
      await expect(indicator.isHealthy()).resolves.toEqual({
        iamport: { status: 'up', responseTimeMs: expect.any(Number) },
      });
      // A cached token counts: no call to iamport.
      const calls = (await control('GET', '/_sim/stats')).total as number;
      await expect(indicator.isHealthy()).resolves.toMatchObject({
        iamport: { status: 'up' },
      });
      expect((await control('GET', '/_sim/stats')).total).toBe(calls);
    } finally {
      await control('DELETE', '/_sim/faults');
      await fresh.close();
    }
  });
});
