import { orderWhen, postWebhook, useShop } from '../sample/shop.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { handlersOf, recordOf } from './regression-kit.js';

const AMOUNT = 30_000;

describe.each(DATABASE_KINDS)('payment records on %s', (kind) => {
  const shop = useShop(kind);
  const webhook = (impUid: string, merchantUid: string, status: string) =>
    postWebhook(shop.current, {
      imp_uid: impUid,
      merchant_uid: merchantUid,
      status,
    });
  const pay = (merchantUid: string, payment: Record<string, unknown> = {}) =>
    shop.current.sim.createPayment({
      merchant_uid: merchantUid,
      amount: AMOUNT,
      ...payment,
    });

  /** Class 3: fields carried over from an earlier payment. */
  it('a forged payment refunded, then the real one: the order keeps nothing of the forgery, and a later partial refund is recorded', async () => {
    const { merchant_uid } = await shop.current.createOrder({ amount: AMOUNT });
    const forged = await pay(merchant_uid, { amount: 500 });
    expect(
      (await webhook(forged.imp_uid, merchant_uid, 'paid')).body,
    ).toMatchObject({
      outcome: 'forgery',
      changed: true,
    });
    expect(await shop.current.order(merchant_uid)).toMatchObject({
      status: 'forgery_cancelled',
      cancelled_amount: 500,
    });

    const real = await pay(merchant_uid);
    expect(
      (await webhook(real.imp_uid, merchant_uid, 'paid')).body,
    ).toMatchObject({
      outcome: 'paid',
      changed: true,
    });
    expect(await shop.current.order(merchant_uid)).toMatchObject({
      status: 'paid',
      imp_uid: real.imp_uid,
      cancelled_amount: 0,
      cancelled_at: null,
      failure_reason: null,
    });

    await shop.current.sim.cancelInConsole(real.imp_uid, {
      amount: 200,
      webhook: false,
    });
    expect(
      (await webhook(real.imp_uid, merchant_uid, 'cancelled')).body,
    ).toMatchObject({
      outcome: 'partially_cancelled',
      changed: true,
    });
    expect(await shop.current.order(merchant_uid)).toMatchObject({
      status: 'partially_cancelled',
      cancelled_amount: 200,
    });
    expect(await handlersOf(shop.current, merchant_uid)).toEqual([
      'hold',
      'ship',
      'stop',
    ]);
    expect(await recordOf(shop.current, forged.imp_uid)).toMatchObject({
      disposition: 'refunded',
    });
    expect(await recordOf(shop.current, real.imp_uid)).toEqual({
      disposition: 'settles_order',
      status: 'cancelled',
      cancelledAmount: 200,
    });
  });

  /** Class 4: payments that never held money capture orders. */
  it('an unpaid virtual account of a forged amount leaves the order to the buyer’s own account; on deposit it is flagged, never settles', async () => {
    const { merchant_uid } = await shop.current.createOrder({ amount: AMOUNT });
    const forged = await pay(merchant_uid, {
      amount: 100,
      pay_method: 'vbank',
      status: 'ready',
    });
    expect(
      (await webhook(forged.imp_uid, merchant_uid, 'ready')).body,
    ).toMatchObject({
      outcome: 'forgery',
      changed: false,
    });
    expect((await shop.current.order(merchant_uid)).status).toBe('pending');
    expect(await recordOf(shop.current, forged.imp_uid)).toMatchObject({
      disposition: 'awaiting_deposit',
    });

    const own = await pay(merchant_uid, {
      pay_method: 'vbank',
      status: 'ready',
    });
    expect(
      (await webhook(own.imp_uid, merchant_uid, 'ready')).body,
    ).toMatchObject({
      outcome: 'vbank_issued',
      changed: true,
    });

    // Someone deposits into the forged account: money the order does not account for.
    await shop.current.sim.control(
      'POST',
      `/_sim/payments/${forged.imp_uid}/deposit`,
      {
        webhook: false,
      },
    );
    expect(
      (await webhook(forged.imp_uid, merchant_uid, 'paid')).body,
    ).toMatchObject({
      outcome: 'forgery',
    });
    expect(await shop.current.order(merchant_uid)).toMatchObject({
      status: 'vbank_issued',
      imp_uid: own.imp_uid,
    });
    // iamport refunds a paid virtual account only to the buyer's bank account: a person must.
    expect(await recordOf(shop.current, forged.imp_uid)).toMatchObject({
      disposition: 'flagged',
    });
  });

  it.each(['zero', 'amount'] as const)(
    'a virtual account revoked before any deposit (cancel_amount %s) reopens the order: the next real payment settles it',
    async (reading) => {
      await shop.current.sim.configure({ vbank_revoke_cancel_amount: reading });
      try {
        const { merchant_uid } = await shop.current.createOrder({
          amount: AMOUNT,
        });
        const vbank = await pay(merchant_uid, {
          pay_method: 'vbank',
          status: 'ready',
        });
        await webhook(vbank.imp_uid, merchant_uid, 'ready');
        await shop.current.sim.revokeVbank(vbank.imp_uid, { webhook: false });
        expect(
          (await webhook(vbank.imp_uid, merchant_uid, 'cancelled')).body,
        ).toMatchObject({
          changed: true,
        });
        expect(await shop.current.order(merchant_uid)).toMatchObject({
          status: 'failed',
          failure_reason: 'the virtual account was revoked before any deposit',
        });
        expect(await recordOf(shop.current, vbank.imp_uid)).toMatchObject({
          disposition: 'no_money',
        });

        const card = await pay(merchant_uid);
        expect(
          (await webhook(card.imp_uid, merchant_uid, 'paid')).body,
        ).toMatchObject({
          outcome: 'paid',
          changed: true,
        });
        expect(
          (await shop.current.sim.payment(card.imp_uid)).cancel_amount,
        ).toBe(0);
        expect(
          await orderWhen(
            shop.current,
            merchant_uid,
            (order) => order.fulfilment === 'ready_to_ship',
          ),
        ).toMatchObject({
          status: 'paid',
          imp_uid: card.imp_uid,
          fulfilment: 'ready_to_ship',
        });
      } finally {
        await shop.current.sim.configure({
          vbank_revoke_cancel_amount: 'zero',
        });
      }
    },
  );
});
