import type { PaymentCancellation } from '../client/iamport.types.js';
import { fromIamport } from './iamport-payment.adapter.js';
import { iamportPayment, PAID_AT } from './payment.fixtures.js';

const payment = iamportPayment;

describe('fromIamport: a V1 payment in the core terms', () => {
  it('renames the keys, amounts, status and channel, and keeps the answer as raw', () => {
    const raw = payment({ cancel_amount: 3000, sandbox: true });
    expect(fromIamport(raw)).toEqual({
      api: 'v1',
      merchantUid: 'order-1',
      impUid: 'imp_100000000001',
      amount: 10_000,
      cancelledAmount: 3000,
      currency: 'KRW',
      status: 'paid',
      virtualAccount: null,
      testChannel: true,
      refunds: [],
      failReason: null,
      startedAt: new Date((PAID_AT - 60) * 1000),
      paidAt: new Date(PAID_AT * 1000),
      failedAt: null,
      cancelledAt: null,
      raw,
    });
  });

  it('reads UNIX seconds, and 0 or a missing time as "has not happened"', () => {
    const failed = fromIamport(
      payment({
        status: 'failed',
        paid_at: 0,
        failed_at: PAID_AT + 5,
        cancelled_at: undefined,
        fail_reason: '잔액 부족',
      }),
    );
    expect(failed).toMatchObject({
      status: 'failed',
      paidAt: null,
      failedAt: new Date((PAID_AT + 5) * 1000),
      cancelledAt: null,
      failReason: '잔액 부족',
    });
  });

  it('lists the refunds of cancel_history, oldest first', () => {
    const cancellation = (
      amount: number,
      at: number,
      id: string,
    ): PaymentCancellation => ({
      pg_tid: 'pg-1',
      amount,
      cancelled_at: at,
      reason: `refund ${id}`,
      cancellation_id: id,
      receipt_url: null,
    });
    const refunded = fromIamport(
      payment({
        status: 'cancelled',
        cancel_amount: 10_000,
        cancelled_at: PAID_AT + 120,
        cancel_history: [
          cancellation(4000, PAID_AT + 60, 'c-1'),
          cancellation(6000, PAID_AT + 120, 'c-2'),
        ],
      }),
    );
    expect(refunded.refunds).toEqual([
      {
        id: 'c-1',
        amount: 4000,
        at: new Date((PAID_AT + 60) * 1000),
        reason: 'refund c-1',
      },
      {
        id: 'c-2',
        amount: 6000,
        at: new Date((PAID_AT + 120) * 1000),
        reason: 'refund c-2',
      },
    ]);
    expect(refunded.cancelledAt).toEqual(new Date((PAID_AT + 120) * 1000));
  });

  it('has no virtual account for any payment method but vbank', () => {
    expect(fromIamport(payment()).virtualAccount).toBeNull();
    expect(
      fromIamport(payment({ pay_method: 'trans' })).virtualAccount,
    ).toBeNull();
    expect(
      fromIamport(payment({ pay_method: null })).virtualAccount,
    ).toBeNull();
  });

  it('has the account a vbank payment was issued, with its deposit deadline', () => {
    expect(
      fromIamport(
        payment({
          status: 'ready',
          pay_method: 'vbank',
          vbank_code: '004',
          vbank_name: 'KB국민은행',
          vbank_num: '12345678901234',
          vbank_holder: '(주)상점',
          vbank_date: 1_790_259_200,
        }),
      ).virtualAccount,
    ).toEqual({
      bankCode: '004',
      bankName: 'KB국민은행',
      accountNumber: '12345678901234',
      holder: '(주)상점',
      dueAt: new Date(1_790_259_200 * 1000),
    });
  });

  it('keeps what iamport left out as null, and a missing account number as empty', () => {
    expect(
      fromIamport(payment({ pay_method: 'vbank' })).virtualAccount,
    ).toEqual({
      bankCode: null,
      bankName: null,
      accountNumber: '',
      holder: null,
      dueAt: null,
    });
  });
});
