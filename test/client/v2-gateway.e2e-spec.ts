import { PortOneV2Client } from '../../libs/iamport/src/v2/client/portone-v2.client.js';
import { PortOneV2Gateway } from '../../libs/iamport/src/v2/portone-v2.gateway.js';
import {
  type RunningSimulator,
  startSimulator,
} from '../../apps/iamport-simulator/src/index.js';
import { createV2Payment, simV2 } from '../simulator-v2/helpers.js';

/** The V2 gateway against the simulator: how refunds behave when someone else refunded first. */
describe('PortOneV2Gateway', () => {
  let sim: RunningSimulator;
  let gateway: PortOneV2Gateway;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    const client = new PortOneV2Client({
      apiSecret: sim.config.v2ApiSecret,
      storeId: sim.config.v2StoreId,
      apiBaseUrl: `${sim.url}/v2`,
      timeoutMs: 2000,
      maxRetries: 1,
      retryBaseDelayMs: 5,
      retryMaxDelayMs: 20,
    });
    gateway = new PortOneV2Gateway(client, false);
  });
  afterAll(() => sim.close());

  const refundOf = (amount: number, checksum = amount) => ({
    impUid: 'unused',
    amount,
    checksum,
    reason: 'forged amount',
  });

  it('fetches by paymentId, and answers null for one PortOne does not know', async () => {
    const paid = await createV2Payment(sim, { totalAmount: 500 });
    const payment = await gateway.get(paid.id);
    expect(payment).toMatchObject({
      merchantUid: paid.id,
      impUid: paid.transactionId,
      amount: 500,
    });
    expect(
      gateway.lookupKey({ impUid: paid.transactionId, merchantUid: paid.id }),
    ).toBe(paid.id);
    expect(await gateway.get('no-such-payment')).toBeNull();
  });

  it('refunds with the checksum and answers the payment after the refund', async () => {
    const paid = await createV2Payment(sim, { totalAmount: 1000 });
    const before = (await gateway.get(paid.id))!;
    const result = await gateway.refund(refundOf(1000), before);
    expect(result.amount).toBe(1000);
    expect(result.refusal).toBeNull();
    expect(result.payment).toMatchObject({
      status: 'cancelled',
      cancelledAmount: 1000,
    });
  });

  it('refunded first by someone else: nothing refunded twice, and no refusal', async () => {
    const paid = await createV2Payment(sim, { totalAmount: 1000 });
    const before = (await gateway.get(paid.id))!;
    await simV2(sim, 'POST', `/payments/${paid.id}/cancel`, { webhook: false });
    const result = await gateway.refund(refundOf(1000), before);
    expect(result).toMatchObject({ amount: 0, refusal: null });
    expect(result.payment.cancelledAmount).toBe(1000);
    const held = await simV2(sim, 'GET', `/payments/${paid.id}`);
    expect(held.body.payment.amount.cancelled).toBe(1000);
  });

  it('a checksum that no longer holds while money is left: refused for a person, never a second refund', async () => {
    const paid = await createV2Payment(sim, { totalAmount: 1000 });
    const before = (await gateway.get(paid.id))!;
    await simV2(sim, 'POST', `/payments/${paid.id}/cancel`, {
      amount: 300,
      webhook: false,
    });
    const result = await gateway.refund(refundOf(1000), before);
    expect(result.amount).toBe(0);
    expect(result.refusal).toMatch(/CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN/);
    expect(result.payment.cancelledAmount).toBe(300);
  });
});
