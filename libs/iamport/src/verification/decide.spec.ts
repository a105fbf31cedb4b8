import type { Payment } from '../client/iamport.types.js';
import {
  ORDER_STATUSES,
  type OrderStatus,
  type TargetStatus,
} from '../ports/order-status.js';
import type {
  IamportOrder,
  OrderTransition,
} from '../ports/order.repository.js';
import { canApply, decide } from './decide.js';
import type { VerificationPolicy } from './verification-outcome.js';
import { PAID_AT, paidPayment } from './payment.fixtures.js';
import type { PortOnePayment } from './portone-payment.js';

const NOW = new Date('2026-11-25T00:00:00Z');
const cancelPolicy: VerificationPolicy = {
  includeSandbox: false,
  forgeryPolicy: 'cancel',
  unknownOrderPolicy: 'flag',
};
const flagPolicy: VerificationPolicy = {
  includeSandbox: false,
  forgeryPolicy: 'flag',
  unknownOrderPolicy: 'flag',
};

function order(overrides: Partial<IamportOrder> = {}): IamportOrder {
  return {
    merchantUid: 'order-1',
    amount: 10_000,
    currency: 'KRW',
    status: 'pending',
    impUid: null,
    cancelledAmount: 0,
    version: 3,
    ...overrides,
  };
}

const payment = paidPayment;

const vbankReady = {
  status: 'ready',
  pay_method: 'vbank',
  paid_at: 0,
  vbank_code: '004',
  vbank_name: 'KB국민은행',
  vbank_num: '12345678901234',
  vbank_holder: '(주)상점',
  vbank_date: 1_790_259_200,
} as const;

describe('decide', () => {
  describe('paid', () => {
    it('pays a pending order when amount and currency match', () => {
      const decision = decide({
        order: order(),
        payment: payment(),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('paid');
      expect(decision.refund).toBeNull();
      expect(decision.transition).toMatchObject({
        merchantUid: 'order-1',
        to: 'paid',
        impUid: 'imp_100000000001',
        paidAt: new Date(PAID_AT * 1000),
      });
      // Written only onto the order as read, and clearing what an earlier payment left.
      expect(decision.transition).toMatchObject({
        expectedVersion: 3,
        cancelledAmount: 0,
        cancelledAt: null,
        failedAt: null,
        reason: null,
        virtualAccount: null,
      });
    });

    it('pays an order whose earlier attempt failed (same merchant_uid, new imp_uid)', () => {
      const decision = decide({
        order: order({ status: 'failed', impUid: 'imp_100000000000' }),
        payment: payment(),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('paid');
      expect(decision.transition?.to).toBe('paid');
    });

    it('pays an order waiting for a deposit when the deposit arrives', () => {
      const decision = decide({
        order: order({ status: 'vbank_issued', impUid: 'imp_100000000001' }),
        payment: payment({ pay_method: 'vbank' }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.transition?.to).toBe('paid');
    });

    it('proposes nothing for an order it already paid', () => {
      const decision = decide({
        order: order({ status: 'paid', impUid: 'imp_100000000001' }),
        payment: payment(),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('paid');
      expect(decision.transition).toBeNull();
      expect(decision.refund).toBeNull();
    });

    it('never moves a cancelled order back to paid on a stale webhook', () => {
      const decision = decide({
        order: order({
          status: 'cancelled',
          impUid: 'imp_100000000001',
          cancelledAmount: 10_000,
        }),
        payment: payment(),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.transition).toBeNull();
    });
  });

  describe('vbank_issued', () => {
    it('keeps the account number, bank and due date', () => {
      const decision = decide({
        order: order(),
        payment: payment(vbankReady),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('vbank_issued');
      expect(decision.transition).toMatchObject({
        to: 'vbank_issued',
        virtualAccount: {
          bankCode: '004',
          bankName: 'KB국민은행',
          accountNumber: '12345678901234',
          holder: '(주)상점',
          dueAt: new Date(1_790_259_200 * 1000),
        },
      });
    });

    it('is only pending when ready without a virtual account (the buyer left the window)', () => {
      const decision = decide({
        order: order(),
        payment: payment({ status: 'ready', paid_at: 0 }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('pending');
      expect(decision.transition).toBeNull();
    });
  });

  describe('failed', () => {
    it('fails a pending order with the reason', () => {
      const decision = decide({
        order: order(),
        payment: payment({
          status: 'failed',
          paid_at: 0,
          failed_at: PAID_AT,
          fail_reason: 'card declined',
        }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('failed');
      expect(decision.transition).toMatchObject({
        to: 'failed',
        reason: 'card declined',
        failedAt: new Date(PAID_AT * 1000),
      });
      expect(decision.transition?.expectedVersion).toBe(3);
    });

    it('does not fail an order waiting for another payment’s deposit', () => {
      const decision = decide({
        order: order({ status: 'vbank_issued', impUid: 'imp_other' }),
        payment: payment({ status: 'failed', paid_at: 0 }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('failed');
      expect(decision.transition).toBeNull();
    });

    it('never fails a paid order', () => {
      const decision = decide({
        order: order({ status: 'paid', impUid: 'imp_other' }),
        payment: payment({ status: 'failed', paid_at: 0 }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('failed');
      expect(decision.transition).toBeNull();
    });
  });

  describe('refunds', () => {
    const paidOrder = order({ status: 'paid', impUid: 'imp_100000000001' });

    it('cancels an order fully refunded', () => {
      const decision = decide({
        order: paidOrder,
        payment: payment({
          status: 'cancelled',
          cancel_amount: 10_000,
          cancelled_at: PAID_AT + 60,
        }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('cancelled');
      expect(decision.transition).toMatchObject({
        to: 'cancelled',
        cancelledAmount: 10_000,
        cancelledAt: new Date((PAID_AT + 60) * 1000),
        paidAt: new Date(PAID_AT * 1000),
        expectedVersion: 3,
      });
    });

    it('reads a partial refund from the amounts although the status says cancelled', () => {
      const decision = decide({
        order: paidOrder,
        payment: payment({
          status: 'cancelled',
          cancel_amount: 3000,
          cancelled_at: PAID_AT + 60,
        }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('partially_cancelled');
      expect(decision.transition).toMatchObject({
        to: 'partially_cancelled',
        cancelledAmount: 3000,
      });
    });

    it('reads a partial refund when the status still says paid', () => {
      const decision = decide({
        order: paidOrder,
        payment: payment({ cancel_amount: 2500 }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('partially_cancelled');
    });

    it('leaves an open order alone when a payment it never saw was refunded in full', () => {
      const decision = decide({
        order: order(),
        payment: payment({ status: 'cancelled', cancel_amount: 10_000 }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('cancelled');
      expect(decision.transition).toBeNull();
      expect(decision.refund).toBeNull();
    });

    it('opens an order waiting for a deposit again when its account is revoked before any deposit', () => {
      const decision = decide({
        order: order({ status: 'vbank_issued', impUid: 'imp_100000000001' }),
        payment: payment({
          ...vbankReady,
          status: 'cancelled',
          cancelled_at: PAID_AT,
        }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('cancelled');
      // Not `cancelled`: that would settle the order, and the buyer's next real payment would be refunded.
      expect(decision.transition).toMatchObject({
        to: 'failed',
        failedAt: new Date(PAID_AT * 1000),
        reason: 'the virtual account was revoked before any deposit',
      });
    });

    it('moves a partial refund forward only by amount', () => {
      const partly = order({
        status: 'partially_cancelled',
        impUid: 'imp_100000000001',
        cancelledAmount: 3000,
      });
      const stale = decide({
        order: partly,
        payment: payment({ status: 'cancelled', cancel_amount: 3000 }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(stale.transition).toBeNull();
      const more = decide({
        order: partly,
        payment: payment({ status: 'cancelled', cancel_amount: 5000 }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(more.transition).toMatchObject({
        to: 'partially_cancelled',
        cancelledAmount: 5000,
      });
    });

    it('dates a refund iamport did not date with the decision time', () => {
      const decision = decide({
        order: paidOrder,
        payment: payment({ status: 'cancelled', cancel_amount: 10_000 }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.transition?.cancelledAt).toEqual(NOW);
    });
  });

  describe('forgery', () => {
    it.each([
      ['tampered down', { amount: 100 }],
      ['tampered up', { amount: 1_000_000 }],
      ['another currency', { currency: 'USD' }],
    ])(
      'refunds what was paid when the amount is %s, with checksum, then records forgery_cancelled',
      (_label, tampered) => {
        const forged = payment(tampered);
        const decision = decide({
          order: order(),
          payment: forged,
          policy: cancelPolicy,
          now: NOW,
        });
        expect(decision.outcome).toBe('forgery');
        expect(decision.refund).toEqual({
          impUid: forged.impUid,
          amount: forged.amount,
          checksum: forged.amount,
          reason: 'forged amount',
        });
        expect(decision.transition).toMatchObject({
          to: 'forgery_cancelled',
          cancelledAmount: forged.amount,
        });
      },
    );

    it('refunds only what is left of a partly refunded forged payment', () => {
      const decision = decide({
        order: order(),
        payment: payment({ amount: 500, cancel_amount: 200 }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.refund).toMatchObject({ amount: 300, checksum: 300 });
    });

    it('only flags under the flag policy', () => {
      const decision = decide({
        order: order(),
        payment: payment({ amount: 100 }),
        policy: flagPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('forgery');
      expect(decision.refund).toBeNull();
      expect(decision.transition?.to).toBe('forgery_flagged');
    });

    it('leaves the order alone for a forged virtual account (no money yet), and refunds on deposit', () => {
      const issued = decide({
        order: order(),
        payment: payment({ ...vbankReady, amount: 100 }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(issued.outcome).toBe('forgery');
      expect(issued.refund).toBeNull();
      expect(issued.transition).toBeNull();

      const deposited = decide({
        order: order(),
        payment: payment({ pay_method: 'vbank', amount: 100 }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(deposited.refund).toMatchObject({ amount: 100 });
      expect(deposited.transition?.to).toBe('forgery_cancelled');
    });

    it('does nothing more once the forgery is recorded and refunded', () => {
      const decision = decide({
        order: order({
          status: 'forgery_cancelled',
          impUid: 'imp_100000000001',
        }),
        payment: payment({
          amount: 100,
          status: 'cancelled',
          cancel_amount: 100,
        }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('forgery');
      expect(decision.refund).toBeNull();
      expect(decision.transition).toBeNull();
    });

    it('refunds a forged payment of an order another payment settled, without touching the order', () => {
      const decision = decide({
        order: order({ status: 'paid', impUid: 'imp_other' }),
        payment: payment({ amount: 100 }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('forgery');
      expect(decision.refund?.amount).toBe(100);
      expect(decision.transition).toBeNull();
    });

    it('changes nothing for a forged attempt that was never paid', () => {
      const decision = decide({
        order: order(),
        payment: payment({ amount: 100, status: 'failed', paid_at: 0 }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('forgery');
      expect(decision.transition).toBeNull();
      expect(decision.refund).toBeNull();
    });
  });

  describe('duplicate_payment', () => {
    const paidByAnother = order({ status: 'paid', impUid: 'imp_100000000000' });

    it('refunds a second successful payment under the cancel policy', () => {
      const decision = decide({
        order: paidByAnother,
        payment: payment(),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('duplicate_payment');
      expect(decision.refund).toEqual({
        impUid: 'imp_100000000001',
        amount: 10_000,
        checksum: 10_000,
        reason: 'duplicate payment',
      });
      expect(decision.transition).toBeNull();
    });

    it('only reports it under the flag policy', () => {
      const decision = decide({
        order: paidByAnother,
        payment: payment(),
        policy: flagPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('duplicate_payment');
      expect(decision.refund).toBeNull();
    });

    it('never lets the refund of a duplicate cancel the order, and still calls it a duplicate', () => {
      const decision = decide({
        order: paidByAnother,
        payment: payment({ status: 'cancelled', cancel_amount: 10_000 }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('duplicate_payment');
      expect(decision.transition).toBeNull();
      expect(decision.refund).toBeNull();
    });

    it('reports a virtual account issued for an order already paid', () => {
      const decision = decide({
        order: paidByAnother,
        payment: payment(vbankReady),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('duplicate_payment');
      expect(decision.refund).toBeNull();
    });
  });

  describe('mismatches and refusals', () => {
    it('reports a merchant_uid swap and changes neither order', () => {
      const decision = decide({
        order: order(),
        payment: payment(),
        policy: cancelPolicy,
        claimedMerchantUid: 'order-2',
        now: NOW,
      });
      expect(decision.outcome).toBe('merchant_uid_mismatch');
      expect(decision.transition).toBeNull();
      expect(decision.refund).toBeNull();
    });

    it('accepts a claim that matches the payment', () => {
      const decision = decide({
        order: order(),
        payment: payment(),
        policy: cancelPolicy,
        claimedMerchantUid: 'order-1',
        now: NOW,
      });
      expect(decision.outcome).toBe('paid');
    });

    it('reports a payment of an unknown order as not_found', () => {
      const decision = decide({
        order: null,
        payment: payment(),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('not_found');
      expect(decision.transition).toBeNull();
    });

    it('rejects a test-channel payment unless sandbox payments are accepted', () => {
      const sandboxed = payment({ sandbox: true });
      expect(
        decide({
          order: order(),
          payment: sandboxed,
          policy: cancelPolicy,
          now: NOW,
        }).outcome,
      ).toBe('sandbox_rejected');
      expect(
        decide({
          order: order(),
          payment: sandboxed,
          policy: { ...cancelPolicy, includeSandbox: true },
          now: NOW,
        }).outcome,
      ).toBe('paid');
    });

    it('rejects a sandbox payment even when its amount is forged, without refunding it', () => {
      const decision = decide({
        order: order(),
        payment: payment({ sandbox: true, amount: 1 }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('sandbox_rejected');
      expect(decision.refund).toBeNull();
    });
  });

  describe('reasons', () => {
    it('names both orders of a merchant_uid swap', () => {
      const decision = decide({
        order: order(),
        payment: payment(),
        policy: cancelPolicy,
        claimedMerchantUid: 'order-2',
        now: NOW,
      });
      expect(decision.reason).toBe(
        'the payment belongs to order-1, not order-2',
      );
    });

    it('says a refused test-channel payment was made on a test channel', () => {
      const decision = decide({
        order: order(),
        payment: payment({ sandbox: true }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.reason).toMatch(/test channel/);
    });

    it('names the order a payment was made for when the shop does not know it', () => {
      const decision = decide({
        order: null,
        payment: payment({ merchant_uid: 'order-9' }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.reason).toBe('no order order-9');
    });

    it('gives both amounts and currencies of a forgery', () => {
      const decision = decide({
        order: order(),
        payment: payment({ amount: 100, currency: 'USD' }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.reason).toBe('paid 100 USD, the order expects 10000 KRW');
      expect(decision.transition?.reason).toBe(decision.reason);
    });

    it('says a forged attempt that never held money paid nothing', () => {
      const decision = decide({
        order: order(),
        payment: payment({ ...vbankReady, amount: 100 }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.reason).toBe(
        'paid 100 KRW, the order expects 10000 KRW; nothing was paid (refunded if it ever is)',
      );
    });

    it('names the payment that settled the order of a duplicate', () => {
      const decision = decide({
        order: order({ status: 'paid', impUid: 'imp_100000000000' }),
        payment: payment(),
        policy: flagPolicy,
        now: NOW,
      });
      expect(decision.reason).toBe(
        'order order-1 was already settled by imp_100000000000',
      );
    });

    it('says "another payment" when the settled order names none', () => {
      const decision = decide({
        order: order({ status: 'paid', impUid: null }),
        payment: payment(),
        policy: flagPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('duplicate_payment');
      expect(decision.reason).toBe(
        'order order-1 was already settled by another payment',
      );
    });

    it('says how much of how much was refunded, or that all of it was', () => {
      const paidOrder = order({ status: 'paid', impUid: 'imp_100000000001' });
      expect(
        decide({
          order: paidOrder,
          payment: payment({ status: 'cancelled', cancel_amount: 3000 }),
          policy: cancelPolicy,
          now: NOW,
        }).reason,
      ).toBe('3000 of 10000 refunded');
      expect(
        decide({
          order: paidOrder,
          payment: payment({ status: 'cancelled', cancel_amount: 10_000 }),
          policy: cancelPolicy,
          now: NOW,
        }).reason,
      ).toBe('refunded in full');
    });

    it('says what happened for each outcome that changes nothing', () => {
      const reasonOf = (o: IamportOrder, p: PortOnePayment) =>
        decide({ order: o, payment: p, policy: cancelPolicy, now: NOW }).reason;
      expect(
        reasonOf(order(), payment({ status: 'ready', paid_at: 0 })),
      ).toMatch(/not been completed/);
      expect(
        reasonOf(
          order({ status: 'paid', impUid: 'imp_other' }),
          payment(vbankReady),
        ),
      ).toBe('a virtual account was issued for order-1, already paid');
      expect(
        reasonOf(
          order({ status: 'paid', impUid: 'imp_other' }),
          payment({ status: 'cancelled', cancel_amount: 10_000 }),
        ),
      ).toMatch(/refunded payment of an order that another payment settled/);
      expect(
        reasonOf(
          order(),
          payment({ status: 'cancelled', cancel_amount: 10_000 }),
        ),
      ).toMatch(/refunded in full before it settled the order/);
      expect(
        reasonOf(
          order(),
          payment({
            ...vbankReady,
            status: 'cancelled',
            cancelled_at: PAID_AT,
          }),
        ),
      ).toBe(
        'the virtual account was revoked before any deposit; nothing was paid',
      );
      expect(
        reasonOf(
          order({ status: 'forgery_cancelled', impUid: 'imp_100000000001' }),
          payment({ amount: 100, status: 'cancelled', cancel_amount: 100 }),
        ),
      ).toBe('paid 100 KRW, the order expects 10000 KRW; already recorded');
    });

    it('says what happened for each outcome that moves the order', () => {
      const reasonOf = (o: IamportOrder, p: PortOnePayment) =>
        decide({ order: o, payment: p, policy: cancelPolicy, now: NOW }).reason;
      expect(reasonOf(order(), payment())).toBe('paid in full');
      expect(reasonOf(order(), payment(vbankReady))).toBe(
        'a virtual account was issued',
      );
    });

    it('names an unknown payment status', () => {
      const decision = decide({
        order: order(),
        payment: payment({ status: 'refunding' as Payment['status'] }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('pending');
      expect(decision.transition).toBeNull();
      expect(decision.refund).toBeNull();
      expect(decision.reason).toBe('unknown payment status refunding');
    });
  });

  describe('every field of each transition', () => {
    const virtualAccount = {
      bankCode: '004',
      bankName: 'KB국민은행',
      accountNumber: '12345678901234',
      holder: '(주)상점',
      dueAt: new Date(1_790_259_200 * 1000),
    };
    // An order last moved by an earlier payment: nothing of it may carry over.
    const earlier = { impUid: 'imp_100000000000', version: 7 };

    function transitionOf(o: IamportOrder, p: PortOnePayment, now = NOW) {
      return decide({ order: o, payment: p, policy: cancelPolicy, now })
        .transition;
    }

    it('paid: the paid time, nothing else', () => {
      expect(
        transitionOf(order({ ...earlier, status: 'failed' }), payment()),
      ).toEqual({
        merchantUid: 'order-1',
        expectedVersion: 7,
        to: 'paid',
        impUid: 'imp_100000000001',
        paidAt: new Date(PAID_AT * 1000),
        failedAt: null,
        cancelledAt: null,
        cancelledAmount: 0,
        virtualAccount: null,
        reason: null,
      });
    });

    it('paid by a deposit: keeps the virtual account it was paid into', () => {
      expect(
        transitionOf(
          order({ status: 'vbank_issued', impUid: 'imp_100000000001' }),
          payment({ ...vbankReady, status: 'paid', paid_at: PAID_AT }),
        ),
      ).toEqual({
        merchantUid: 'order-1',
        expectedVersion: 3,
        to: 'paid',
        impUid: 'imp_100000000001',
        paidAt: new Date(PAID_AT * 1000),
        failedAt: null,
        cancelledAt: null,
        cancelledAmount: 0,
        virtualAccount,
        reason: null,
      });
    });

    it('vbank_issued: the account, nothing else', () => {
      expect(
        transitionOf(
          order({ ...earlier, status: 'forgery_cancelled' }),
          payment(vbankReady),
        ),
      ).toEqual({
        merchantUid: 'order-1',
        expectedVersion: 7,
        to: 'vbank_issued',
        impUid: 'imp_100000000001',
        paidAt: null,
        failedAt: null,
        cancelledAt: null,
        cancelledAmount: 0,
        virtualAccount,
        reason: null,
      });
    });

    it('failed: the time and iamport’s reason', () => {
      expect(
        transitionOf(
          order(),
          payment({
            status: 'failed',
            paid_at: 0,
            failed_at: PAID_AT,
            fail_reason: 'card declined',
          }),
        ),
      ).toEqual({
        merchantUid: 'order-1',
        expectedVersion: 3,
        to: 'failed',
        impUid: 'imp_100000000001',
        paidAt: null,
        failedAt: new Date(PAID_AT * 1000),
        cancelledAt: null,
        cancelledAmount: 0,
        virtualAccount: null,
        reason: 'card declined',
      });
    });

    it('failed without a time or a reason from iamport: the decision time and a generic reason', () => {
      const decision = decide({
        order: order(),
        payment: payment({ status: 'failed', paid_at: 0 }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.reason).toBe('the payment failed');
      expect(decision.transition).toMatchObject({
        failedAt: NOW,
        reason: 'the payment failed',
      });
    });

    it('failed own virtual account (deadline passed): keeps the account it failed with', () => {
      expect(
        transitionOf(
          order({ status: 'vbank_issued', impUid: 'imp_100000000001' }),
          payment({
            ...vbankReady,
            status: 'failed',
            failed_at: PAID_AT,
            fail_reason: 'deposit deadline passed',
          }),
        ),
      ).toEqual({
        merchantUid: 'order-1',
        expectedVersion: 3,
        to: 'failed',
        impUid: 'imp_100000000001',
        paidAt: null,
        failedAt: new Date(PAID_AT * 1000),
        cancelledAt: null,
        cancelledAmount: 0,
        virtualAccount,
        reason: 'deposit deadline passed',
      });
    });

    it('revoked own virtual account: failed at the revocation, with the account', () => {
      expect(
        transitionOf(
          order({ status: 'vbank_issued', impUid: 'imp_100000000001' }),
          payment({
            ...vbankReady,
            status: 'cancelled',
            cancelled_at: PAID_AT,
          }),
        ),
      ).toEqual({
        merchantUid: 'order-1',
        expectedVersion: 3,
        to: 'failed',
        impUid: 'imp_100000000001',
        paidAt: null,
        failedAt: new Date(PAID_AT * 1000),
        cancelledAt: null,
        cancelledAmount: 0,
        virtualAccount,
        reason: 'the virtual account was revoked before any deposit',
      });
    });

    it('revoked without a time from iamport: failed at the decision time', () => {
      expect(
        transitionOf(
          order({ status: 'vbank_issued', impUid: 'imp_100000000001' }),
          payment({ ...vbankReady, status: 'cancelled' }),
        )?.failedAt,
      ).toEqual(NOW);
    });

    it('cancelled: paid and refunded times and the amount refunded', () => {
      expect(
        transitionOf(
          order({
            status: 'partially_cancelled',
            impUid: 'imp_100000000001',
            cancelledAmount: 3000,
          }),
          payment({
            status: 'cancelled',
            cancel_amount: 10_000,
            cancelled_at: PAID_AT + 60,
          }),
        ),
      ).toEqual({
        merchantUid: 'order-1',
        expectedVersion: 3,
        to: 'cancelled',
        impUid: 'imp_100000000001',
        paidAt: new Date(PAID_AT * 1000),
        failedAt: null,
        cancelledAt: new Date((PAID_AT + 60) * 1000),
        cancelledAmount: 10_000,
        virtualAccount: null,
        reason: null,
      });
    });

    it('partially_cancelled: the same fields, with what was refunded so far', () => {
      expect(
        transitionOf(
          order({ status: 'paid', impUid: 'imp_100000000001' }),
          payment({ cancel_amount: 2500 }),
        ),
      ).toEqual({
        merchantUid: 'order-1',
        expectedVersion: 3,
        to: 'partially_cancelled',
        impUid: 'imp_100000000001',
        paidAt: new Date(PAID_AT * 1000),
        failedAt: null,
        cancelledAt: NOW,
        cancelledAmount: 2500,
        virtualAccount: null,
        reason: null,
      });
    });

    it('forgery_cancelled: the whole amount back at the decision time, and why', () => {
      expect(
        transitionOf(
          order({ ...earlier, status: 'failed' }),
          payment({ amount: 100 }),
        ),
      ).toEqual({
        merchantUid: 'order-1',
        expectedVersion: 7,
        to: 'forgery_cancelled',
        impUid: 'imp_100000000001',
        paidAt: null,
        failedAt: null,
        cancelledAt: NOW,
        cancelledAmount: 100,
        virtualAccount: null,
        reason: 'paid 100 KRW, the order expects 10000 KRW',
      });
    });

    it('forgery_flagged: what iamport refunded so far, no refund time, and why', () => {
      const decision = decide({
        order: order(),
        payment: payment({ amount: 500, cancel_amount: 200 }),
        policy: flagPolicy,
        now: NOW,
      });
      expect(decision.refund).toBeNull();
      expect(decision.transition).toEqual({
        merchantUid: 'order-1',
        expectedVersion: 3,
        to: 'forgery_flagged',
        impUid: 'imp_100000000001',
        paidAt: null,
        failedAt: null,
        cancelledAt: null,
        cancelledAmount: 200,
        virtualAccount: null,
        reason: 'paid 500 KRW, the order expects 10000 KRW',
      });
    });
  });

  describe('canApply', () => {
    // The life of an order: which statuses each status may be reached from.
    const reachableFrom: Record<TargetStatus, OrderStatus[]> = {
      // Not from vbank_issued: a second virtual account does not replace the first.
      vbank_issued: [
        'pending',
        'failed',
        'forgery_cancelled',
        'forgery_flagged',
      ],
      paid: [
        'pending',
        'failed',
        'vbank_issued',
        'forgery_cancelled',
        'forgery_flagged',
      ],
      failed: ['pending', 'vbank_issued'],
      partially_cancelled: [
        'pending',
        'failed',
        'vbank_issued',
        'paid',
        'partially_cancelled',
        'forgery_cancelled',
        'forgery_flagged',
      ],
      cancelled: ['vbank_issued', 'paid', 'partially_cancelled'],
      forgery_cancelled: [
        'pending',
        'failed',
        'vbank_issued',
        'forgery_flagged',
      ],
      forgery_flagged: ['pending', 'failed', 'vbank_issued'],
    };

    function transition(
      to: TargetStatus,
      overrides: Partial<OrderTransition> = {},
    ): OrderTransition {
      return {
        merchantUid: 'order-1',
        expectedVersion: 3,
        to,
        impUid: 'imp_B',
        paidAt: null,
        failedAt: null,
        cancelledAt: null,
        cancelledAmount: 0,
        virtualAccount: null,
        reason: null,
        ...overrides,
      };
    }

    it('moves an order of another payment exactly along the allowed moves', () => {
      for (const [to, from] of Object.entries(reachableFrom) as Array<
        [TargetStatus, OrderStatus[]]
      >) {
        for (const status of ORDER_STATUSES) {
          expect(
            canApply(order({ status, impUid: 'imp_A' }), transition(to)),
            `${status} → ${to}`,
          ).toBe(from.includes(status));
        }
      }
    });

    it('never moves a cancelled order, nor a settled one back to unsettled', () => {
      for (const to of Object.keys(reachableFrom) as TargetStatus[]) {
        expect(
          canApply(
            order({ status: 'cancelled', impUid: 'imp_A' }),
            transition(to),
          ),
        ).toBe(false);
      }
      for (const to of [
        'paid',
        'vbank_issued',
        'failed',
        'forgery_cancelled',
        'forgery_flagged',
      ] as const) {
        expect(
          canApply(order({ status: 'paid', impUid: 'imp_A' }), transition(to)),
        ).toBe(false);
      }
    });

    it('applies a move of another payment whatever the amounts (its own refunds start at 0)', () => {
      expect(
        canApply(
          order({
            status: 'partially_cancelled',
            impUid: 'imp_A',
            cancelledAmount: 3000,
          }),
          transition('partially_cancelled', { cancelledAmount: 1000 }),
        ),
      ).toBe(true);
      expect(
        canApply(
          order({ status: 'vbank_issued', impUid: 'imp_A' }),
          transition('paid'),
        ),
      ).toBe(true);
    });

    it('never applies a move the table forbids, even for the same payment', () => {
      expect(
        canApply(
          order({
            status: 'cancelled',
            impUid: 'imp_B',
            cancelledAmount: 3000,
          }),
          transition('partially_cancelled', { cancelledAmount: 5000 }),
        ),
      ).toBe(false);
    });

    describe('the same payment', () => {
      const partly = order({
        status: 'partially_cancelled',
        impUid: 'imp_B',
        cancelledAmount: 3000,
      });

      it('moves forward at a higher cancelled amount', () => {
        expect(
          canApply(
            partly,
            transition('partially_cancelled', { cancelledAmount: 5000 }),
          ),
        ).toBe(true);
        expect(
          canApply(
            partly,
            transition('cancelled', { cancelledAmount: 10_000 }),
          ),
        ).toBe(true);
      });

      it('never moves back to a lower cancelled amount, whatever the status', () => {
        expect(
          canApply(
            partly,
            transition('partially_cancelled', { cancelledAmount: 1000 }),
          ),
        ).toBe(false);
        expect(
          canApply(partly, transition('cancelled', { cancelledAmount: 0 })),
        ).toBe(false);
      });

      it('at the same amount, moves only to another status', () => {
        expect(
          canApply(
            partly,
            transition('partially_cancelled', { cancelledAmount: 3000 }),
          ),
        ).toBe(false);
        expect(
          canApply(
            order({ status: 'vbank_issued', impUid: 'imp_B' }),
            transition('paid'),
          ),
        ).toBe(true);
        expect(
          canApply(
            order({ status: 'vbank_issued', impUid: 'imp_B' }),
            transition('vbank_issued'),
          ),
        ).toBe(false);
        expect(
          canApply(
            order({ status: 'paid', impUid: 'imp_B' }),
            transition('cancelled'),
          ),
        ).toBe(true);
      });
    });
  });

  describe('refunds of a payment that did not settle the order', () => {
    const paidByAnother = order({ status: 'paid', impUid: 'imp_100000000000' });

    it.each<OrderStatus>(['paid', 'partially_cancelled', 'cancelled'])(
      'refunds what is left of a partly refunded duplicate of an order %s by another payment',
      (status) => {
        const decision = decide({
          order: order({ status, impUid: 'imp_100000000000' }),
          payment: payment({ status: 'cancelled', cancel_amount: 3000 }),
          policy: cancelPolicy,
          now: NOW,
        });
        expect(decision.outcome).toBe('duplicate_payment');
        expect(decision.refund).toEqual({
          impUid: 'imp_100000000001',
          amount: 7000,
          checksum: 7000,
          reason: 'duplicate payment',
        });
        expect(decision.transition).toBeNull();
      },
    );

    it('only reports a partly refunded duplicate under the flag policy', () => {
      const decision = decide({
        order: paidByAnother,
        payment: payment({ cancel_amount: 3000 }),
        policy: flagPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('duplicate_payment');
      expect(decision.refund).toBeNull();
      expect(decision.transition).toBeNull();
    });

    it('does nothing for a duplicate refunded in full (the money is back)', () => {
      const decision = decide({
        order: paidByAnother,
        payment: payment({ status: 'cancelled', cancel_amount: 10_000 }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision).toMatchObject({
        outcome: 'duplicate_payment',
        transition: null,
        refund: null,
      });
    });

    it('moves an open order to partially_cancelled for a payment it never saw, partly refunded', () => {
      for (const open of [
        order(),
        order({ status: 'failed', impUid: 'imp_100000000000' }),
      ]) {
        const decision = decide({
          order: open,
          payment: payment({ status: 'cancelled', cancel_amount: 3000 }),
          policy: cancelPolicy,
          now: NOW,
        });
        expect(decision.outcome).toBe('partially_cancelled');
        expect(decision.refund).toBeNull();
        expect(decision.transition).toMatchObject({
          to: 'partially_cancelled',
          impUid: 'imp_100000000001',
          cancelledAmount: 3000,
        });
      }
    });

    it('takes iamport’s word "cancelled" as the end of its own order, even when no amount is reported refunded', () => {
      // The payment record flags such a payment for a person (see payment-record.ts).
      const decision = decide({
        order: order({ status: 'paid', impUid: 'imp_100000000001' }),
        payment: payment({ status: 'cancelled', cancel_amount: 0 }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('cancelled');
      expect(decision.transition).toMatchObject({
        to: 'cancelled',
        cancelledAmount: 0,
      });
    });
  });

  describe('forgery, once recorded', () => {
    const forged = { amount: 100 } as const;

    it('does nothing more for a flagged forgery under the flag policy', () => {
      const decision = decide({
        order: order({ status: 'forgery_flagged', impUid: 'imp_100000000001' }),
        payment: payment(forged),
        policy: flagPolicy,
        now: NOW,
      });
      expect(decision).toEqual({
        outcome: 'forgery',
        reason: 'paid 100 KRW, the order expects 10000 KRW; already recorded',
        transition: null,
        refund: null,
      });
    });

    it('refunds a flagged forgery once the policy is to cancel, and records the refund', () => {
      const decision = decide({
        order: order({ status: 'forgery_flagged', impUid: 'imp_100000000001' }),
        payment: payment(forged),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.refund).toMatchObject({ amount: 100, checksum: 100 });
      expect(decision.transition).toMatchObject({
        to: 'forgery_cancelled',
        cancelledAmount: 100,
        cancelledAt: NOW,
      });
    });

    it('records a flagged forgery as cancelled once a person refunded it in full', () => {
      const decision = decide({
        order: order({ status: 'forgery_flagged', impUid: 'imp_100000000001' }),
        payment: payment({
          ...forged,
          status: 'cancelled',
          cancel_amount: 100,
        }),
        policy: flagPolicy,
        now: NOW,
      });
      expect(decision.refund).toBeNull();
      expect(decision.transition).toMatchObject({
        to: 'forgery_cancelled',
        cancelledAmount: 100,
      });
    });

    it('records a forged payment already refunded in full without asking for another refund', () => {
      const decision = decide({
        order: order(),
        payment: payment({
          ...forged,
          status: 'cancelled',
          cancel_amount: 100,
        }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.refund).toBeNull();
      expect(decision.transition).toMatchObject({
        to: 'forgery_cancelled',
        cancelledAmount: 100,
        cancelledAt: NOW,
      });
    });

    it('leaves alone an order that moved on since this forgery was refunded', () => {
      for (const status of [
        'failed',
        'forgery_cancelled',
        'forgery_flagged',
      ] as const) {
        const decision = decide({
          order: order({ status, impUid: 'imp_100000000000' }),
          payment: payment({
            ...forged,
            status: 'cancelled',
            cancel_amount: 100,
          }),
          policy: cancelPolicy,
          now: NOW,
        });
        expect(decision).toEqual({
          outcome: 'forgery',
          reason:
            'paid 100 KRW, the order expects 10000 KRW; refunded before, the order has moved on',
          transition: null,
          refund: null,
        });
      }
    });

    it('still refunds a forgery by another payment of an order whose forgery was recorded', () => {
      for (const status of ['forgery_cancelled', 'forgery_flagged'] as const) {
        const decision = decide({
          order: order({ status, impUid: 'imp_100000000000' }),
          payment: payment(forged),
          policy: cancelPolicy,
          now: NOW,
        });
        expect(decision.outcome).toBe('forgery');
        expect(decision.refund).toMatchObject({ amount: 100 });
      }
    });

    it('moves an order flagged for another forged payment to forgery_cancelled with the refunded one', () => {
      const decision = decide({
        order: order({ status: 'forgery_flagged', impUid: 'imp_100000000000' }),
        payment: payment(forged),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.transition).toMatchObject({
        to: 'forgery_cancelled',
        impUid: 'imp_100000000001',
      });
    });

    it('leaves an order waiting for another payment’s deposit alone, but refunds the forgery', () => {
      const decision = decide({
        order: order({ status: 'vbank_issued', impUid: 'imp_100000000000' }),
        payment: payment(forged),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.transition).toBeNull();
      expect(decision.refund).toMatchObject({ amount: 100 });
    });

    it('records a forged deposit into the order’s own virtual account', () => {
      const decision = decide({
        order: order({ status: 'vbank_issued', impUid: 'imp_100000000001' }),
        payment: payment({
          ...vbankReady,
          ...forged,
          status: 'paid',
          paid_at: PAID_AT,
        }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.refund).toMatchObject({ amount: 100 });
      expect(decision.transition).toMatchObject({ to: 'forgery_cancelled' });
    });

    it('flags a forged deposit into the order’s own virtual account under the flag policy', () => {
      const decision = decide({
        order: order({ status: 'vbank_issued', impUid: 'imp_100000000001' }),
        payment: payment({
          ...vbankReady,
          ...forged,
          status: 'paid',
          paid_at: PAID_AT,
        }),
        policy: flagPolicy,
        now: NOW,
      });
      expect(decision.refund).toBeNull();
      expect(decision.transition).toMatchObject({ to: 'forgery_flagged' });
    });

    it('neither refunds nor flags a forgery of an order another payment settled under the flag policy', () => {
      const decision = decide({
        order: order({ status: 'paid', impUid: 'imp_100000000000' }),
        payment: payment(forged),
        policy: flagPolicy,
        now: NOW,
      });
      expect(decision).toMatchObject({
        outcome: 'forgery',
        transition: null,
        refund: null,
      });
    });
  });

  describe('unknownOrderPolicy', () => {
    const refundUnknown: VerificationPolicy = {
      ...cancelPolicy,
      unknownOrderPolicy: 'cancel',
    };

    it('cancel: refunds what is left of a payment for an order the shop does not know', () => {
      const decision = decide({
        order: null,
        payment: payment({ cancel_amount: 4000 }),
        policy: refundUnknown,
        now: NOW,
      });
      expect(decision).toEqual({
        outcome: 'not_found',
        reason: 'no order order-1',
        transition: null,
        refund: {
          impUid: 'imp_100000000001',
          amount: 6000,
          checksum: 6000,
          reason: 'no such order',
        },
      });
    });

    it('flag: refunds nothing (a person decides), whatever the forgery policy', () => {
      const decision = decide({
        order: null,
        payment: payment(),
        policy: { ...cancelPolicy, unknownOrderPolicy: 'flag' },
        now: NOW,
      });
      expect(decision.outcome).toBe('not_found');
      expect(decision.refund).toBeNull();
    });

    it('cancel: refunds nothing of a payment refunded in full', () => {
      const decision = decide({
        order: null,
        payment: payment({ status: 'cancelled', cancel_amount: 10_000 }),
        policy: refundUnknown,
        now: NOW,
      });
      expect(decision.refund).toBeNull();
    });

    it('cancel: never refunds a payment that never held money', () => {
      for (const noMoney of [
        payment(vbankReady),
        payment({ status: 'ready', paid_at: 0 }),
        payment({ status: 'failed', paid_at: 0 }),
        payment({ ...vbankReady, status: 'cancelled', cancelled_at: PAID_AT }),
      ]) {
        const decision = decide({
          order: null,
          payment: noMoney,
          policy: refundUnknown,
          now: NOW,
        });
        expect(decision.outcome).toBe('not_found');
        expect(decision.refund).toBeNull();
      }
    });

    it('checks the claimed merchant_uid and the test channel before the order', () => {
      expect(
        decide({
          order: null,
          payment: payment(),
          policy: refundUnknown,
          claimedMerchantUid: 'order-2',
          now: NOW,
        }),
      ).toMatchObject({ outcome: 'merchant_uid_mismatch', refund: null });
      expect(
        decide({
          order: null,
          payment: payment({ sandbox: true }),
          policy: refundUnknown,
          now: NOW,
        }),
      ).toMatchObject({ outcome: 'sandbox_rejected', refund: null });
    });
  });

  describe('payments that never held money', () => {
    const kinds: Array<[string, Partial<Payment>]> = [
      ['abandoned (ready, no account)', { status: 'ready', paid_at: 0 }],
      ['a virtual account awaiting its deposit', vbankReady],
      ['failed', { status: 'failed', paid_at: 0, fail_reason: 'declined' }],
      ['a failed virtual account', { ...vbankReady, status: 'failed' }],
      [
        'a virtual account revoked (nothing cancelled)',
        { ...vbankReady, status: 'cancelled', cancelled_at: PAID_AT },
      ],
      [
        'a virtual account revoked (everything cancelled)',
        {
          ...vbankReady,
          status: 'cancelled',
          cancel_amount: 10_000,
          cancelled_at: PAID_AT,
        },
      ],
    ];
    const cases = kinds.flatMap(([label, shape]) =>
      ORDER_STATUSES.flatMap((status) =>
        [true, false].flatMap((own) =>
          [true, false].map((forged) => ({
            label,
            shape,
            status,
            own,
            forged,
          })),
        ),
      ),
    );

    it('never refund, never settle, close or flag an order, for any order and policy', () => {
      for (const { shape, status, own, forged } of cases) {
        for (const policy of [cancelPolicy, flagPolicy]) {
          const decision = decide({
            order: order({
              status,
              impUid: own ? 'imp_100000000001' : 'imp_A',
            }),
            payment: payment({ ...shape, ...(forged ? { amount: 100 } : {}) }),
            policy: { ...policy, unknownOrderPolicy: 'cancel' },
            now: NOW,
          });
          expect(decision.refund).toBeNull();
          expect(['vbank_issued', 'failed', undefined]).toContain(
            decision.transition?.to,
          );
        }
      }
    });

    it('forged, never move the order at all', () => {
      for (const { shape, status, own } of cases.filter((c) => c.forged)) {
        const decision = decide({
          order: order({ status, impUid: own ? 'imp_100000000001' : 'imp_A' }),
          payment: payment({ ...shape, amount: 100 }),
          policy: cancelPolicy,
          now: NOW,
        });
        expect(decision.outcome).toBe('forgery');
        expect(decision.transition).toBeNull();
      }
    });

    it('revoked, only reopen their own order waiting for the deposit, as failed', () => {
      for (const { shape, status, own, forged } of cases.filter(
        (c) => c.shape.status === 'cancelled' && !c.forged,
      )) {
        const decision = decide({
          order: order({ status, impUid: own ? 'imp_100000000001' : 'imp_A' }),
          payment: payment({ ...shape, ...(forged ? { amount: 100 } : {}) }),
          policy: cancelPolicy,
          now: NOW,
        });
        expect(decision.outcome).toBe('cancelled');
        if (own && status === 'vbank_issued')
          expect(decision.transition?.to).toBe('failed');
        else expect(decision.transition, `${status}, own: ${own}`).toBeNull();
      }
    });

    it('abandoned, leave the order as it is', () => {
      for (const status of ORDER_STATUSES) {
        const decision = decide({
          order: order({ status, impUid: 'imp_A' }),
          payment: payment({ status: 'ready', paid_at: 0 }),
          policy: cancelPolicy,
          now: NOW,
        });
        expect(decision.outcome).toBe('pending');
        expect(decision.transition).toBeNull();
      }
    });
  });

  describe('virtual accounts', () => {
    it('leave the order on the first account when a second one is issued (either may still pay it)', () => {
      const second = decide({
        order: order({ status: 'vbank_issued', impUid: 'imp_100000000000' }),
        payment: payment({ ...vbankReady, vbank_num: '99999' }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(second).toMatchObject({
        outcome: 'vbank_issued',
        transition: null,
        refund: null,
      });
      const depositIntoSecond = decide({
        order: order({ status: 'vbank_issued', impUid: 'imp_100000000000' }),
        payment: payment({ ...vbankReady, status: 'paid', paid_at: PAID_AT }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(depositIntoSecond.transition).toMatchObject({
        to: 'paid',
        impUid: 'imp_100000000001',
      });
    });

    it('issue nothing again for the account the order already waits on', () => {
      const decision = decide({
        order: order({ status: 'vbank_issued', impUid: 'imp_100000000001' }),
        payment: payment(vbankReady),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('vbank_issued');
      expect(decision.transition).toBeNull();
    });

    it.each<OrderStatus>(['failed', 'forgery_cancelled', 'forgery_flagged'])(
      'give an order %s a new chance to be paid',
      (status) => {
        const decision = decide({
          order: order({ status, impUid: 'imp_100000000000' }),
          payment: payment(vbankReady),
          policy: cancelPolicy,
          now: NOW,
        });
        expect(decision.transition?.to).toBe('vbank_issued');
      },
    );

    it.each<OrderStatus>(['paid', 'partially_cancelled', 'cancelled'])(
      'are a duplicate for an order %s by another payment, and change nothing',
      (status) => {
        const decision = decide({
          order: order({ status, impUid: 'imp_100000000000' }),
          payment: payment(vbankReady),
          policy: cancelPolicy,
          now: NOW,
        });
        expect(decision).toMatchObject({
          outcome: 'duplicate_payment',
          transition: null,
          refund: null,
        });
      },
    );

    it('a card payment that failed never fails an order waiting for a deposit', () => {
      const decision = decide({
        order: order({ status: 'vbank_issued', impUid: 'imp_100000000000' }),
        payment: payment({
          status: 'failed',
          paid_at: 0,
          fail_reason: 'declined',
        }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision).toMatchObject({
        outcome: 'failed',
        reason: 'declined',
        transition: null,
      });
    });

    it('a card payment paid settles an order waiting for another payment’s deposit', () => {
      const decision = decide({
        order: order({ status: 'vbank_issued', impUid: 'imp_100000000000' }),
        payment: payment(),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.transition).toMatchObject({
        to: 'paid',
        impUid: 'imp_100000000001',
        virtualAccount: null,
      });
    });

    it('a revoked account of another payment leaves the order waiting for its own deposit', () => {
      const decision = decide({
        order: order({ status: 'vbank_issued', impUid: 'imp_100000000000' }),
        payment: payment({ ...vbankReady, status: 'cancelled' }),
        policy: cancelPolicy,
        now: NOW,
      });
      expect(decision.outcome).toBe('cancelled');
      expect(decision.transition).toBeNull();
    });
  });
});
