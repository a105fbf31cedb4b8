import type { Payment } from '../client/iamport.types.js';
import { fromIamport } from './iamport-payment.adapter.js';
import type { PortOnePayment } from './portone-payment.js';

/** For the unit specs only (not part of the package): a payment as iamport answers it. */
export const PAID_AT = 1_790_000_000;

/** A V1 card payment of 10,000 KRW for `order-1`, paid at `PAID_AT`; `overrides` change any field. */
export function iamportPayment(overrides: Partial<Payment> = {}): Payment {
  return {
    imp_uid: 'imp_100000000001',
    merchant_uid: 'order-1',
    amount: 10_000,
    cancel_amount: 0,
    currency: 'KRW',
    status: 'paid',
    sandbox: false,
    pay_method: 'card',
    started_at: PAID_AT - 60,
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
    cancel_history: null,
    ...overrides,
  } as Payment;
}

/**
 * The same payment as the rules see it: through the V1 adapter, so that the
 * rules' specs speak iamport's words and check the adapter on the way.
 */
export function paidPayment(overrides: Partial<Payment> = {}): PortOnePayment {
  return fromIamport(iamportPayment(overrides));
}
