import { MESSAGES } from '../../apps/sample/src/checkout/messages.js';
import { OrderEntity } from '../../apps/sample/src/persistence/order.entity.js';
import {
  completeAsJson,
  detailsOf,
  getPage,
  NO_POLLING,
  notificationsOf,
  orderWhen,
  payInWindow,
  pollingOf,
  statusOf,
  until,
  useShop,
  webhooksOf,
} from './shop.js';

const ko = MESSAGES.ko.result;
const awaitingDeposit = {
  state: 'awaiting_deposit',
  status: 'vbank_issued',
  text: ko.states.awaiting_deposit.headline,
};

/**
 * A buyer who pays a second time for the same order: after a refunded forged
 * attempt, after a decline, or by card while a virtual account is open. What
 * happens is decided by the module and the shop's handlers, not by the
 * database, so this runs on SQLite only (payment-flows covers the databases).
 */
describe('the sample app on sqlite: second payment attempts for one order', () => {
  const shop = useShop('sqlite');

  it('a correct payment after a refunded forged one pays the order and ships it', async () => {
    const order = await shop.current.createOrder({ amount: 5000 });
    const forged = await shop.current.sim.createPayment({
      merchant_uid: order.merchant_uid,
      amount: 50,
    });
    const forgery = await completeAsJson(shop.current, {
      imp_uid: forged.imp_uid,
      merchant_uid: order.merchant_uid,
    });
    expect(forgery.body.outcome).toBe('forgery');
    expect(
      await orderWhen(
        shop.current,
        order.merchant_uid,
        (current) => current.fulfilment === 'held',
      ),
    ).toMatchObject({ status: 'forgery_cancelled', fulfilment: 'held' });
    expect((await shop.current.sim.payment(forged.imp_uid)).cancel_amount).toBe(
      50,
    );

    // The forged payment was refunded; the buyer now pays the right amount (the module allows it).
    const run = await payInWindow(shop.current, order, 'card');
    expect(run.result.searchParams.get('outcome')).toBe('paid');
    expect(statusOf(run.resultPage.body)).toEqual({
      state: 'paid',
      status: 'paid',
      text: ko.states.paid.headline,
    });
    expect(pollingOf(run.resultPage.body)).toEqual(NO_POLLING);
    // The paid handler says so …
    const shippedLine = `${order.merchant_uid}: paid 5000 KRW, ready to ship`;
    await until(() =>
      shop.current.logger.lines.some((line) => line.includes(shippedLine)),
    );
    expect(
      shop.current.logger.lines.filter((line) => line.includes(shippedLine)),
    ).toHaveLength(1);
    // … and the order must then be ready to ship, not held for a forgery that was refunded.
    const paid = await shop.current.order(order.merchant_uid);
    expect([paid.status, paid.imp_uid, paid.fulfilment]).toEqual([
      'paid',
      run.impUid,
      'ready_to_ship',
    ]);
  });

  it('a deposit into a virtual account of an order already paid by card is refunded, or its refusal recorded for a person', async () => {
    const order = await shop.current.createOrder({ amount: 5000 });
    const vbank = await payInWindow(shop.current, order, 'vbank');
    expect(vbank.result.searchParams.get('outcome')).toBe('vbank_issued');
    // The buyer pays by card instead …
    const card = await payInWindow(shop.current, order, 'card');
    expect(card.result.searchParams.get('outcome')).toBe('paid');
    await orderWhen(
      shop.current,
      order.merchant_uid,
      (current) => current.fulfilment === 'ready_to_ship',
    );
    // … and later deposits into the virtual account as well.
    await shop.current.sim.control(
      'POST',
      `/_sim/payments/${vbank.impUid}/deposit`,
      {},
    );
    const webhooks = await webhooksOf(shop.current, vbank.impUid, 2);
    expect(
      webhooks.map((attempt) => [attempt.payload.status, attempt.status]),
    ).toEqual([
      ['ready', 200],
      ['paid', 200],
    ]);

    const paid = await shop.current.order(order.merchant_uid);
    expect([paid.status, paid.imp_uid]).toEqual(['paid', card.impUid]);
    const deposit = await shop.current.sim.payment(vbank.impUid);
    expect(deposit.status).toBe('paid');
    const [row] = (await notificationsOf(shop.current, order.merchant_uid))
      .filter((notification) => notification.impUid === vbank.impUid)
      .slice(-1);
    expect(row.outcome).toBe('duplicate_payment');
    // iamport refuses to refund a paid virtual account without the buyer's bank account. The README
    // promises the refusal is then recorded "with iamport's reason, for a person to handle"; the
    // webhook was answered 200, so iamport will not send it again: the order or the log must say so.
    if (deposit.cancel_amount < deposit.amount)
      expect(
        [paid.status, paid.failure_reason ?? '', row.error ?? ''].join(' | '),
      ).toMatch(/forgery_flagged|virtual account refund/);
  });

  it('a declined card after a virtual account was issued keeps the account on the order and the page', async () => {
    const order = await shop.current.createOrder({ amount: 8000 });
    const vbank = await payInWindow(shop.current, order, 'vbank');
    const declined = await payInWindow(shop.current, order, 'decline');
    expect(declined.result.searchParams.get('outcome')).toBe('failed');
    const stored = await shop.current.order(order.merchant_uid);
    expect(stored).toMatchObject({
      status: 'vbank_issued',
      imp_uid: vbank.impUid,
      vbank: {
        account_number: (await shop.current.sim.payment(vbank.impUid))
          .vbank_num,
      },
    });
    // The page shows the order as stored: still the account to deposit into.
    expect(statusOf(declined.resultPage.body)).toEqual(awaitingDeposit);
    expect(detailsOf(declined.resultPage.body).account_number).toEqual([
      ko.labels.accountNumber,
      stored.vbank?.account_number,
    ]);
  });

  it('a closed window, then a virtual account: the order waits for the deposit', async () => {
    const order = await shop.current.createOrder({ amount: 9000 });
    await payInWindow(shop.current, order, 'close');
    const vbank = await payInWindow(shop.current, order, 'vbank');
    expect(vbank.result.searchParams.get('outcome')).toBe('vbank_issued');
    const issued = await orderWhen(
      shop.current,
      order.merchant_uid,
      (current) => current.fulfilment === 'awaiting_deposit',
    );
    expect([issued.status, issued.imp_uid, issued.fulfilment]).toEqual([
      'vbank_issued',
      vbank.impUid,
      'awaiting_deposit',
    ]);
    const page = await getPage(shop.current, vbank.result.toString());
    expect(statusOf(page.body)).toEqual(awaitingDeposit);
    expect(pollingOf(page.body)).toEqual(NO_POLLING);
    expect(
      await shop.current.dataSource
        .getRepository(OrderEntity)
        .countBy({ merchantUid: order.merchant_uid }),
    ).toBe(1);
  });
});
