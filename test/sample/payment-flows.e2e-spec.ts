import {
  formatDateTime,
  formatDeadline,
} from '../../apps/sample/src/checkout/format.js';
import { MESSAGES } from '../../apps/sample/src/checkout/messages.js';
import { OrderEntity } from '../../apps/sample/src/persistence/order.entity.js';
import {
  completeAsBrowser,
  completeAsJson,
  detailsOf,
  getPage,
  isoOf,
  leadOf,
  NO_POLLING,
  notificationsOf,
  orderWhen,
  payInWindow,
  pollingOf,
  pollsFor,
  postWebhook,
  statusOf,
  TARGETS,
  useShop,
  webhooksOf,
} from './shop.js';

/** What the simulator's window records for a decline (apps/iamport-simulator/src/browser/checkout.ts). */
const DECLINE_MESSAGE =
  '[F1002] 카드 승인이 거절되었습니다 (simulated decline)';
const CLOSE_MESSAGE = '[결제포기] 사용자가 결제를 취소하셨습니다';
const ko = MESSAGES.ko.result;
const en = MESSAGES.en.result;
/** What an ISO timestamp looks like: the pages show Korea time instead. */
const ISO_TIMESTAMP = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

describe.each(TARGETS)(
  'the sample app on %s (%s): payments',
  (kind, adapter) => {
    const shop = useShop(kind, adapter);

    /** `[kind, outcome, changed]` of every redirect and webhook the order received. */
    const logOf = async (merchantUid: string) =>
      (await notificationsOf(shop.current, merchantUid)).map((row) => [
        row.kind,
        row.outcome,
        row.changed,
      ]);

    it('card: the window pays, the redirect and the webhook settle the order once, the result page says Paid', async () => {
      const order = await shop.current.createOrder();
      const run = await payInWindow(shop.current, order, 'card');

      expect(run.window.body).toContain('35,000원');
      expect(run.window.body).toContain(order.merchant_uid);
      // The window names its icon, so that browsers ask the simulator for no favicon.
      expect(run.window.body).toContain('<link rel="icon" href="data:,">');
      expect(`${run.redirect.origin}${run.redirect.pathname}`).toBe(
        `${shop.current.url}/payments/complete`,
      );
      expect(Object.fromEntries(run.redirect.searchParams)).toEqual({
        imp_uid: expect.stringMatching(/^imp_\d{12}$/),
        merchant_uid: order.merchant_uid,
        imp_success: 'true',
      });
      expect(run.result.toString()).toBe(
        `${shop.current.url}/result?merchant_uid=${order.merchant_uid}&outcome=paid`,
      );
      expect(run.resultPage.status).toBe(200);
      expect(statusOf(run.resultPage.body)).toEqual({
        state: 'paid',
        status: 'paid',
        text: ko.states.paid.headline,
      });
      expect(leadOf(run.resultPage.body)).toBe(ko.states.paid.lead);
      expect(pollingOf(run.resultPage.body)).toEqual(NO_POLLING);

      // At the default level: one line for the settled payment (ids, outcome, source), no secret anywhere.
      const settled = shop.current.logger.lines.filter(
        (line) =>
          line.startsWith('log ') &&
          line.endsWith(' PaymentVerification') &&
          line.includes(order.merchant_uid),
      );
      expect(settled).toEqual([
        expect.stringMatching(
          new RegExp(
            `^log ${order.merchant_uid}: paid \\(pending → paid\\) by ${run.impUid}, from the (redirect|webhook), in \\d+ ms PaymentVerification$`,
          ),
        ),
      ]);
      expect(shop.current.logger.lines.join('\n')).not.toContain(
        shop.current.sim.impSecret,
      );

      const payment = await shop.current.sim.payment(run.impUid);
      expect(payment).toMatchObject({
        status: 'paid',
        amount: 35_000,
        merchant_uid: order.merchant_uid,
        pay_method: 'card',
        channel: 'mobile',
      });
      const stored = await shop.current.order(order.merchant_uid);
      expect(stored.paid_at).toBe(isoOf(payment.paid_at));
      expect(detailsOf(run.resultPage.body)).toEqual({
        order: [ko.labels.order, order.merchant_uid],
        amount: [ko.labels.amount, '35,000원'],
        paid_at: [ko.labels.paidAt, formatDateTime(stored.paid_at, 'ko')],
      });
      expect(detailsOf(run.resultPage.body).paid_at[1]).toMatch(
        /^\d{4}년 \d{1,2}월 \d{1,2}일 \d{2}:\d{2}$/,
      );
      expect(run.resultPage.body).not.toMatch(ISO_TIMESTAMP);
      // The same page for a browser that prefers English.
      const english = await getPage(
        shop.current,
        run.result.toString(),
        'en-US,en;q=0.9,ko;q=0.8',
      );
      expect(statusOf(english.body)).toEqual({
        state: 'paid',
        status: 'paid',
        text: en.states.paid.headline,
      });
      expect(leadOf(english.body)).toBe(en.states.paid.lead);
      expect(detailsOf(english.body)).toEqual({
        order: [en.labels.order, order.merchant_uid],
        amount: [en.labels.amount, '35,000원'],
        paid_at: [en.labels.paidAt, formatDateTime(stored.paid_at, 'en')],
      });
      expect(english.body).not.toMatch(ISO_TIMESTAMP);

      // The webhook iamport sends for the same payment arrives too; it changes nothing more.
      const webhooks = await webhooksOf(shop.current, run.impUid, 1);
      expect(webhooks.map((attempt) => [attempt.url, attempt.status])).toEqual([
        [`${shop.current.url}/payments/webhook`, 200],
      ]);
      const paid = await orderWhen(
        shop.current,
        order.merchant_uid,
        (current) => current.fulfilment === 'ready_to_ship',
      );
      expect(paid).toMatchObject({
        status: 'paid',
        imp_uid: run.impUid,
        paid_at: isoOf(payment.paid_at),
        failed_at: null,
        cancelled_amount: 0,
        vbank: null,
        failure_reason: null,
        fulfilment: 'ready_to_ship',
      });
      const log = await logOf(order.merchant_uid);
      // The redirect and the webhook, in whichever order they arrived.
      expect(log).toHaveLength(2);
      expect(log).toEqual(
        expect.arrayContaining([
          ['redirect', 'paid', expect.any(Boolean)],
          ['webhook', 'paid', expect.any(Boolean)],
        ]),
      );
      expect(log.filter(([, , changed]) => changed)).toHaveLength(1);

      // An API client asking the redirect route for JSON gets JSON, and nothing moves.
      const json = await completeAsJson(shop.current, {
        imp_uid: run.impUid,
        merchant_uid: order.merchant_uid,
      });
      expect(json.status).toBe(200);
      expect(json.body).toEqual({
        merchant_uid: order.merchant_uid,
        imp_uid: run.impUid,
        outcome: 'paid',
        message: 'Payment confirmed.',
      });
      expect(
        (await logOf(order.merchant_uid)).filter(([, , changed]) => changed),
      ).toHaveLength(1);
    });

    it('decline: the result page shows the failure and its reason; a later card payment still pays the order', async () => {
      const order = await shop.current.createOrder({
        name: 'Jeju green tea, 100 g',
        amount: 12_000,
      });
      const run = await payInWindow(shop.current, order, 'decline');
      expect(Object.fromEntries(run.redirect.searchParams)).toEqual({
        imp_uid: expect.stringMatching(/^imp_\d{12}$/),
        merchant_uid: order.merchant_uid,
        imp_success: 'false',
        error_code: 'F1002',
        error_msg: DECLINE_MESSAGE,
      });
      expect(run.result.searchParams.get('outcome')).toBe('failed');
      expect(statusOf(run.resultPage.body)).toEqual({
        state: 'failed',
        status: 'failed',
        text: ko.states.failed.headline,
      });
      // iamport's (the PG's) message, shown as it is.
      expect(detailsOf(run.resultPage.body).reason).toEqual([
        ko.labels.reason,
        DECLINE_MESSAGE,
      ]);
      expect(run.resultPage.body).toContain(
        `<a class="button" href="/" data-action="retry">${ko.tryAgain}</a>`,
      );
      expect(pollingOf(run.resultPage.body)).toEqual(NO_POLLING);

      const failed = await shop.current.order(order.merchant_uid);
      expect(failed).toMatchObject({
        status: 'failed',
        imp_uid: run.impUid,
        paid_at: null,
        failure_reason: DECLINE_MESSAGE,
        fulfilment: 'none',
      });
      expect(failed.failed_at).toBe(
        isoOf((await shop.current.sim.payment(run.impUid)).failed_at),
      );
      // iamport sends no webhook for a failure.
      expect(await logOf(order.merchant_uid)).toEqual([
        ['redirect', 'failed', true],
      ]);

      const retry = await payInWindow(shop.current, order, 'card');
      expect(retry.impUid).not.toBe(run.impUid);
      expect(statusOf(retry.resultPage.body)).toEqual({
        state: 'paid',
        status: 'paid',
        text: ko.states.paid.headline,
      });
      const paid = await orderWhen(
        shop.current,
        order.merchant_uid,
        (current) => current.fulfilment === 'ready_to_ship',
      );
      expect(paid).toMatchObject({
        status: 'paid',
        imp_uid: retry.impUid,
        fulfilment: 'ready_to_ship',
      });
    });

    it('close: the order stays pending, the result page says so and looks again by itself', async () => {
      const order = await shop.current.createOrder();
      const run = await payInWindow(shop.current, order, 'close');
      expect(Object.fromEntries(run.redirect.searchParams)).toEqual({
        imp_uid: expect.stringMatching(/^imp_\d{12}$/),
        merchant_uid: order.merchant_uid,
        imp_success: 'false',
        error_code: 'F400',
        error_msg: CLOSE_MESSAGE,
      });
      expect(run.result.searchParams.get('outcome')).toBe('pending');
      expect(statusOf(run.resultPage.body)).toEqual({
        state: 'not_completed',
        status: 'pending',
        text: ko.states.not_completed.headline,
      });
      expect(pollingOf(run.resultPage.body)).toEqual(
        pollsFor(order.merchant_uid),
      );
      expect(await shop.current.order(order.merchant_uid)).toMatchObject({
        status: 'pending',
        imp_uid: null,
        failure_reason: null,
        fulfilment: 'none',
      });
      expect(await logOf(order.merchant_uid)).toEqual([
        ['redirect', 'pending', false],
      ]);
    });

    it('iamport unreachable at the redirect: "being confirmed", the order untouched, and the webhook settles it later', async () => {
      const order = await shop.current.createOrder({ amount: 7000 });
      await shop.current.sim.fault({ kind: 'drop_webhook', times: 1 });
      await shop.current.sim.fault({
        kind: 'http_error',
        status: 503,
        operation: 'getPaymentByImpUid',
        times: 1000,
      });
      let run;
      try {
        run = await payInWindow(shop.current, order, 'card');
      } finally {
        await shop.current.sim.control('DELETE', '/_sim/faults');
      }
      expect(run.result.toString()).toBe(
        `${shop.current.url}/result?merchant_uid=${order.merchant_uid}&outcome=unconfirmed`,
      );
      expect(statusOf(run.resultPage.body)).toEqual({
        state: 'confirming',
        status: 'pending',
        text: ko.states.confirming.headline,
      });
      expect(pollingOf(run.resultPage.body)).toEqual(
        pollsFor(order.merchant_uid),
      );
      expect(await shop.current.order(order.merchant_uid)).toMatchObject({
        status: 'pending',
        imp_uid: null,
      });
      expect(await webhooksOf(shop.current, run.impUid, 1)).toMatchObject([
        { dropped: true },
      ]);
      expect(await logOf(order.merchant_uid)).toEqual([
        ['redirect', 'unconfirmed', false],
      ]);

      // iamport answers again and re-sends the webhook: the order is paid, the page the buyer waits on says so.
      const { deliveries } = await shop.current.sim.control(
        'POST',
        '/_sim/webhooks',
        { imp_uid: run.impUid },
      );
      expect(deliveries).toMatchObject([{ status: 200 }]);
      const paid = await orderWhen(
        shop.current,
        order.merchant_uid,
        (current) => current.fulfilment === 'ready_to_ship',
      );
      expect(paid).toMatchObject({
        status: 'paid',
        imp_uid: run.impUid,
        fulfilment: 'ready_to_ship',
      });
      const page = await getPage(shop.current, run.result.toString());
      expect(statusOf(page.body)).toEqual({
        state: 'paid',
        status: 'paid',
        text: ko.states.paid.headline,
      });
      expect(pollingOf(page.body)).toEqual(NO_POLLING);
    });

    it('virtual account: the result page shows the account; the deposit webhook pays the order', async () => {
      const order = await shop.current.createOrder({
        name: 'Tea ceremony set',
        amount: 129_000,
      });
      const run = await payInWindow(shop.current, order, 'vbank');
      expect(run.redirect.searchParams.get('imp_success')).toBe('true');
      expect(run.result.searchParams.get('outcome')).toBe('vbank_issued');
      const payment = await shop.current.sim.payment(run.impUid);
      expect(payment).toMatchObject({ status: 'ready', pay_method: 'vbank' });
      expect(statusOf(run.resultPage.body)).toEqual({
        state: 'awaiting_deposit',
        status: 'vbank_issued',
        text: ko.states.awaiting_deposit.headline,
      });
      expect(detailsOf(run.resultPage.body)).toEqual({
        bank: [ko.labels.bank, payment.vbank_name],
        account_number: [ko.labels.accountNumber, payment.vbank_num],
        holder: [ko.labels.holder, payment.vbank_holder],
        deposit_amount: [ko.labels.depositAmount, '129,000원'],
        deadline: [
          ko.labels.deadline,
          formatDeadline(isoOf(payment.vbank_date), 'ko'),
        ],
        order: [ko.labels.order, order.merchant_uid],
      });
      expect(run.resultPage.body).toContain(
        `<span id="account-number" class="mono">${payment.vbank_num}</span><button type="button" class="copy secondary" data-copy="account-number"`,
      );
      expect(run.resultPage.body).not.toMatch(ISO_TIMESTAMP);
      expect(pollingOf(run.resultPage.body)).toEqual(NO_POLLING);

      expect(await webhooksOf(shop.current, run.impUid, 1)).toMatchObject([
        { payload: { status: 'ready' }, status: 200 },
      ]);
      const issued = await orderWhen(
        shop.current,
        order.merchant_uid,
        (current) => current.fulfilment === 'awaiting_deposit',
      );
      expect(issued).toMatchObject({
        status: 'vbank_issued',
        imp_uid: run.impUid,
        paid_at: null,
        vbank: {
          bank_code: payment.vbank_code,
          bank_name: payment.vbank_name,
          account_number: payment.vbank_num,
          holder: payment.vbank_holder,
          due_at: isoOf(payment.vbank_date),
        },
        fulfilment: 'awaiting_deposit',
      });

      // The buyer pays into the account: iamport sends the `paid` webhook.
      const deposited = await shop.current.sim.control(
        'POST',
        `/_sim/payments/${run.impUid}/deposit`,
        {},
      );
      expect(deposited.status).toBe('paid');
      const paid = await orderWhen(
        shop.current,
        order.merchant_uid,
        (current) => current.fulfilment === 'ready_to_ship',
      );
      expect(paid).toMatchObject({
        status: 'paid',
        imp_uid: run.impUid,
        paid_at: isoOf(deposited.paid_at),
        fulfilment: 'ready_to_ship',
      });
      const webhooks = await webhooksOf(shop.current, run.impUid, 2);
      expect(
        webhooks.map((attempt) => [attempt.payload.status, attempt.status]),
      ).toEqual([
        ['ready', 200],
        ['paid', 200],
      ]);
      const log = await logOf(order.merchant_uid);
      expect(
        log.filter(([, , changed]) => changed).map(([, outcome]) => outcome),
      ).toEqual(['vbank_issued', 'paid']);
      expect(log.at(-1)).toEqual(['webhook', 'paid', true]);

      const page = await getPage(shop.current, run.result.toString());
      expect(statusOf(page.body)).toEqual({
        state: 'paid',
        status: 'paid',
        text: ko.states.paid.headline,
      });
      expect(detailsOf(page.body).paid_at).toEqual([
        ko.labels.paidAt,
        formatDateTime(paid.paid_at, 'ko'),
      ]);
      expect(pollingOf(page.body)).toEqual(NO_POLLING);
    });

    it('refunds from the console: a partial refund keeps the shipment, the full refund cancels it', async () => {
      const order = await shop.current.createOrder({ amount: 20_000 });
      const run = await payInWindow(shop.current, order, 'card');
      await orderWhen(
        shop.current,
        order.merchant_uid,
        (current) => current.fulfilment === 'ready_to_ship',
      );

      await shop.current.sim.control(
        'POST',
        `/_sim/payments/${run.impUid}/cancel`,
        { amount: 5000, reason: 'one cup broken' },
      );
      const partly = await orderWhen(
        shop.current,
        order.merchant_uid,
        (current) => current.status === 'partially_cancelled',
      );
      expect(partly).toMatchObject({
        status: 'partially_cancelled',
        cancelled_amount: 5000,
        fulfilment: 'ready_to_ship',
      });
      const partlyPage = await getPage(shop.current, run.result.toString());
      expect(statusOf(partlyPage.body)).toEqual({
        state: 'partly_refunded',
        status: 'partially_cancelled',
        text: ko.states.partly_refunded.headline,
      });
      expect(detailsOf(partlyPage.body)).toEqual({
        order: [ko.labels.order, order.merchant_uid],
        amount: [ko.labels.amount, '20,000원'],
        refunded: [ko.labels.refunded, '5,000원'],
        remaining: [ko.labels.remaining, '15,000원'],
        refunded_at: [
          ko.labels.refundedAt,
          formatDateTime(partly.cancelled_at, 'ko'),
        ],
      });

      const refunded = await shop.current.sim.control(
        'POST',
        `/_sim/payments/${run.impUid}/cancel`,
        { reason: 'returned' },
      );
      const cancelled = await orderWhen(
        shop.current,
        order.merchant_uid,
        (current) => current.fulfilment === 'cancelled',
      );
      expect(cancelled).toMatchObject({
        status: 'cancelled',
        imp_uid: run.impUid,
        cancelled_amount: 20_000,
        cancelled_at: isoOf(refunded.cancelled_at),
        fulfilment: 'cancelled',
      });
      const page = await getPage(shop.current, run.result.toString());
      expect(statusOf(page.body)).toEqual({
        state: 'refunded',
        status: 'cancelled',
        text: ko.states.refunded.headline,
      });
      expect(detailsOf(page.body)).toEqual({
        order: [ko.labels.order, order.merchant_uid],
        amount: [ko.labels.amount, '20,000원'],
        refunded: [ko.labels.refunded, '20,000원'],
        refunded_at: [
          ko.labels.refundedAt,
          formatDateTime(cancelled.cancelled_at, 'ko'),
        ],
      });
      expect(pollingOf(page.body)).toEqual(NO_POLLING);
      const changes = (await logOf(order.merchant_uid))
        .filter(([, , changed]) => changed)
        .map(([, outcome]) => outcome);
      expect(changes).toEqual(['paid', 'partially_cancelled', 'cancelled']);
    });

    it('a forged amount: the redirect and the webhook at once refund it exactly once, the order is forgery_cancelled and held', async () => {
      const order = await shop.current.createOrder({ amount: 35_000 });
      const forged = await shop.current.sim.createPayment({
        merchant_uid: order.merchant_uid,
        amount: 350,
      });
      const query = {
        imp_uid: forged.imp_uid,
        merchant_uid: order.merchant_uid,
      };
      const webhookBody = { ...query, status: 'paid' };
      const [redirect, webhook] = await Promise.all([
        completeAsBrowser(shop.current, { ...query, imp_success: 'true' }),
        postWebhook(shop.current, webhookBody),
      ]);
      expect(redirect.status).toBe(303);
      expect(redirect.headers.get('location')).toBe(
        `/result?merchant_uid=${order.merchant_uid}&outcome=forgery`,
      );
      expect(webhook.status).toBe(200);
      expect(webhook.body).toMatchObject({ ...query, outcome: 'forgery' });

      const refunded = await shop.current.sim.payment(forged.imp_uid);
      expect(refunded.cancel_amount).toBe(350);
      expect(refunded.cancel_history).toHaveLength(1);
      expect(refunded.status).toBe('cancelled');
      const held = await orderWhen(
        shop.current,
        order.merchant_uid,
        (current) => current.fulfilment === 'held',
      );
      expect(held).toMatchObject({
        status: 'forgery_cancelled',
        paid_at: null,
        fulfilment: 'held',
      });
      expect(held.failure_reason).toContain('350');
      // One transition: the forgery handler ran once. (`changed` may be true on both rows: when one
      // of the two refunds and the other moves the order first, each changed something.)
      const first = await logOf(order.merchant_uid);
      expect(first.map(([, outcome]) => outcome)).toEqual([
        'forgery',
        'forgery',
      ]);
      expect(first.some(([, , changed]) => changed)).toBe(true);
      const forgeryLine = `${order.merchant_uid}: forged amount`;
      expect(
        shop.current.logger.lines.filter((line) => line.includes(forgeryLine)),
      ).toHaveLength(1);

      // Both again: nothing more is refunded or changed.
      const again = await Promise.all([
        completeAsJson(shop.current, query),
        postWebhook(shop.current, webhookBody),
      ]);
      expect(
        again.map((answer) => [answer.status, answer.body.outcome]),
      ).toEqual([
        [200, 'forgery'],
        [200, 'forgery'],
      ]);
      expect(
        (await shop.current.sim.payment(forged.imp_uid)).cancel_history,
      ).toHaveLength(1);
      const log = await logOf(order.merchant_uid);
      expect(log.slice(2)).toEqual([
        [expect.any(String), 'forgery', false],
        [expect.any(String), 'forgery', false],
      ]);
      expect(
        shop.current.logger.lines.filter((line) => line.includes(forgeryLine)),
      ).toHaveLength(1);
      const page = await getPage(
        shop.current,
        `/result?merchant_uid=${order.merchant_uid}&outcome=forgery`,
      );
      expect(statusOf(page.body)).toEqual({
        state: 'refused',
        status: 'forgery_cancelled',
        text: ko.refused.headline,
      });
      expect(leadOf(page.body)).toBe(ko.refused.forgery_cancelled);
      // The comparison of amounts is for the merchant: no reason, no amount on the buyer's page.
      expect(detailsOf(page.body)).toEqual({
        order: [ko.labels.order, order.merchant_uid],
      });
      expect(page.body).not.toContain(String(held.failure_reason));
      expect(page.body).not.toContain('350원');
      expect(page.body).not.toContain('data-field="reason"');
      expect(pollingOf(page.body)).toEqual(NO_POLLING);
      expect((await shop.current.order(order.merchant_uid)).fulfilment).toBe(
        'held',
      );
    });

    it('one payment settles one order: a replayed imp_uid is refused, and the database itself refuses a second order with it', async () => {
      const paidOrder = await shop.current.createOrder({ amount: 1000 });
      const otherOrder = await shop.current.createOrder({ amount: 1000 });
      const run = await payInWindow(shop.current, paidOrder, 'card');

      const replay = await completeAsJson(shop.current, {
        imp_uid: run.impUid,
        merchant_uid: otherOrder.merchant_uid,
      });
      expect(replay.status).toBe(409);
      expect(replay.body.outcome).toBe('merchant_uid_mismatch');
      expect((await shop.current.order(otherOrder.merchant_uid)).status).toBe(
        'pending',
      );

      const orders = shop.current.dataSource.getRepository(OrderEntity);
      await expect(
        orders.update(
          { merchantUid: otherOrder.merchant_uid },
          { impUid: run.impUid },
        ),
      ).rejects.toThrow(/unique|duplicate/i);
      await expect(
        orders.insert({
          merchantUid: 'order_uniqueness_probe',
          name: 'probe',
          amount: 1000,
          currency: 'KRW',
          status: 'paid',
          impUid: run.impUid,
        }),
      ).rejects.toThrow(/unique|duplicate/i);
      expect(await orders.countBy({ impUid: run.impUid })).toBe(1);
      expect(
        (await shop.current.order(otherOrder.merchant_uid)).imp_uid,
      ).toBeNull();
    });

    it('a second payment of a paid order is refunded and the order keeps the first', async () => {
      const order = await shop.current.createOrder({ amount: 3000 });
      const first = await payInWindow(shop.current, order, 'card');
      const second = await payInWindow(shop.current, order, 'card');
      expect(second.result.searchParams.get('outcome')).toBe(
        'duplicate_payment',
      );
      expect(statusOf(second.resultPage.body)).toEqual({
        state: 'paid',
        status: 'paid',
        text: ko.states.paid.headline,
      });
      expect(second.resultPage.body).toContain(
        `<p class="notice" data-role="notice">${ko.duplicatePayment}</p>`,
      );
      expect((await shop.current.order(order.merchant_uid)).imp_uid).toBe(
        first.impUid,
      );
      expect(await shop.current.sim.payment(second.impUid)).toMatchObject({
        cancel_amount: 3000,
        status: 'cancelled',
      });
      expect((await shop.current.sim.payment(first.impUid)).cancel_amount).toBe(
        0,
      );
    });

    it('exactly once: 20 webhooks and the redirect of one payment at the same moment make one transition', async () => {
      const order = await shop.current.createOrder({ amount: 25_000 });
      const payment = await shop.current.sim.createPayment({
        merchant_uid: order.merchant_uid,
        amount: 25_000,
      });
      const body = {
        imp_uid: payment.imp_uid,
        merchant_uid: order.merchant_uid,
        status: 'paid',
      };
      const [redirect, ...webhooks] = await Promise.all([
        completeAsBrowser(shop.current, {
          imp_uid: payment.imp_uid,
          merchant_uid: order.merchant_uid,
          imp_success: 'true',
        }),
        ...Array.from({ length: 20 }, () => postWebhook(shop.current, body)),
      ]);
      expect(redirect.status).toBe(303);
      expect(redirect.headers.get('location')).toBe(
        `/result?merchant_uid=${order.merchant_uid}&outcome=paid`,
      );
      expect(
        webhooks.map((answer) => [answer.status, answer.body.outcome]),
      ).toEqual(Array.from({ length: 20 }, () => [200, 'paid']));
      // The transition is the redirect's or one webhook's: never two of them.
      expect(
        webhooks.filter((answer) => answer.body.changed).length,
      ).toBeLessThanOrEqual(1);

      const log = await notificationsOf(shop.current, order.merchant_uid);
      expect(log).toHaveLength(21);
      expect(log.filter((row) => row.changed)).toHaveLength(1);
      const settled = await orderWhen(
        shop.current,
        order.merchant_uid,
        (current) => current.fulfilment === 'ready_to_ship',
      );
      expect(settled).toMatchObject({
        status: 'paid',
        imp_uid: payment.imp_uid,
        fulfilment: 'ready_to_ship',
      });
      // The paid handler ran once.
      const shipped = shop.current.logger.lines.filter(
        (line) =>
          line.includes(`${order.merchant_uid}: paid`) && line.includes('ship'),
      );
      expect(shipped).toHaveLength(1);
    });

    it('a webhook (JSON or form) for a payment of no order of this shop is answered 200 and changes nothing', async () => {
      const stray = await shop.current.sim.createPayment({
        merchant_uid: 'order_of_another_shop',
        amount: 1000,
      });
      const json = await postWebhook(shop.current, {
        imp_uid: stray.imp_uid,
        merchant_uid: 'order_of_another_shop',
        status: 'paid',
      });
      expect(json.status).toBe(200);
      expect(json.body).toEqual({
        merchant_uid: 'order_of_another_shop',
        imp_uid: stray.imp_uid,
        outcome: 'not_found',
        changed: false,
      });
      const { deliveries } = await shop.current.sim.control(
        'POST',
        '/_sim/webhooks',
        { imp_uid: stray.imp_uid, format: 'form' },
      );
      expect(deliveries).toMatchObject([{ status: 200 }]);
      expect(await logOf('order_of_another_shop')).toEqual([
        ['webhook', 'not_found', false],
        ['webhook', 'not_found', false],
      ]);
    });
  },
);
