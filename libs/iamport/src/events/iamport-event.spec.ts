import type { OrderTransition } from '../ports/order.repository.js';
import { fromIamport } from '../verification/iamport-payment.adapter.js';
import { iamportPayment, PAID_AT } from '../verification/payment.fixtures.js';
import { ALLOWED_FROM, type TargetStatus } from '../ports/order-status.js';
import {
  deserializeEvent,
  eventTypeOf,
  type IamportPaymentEvent,
  serializeEvent,
} from './iamport-event.js';

const transition: OrderTransition = {
  merchantUid: 'order-1',
  expectedVersion: 3,
  to: 'paid',
  impUid: 'imp_100000000001',
  paidAt: new Date(PAID_AT * 1000),
  failedAt: null,
  cancelledAt: null,
  cancelledAmount: 0,
  virtualAccount: {
    bankCode: '004',
    bankName: 'KB국민은행',
    accountNumber: '12345678901234',
    holder: null,
    dueAt: new Date((PAID_AT + 86_400) * 1000),
  },
  reason: null,
};

function eventOf(payment: IamportPaymentEvent['payment']): IamportPaymentEvent {
  return {
    id: 'event-1',
    api: payment.api,
    type: 'paid',
    merchantUid: 'order-1',
    impUid: 'imp_100000000001',
    order: {
      merchantUid: 'order-1',
      amount: 10_000,
      currency: 'KRW',
      status: 'paid',
      impUid: 'imp_100000000001',
      cancelledAmount: 0,
      version: 4,
    },
    payment,
    transition,
    source: 'webhook',
  };
}

describe('a stored event', () => {
  it('reads back as it was written, its dates (the payment’s included) dates again', () => {
    const payment = fromIamport(
      iamportPayment({
        pay_method: 'vbank',
        vbank_num: '12345678901234',
        vbank_date: PAID_AT + 86_400,
        cancel_amount: 1000,
        cancel_history: [
          {
            pg_tid: 'pg-1',
            amount: 1000,
            cancelled_at: PAID_AT + 60,
            reason: 'part',
            cancellation_id: 'c-1',
            receipt_url: null,
          },
        ],
      }),
    );
    const event = eventOf(payment);
    expect(deserializeEvent(serializeEvent(event))).toEqual(event);
  });

  it('stored before the API-neutral payment (V1’s own payment, no api), reads as V1’s through its adapter', () => {
    const raw = iamportPayment();
    const { api: _, ...stored } = {
      ...eventOf(fromIamport(raw)),
      payment: raw,
    };
    const read = deserializeEvent(JSON.stringify(stored));
    expect(read.api).toBe('v1');
    expect(read.payment).toEqual(fromIamport(raw));
    expect(read.transition).toEqual(transition);
  });

  it('keeps times that are absent as null', () => {
    const event = eventOf(fromIamport(iamportPayment({ paid_at: 0 })));
    const stored = JSON.parse(serializeEvent(event)) as Record<string, unknown>;
    const { paidAt: _, ...withoutPaidAt } = event.transition;
    stored.transition = { ...withoutPaidAt, virtualAccount: null };
    const read = deserializeEvent(JSON.stringify(stored));
    expect(read.transition.paidAt).toBeNull();
    expect(read.transition.virtualAccount).toBeNull();
    expect(read.payment.paidAt).toBeNull();
  });
});

describe('eventTypeOf', () => {
  it('names the event of every status a transition can reach', () => {
    const expected: Record<TargetStatus, IamportPaymentEvent['type']> = {
      paid: 'paid',
      vbank_issued: 'vbank_issued',
      failed: 'failed',
      cancelled: 'cancelled',
      partially_cancelled: 'cancelled',
      forgery_cancelled: 'forgery',
      forgery_flagged: 'forgery',
    };
    const targets = Object.keys(ALLOWED_FROM) as TargetStatus[];
    expect(targets.sort()).toEqual(Object.keys(expected).sort());
    for (const status of targets)
      expect(eventTypeOf(status)).toBe(expected[status]);
  });
});
