import {
  isPortOneV2Cancellation,
  isPortOneV2Payment,
  isPortOneV2PaymentPage,
  isUnrecognizedPortOneV2Payment,
} from './portone-v2-shape.js';
import type { PortOneV2Payment } from './portone-v2.types.js';

function payment(overrides: Record<string, unknown> = {}) {
  return {
    status: 'VIRTUAL_ACCOUNT_ISSUED',
    id: 'order-1',
    transactionId: 'tx-1',
    storeId: 'store-1',
    version: 'V2',
    channel: { type: 'TEST', pgProvider: 'KCP_V2', pgMerchantId: 'm' },
    method: {
      type: 'PaymentMethodVirtualAccount',
      bank: 'KOOKMIN',
      accountNumber: '123-456',
      expiredAt: '2026-01-27T00:00:00Z',
    },
    requestedAt: '2026-01-25T00:00:00Z',
    updatedAt: '2026-01-25T00:00:00Z',
    statusChangedAt: '2026-01-25T00:00:00Z',
    orderName: 'A book',
    amount: {
      total: 1000,
      taxFree: 0,
      discount: 0,
      paid: 0,
      cancelled: 0,
      cancelledTaxFree: 0,
    },
    currency: 'KRW',
    ...overrides,
  };
}

/** What the module does with a status; it must compile for every variant. */
function describeStatus(value: PortOneV2Payment): string {
  switch (value.status) {
    case 'PAID':
      return `paid at ${value.paidAt}`;
    case 'FAILED':
      return `failed: ${value.failure.reason ?? 'no reason'}`;
    case 'CANCELLED':
    case 'PARTIAL_CANCELLED':
      return `cancelled ${value.cancellations.length} times`;
    case 'VIRTUAL_ACCOUNT_ISSUED':
      return value.method?.type === 'PaymentMethodVirtualAccount'
        ? `waiting on ${value.method.accountNumber}`
        : 'waiting';
    case 'READY':
    case 'PAY_PENDING':
      return 'pending';
    default:
      return `unrecognized ${String(value.status)}`;
  }
}

describe('isPortOneV2Payment', () => {
  it('accepts a virtual-account payment and narrows by status', () => {
    const value: unknown = payment();
    expect(isPortOneV2Payment(value)).toBe(true);
    expect(describeStatus(value as PortOneV2Payment)).toBe(
      'waiting on 123-456',
    );
  });

  it('accepts statuses and methods it does not know, and says so', () => {
    const value: unknown = payment({
      status: 'ON_HOLD',
      method: { type: 'PaymentMethodTeleport' },
    });
    expect(isPortOneV2Payment(value)).toBe(true);
    const later = value as PortOneV2Payment;
    expect(isUnrecognizedPortOneV2Payment(later)).toBe(true);
    expect(describeStatus(later)).toBe('unrecognized ON_HOLD');
    expect(isUnrecognizedPortOneV2Payment(payment() as never)).toBe(false);
  });

  it.each([
    ['no id', { id: '' }],
    ['no transactionId', { transactionId: undefined }],
    ['no status', { status: undefined }],
    ['a numeric status', { status: 3 }],
    ['no currency', { currency: '' }],
    ['no amount', { amount: undefined }],
    ['a negative total', { amount: { ...payment().amount, total: -1 } }],
    ['no cancelled', { amount: { ...payment().amount, cancelled: undefined } }],
    ['a string vat', { amount: { ...payment().amount, vat: '10' } }],
    ['a customData object', { customData: { sku: 'b-1' } }],
    ['a channel without type', { channel: { pgProvider: 'KCP_V2' } }],
    ['a method without type', { method: { accountNumber: '1' } }],
    ['cancellations not a list', { cancellations: {} }],
    ['a cancellation without amount', { cancellations: [{ id: 'c' }] }],
  ])('refuses a payment with %s', (_what, overrides) => {
    expect(isPortOneV2Payment(payment(overrides))).toBe(false);
  });

  it('refuses what is not an object', () => {
    for (const value of [null, 'PAID', 42, [payment()]])
      expect(isPortOneV2Payment(value)).toBe(false);
  });
});

describe('isPortOneV2Cancellation', () => {
  it('accepts a requested cancellation and refuses one without an id', () => {
    const requested = {
      status: 'REQUESTED',
      id: 'c-1',
      totalAmount: 500,
      taxFreeAmount: 0,
      vatAmount: 45,
      reason: 'r',
      requestedAt: '2026-01-25T00:00:00Z',
    };
    expect(isPortOneV2Cancellation(requested)).toBe(true);
    expect(isPortOneV2Cancellation({ ...requested, id: undefined })).toBe(
      false,
    );
  });
});

describe('isPortOneV2PaymentPage', () => {
  it('needs items and page info', () => {
    const page = { number: 0, size: 10, totalCount: 1 };
    expect(isPortOneV2PaymentPage({ items: [payment()], page })).toBe(true);
    expect(isPortOneV2PaymentPage({ items: [payment()] })).toBe(false);
    expect(isPortOneV2PaymentPage({ page })).toBe(false);
  });
});
