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

describe('fromPortOneV2: a V2 payment in the core terms', () => {
  it('maps the keys: paymentId is the order key, transactionId the attempt', () => {
    const raw = v2();
    expect(fromPortOneV2(raw)).toEqual({
      api: 'v2',
      merchantUid: 'order-1',
      impUid: 'tx-1',
      amount: 10_000,
      cancelledAmount: 0,
      currency: 'KRW',
      status: 'paid',
      virtualAccount: null,
      testChannel: false,
      refunds: [],
      failReason: null,
      startedAt: new Date('2026-11-30T09:59:00Z'),
      // RFC 3339 with nine fractional digits, to milliseconds.
      paidAt: new Date('2026-11-30T10:00:00.123Z'),
      failedAt: null,
      cancelledAt: null,
      raw,
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
    const payment = fromPortOneV2(
      v2({
        status: 'SETTLED_SOMEHOW',
        method: { type: 'PaymentMethodVirtualAccount', accountNumber: '1' },
      }),
    );
    expect(payment.status).toBe('ready');
    expect(payment.virtualAccount).toBeNull();
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
      paidAt: null,
      virtualAccount: {
        bankCode: 'KOOKMIN',
        bankName: 'KOOKMIN',
        accountNumber: '123-456',
        holder: 'Shop',
        dueAt: new Date('2026-12-01T00:00:00Z'),
      },
    });
    expect(outcomeOf(issued)).toBe('vbank_issued');
  });

  it.each(['READY', 'PAY_PENDING', 'FAILED'])(
    'a %s virtual account (none issued, or none to pay into) has no account',
    (status) => {
      const payment = v2({
        status,
        paidAt: undefined,
        method: { type: 'PaymentMethodVirtualAccount', accountNumber: '1' },
      });
      expect(fromPortOneV2(payment).virtualAccount).toBeNull();
      expect(outcomeOf(payment)).not.toBe('vbank_issued');
    },
  );

  it.each(['PAID', 'PARTIAL_CANCELLED', 'CANCELLED'])(
    'a %s virtual account keeps its account, as V1 does; other methods have none',
    (status) => {
      const account = {
        type: 'PaymentMethodVirtualAccount',
        bank: 'SHINHAN',
        accountNumber: '99',
      };
      expect(
        fromPortOneV2(v2({ status, method: account })).virtualAccount,
      ).toEqual({
        bankCode: 'SHINHAN',
        bankName: 'SHINHAN',
        accountNumber: '99',
        holder: null,
        dueAt: null,
      });
      for (const method of [
        undefined,
        { type: 'PaymentMethodCard' },
        { type: 'PaymentMethodEasyPay' },
      ])
        expect(fromPortOneV2(v2({ status, method })).virtualAccount).toBeNull();
    },
  );

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
    expect(payment).toMatchObject({ status: 'paid', cancelledAmount: 3_000 });
    // Only cancellations that succeeded are refunds.
    expect(payment.refunds).toEqual([
      { id: 'c-1', amount: 3_000, at: new Date(NOW), reason: 'part' },
    ]);
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
    expect(closedAccount.refunds).toEqual([]);
    expect(closedAccount.paidAt).toBeNull();
    expect(closedAccount.cancelledAt).toEqual(new Date(NOW));
  });

  it('a channel other than LIVE is a test payment, refused unless allowed', () => {
    expect(
      fromPortOneV2(v2({ channel: { type: 'TEST', pgProvider: 'X' } }))
        .testChannel,
    ).toBe(true);
    expect(outcomeOf(v2({ channel: { type: 'TEST', pgProvider: 'X' } }))).toBe(
      'sandbox_rejected',
    );
    // A channel type V2 adds later is not LIVE either.
    expect(
      fromPortOneV2(v2({ channel: { type: 'STAGING', pgProvider: 'X' } }))
        .testChannel,
    ).toBe(true);
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
    expect(decision.refund).toMatchObject({
      impUid: 'tx-1',
      amount: 100,
      checksum: 100,
    });
    expect(outcomeOf(v2({ currency: 'USD' }))).toBe('forgery');
  });

  it('the failure reason: PortOne reason, else the PG message, else a default', () => {
    expect(
      fromPortOneV2(
        v2({
          status: 'FAILED',
          failedAt: NOW,
          failure: { pgMessage: '한도 초과' },
        }),
      ),
    ).toMatchObject({ failReason: '한도 초과', failedAt: new Date(NOW) });
    expect(
      fromPortOneV2(
        v2({
          status: 'FAILED',
          failedAt: NOW,
          failure: { reason: '잔액 부족', pgMessage: 'PG says' },
        }),
      ).failReason,
    ).toBe('잔액 부족');
    for (const failure of [{}, undefined])
      expect(
        fromPortOneV2(v2({ status: 'FAILED', failedAt: NOW, failure }))
          .failReason,
      ).toBe('the payment failed');
    expect(
      fromPortOneV2(v2({ failure: { reason: 'an earlier attempt' } }))
        .failReason,
    ).toBeNull();
  });

  it('timestamps that are absent or unreadable are null', () => {
    const payment = fromPortOneV2(
      v2({ paidAt: 'not a date', failedAt: undefined }),
    );
    expect(payment.paidAt).toBeNull();
    expect(payment.failedAt).toBeNull();
  });

  it('keeps the whole answer as raw, for what handlers read beyond the rules', () => {
    const answer = v2({
      channel: {
        type: 'LIVE',
        key: 'channel-9',
        pgProvider: 'KCP',
        pgMerchantId: 'mid-1',
      },
      customData: '{"cart":1}',
    });
    const payment = fromPortOneV2(answer);
    expect(payment.api).toBe('v2');
    expect(payment.raw).toBe(answer);
  });

  it('a refund PortOne did not date has no time', () => {
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
    expect(unnamed.refunds).toEqual([
      { id: 'c-2', amount: 1, at: null, reason: 'x' },
    ]);
  });

  it('an issued account without account details reads as issued, its details empty', () => {
    for (const method of [undefined, { type: 'PaymentMethodCard' }]) {
      const payment = fromPortOneV2(
        v2({ status: 'VIRTUAL_ACCOUNT_ISSUED', paidAt: undefined, method }),
      );
      expect(payment.virtualAccount).toEqual({
        bankCode: null,
        bankName: null,
        accountNumber: '',
        holder: null,
        dueAt: null,
      });
    }
  });

  it('a payment that moved money without a channel is a test payment, whatever its status; one that moved none is not', () => {
    for (const status of ['PAID', 'PARTIAL_CANCELLED', 'CANCELLED'])
      expect(
        fromPortOneV2(v2({ status, channel: undefined })).testChannel,
      ).toBe(true);
    for (const status of [
      'FAILED',
      'READY',
      'PAY_PENDING',
      'VIRTUAL_ACCOUNT_ISSUED',
    ])
      expect(
        fromPortOneV2(v2({ status, channel: undefined })).testChannel,
      ).toBe(false);
  });
});
