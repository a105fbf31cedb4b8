import { decide } from '../verification/decide.js';
import type { IamportOrder } from '../ports/order.repository.js';
import type { PortOneV2Payment } from './client/portone-v2.types.js';
import { fromPortOneV2 } from './portone-v2-payment.adapter.js';

const NOW = '2026-11-30T10:00:00.123456789Z';

function v2(fields: Record<string, unknown> = {}): PortOneV2Payment {
  return {
    status: 'PAID',
    id: 'order-1',
    transactionId: 'tx-1',
    storeId: 'store-1',
    version: 'V2',
    channel: { type: 'LIVE', key: 'channel-1', pgProvider: 'TOSSPAYMENTS' },
    method: { type: 'PaymentMethodCard' },
    requestedAt: '2026-11-30T09:59:00Z',
    updatedAt: NOW,
    statusChangedAt: NOW,
    paidAt: NOW,
    orderName: 'Order',
    amount: {
      total: 10_000,
      taxFree: 0,
      discount: 0,
      paid: 10_000,
      cancelled: 0,
      cancelledTaxFree: 0,
    },
    currency: 'KRW',
    ...fields,
  } as unknown as PortOneV2Payment;
}

const order: IamportOrder = {
  merchantUid: 'order-1',
  amount: 10_000,
  currency: 'KRW',
  status: 'pending',
  impUid: null,
  cancelledAmount: 0,
  version: 1,
};
const policy = {
  includeSandbox: false,
  forgeryPolicy: 'cancel' as const,
  unknownOrderPolicy: 'flag' as const,
};
const outcomeOf = (payment: PortOneV2Payment, on: IamportOrder = order) =>
  decide({
    order: on,
    payment: fromPortOneV2(payment),
    policy,
    now: new Date(),
  }).outcome;

describe('fromPortOneV2: a V2 payment in the core shape', () => {
  it('maps the keys: paymentId is the order key, transactionId the attempt', () => {
    const payment = fromPortOneV2(v2());
    expect(payment).toMatchObject({
      merchant_uid: 'order-1',
      imp_uid: 'tx-1',
      amount: 10_000,
      cancel_amount: 0,
      currency: 'KRW',
      status: 'paid',
      pay_method: 'card',
      sandbox: false,
      // RFC 3339 with nine fractional digits, to UNIX seconds.
      paid_at: Math.floor(Date.parse('2026-11-30T10:00:00.123Z') / 1000),
    });
  });

  it('compares amount.total, not amount.paid (a card discount is still paid in full)', () => {
    const discounted = v2({
      amount: {
        total: 10_000,
        taxFree: 0,
        discount: 1_000,
        paid: 9_000,
        cancelled: 0,
        cancelledTaxFree: 0,
      },
    });
    expect(fromPortOneV2(discounted).amount).toBe(10_000);
    expect(outcomeOf(discounted)).toBe('paid');
  });

  it.each([
    ['PAID', 'paid'],
    ['READY', 'pending'],
    ['PAY_PENDING', 'pending'],
    ['FAILED', 'failed'],
    ['SOMETHING_NEW', 'pending'],
  ])('%s decides %s', (status, outcome) => {
    expect(
      outcomeOf(v2({ status, failure: { reason: 'declined' }, failedAt: NOW })),
    ).toBe(outcome);
  });

  it('an unknown status never pays, whatever else the payment says', () => {
    const payment = fromPortOneV2(v2({ status: 'SETTLED_SOMEHOW' }));
    expect(payment.status).toBe('ready');
    expect(payment.pay_method).not.toBe('vbank');
  });

  it('VIRTUAL_ACCOUNT_ISSUED is an issued account, with its details', () => {
    const issued = v2({
      status: 'VIRTUAL_ACCOUNT_ISSUED',
      paidAt: undefined,
      method: {
        type: 'PaymentMethodVirtualAccount',
        bank: 'KOOKMIN',
        accountNumber: '123-456',
        remitteeName: 'Shop',
        expiredAt: '2026-12-01T00:00:00Z',
      },
    });
    expect(fromPortOneV2(issued)).toMatchObject({
      status: 'ready',
      pay_method: 'vbank',
      vbank_num: '123-456',
      vbank_code: 'KOOKMIN',
      vbank_holder: 'Shop',
      vbank_date: Date.parse('2026-12-01T00:00:00Z') / 1000,
    });
    expect(outcomeOf(issued)).toBe('vbank_issued');
  });

  it('a READY virtual account (window open, none issued) is not an issued account', () => {
    const ready = v2({
      status: 'READY',
      paidAt: undefined,
      method: { type: 'PaymentMethodVirtualAccount', accountNumber: '' },
    });
    expect(fromPortOneV2(ready).pay_method).not.toBe('vbank');
    expect(outcomeOf(ready)).toBe('pending');
  });

  it('PARTIAL_CANCELLED is paid with refunds, read from amount.cancelled', () => {
    const partial = v2({
      status: 'PARTIAL_CANCELLED',
      cancelledAt: NOW,
      amount: {
        total: 10_000,
        taxFree: 0,
        discount: 0,
        paid: 10_000,
        cancelled: 3_000,
        cancelledTaxFree: 0,
      },
      cancellations: [
        {
          status: 'SUCCEEDED',
          id: 'c-1',
          totalAmount: 3_000,
          taxFreeAmount: 0,
          vatAmount: 0,
          reason: 'part',
          requestedAt: NOW,
          cancelledAt: NOW,
        },
        {
          status: 'REQUESTED',
          id: 'c-2',
          totalAmount: 1_000,
          taxFreeAmount: 0,
          vatAmount: 0,
          reason: 'pending',
          requestedAt: NOW,
        },
      ],
    });
    const payment = fromPortOneV2(partial);
    expect(payment).toMatchObject({ status: 'paid', cancel_amount: 3_000 });
    // Only cancellations that succeeded are refunds.
    expect(payment.cancel_history).toHaveLength(1);
    expect(
      outcomeOf(partial, { ...order, status: 'paid', impUid: 'tx-1' }),
    ).toBe('partially_cancelled');
  });

  it('CANCELLED after a payment is a refund; without one it never held money', () => {
    const refunded = v2({
      status: 'CANCELLED',
      cancelledAt: NOW,
      amount: {
        total: 10_000,
        taxFree: 0,
        discount: 0,
        paid: 10_000,
        cancelled: 10_000,
        cancelledTaxFree: 0,
      },
      cancellations: [
        {
          status: 'SUCCEEDED',
          id: 'c-1',
          totalAmount: 10_000,
          taxFreeAmount: 0,
          vatAmount: 0,
          reason: 'all',
          requestedAt: NOW,
          cancelledAt: NOW,
        },
      ],
    });
    expect(
      outcomeOf(refunded, { ...order, status: 'paid', impUid: 'tx-1' }),
    ).toBe('cancelled');
    const closedAccount = fromPortOneV2(
      v2({
        status: 'CANCELLED',
        paidAt: undefined,
        cancelledAt: NOW,
        cancellations: [],
      }),
    );
    expect(closedAccount.cancel_history).toEqual([]);
    expect(closedAccount.paid_at).toBe(0);
  });

  it('a channel other than LIVE is a test payment, refused unless allowed', () => {
    expect(
      fromPortOneV2(v2({ channel: { type: 'TEST', pgProvider: 'X' } })).sandbox,
    ).toBe(true);
    expect(outcomeOf(v2({ channel: { type: 'TEST', pgProvider: 'X' } }))).toBe(
      'sandbox_rejected',
    );
    // A channel type V2 adds later is not LIVE either.
    expect(
      fromPortOneV2(v2({ channel: { type: 'STAGING', pgProvider: 'X' } }))
        .sandbox,
    ).toBe(true);
  });

  it('a payment that moved money without naming its channel is read as a test payment', () => {
    expect(fromPortOneV2(v2({ channel: undefined })).sandbox).toBe(true);
    expect(
      fromPortOneV2(v2({ status: 'READY', channel: undefined })).sandbox,
    ).toBe(false);
  });

  it('a forged amount or currency is forgery, refunded from what is left', () => {
    const forged = fromPortOneV2(
      v2({
        amount: {
          total: 100,
          taxFree: 0,
          discount: 0,
          paid: 100,
          cancelled: 0,
          cancelledTaxFree: 0,
        },
      }),
    );
    const decision = decide({
      order,
      payment: forged,
      policy,
      now: new Date(),
    });
    expect(decision.outcome).toBe('forgery');
    expect(decision.refund).toMatchObject({ amount: 100, checksum: 100 });
    expect(outcomeOf(v2({ currency: 'USD' }))).toBe('forgery');
  });

  it('the failure reason: PortOne reason, else the PG message', () => {
    expect(
      fromPortOneV2(
        v2({
          status: 'FAILED',
          failedAt: NOW,
          failure: { pgMessage: '한도 초과' },
        }),
      ).fail_reason,
    ).toBe('한도 초과');
    expect(
      fromPortOneV2(v2({ status: 'FAILED', failedAt: NOW, failure: {} }))
        .fail_reason,
    ).toBe('the payment failed');
    expect(fromPortOneV2(v2()).fail_reason).toBeNull();
  });

  it('timestamps that are absent or unreadable are 0, as V1 has them', () => {
    const payment = fromPortOneV2(
      v2({ paidAt: 'not a date', failedAt: undefined }),
    );
    expect(payment.paid_at).toBe(0);
    expect(payment.failed_at).toBe(0);
  });

  it('carries what handlers read: the channel, the custom data, the cancellations that succeeded', () => {
    const payment = fromPortOneV2(
      v2({
        status: 'PARTIAL_CANCELLED',
        channel: {
          type: 'LIVE',
          key: 'channel-9',
          pgProvider: 'KCP',
          pgMerchantId: 'mid-1',
        },
        customData: '{"cart":1}',
        cancelledAt: NOW,
        amount: {
          total: 10_000,
          taxFree: 0,
          discount: 0,
          paid: 10_000,
          cancelled: 1_000,
          cancelledTaxFree: 0,
        },
        cancellations: [
          {
            status: 'REQUESTED',
            id: 'c-0',
            totalAmount: 500,
            taxFreeAmount: 0,
            vatAmount: 0,
            reason: 'asked',
            requestedAt: NOW,
          },
          {
            status: 'SUCCEEDED',
            id: 'c-1',
            pgCancellationId: 'pg-c-1',
            totalAmount: 1_000,
            taxFreeAmount: 0,
            vatAmount: 0,
            reason: 'damaged',
            requestedAt: NOW,
            cancelledAt: NOW,
            receiptUrl: 'https://r/1',
          },
        ],
      }),
    );
    expect(payment).toMatchObject({
      channel: 'channel-9',
      pg_provider: 'KCP',
      pg_id: 'mid-1',
      custom_data: '{"cart":1}',
      cancel_reason: 'damaged',
      cancel_history: [
        {
          cancellation_id: 'c-1',
          pg_tid: 'pg-c-1',
          amount: 1_000,
          reason: 'damaged',
          receipt_url: 'https://r/1',
          cancelled_at: Math.floor(Date.parse(NOW) / 1000),
        },
      ],
    });
    const bare = fromPortOneV2(
      v2({ channel: undefined, customData: undefined }),
    );
    expect(bare).toMatchObject({
      channel: null,
      pg_provider: null,
      pg_id: null,
      custom_data: null,
      cancel_reason: null,
    });
    const unnamed = fromPortOneV2(
      v2({
        status: 'CANCELLED',
        cancellations: [
          {
            status: 'SUCCEEDED',
            id: 'c-2',
            totalAmount: 1,
            taxFreeAmount: 0,
            vatAmount: 0,
            reason: 'x',
            requestedAt: NOW,
          },
        ],
      }),
    );
    expect(unnamed.status).toBe('cancelled');
    expect(unnamed.cancel_history![0]).toMatchObject({
      pg_tid: '',
      receipt_url: null,
      cancelled_at: 0,
    });
  });

  it('keeps the method name of a payment not paid by card, and of an account not issued', () => {
    expect(
      fromPortOneV2(
        v2({
          status: 'READY',
          method: { type: 'PaymentMethodVirtualAccount', accountNumber: '' },
        }),
      ).pay_method,
    ).toBe('PaymentMethodVirtualAccount');
    expect(
      fromPortOneV2(v2({ method: { type: 'PaymentMethodEasyPay' } }))
        .pay_method,
    ).toBe('PaymentMethodEasyPay');
    expect(fromPortOneV2(v2({ method: undefined })).pay_method).toBeNull();
  });

  it('an issued account without account details reads as issued, its details empty', () => {
    for (const method of [undefined, { type: 'PaymentMethodCard' }]) {
      const payment = fromPortOneV2(
        v2({ status: 'VIRTUAL_ACCOUNT_ISSUED', paidAt: undefined, method }),
      );
      expect(payment).toMatchObject({
        pay_method: 'vbank',
        vbank_code: null,
        vbank_name: null,
        vbank_num: null,
        vbank_holder: null,
        vbank_date: 0,
        vbank_issued_at: 0,
      });
    }
  });

  it('a payment that moved money without a channel is a test payment, whatever its status; one that moved none is not', () => {
    for (const status of ['PAID', 'PARTIAL_CANCELLED', 'CANCELLED'])
      expect(fromPortOneV2(v2({ status, channel: undefined })).sandbox).toBe(
        true,
      );
    for (const status of [
      'FAILED',
      'READY',
      'PAY_PENDING',
      'VIRTUAL_ACCOUNT_ISSUED',
    ])
      expect(fromPortOneV2(v2({ status, channel: undefined })).sandbox).toBe(
        false,
      );
  });

  it('a failure: PortOne reason first, without a failure object the default', () => {
    expect(
      fromPortOneV2(
        v2({
          status: 'FAILED',
          failedAt: NOW,
          failure: { reason: '잔액 부족', pgMessage: 'PG says' },
        }),
      ).fail_reason,
    ).toBe('잔액 부족');
    expect(
      fromPortOneV2(v2({ status: 'FAILED', failedAt: NOW, failure: undefined }))
        .fail_reason,
    ).toBe('the payment failed');
  });
});
