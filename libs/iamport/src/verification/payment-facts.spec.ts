import type { Payment, PaymentCancellation } from '../client/iamport.types.js';
import { fromIamport } from './iamport-payment.adapter.js';
import { heldAmount, isBehind, neverHeldMoney } from './payment-facts.js';
import { iamportPayment, PAID_AT, paidPayment } from './payment.fixtures.js';

const payment = paidPayment;

function cancellation(amount: number): PaymentCancellation {
  return {
    pg_tid: 'pg-1',
    amount,
    cancelled_at: PAID_AT + 60,
    reason: 'refund',
    cancellation_id: 'c-1',
    receipt_url: null,
  };
}

// What iamport answers for a virtual account revoked before any deposit
// (undocumented): cancelled, never paid, and either nothing or everything "cancelled".
const revokedFields = (cancelAmount: number): Partial<Payment> => ({
  status: 'cancelled',
  pay_method: 'vbank',
  paid_at: 0,
  cancel_amount: cancelAmount,
  cancelled_at: PAID_AT,
});
const revokedVbank = (cancelAmount: number) =>
  payment(revokedFields(cancelAmount));

describe('neverHeldMoney', () => {
  it('is true for a payment still ready (abandoned, or a virtual account awaiting its deposit)', () => {
    expect(neverHeldMoney(payment({ status: 'ready', paid_at: 0 }))).toBe(true);
    expect(
      neverHeldMoney(
        payment({ status: 'ready', paid_at: 0, pay_method: 'vbank' }),
      ),
    ).toBe(true);
  });

  it('is true for a failed payment', () => {
    expect(neverHeldMoney(payment({ status: 'failed', paid_at: 0 }))).toBe(
      true,
    );
  });

  it('is false for a paid payment, whatever its timestamps say', () => {
    expect(neverHeldMoney(payment())).toBe(false);
    expect(neverHeldMoney(payment({ paid_at: 0 }))).toBe(false);
  });

  it('is true for a virtual account revoked before any deposit, in either reading', () => {
    expect(neverHeldMoney(revokedVbank(0))).toBe(true);
    expect(neverHeldMoney(revokedVbank(10_000))).toBe(true);
    expect(
      neverHeldMoney(payment({ ...revokedFields(0), cancel_history: [] })),
    ).toBe(true);
    const withoutHistory: Partial<Payment> = iamportPayment(revokedFields(0));
    delete withoutHistory.cancel_history;
    expect(neverHeldMoney(fromIamport(withoutHistory as Payment))).toBe(true);
  });

  it('is false for a cancelled payment that was paid', () => {
    expect(
      neverHeldMoney(payment({ status: 'cancelled', cancel_amount: 10_000 })),
    ).toBe(false);
  });

  it('is false for a cancelled payment with a refund in its history, even without paid_at (the safe side)', () => {
    expect(
      neverHeldMoney(
        payment({
          ...revokedFields(10_000),
          cancel_history: [cancellation(10_000)],
        }),
      ),
    ).toBe(false);
  });
});

describe('heldAmount', () => {
  it('is the amount of a paid payment', () => {
    expect(heldAmount(payment())).toBe(10_000);
  });

  it('is what is left after partial refunds', () => {
    expect(heldAmount(payment({ cancel_amount: 3000 }))).toBe(7000);
    expect(
      heldAmount(payment({ status: 'cancelled', cancel_amount: 2500 })),
    ).toBe(7500);
  });

  it('is 0 for a payment refunded in full', () => {
    expect(
      heldAmount(payment({ status: 'cancelled', cancel_amount: 10_000 })),
    ).toBe(0);
  });

  it('is never negative, even if iamport reports more refunded than paid', () => {
    expect(
      heldAmount(payment({ status: 'cancelled', cancel_amount: 12_000 })),
    ).toBe(0);
  });

  it('is 0 for payments that never held money, whatever their amounts say', () => {
    expect(heldAmount(payment({ status: 'ready', paid_at: 0 }))).toBe(0);
    expect(heldAmount(payment({ status: 'failed', paid_at: 0 }))).toBe(0);
    expect(heldAmount(revokedVbank(0))).toBe(0);
  });
});

describe('isBehind', () => {
  it('is behind a record that saw more refunded, whatever the statuses', () => {
    expect(
      isBehind(payment({ status: 'cancelled', cancel_amount: 3000 }), {
        status: 'cancelled',
        cancelledAmount: 5000,
      }),
    ).toBe(true);
    expect(
      isBehind(payment({ status: 'cancelled', cancel_amount: 3000 }), {
        status: 'paid',
        cancelledAmount: 5000,
      }),
    ).toBe(true);
  });

  it('is not behind a record that saw less refunded, whatever the statuses', () => {
    expect(
      isBehind(payment({ status: 'cancelled', cancel_amount: 5000 }), {
        status: 'cancelled',
        cancelledAmount: 3000,
      }),
    ).toBe(false);
    expect(
      isBehind(payment({ status: 'paid', cancel_amount: 5000 }), {
        status: 'cancelled',
        cancelledAmount: 3000,
      }),
    ).toBe(false);
  });

  it('orders statuses ready → paid or failed → cancelled when the amounts are equal', () => {
    const ready = payment({ status: 'ready', paid_at: 0 });
    const paid = payment();
    const failed = payment({ status: 'failed', paid_at: 0 });
    const revoked = revokedVbank(0);
    expect(isBehind(ready, { status: 'paid', cancelledAmount: 0 })).toBe(true);
    expect(isBehind(ready, { status: 'failed', cancelledAmount: 0 })).toBe(
      true,
    );
    expect(isBehind(paid, { status: 'cancelled', cancelledAmount: 0 })).toBe(
      true,
    );
    expect(isBehind(failed, { status: 'cancelled', cancelledAmount: 0 })).toBe(
      true,
    );
    expect(isBehind(ready, { status: 'cancelled', cancelledAmount: 0 })).toBe(
      true,
    );

    expect(isBehind(paid, { status: 'ready', cancelledAmount: 0 })).toBe(false);
    expect(isBehind(revoked, { status: 'ready', cancelledAmount: 0 })).toBe(
      false,
    );
    expect(isBehind(revoked, { status: 'paid', cancelledAmount: 0 })).toBe(
      false,
    );
  });

  it('is not behind a record of the same state', () => {
    for (const status of ['ready', 'paid', 'failed', 'cancelled'] as const) {
      expect(
        isBehind(payment({ status }), { status, cancelledAmount: 0 }),
      ).toBe(false);
    }
  });

  it('does not order paid and failed (neither follows the other)', () => {
    expect(
      isBehind(payment({ status: 'failed', paid_at: 0 }), {
        status: 'paid',
        cancelledAmount: 0,
      }),
    ).toBe(false);
    expect(isBehind(payment(), { status: 'failed', cancelledAmount: 0 })).toBe(
      false,
    );
  });
});
