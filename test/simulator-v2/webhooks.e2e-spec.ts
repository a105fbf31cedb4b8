import { Webhook } from '@portone/server-sdk';
import {
  startSimulator,
  type RunningSimulator,
  type V2WebhookDelivery,
} from '../../apps/iamport-simulator/src/index.js';
import {
  createV2Payment,
  simV2,
  sleep,
  startReceiver,
  v2,
  type ReceivedWebhook,
  type Receiver,
} from './helpers.js';

const verify = (sim: RunningSimulator, webhook: ReceivedWebhook) =>
  Webhook.verify(
    sim.config.v2WebhookSecret,
    webhook.raw,
    webhook.headers as Record<string, string>,
  );

const reason = (promise: Promise<unknown>) =>
  promise.then(
    () => 'verified',
    (error: any) => error.reason ?? error.message,
  );

describe('PortOne V2 webhooks (Standard Webhooks, 2024-04-25)', () => {
  let sim: RunningSimulator;
  let receiver: Receiver;
  const delivered: V2WebhookDelivery[] = [];

  beforeAll(async () => {
    receiver = await startReceiver();
    sim = await startSimulator(
      { port: 0, v2WebhookUrl: receiver.url, v2WebhookRetryUnitMs: 10 },
      { onV2WebhookDelivery: (d) => delivered.push(d) },
    );
  });
  beforeEach(() => {
    sim.reset();
    receiver.received.length = 0;
    receiver.statusFor = () => 200;
    delivered.length = 0;
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  it('signs the exact bytes sent; the official SDK verifies them, a re-serialised body fails', async () => {
    const payment = await createV2Payment(sim, { webhook: true });
    const [webhook] = await receiver.waitFor(1);
    expect(webhook.contentType).toBe('application/json');
    expect(webhook.headers['webhook-id']).toMatch(/^msg_/);
    expect(webhook.headers['webhook-signature']).toMatch(
      /^v1,[A-Za-z0-9+/]+=*$/,
    );
    const body = JSON.parse(webhook.raw);
    expect(body).toEqual({
      type: 'Transaction.Paid',
      timestamp: expect.stringMatching(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/,
      ),
      data: {
        paymentId: payment.id,
        storeId: sim.config.v2StoreId,
        transactionId: payment.transactionId,
      },
    });
    await expect(verify(sim, webhook)).resolves.toEqual(body);
    const reserialised = { ...webhook, raw: JSON.stringify(body, null, 2) };
    expect(await reason(verify(sim, reserialised))).toBe(
      'NO_MATCHING_SIGNATURE',
    );
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({
      attempt: 1,
      status: 200,
      type: 'Transaction.Paid',
    });
  });

  it('sends Cancelled / PartialCancelled with cancellationId, and nothing with skipWebhook', async () => {
    const { id } = await createV2Payment(sim, { totalAmount: 10000 });
    const partial = await v2(sim, 'POST', `/payments/${id}/cancel`, {
      json: { reason: 'r', amount: 1000 },
    });
    const rest = await v2(sim, 'POST', `/payments/${id}/cancel`, {
      json: { reason: 'r' },
    });
    const [first, second] = await receiver.waitFor(2);
    expect(JSON.parse(first.raw)).toMatchObject({
      type: 'Transaction.PartialCancelled',
      data: { paymentId: id, cancellationId: partial.body.cancellation.id },
    });
    expect(JSON.parse(second.raw)).toMatchObject({
      type: 'Transaction.Cancelled',
      data: { cancellationId: rest.body.cancellation.id },
    });
    const other = await createV2Payment(sim);
    await v2(sim, 'POST', `/payments/${other.id}/cancel`, {
      json: { reason: 'r', skipWebhook: true },
    });
    await sleep(100);
    expect(receiver.received).toHaveLength(2);
  });

  it('sends VirtualAccountIssued, then Paid on the deposit, and goes to noticeUrls instead of the console URL', async () => {
    const other = await startReceiver();
    try {
      const va = await createV2Payment(sim, {
        status: 'VIRTUAL_ACCOUNT_ISSUED',
        noticeUrls: [other.url],
        webhook: true,
      });
      await simV2(sim, 'POST', `/payments/${va.id}/deposit`);
      const [issued, paid] = await other.waitFor(2);
      expect(JSON.parse(issued.raw).type).toBe(
        'Transaction.VirtualAccountIssued',
      );
      expect(JSON.parse(paid.raw).type).toBe('Transaction.Paid');
      expect(receiver.received).toHaveLength(0);
      const payment = (await v2(sim, 'GET', `/payments/${va.id}`)).body;
      expect(
        payment.webhooks.map((w: any) => [
          w.paymentStatus,
          w.status,
          w.trigger,
        ]),
      ).toEqual([
        ['VIRTUAL_ACCOUNT_ISSUED', 'SUCCEEDED', undefined],
        ['PAID', 'SUCCEEDED', 'VIRTUAL_ACCOUNT_DEPOSIT'],
      ]);
    } finally {
      await other.close();
    }
  });

  it('retries a failing endpoint on the compressed 1/4/16/64/256 schedule, 5 times at most, same webhook-id', async () => {
    receiver.statusFor = () => 503;
    const started = Date.now();
    const { id } = await createV2Payment(sim, { webhook: true });
    const all = await receiver.waitFor(6, 5000);
    await sleep(50);
    expect(receiver.received).toHaveLength(6);
    expect(Date.now() - started).toBeLessThan(
      10 * (1 + 4 + 16 + 64 + 256) + 1000,
    );
    expect(new Set(all.map((w) => w.headers['webhook-id'])).size).toBe(1);
    expect(new Set(all.map((w) => w.raw)).size).toBe(1);
    for (const webhook of all)
      expect(await reason(verify(sim, webhook))).toBe('verified');
    const retries = delivered.filter((d) => d.retryInMs !== undefined);
    expect(retries.map((d) => d.attempt)).toEqual([1, 2, 3, 4, 5]);
    retries.forEach((d, i) => {
      expect(d.retryInMs).toBeLessThanOrEqual(10 * [1, 4, 16, 64, 256][i]);
    });
    const payment = (await v2(sim, 'GET', `/payments/${id}`)).body;
    expect(payment.webhooks[0]).toMatchObject({
      status: 'FAILED_NOT_OK_RESPONSE',
      currentExecutionCount: 6,
      maxExecutionCount: 6,
      response: { code: '503' },
    });
  });

  it('stops retrying once the endpoint answers 2xx', async () => {
    receiver.statusFor = (i) => (i < 2 ? 500 : 200);
    await createV2Payment(sim, { webhook: true });
    await receiver.waitFor(3);
    await sleep(300);
    expect(receiver.received).toHaveLength(3);
  });

  it('resends through POST /payments/{id}/resend-webhook with the same webhook-id', async () => {
    const { id } = await createV2Payment(sim, { webhook: true });
    const [original] = await receiver.waitFor(1);
    const { status, body } = await v2(
      sim,
      'POST',
      `/payments/${id}/resend-webhook`,
      { json: {} },
    );
    expect(status).toBe(200);
    expect(body.webhook).toMatchObject({
      id: original.headers['webhook-id'],
      trigger: 'MANUAL',
      currentExecutionCount: 2,
    });
    const [, resent] = await receiver.waitFor(2);
    expect(resent.headers['webhook-id']).toBe(original.headers['webhook-id']);
    expect(resent.raw).toBe(original.raw);
    const none = await createV2Payment(sim);
    const missing = await v2(
      sim,
      'POST',
      `/payments/${none.id}/resend-webhook`,
      { json: {} },
    );
    expect(missing.status).toBe(404);
    expect(missing.body.type).toBe('WEBHOOK_NOT_FOUND');
  });

  describe('faults (POST /_sim/v2/webhooks)', () => {
    const send = (json: Record<string, unknown>) =>
      simV2(sim, 'POST', '/webhooks', json);

    it('bad_signature: well-formed, wrong signature', async () => {
      const { id } = await createV2Payment(sim);
      const { status, body } = await send({
        paymentId: id,
        fault: 'bad_signature',
      });
      expect(status).toBe(200);
      expect(body.deliveries).toHaveLength(1);
      const [webhook] = await receiver.waitFor(1);
      expect(await reason(verify(sim, webhook))).toBe('NO_MATCHING_SIGNATURE');
    });

    it('stale_timestamp: signed correctly over a timestamp 600 s old', async () => {
      const { id } = await createV2Payment(sim);
      await send({ paymentId: id, fault: 'stale_timestamp' });
      const [webhook] = await receiver.waitFor(1);
      const age =
        Date.now() / 1000 - Number(webhook.headers['webhook-timestamp']);
      expect(age).toBeGreaterThan(300);
      expect(await reason(verify(sim, webhook))).toBe('TIMESTAMP_TOO_OLD');
    });

    it('duplicate: the same message twice, both verifying', async () => {
      const { id } = await createV2Payment(sim);
      await send({ paymentId: id, fault: 'duplicate' });
      const [a, b] = await receiver.waitFor(2);
      expect(a.headers['webhook-id']).toBe(b.headers['webhook-id']);
      expect(a.raw).toBe(b.raw);
      expect(await reason(verify(sim, b))).toBe('verified');
    });

    it('out_of_order: Paid before Ready', async () => {
      const { id } = await createV2Payment(sim);
      await send({ paymentId: id, fault: 'out_of_order' });
      const types = (await receiver.waitFor(2)).map(
        (w) => JSON.parse(w.raw).type,
      );
      expect(types).toEqual(['Transaction.Paid', 'Transaction.Ready']);
    });

    it('unknown_type: a type no receiver knows, signed correctly', async () => {
      const { id } = await createV2Payment(sim);
      await send({ paymentId: id, fault: 'unknown_type' });
      const [webhook] = await receiver.waitFor(1);
      const body = await verify(sim, webhook);
      expect(Webhook.isUnrecognizedWebhook(body as any)).toBe(true);
    });

    it('the 2024-01-01 body, still signed', async () => {
      const payment = await createV2Payment(sim);
      await send({ paymentId: payment.id, bodyVersion: '2024-01-01' });
      const [webhook] = await receiver.waitFor(1);
      expect(JSON.parse(webhook.raw)).toEqual({
        payment_id: payment.id,
        tx_id: payment.transactionId,
        status: 'Paid',
      });
      expect(await reason(verify(sim, webhook))).toBe('verified');
    });

    it('a forged webhook for an unknown payment, and a resend of a logged one with a fault', async () => {
      await send({
        paymentId: 'forged',
        transactionId: 'tx-forged',
        type: 'Transaction.Paid',
      });
      const [forged] = await receiver.waitFor(1);
      expect(JSON.parse(forged.raw).data).toEqual({
        paymentId: 'forged',
        storeId: sim.config.v2StoreId,
        transactionId: 'tx-forged',
      });
      const webhookId = forged.headers['webhook-id'] as string;
      await send({ webhookId, fault: 'bad_signature' });
      const [, resent] = await receiver.waitFor(2);
      expect(resent.headers['webhook-id']).toBe(webhookId);
      expect(await reason(verify(sim, resent))).toBe('NO_MATCHING_SIGNATURE');
      const log = (await simV2(sim, 'GET', '/webhooks')).body;
      expect(log.map((d: any) => [d.webhookId, d.attempt, d.fault])).toEqual([
        [webhookId, 1, undefined],
        [webhookId, 2, 'bad_signature'],
      ]);
    });

    it('refuses an unknown fault and a missing payment', async () => {
      expect((await send({ paymentId: 'x', fault: 'nope' })).status).toBe(400);
      expect((await send({ paymentId: 'missing' })).status).toBe(404);
    });
  });
});
