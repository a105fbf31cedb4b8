import type { Payment } from '../client/iamport.types.js';
import type { IamportOrder } from '../ports/order.repository.js';
import { decide } from './decide.js';
import type { VerificationPolicy } from './verification-outcome.js';

const NOW = new Date('2026-11-25T00:00:00Z');
const PAID_AT = 1_790_000_000;
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

function payment(overrides: Partial<Payment> = {}): Payment {
  return {
    imp_uid: 'imp_100000000001',
    merchant_uid: 'order-1',
    amount: 10_000,
    cancel_amount: 0,
    currency: 'KRW',
    status: 'paid',
    sandbox: false,
    pay_method: 'card',
    paid_at: PAID_AT,
    failed_at: 0,
    cancelled_at: 0,
    vbank_date: 0,
    vbank_issued_at: 0,
    vbank_code: null,
    vbank_name: null,
    vbank_num: null,
    vbank_holder: null,
    fail_reason: null,
    ...overrides,
  } as Payment;
}

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
          impUid: forged.imp_uid,
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

    it('never lets the refund of a duplicate cancel the order', () => {
      const decision = decide({
        order: paidByAnother,
        payment: payment({ status: 'cancelled', cancel_amount: 10_000 }),
        policy: cancelPolicy,
        now: NOW,
      });
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
});
