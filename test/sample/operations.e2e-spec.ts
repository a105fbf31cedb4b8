// Operating the shop: /health, /health/ready and /metrics of the real sample
// app (its own simulator, a fresh database), with real payments in between.
// The metrics are process-wide (one OpenTelemetry provider per process, and
// this file starts several apps), so every count is read as the difference
// between a scrape before and a scrape after.
import { MetricsService } from '../../apps/sample/src/metrics/metrics.service.js';
import { OutboxEventEntity } from '../../apps/sample/src/persistence/outbox-event.entity.js';
import {
  readAnswer,
  type SampleApp,
  startSampleApp,
} from '../support/sample-app.fixture.js';
import { freshDatabase } from '../support/databases.js';
import { ReconciliationService } from 'nestjs-iamport';
import { IsNull } from 'typeorm';
import { completeAsJson, postWebhook, TARGETS, useShop } from './shop.js';

/** One Prometheus sample: the series' name, its labels and its value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (0.0.4). */
function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(
      /(\w+)="((?:[^"\\]|\\.)*)"/g,
    ))
      labels[key] = value.replace(/\\(.)/g, (_, c: string) =>
        c === 'n' ? '\n' : c,
      );
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** `GET /metrics`, checked to be Prometheus text. */
async function scrape(shop: SampleApp): Promise<Sample[]> {
  const answer = await readAnswer<string>(await fetch(`${shop.url}/metrics`));
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
  return parsePrometheus(answer.body);
}

/** The sum of the samples of `name` whose labels include `labels`. */
function sum(
  samples: Sample[],
  name: string,
  labels: Record<string, string> = {},
): number {
  return samples
    .filter(
      (sample) =>
        sample.name === name &&
        Object.entries(labels).every(
          ([key, value]) => sample.labels[key] === value,
        ),
    )
    .reduce((total, sample) => total + sample.value, 0);
}

describe.each(TARGETS)('operating the shop on %s with %s', (kind, adapter) => {
  const shop = useShop(kind, adapter);

  it('GET /health: alive, in terminus’ shape', async () => {
    const answer = await readAnswer(await fetch(`${shop.current.url}/health`));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      status: 'ok',
      info: {},
      error: {},
      details: {},
    });
    expect(answer.headers.get('cache-control')).toContain('no-store');
  });

  it('GET /health/ready: the database and iamport are up', async () => {
    const answer = await readAnswer(
      await fetch(`${shop.current.url}/health/ready`),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      status: 'ok',
      info: {
        database: { status: 'up', responseTime: expect.any(Number) },
        iamport: { status: 'up', responseTimeMs: expect.any(Number) },
      },
      error: {},
      details: {
        database: { status: 'up', responseTime: expect.any(Number) },
        iamport: { status: 'up', responseTimeMs: expect.any(Number) },
      },
    });
  });

  it('GET /metrics counts a paid, a forged and a failed payment: verifications by outcome and source, transitions, the refund, the forgery, iamport calls', async () => {
    const sim = shop.current.sim;
    const paidOrder = await shop.current.createOrder({ amount: 12_000 });
    const forgedOrder = await shop.current.createOrder({ amount: 12_000 });
    const failedOrder = await shop.current.createOrder({ amount: 12_000 });
    const paid = await sim.createPayment({
      merchant_uid: paidOrder.merchant_uid,
      amount: 12_000,
    });
    const forged = await sim.createPayment({
      merchant_uid: forgedOrder.merchant_uid,
      amount: 120,
    });
    const failed = await sim.createPayment({
      merchant_uid: failedOrder.merchant_uid,
      amount: 12_000,
      status: 'failed',
    });
    const lookupsBefore = await sim.calls('getPaymentByImpUid');
    const before = await scrape(shop.current);

    // paid: the webhook settles it, then the buyer's redirect finds it settled.
    const paidQuery = {
      imp_uid: paid.imp_uid,
      merchant_uid: paidOrder.merchant_uid,
    };
    expect(
      (await postWebhook(shop.current, { ...paidQuery, status: 'paid' })).body,
    ).toMatchObject({ outcome: 'paid' });
    expect((await completeAsJson(shop.current, paidQuery)).body).toMatchObject({
      outcome: 'paid',
    });
    // forged: refunded once; its webhook again changes nothing.
    const forgedBody = {
      imp_uid: forged.imp_uid,
      merchant_uid: forgedOrder.merchant_uid,
      status: 'paid',
    };
    expect((await postWebhook(shop.current, forgedBody)).body).toMatchObject({
      outcome: 'forgery',
    });
    expect((await postWebhook(shop.current, forgedBody)).body).toMatchObject({
      outcome: 'forgery',
    });
    // failed: the redirect of a declined payment.
    expect(
      (
        await completeAsJson(shop.current, {
          imp_uid: failed.imp_uid,
          merchant_uid: failedOrder.merchant_uid,
        })
      ).body,
    ).toMatchObject({ outcome: 'failed' });

    const after = await scrape(shop.current);
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sum(after, name, labels) - sum(before, name, labels);
    const verifications = 'iamport_verifications_total';
    expect({
      paidByWebhook: delta(verifications, {
        outcome: 'paid',
        source: 'webhook',
      }),
      paidByRedirect: delta(verifications, {
        outcome: 'paid',
        source: 'redirect',
      }),
      forgeryByWebhook: delta(verifications, {
        outcome: 'forgery',
        source: 'webhook',
      }),
      failedByRedirect: delta(verifications, {
        outcome: 'failed',
        source: 'redirect',
      }),
      all: delta(verifications),
      toPaid: delta('iamport_transitions_total', {
        from: 'pending',
        to: 'paid',
      }),
      toForgeryCancelled: delta('iamport_transitions_total', {
        from: 'pending',
        to: 'forgery_cancelled',
      }),
      toFailed: delta('iamport_transitions_total', {
        from: 'pending',
        to: 'failed',
      }),
      transitions: delta('iamport_transitions_total'),
      refundsMade: delta('iamport_refunds_total', { result: 'made' }),
      refunds: delta('iamport_refunds_total'),
      forgeries: delta('iamport_forgeries_total'),
    }).toEqual({
      paidByWebhook: 1,
      paidByRedirect: 1,
      forgeryByWebhook: 2,
      failedByRedirect: 1,
      all: 5,
      toPaid: 1,
      toForgeryCancelled: 1,
      toFailed: 1,
      transitions: 3,
      refundsMade: 1,
      refunds: 1,
      forgeries: 1,
    });
    // One duration per iamport call, as many as the simulator counted; the one refund among them.
    const lookups = (await sim.calls('getPaymentByImpUid')) - lookupsBefore;
    expect(lookups).toBeGreaterThanOrEqual(4);
    expect(
      delta('iamport_client_duration_count', {
        operation: 'getPaymentByImpUid',
        result: 'ok',
      }),
    ).toBe(lookups);
    expect(
      delta('iamport_client_duration_count', {
        operation: 'cancelPayment',
        result: 'ok',
      }),
    ).toBe(1);
    expect(
      delta('iamport_client_duration_sum', {
        operation: 'getPaymentByImpUid',
      }),
    ).toBeGreaterThan(0);

    // What the operator's page draws: the same histogram, read from the same provider.
    const calls = await shop.current.app.get(MetricsService).iamportCalls();
    const scraped = await scrape(shop.current);
    expect(calls.length).toBeGreaterThanOrEqual(3);
    for (const call of calls) {
      const labels = { operation: call.operation, result: call.result };
      expect(call.count).toBe(
        sum(scraped, 'iamport_client_duration_count', labels),
      );
      expect(call.totalMs).toBeCloseTo(
        sum(scraped, 'iamport_client_duration_sum', labels) * 1000,
        6,
      );
    }
    expect(calls).toContainEqual({
      operation: 'cancelPayment',
      result: 'ok',
      count: expect.any(Number),
      totalMs: expect.any(Number),
    });
  });

  it('GET /metrics shows the outbox backlog and the age of its oldest undelivered event, read from the database', async () => {
    const events = shop.current.dataSource.getRepository(OutboxEventEntity);
    const id = `00000000-0000-4000-8000-${`${kind}${adapter}`.slice(0, 12).padStart(12, '0')}`;
    // Undelivered for 10 minutes, and leased far ahead, so that no redelivery sweep takes it.
    await events.insert({
      id,
      type: 'paid',
      merchantUid: 'backlog-probe',
      impUid: 'imp_backlog_probe',
      payload: '{}',
      createdAt: new Date(Date.now() - 600_000),
      deliveredAt: null,
      leaseOwner: 'operations-test',
      leaseUntil: new Date(Date.now() + 3_600_000),
      attempts: 0,
    });
    try {
      const undelivered = await events.count({
        where: { deliveredAt: IsNull() },
      });
      expect(undelivered).toBeGreaterThanOrEqual(1);
      const samples = await scrape(shop.current);
      expect(sum(samples, 'iamport_outbox_backlog')).toBe(undelivered);
      const age = sum(samples, 'iamport_outbox_oldest_age');
      expect(age).toBeGreaterThanOrEqual(600);
      expect(age).toBeLessThan(700);
    } finally {
      await events.delete({ id });
    }
    const samples = await scrape(shop.current);
    expect(sum(samples, 'iamport_outbox_backlog')).toBe(
      await events.count({ where: { deliveredAt: IsNull() } }),
    );
  });

  it('GET /metrics counts a reconciliation run, the orders it looked at and its lookups', async () => {
    // A paid payment nobody told the shop about.
    const order = await shop.current.createOrder({ amount: 7_000 });
    await shop.current.sim.createPayment({
      merchant_uid: order.merchant_uid,
      amount: 7_000,
    });
    const before = await scrape(shop.current);
    const summary = await shop.current.app
      .get(ReconciliationService)
      .reconcile({ olderThanMs: 0 });
    const after = await scrape(shop.current);
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sum(after, name, labels) - sum(before, name, labels);
    expect(summary.examined).toBeGreaterThanOrEqual(1);
    expect({
      runs: delta('iamport_reconciliation_runs_total', { result: 'ok' }),
      orders: delta('iamport_reconciliation_orders_total'),
      failed: delta('iamport_reconciliation_orders_total', {
        result: 'failed',
      }),
      lookups: delta('iamport_reconciliation_lookups_total'),
      paidByReconciliation: delta('iamport_verifications_total', {
        outcome: 'paid',
        source: 'reconciliation',
      }),
    }).toEqual({
      runs: 1,
      orders: summary.examined,
      failed: summary.failed,
      lookups: summary.lookups,
      paidByReconciliation: 1,
    });
    expect(
      delta('iamport_reconciliation_lookups_total', { kind: 'order' }),
    ).toBe(summary.examined);
    expect((await shop.current.order(order.merchant_uid)).status).toBe('paid');
  });

  it('GET /health/ready: 503 naming iamport when it gives no token, never the secret; up again once it does', async () => {
    const sim = shop.current.sim;
    const secret = shop.current.config.iamport.impSecret;
    const order = await shop.current.createOrder({ amount: 5_000 });
    const payment = await sim.createPayment({
      merchant_uid: order.merchant_uid,
      amount: 5_000,
    });
    // iamport forgets every token and then refuses to issue one: the next call finds its token
    // refused (401), and no new one can be had.
    await sim.fault({
      kind: 'http_error',
      operation: 'getToken',
      status: 503,
      times: 1000,
    });
    await sim.control('POST', '/_sim/tokens/expire');
    try {
      const webhook = await postWebhook(shop.current, {
        imp_uid: payment.imp_uid,
        merchant_uid: order.merchant_uid,
        status: 'paid',
      });
      expect(webhook.status).toBe(503);

      const answer = await readAnswer(
        await fetch(`${shop.current.url}/health/ready`),
      );
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({
        status: 'error',
        info: { database: { status: 'up' } },
        error: {
          iamport: {
            status: 'down',
            responseTimeMs: expect.any(Number),
            lastError: expect.stringMatching(/getToken.*HTTP 503/),
          },
        },
      });
      expect(Object.keys(answer.body.error)).toEqual(['iamport']);
      expect(JSON.stringify(answer.body)).not.toContain(secret);
      expect(
        shop.current.logger.lines.filter((line) => line.includes(secret)),
      ).toEqual([]);
      // Liveness does not depend on iamport.
      expect((await fetch(`${shop.current.url}/health`)).status).toBe(200);
    } finally {
      await sim.control('DELETE', '/_sim/faults');
    }
    const ready = await fetch(`${shop.current.url}/health/ready`);
    expect(ready.status).toBe(200);
  });
});

describe('with METRICS_ENABLED=false', () => {
  let shop: SampleApp | undefined;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const database = await freshDatabase('sqlite');
    drop = () => database.drop();
    shop = await startSampleApp({
      databaseUrl: database.url,
      env: { METRICS_ENABLED: 'false' },
    });
  });
  afterAll(async () => {
    try {
      await shop?.close();
    } finally {
      await drop?.();
    }
  });

  it('GET /metrics is 404; the health routes still answer', async () => {
    expect((await fetch(`${shop!.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${shop!.url}/health`)).status).toBe(200);
    expect((await fetch(`${shop!.url}/health/ready`)).status).toBe(200);
  });
});
