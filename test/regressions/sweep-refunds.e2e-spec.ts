import { ReconciliationService } from 'nestjs-iamport';
import { orderWhen, postWebhook, useShop } from '../sample/shop.js';
import { recordOf } from './regression-kit.js';

const AMOUNT = 17_000;

/**
 * Found by the randomised test (test/invariants, MariaDB and SQLite soaks): a
 * settled order with an unnoticed duplicate payment (on iamport's paid list)
 * and an unnoticed partial refund of its settling payment (on the cancelled
 * list). The sweep refunded the duplicate and left the refund for the next
 * run: meanwhile the order shipped against money iamport no longer held.
 */
describe.each(['sqlite', 'postgres'] as const)(
  'the sweep of recent payments on %s',
  (kind) => {
    const shop = useShop(kind);

    it('verifies every unrecorded payment of a settled order in one run: the duplicate is refunded and the refund recorded', async () => {
      const { merchant_uid } = await shop.current.createOrder({
        amount: AMOUNT,
      });
      const duplicate = await shop.current.sim.createPayment({
        merchant_uid,
        amount: AMOUNT,
      });
      const settling = await shop.current.sim.createPayment({
        merchant_uid,
        amount: AMOUNT,
      });
      await postWebhook(shop.current, {
        imp_uid: settling.imp_uid,
        merchant_uid,
        status: 'paid',
      });
      await shop.current.sim.cancelInConsole(settling.imp_uid, {
        amount: 1530,
        webhook: false,
      });

      const summary = await shop.current.app
        .get(ReconciliationService)
        .reconcile({ olderThanMs: 60_000 });
      expect(summary.swept).toMatchObject({ verified: 2, failed: 0 });
      expect(
        await orderWhen(
          shop.current,
          merchant_uid,
          (order) => order.fulfilment === 'ready_to_ship',
        ),
      ).toMatchObject({
        status: 'partially_cancelled',
        imp_uid: settling.imp_uid,
        cancelled_amount: 1530,
      });
      expect(
        (await shop.current.sim.payment(duplicate.imp_uid)).cancel_amount,
      ).toBe(AMOUNT);
      expect(await recordOf(shop.current, duplicate.imp_uid)).toMatchObject({
        disposition: 'refunded',
      });
      expect(await recordOf(shop.current, settling.imp_uid)).toEqual({
        disposition: 'settles_order',
        status: 'cancelled',
        cancelledAmount: 1530,
      });
      expect(summary.unaccounted).toEqual([]);
    });
  },
);
