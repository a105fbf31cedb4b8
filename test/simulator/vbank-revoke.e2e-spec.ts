import {
  startSimulator,
  type IamportPayment,
  type RunningSimulator,
} from '../../apps/iamport-simulator/src/index.js';
import { SimulatorControl } from '../support/simulator-control.js';
import {
  call,
  control,
  createPayment,
  getToken,
  sleep,
  startReceiver,
  type Receiver,
} from './helpers.js';

const readyVbank = (
  sim: RunningSimulator,
  merchantUid: string,
  amount = 5000,
) =>
  createPayment(sim, {
    merchant_uid: merchantUid,
    amount,
    pay_method: 'vbank',
    status: 'ready',
  });

describe('DELETE /vbanks/{imp_uid} (revokeVbank)', () => {
  let sim: RunningSimulator;
  let receiver: Receiver;
  let token: string;
  const revoke = (impUid: string, headers?: Record<string, string>) =>
    call(sim, 'DELETE', `/vbanks/${impUid}`, headers ? { headers } : { token });
  const lookup = async (impUid: string): Promise<IamportPayment> =>
    (await call(sim, 'GET', `/payments/${impUid}`, { token })).body.response;
  const bodies = () => receiver.received.map((w) => JSON.parse(w.raw));

  beforeAll(async () => {
    receiver = await startReceiver();
    sim = await startSimulator({ port: 0 });
  });
  beforeEach(async () => {
    sim.reset();
    sim.config.webhookUrl = receiver.url;
    sim.config.vbankRevokeCancelAmount = 'zero';
    receiver.received.length = 0;
    token = await getToken(sim);
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  it('revokes an unpaid virtual account: cancelled, nothing paid, no cancel_history, no webhook', async () => {
    const vbank = await readyVbank(sim, 'revoke-1');
    const before = Math.floor(Date.now() / 1000);
    const { status, headers, body } = await revoke(vbank.imp_uid);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(body).toEqual({
      code: 0,
      message: null,
      response: {
        ...vbank,
        status: 'cancelled',
        cancel_amount: 0,
        cancelled_at: expect.any(Number),
        cancel_reason: '가상계좌 발급취소',
      },
    });
    const revoked = body.response as IamportPayment;
    expect(revoked.cancelled_at).toBeGreaterThanOrEqual(before);
    expect(revoked).toMatchObject({
      paid_at: 0,
      failed_at: 0,
      cancel_history: [],
      cancel_receipt_urls: [],
      deposit_history: [],
      vbank_num: vbank.vbank_num,
      vbank_date: vbank.vbank_date,
    });
    expect(await lookup(vbank.imp_uid)).toEqual(revoked);
    const stats = (await control(sim, 'GET', '/_sim/stats')).body;
    expect(stats.calls.revokeVbank).toBe(1);
    // API cancellations send no webhook; revokeVbank has no enable_webhook.
    await sleep(50);
    expect(receiver.received).toEqual([]);
  });

  it('accepts pg_api_key (not checked) and revokes sandbox payments without include_sandbox', async () => {
    const sandbox = await createPayment(sim, {
      merchant_uid: 'revoke-sandbox',
      amount: 1000,
      pay_method: 'vbank',
      status: 'ready',
      sandbox: true,
    });
    const { status, body } = await call(
      sim,
      'DELETE',
      `/vbanks/${sandbox.imp_uid}?pg_api_key=anything`,
      { token },
    );
    expect(status).toBe(200);
    expect(body.response).toMatchObject({ status: 'cancelled', sandbox: true });
  });

  it('refuses what is not an unpaid virtual account with 400 code 1, an unknown imp_uid with 404 code 1', async () => {
    const card = await createPayment(sim, {
      merchant_uid: 'card',
      amount: 100,
    });
    const closed = await createPayment(sim, {
      merchant_uid: 'closed',
      amount: 100,
      status: 'ready',
    });
    const paidVbank = await createPayment(sim, {
      merchant_uid: 'paid-vbank',
      amount: 100,
      pay_method: 'vbank',
      status: 'paid',
    });
    const failedVbank = await createPayment(sim, {
      merchant_uid: 'failed-vbank',
      amount: 100,
      pay_method: 'vbank',
      status: 'failed',
    });
    const cancelledVbank = await createPayment(sim, {
      merchant_uid: 'cancelled-vbank',
      amount: 100,
      pay_method: 'vbank',
      status: 'cancelled',
    });
    const revoked = await readyVbank(sim, 'revoked-twice');
    expect((await revoke(revoked.imp_uid)).status).toBe(200);
    const revokedOnce = await lookup(revoked.imp_uid);

    const cases: [IamportPayment, RegExp][] = [
      [card, /not a virtual account/],
      [closed, /not a virtual account/],
      [paidVbank, /not awaiting deposit \(status paid\)/],
      [failedVbank, /not awaiting deposit \(status failed\)/],
      [cancelledVbank, /not awaiting deposit \(status cancelled\)/],
      [revokedOnce, /not awaiting deposit \(status cancelled\)/],
    ];
    for (const [payment, reason] of cases) {
      const { status, body } = await revoke(payment.imp_uid);
      expect(status, payment.merchant_uid).toBe(400);
      expect(body).toEqual({
        code: 1,
        message: expect.any(String),
        response: null,
      });
      expect(body.message).toMatch(reason);
      // A refusal changes nothing.
      expect(await lookup(payment.imp_uid)).toEqual(payment);
    }
    const unknown = await revoke('imp_000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      code: 1,
      message: '존재하지 않는 결제정보입니다',
      response: null,
    });
    expect(
      (await control(sim, 'GET', '/_sim/stats')).body.calls.revokeVbank,
    ).toBe(8);
  });

  it('needs a valid token', async () => {
    const vbank = await readyVbank(sim, 'revoke-token');
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer unknown' },
      { 'x-imptokenheader': 'nope' },
    ];
    for (const headers of attempts) {
      const { status, body } = await revoke(vbank.imp_uid, headers);
      expect(status).toBe(401);
      expect(body).toEqual({
        code: -1,
        message: 'Unauthorized',
        response: null,
      });
    }
    await control(sim, 'POST', '/_sim/tokens/expire');
    expect((await revoke(vbank.imp_uid)).status).toBe(401);
    token = await getToken(sim);
    expect((await lookup(vbank.imp_uid)).status).toBe('ready');
    expect((await revoke(vbank.imp_uid)).status).toBe(200);
  });

  it('faults apply to it like to any operation', async () => {
    const vbank = await readyVbank(sim, 'revoke-fault');
    await control(sim, 'POST', '/_sim/faults', {
      kind: 'http_error',
      operation: 'revokeVbank',
      status: 503,
    });
    const failed = await revoke(vbank.imp_uid);
    expect(failed.status).toBe(503);
    expect(failed.body.code).toBe(-1);
    expect((await lookup(vbank.imp_uid)).status).toBe('ready');
    await control(sim, 'POST', '/_sim/faults', {
      kind: 'error_code',
      operation: 'getPaymentByImpUid',
    });
    expect((await revoke(vbank.imp_uid)).body.code).toBe(0);
  });

  it('vbankRevokeCancelAmount: amount reports the whole amount as cancel_amount', async () => {
    const patched = await control(sim, 'PATCH', '/_sim/config', {
      vbank_revoke_cancel_amount: 'amount',
    });
    expect(patched.body.vbank_revoke_cancel_amount).toBe('amount');
    const vbank = await readyVbank(sim, 'revoke-amount', 7000);
    const { body } = await revoke(vbank.imp_uid);
    expect(body.response).toMatchObject({
      status: 'cancelled',
      cancel_amount: 7000,
      paid_at: 0,
      cancel_history: [],
    });
    // The switch applies to later revocations only.
    sim.config.vbankRevokeCancelAmount = 'zero';
    expect((await lookup(vbank.imp_uid)).cancel_amount).toBe(7000);
    const other = await readyVbank(sim, 'revoke-zero', 7000);
    expect((await revoke(other.imp_uid)).body.response.cancel_amount).toBe(0);
  });

  it('rejects a bad vbankRevokeCancelAmount at start', async () => {
    await expect(
      startSimulator({ port: 0, vbankRevokeCancelAmount: 'half' as never }),
    ).rejects.toThrow(/vbankRevokeCancelAmount: expected one of zero, amount/);
  });

  it('a revoked account can be neither refunded nor deposited into, under either reading', async () => {
    for (const reading of ['zero', 'amount'] as const) {
      sim.config.vbankRevokeCancelAmount = reading;
      const vbank = await readyVbank(sim, `revoke-then-${reading}`);
      await revoke(vbank.imp_uid);
      const revoked = await lookup(vbank.imp_uid);
      for (const json of [
        { imp_uid: vbank.imp_uid },
        { merchant_uid: vbank.merchant_uid },
        {
          imp_uid: vbank.imp_uid,
          amount: 100,
          refund_holder: '홍길동',
          refund_bank: '004',
          refund_account: '12345678901234',
        },
      ]) {
        const { status, body } = await call(sim, 'POST', '/payments/cancel', {
          token,
          json,
        });
        expect(status, `${reading} ${JSON.stringify(json)}`).toBe(200);
        expect(body.code).toBe(1);
        expect(body.message).toMatch(/revoked before any deposit/);
      }
      const deposit = await control(
        sim,
        'POST',
        `/_sim/payments/${vbank.imp_uid}/deposit`,
        {},
      );
      expect(deposit.status).toBe(409);
      expect(await lookup(vbank.imp_uid)).toEqual(revoked);
    }
  });

  it('a revoked account is listed as cancelled, by its cancelled_at', async () => {
    const vbank = await readyVbank(sim, 'revoke-listed');
    await revoke(vbank.imp_uid);
    const { cancelled_at } = await lookup(vbank.imp_uid);
    const listed = await call(
      sim,
      'GET',
      `/payments/status/cancelled?from=${cancelled_at}&to=${cancelled_at}`,
      { token },
    );
    expect(
      listed.body.response.list.map((p: IamportPayment) => p.imp_uid),
    ).toEqual([vbank.imp_uid]);
    expect(
      (await call(sim, 'GET', '/payments/status/ready', { token })).body
        .response.total,
    ).toBe(0);
  });

  describe('POST /_sim/payments/{imp_uid}/revoke (the console)', () => {
    it('revokes and sends the cancelled webhook (no cancellation_id), unless webhook is false', async () => {
      const loud = await readyVbank(sim, 'console-revoke');
      const answer = await control(
        sim,
        'POST',
        `/_sim/payments/${loud.imp_uid}/revoke`,
        {},
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        imp_uid: loud.imp_uid,
        status: 'cancelled',
        cancel_amount: 0,
        paid_at: 0,
        cancel_reason: '가상계좌 발급취소',
        cancel_history: [],
      });
      await receiver.waitFor(1);
      await sleep(50);
      expect(bodies()).toEqual([
        {
          imp_uid: loud.imp_uid,
          merchant_uid: 'console-revoke',
          status: 'cancelled',
        },
      ]);

      const silent = await readyVbank(sim, 'console-revoke-silent');
      const quiet = await control(
        sim,
        'POST',
        `/_sim/payments/${silent.imp_uid}/revoke`,
        { webhook: false },
      );
      expect(quiet.body.status).toBe('cancelled');
      await sleep(50);
      expect(receiver.received).toHaveLength(1);
      // Control calls are not counted as iamport calls.
      expect(
        (await control(sim, 'GET', '/_sim/stats')).body.calls.revokeVbank,
      ).toBe(0);
    });

    it('answers 409 when it is not an unpaid virtual account, 404 when unknown, 400 for unknown fields', async () => {
      const card = await createPayment(sim, { merchant_uid: 'c', amount: 100 });
      const paid = await createPayment(sim, {
        merchant_uid: 'v',
        amount: 100,
        pay_method: 'vbank',
      });
      const revoked = await readyVbank(sim, 'r');
      await revoke(revoked.imp_uid);
      for (const payment of [card, paid, revoked]) {
        const { status, body } = await control(
          sim,
          'POST',
          `/_sim/payments/${payment.imp_uid}/revoke`,
          {},
        );
        expect(status, payment.merchant_uid).toBe(409);
        expect(body.error).toEqual(expect.any(String));
      }
      expect(
        (
          await control(
            sim,
            'POST',
            '/_sim/payments/imp_000000000000/revoke',
            {},
          )
        ).status,
      ).toBe(404);
      const vbank = await readyVbank(sim, 'bad-field');
      expect(
        (
          await control(sim, 'POST', `/_sim/payments/${vbank.imp_uid}/revoke`, {
            reason: 'x',
          })
        ).status,
      ).toBe(400);
      await sleep(50);
      expect(receiver.received).toEqual([]);
    });

    it('SimulatorControl.revokeVbank drives it', async () => {
      const simulator = await SimulatorControl.start({
        webhookUrl: receiver.url,
      });
      try {
        const vbank = await simulator.createPayment({
          merchant_uid: 'control-revoke',
          amount: 3000,
          pay_method: 'vbank',
          status: 'ready',
        });
        const revoked = await simulator.revokeVbank(vbank.imp_uid, {
          webhook: false,
        });
        expect(revoked).toMatchObject({
          status: 'cancelled',
          cancel_amount: 0,
        });
        expect(await simulator.payment(vbank.imp_uid)).toEqual(revoked);
        await expect(simulator.revokeVbank(vbank.imp_uid)).rejects.toThrow(
          /409/,
        );
      } finally {
        await simulator.close();
      }
    });
  });
});
