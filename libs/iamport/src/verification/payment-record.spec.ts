import type { OrderStatus } from '../ports/order-status.js';
import type { IamportOrder } from '../ports/order.repository.js';
import type { PaymentRecord } from '../ports/payment-record.js';
import type { Decision } from './decision.js';
import { recordOf, sameRecord } from './payment-record.js';
import { paidPayment } from './payment.fixtures.js';

const payment = paidPayment;

function order(overrides: Partial<IamportOrder> = {}): IamportOrder {
  return {
    merchantUid: 'order-1',
    amount: 10_000,
    currency: 'KRW',
    status: 'paid',
    impUid: 'imp_100000000001',
    cancelledAmount: 0,
    version: 4,
    ...overrides,
  };
}

function decision(reason: string): Decision {
  return { outcome: 'paid', reason, transition: null, refund: null };
}

function record(overrides: Partial<PaymentRecord> = {}): PaymentRecord {
  return {
    impUid: 'imp_100000000001',
    merchantUid: 'order-1',
    amount: 10_000,
    cancelledAmount: 0,
    currency: 'KRW',
    status: 'paid',
    disposition: 'settles_order',
    reason: 'paid in full',
    version: 2,
    ...overrides,
  };
}

describe('recordOf', () => {
  it('records the payment as iamport answered it, as a new record when none is stored', () => {
    const next = recordOf(
      payment({ cancel_amount: 2500, currency: 'KRW' }),
      order({ status: 'partially_cancelled', cancelledAmount: 2500 }),
      decision('2500 of 10000 refunded'),
      null,
    );
    expect(next).toEqual({
      impUid: 'imp_100000000001',
      merchantUid: 'order-1',
      amount: 10_000,
      cancelledAmount: 2500,
      currency: 'KRW',
      status: 'paid',
      disposition: 'settles_order',
      reason: '2500 of 10000 refunded',
      version: 0,
    });
  });

  it('carries the stored version, so that the write is a compare-and-set on it', () => {
    const next = recordOf(
      payment(),
      order(),
      decision('paid in full'),
      record({ version: 7 }),
    );
    expect(next.version).toBe(7);
  });

  it('keeps a long reason to 500 characters', () => {
    const next = recordOf(payment(), order(), decision('x'.repeat(600)), null);
    expect(next.reason).toBe('x'.repeat(500));
  });

  describe('disposition, read from the money', () => {
    it('settles_order: the payment holds money and its order is settled by it', () => {
      for (const status of ['paid', 'partially_cancelled'] as const) {
        const next = recordOf(
          payment({ cancel_amount: status === 'paid' ? 0 : 2500 }),
          order({ status }),
          decision('why'),
          null,
        );
        expect(next.disposition).toBe('settles_order');
        expect(next.reason).toBe('why');
      }
    });

    it('flagged: money held while the order is settled by another payment', () => {
      const next = recordOf(
        payment(),
        order({ impUid: 'imp_other' }),
        decision('order order-1 was already settled by imp_other'),
        null,
      );
      expect(next).toMatchObject({
        disposition: 'flagged',
        reason: 'order order-1 was already settled by imp_other',
      });
    });

    it('flagged: money held for an order the shop does not know', () => {
      const next = recordOf(
        payment(),
        null,
        decision('no order order-1'),
        null,
      );
      expect(next.disposition).toBe('flagged');
    });

    it.each<OrderStatus>([
      'pending',
      'vbank_issued',
      'failed',
      'cancelled',
      'forgery_cancelled',
      'forgery_flagged',
    ])(
      'flagged: money held while its own order is %s (whatever the decision was)',
      (status) => {
        const next = recordOf(
          payment(),
          order({ status }),
          decision('x'),
          null,
        );
        expect(next.disposition).toBe('flagged');
      },
    );

    it('refunded: the payment held money and all of it is back', () => {
      const next = recordOf(
        payment({ status: 'cancelled', cancel_amount: 10_000 }),
        order({ status: 'cancelled', cancelledAmount: 10_000 }),
        decision('refunded in full'),
        null,
      );
      expect(next).toMatchObject({
        disposition: 'refunded',
        reason: 'refunded in full',
      });
      // Even when nobody's order points at it.
      expect(
        recordOf(
          payment({ status: 'cancelled', cancel_amount: 10_000 }),
          null,
          decision('x'),
          null,
        ).disposition,
      ).toBe('refunded');
    });

    it('flagged: iamport says cancelled but reports nothing refunded of a paid payment', () => {
      const next = recordOf(
        payment({ status: 'cancelled', cancel_amount: 0 }),
        order({ status: 'paid' }),
        decision('refunded in full'),
        null,
      );
      expect(next.disposition).toBe('flagged');
      expect(next.reason).toMatch(/cancelled, but no amount was refunded/);
    });

    it('awaiting_deposit: a virtual account issued, nothing deposited yet', () => {
      const next = recordOf(
        payment({ status: 'ready', pay_method: 'vbank', paid_at: 0 }),
        order({ status: 'vbank_issued' }),
        decision('a virtual account was issued'),
        null,
      );
      expect(next).toMatchObject({
        disposition: 'awaiting_deposit',
        reason: 'a virtual account was issued',
      });
    });

    it('no_money: abandoned, failed, or a virtual account revoked before any deposit', () => {
      const noMoney = [
        payment({ status: 'ready', paid_at: 0 }),
        payment({ status: 'failed', paid_at: 0 }),
        payment({ status: 'failed', pay_method: 'vbank', paid_at: 0 }),
        payment({ status: 'cancelled', pay_method: 'vbank', paid_at: 0 }),
      ];
      for (const p of noMoney) {
        const next = recordOf(
          p,
          order({ status: 'pending' }),
          decision('y'),
          null,
        );
        expect(next).toMatchObject({ disposition: 'no_money', reason: 'y' });
      }
    });
  });
});

describe('sameRecord', () => {
  it('is false when nothing is stored yet', () => {
    expect(sameRecord(null, record())).toBe(false);
  });

  it('is true when everything a person or a query reads is the same', () => {
    expect(sameRecord(record(), record())).toBe(true);
  });

  it('ignores the wording of the reason and the version', () => {
    expect(
      sameRecord(record(), record({ reason: 'other words', version: 0 })),
    ).toBe(true);
  });

  it.each<[string, Partial<PaymentRecord>]>([
    ['merchantUid', { merchantUid: 'order-2' }],
    ['amount', { amount: 9000 }],
    ['cancelledAmount', { cancelledAmount: 1000 }],
    ['currency', { currency: 'USD' }],
    ['status', { status: 'cancelled' }],
    ['disposition', { disposition: 'flagged' }],
  ])('is false when the %s differs', (_field, change) => {
    expect(sameRecord(record(), record(change))).toBe(false);
  });
});
