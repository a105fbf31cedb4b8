import { readPortOneV2Webhook } from './portone-v2-webhook-body.js';

describe('readPortOneV2Webhook', () => {
  it('reads the 2024-04-25 body', () => {
    expect(
      readPortOneV2Webhook({
        type: 'Transaction.Cancelled',
        timestamp: '2024-04-25T10:00:00.000Z',
        data: {
          paymentId: 'order-1',
          storeId: 'store-1',
          transactionId: 'tx-1',
          cancellationId: 'c-1',
          somethingNew: true,
        },
      }),
    ).toEqual({
      type: 'Transaction.Cancelled',
      paymentId: 'order-1',
      transactionId: 'tx-1',
      cancellationId: 'c-1',
    });
  });

  it('reads the 2024-01-01 body', () => {
    expect(
      readPortOneV2Webhook({
        payment_id: 'order-1',
        tx_id: 'tx-1',
        status: 'Paid',
      }),
    ).toEqual({
      type: 'Transaction.Paid',
      paymentId: 'order-1',
      transactionId: 'tx-1',
      cancellationId: null,
    });
  });

  it('an event about no payment names none', () => {
    expect(
      readPortOneV2Webhook({
        type: 'BillingKey.Issued',
        data: { billingKey: 'b' },
      }),
    ).toMatchObject({ type: 'BillingKey.Issued', paymentId: null });
    expect(readPortOneV2Webhook({ type: 'Something.New' })).toMatchObject({
      paymentId: null,
    });
    expect(
      readPortOneV2Webhook({
        type: 'BillingKey.Deleted',
        data: { paymentId: null },
      }),
    ).toMatchObject({ paymentId: null });
  });

  it.each([
    [null, 'the body must be a JSON object'],
    [[], 'the body must be a JSON object'],
    ['text', 'the body must be a JSON object'],
    [{}, 'the body is not a PortOne V2 webhook (no type)'],
    [{ status: 'Paid' }, 'the body is not a PortOne V2 webhook (no type)'],
    [
      { payment_id: 'order-1', status: 5 },
      'the body is not a PortOne V2 webhook (no type)',
    ],
    [{ type: 'Transaction.Paid', data: 'x' }, 'data must be an object'],
    [{ type: 'Transaction.Paid', data: null }, 'data must be an object'],
    [
      { type: 'Transaction.Paid', data: { paymentId: 42 } },
      'data.paymentId must be 1 to 200 visible ASCII characters',
    ],
    [
      { type: 'Transaction.Paid', data: { paymentId: '' } },
      'data.paymentId must be 1 to 200 visible ASCII characters',
    ],
    [
      { type: 'Transaction.Paid', data: { paymentId: 'a b' } },
      'data.paymentId must be 1 to 200 visible ASCII characters',
    ],
    [
      { type: 'Transaction.Paid', data: { paymentId: 'x'.repeat(201) } },
      'data.paymentId must be 1 to 200 visible ASCII characters',
    ],
  ])('refuses %j: %s', (body, reason) => {
    expect(readPortOneV2Webhook(body)).toBe(reason);
  });

  it('keeps hints only when they are short strings, and bounds the type', () => {
    expect(
      readPortOneV2Webhook({
        type: 'T'.repeat(300),
        data: {
          paymentId: 'p',
          transactionId: 7,
          cancellationId: 'c'.repeat(201),
        },
      }),
    ).toEqual({
      type: 'T'.repeat(100),
      paymentId: 'p',
      transactionId: null,
      cancellationId: null,
    });
    expect(
      readPortOneV2Webhook({
        type: 'T',
        data: { paymentId: 'p', transactionId: '' },
      }),
    ).toMatchObject({ transactionId: null });
    expect(
      readPortOneV2Webhook({
        type: 'T',
        data: { paymentId: 'p', cancellationId: 'c'.repeat(200) },
      }),
    ).toMatchObject({ cancellationId: 'c'.repeat(200) });
  });
});
