import { rfc3339 } from './clock.js';
import {
  cancelledAmount,
  cancelledTaxFree,
  vatOf,
  type V2Attempt,
  type V2Cancellation,
} from './payment.js';

/** The simulated merchant (one per simulator) and its one channel. */
export const MERCHANT_ID = 'merchant-00000000-0000-4000-8000-000000000001';
const CHANNEL = {
  id: 'channel-id-00000000-0000-4000-8000-000000000001',
  name: 'iamport simulator (V2)',
  pgProvider: 'INICIS_V2',
  pgMerchantId: 'INIpayTest',
};

const optional = <T>(value: T | null | undefined, render: (v: T) => unknown) =>
  value === null || value === undefined ? undefined : render(value);

export function renderCancellation(
  cancellation: V2Cancellation,
  receiptBase: string,
  transactionId: string,
): Record<string, unknown> {
  return {
    status: 'SUCCEEDED',
    id: cancellation.id,
    pgCancellationId: cancellation.pgCancellationId,
    totalAmount: cancellation.totalAmount,
    taxFreeAmount: cancellation.taxFreeAmount,
    vatAmount: cancellation.vatAmount,
    reason: cancellation.reason,
    cancelledAt: rfc3339(cancellation.cancelledAt),
    requestedAt: rfc3339(cancellation.requestedAt),
    receiptUrl: `${receiptBase}/v2/receipts/${transactionId}?cancellationId=${cancellation.id}`,
    trigger: cancellation.trigger,
  };
}

function renderMethod(attempt: V2Attempt): Record<string, unknown> | undefined {
  if (attempt.method === 'VIRTUAL_ACCOUNT' && attempt.virtualAccount) {
    const va = attempt.virtualAccount;
    return {
      type: 'PaymentMethodVirtualAccount',
      bank: va.bank,
      accountNumber: va.accountNumber,
      accountType: 'NORMAL',
      remitteeName: va.remitteeName,
      ...(va.remitterName !== null && { remitterName: va.remitterName }),
      expiredAt: rfc3339(va.expiredAt),
      issuedAt: rfc3339(va.issuedAt),
    };
  }
  if (attempt.method === 'CARD' && attempt.approvalNumber !== null) {
    return {
      type: 'PaymentMethodCard',
      card: {
        publisher: 'SHINHAN',
        issuer: 'SHINHAN',
        brand: 'LOCAL',
        type: 'CREDIT',
        ownerType: 'PERSONAL',
        bin: '53275000',
        name: '신한카드',
        number: '53275000****123*',
      },
      approvalNumber: attempt.approvalNumber,
      installment: { month: 0, isInterestFree: false },
      pointUsed: false,
    };
  }
  return undefined;
}

/**
 * The OAS `Payment` variant for the attempt's status, properties in the schema's order, with
 * only the properties that variant declares.
 */
export function renderPayment(
  attempt: V2Attempt,
  receiptBase: string,
): Record<string, unknown> {
  const { status } = attempt;
  const paid = ['PAID', 'PARTIAL_CANCELLED', 'CANCELLED'].includes(status);
  const cancelled = status === 'PARTIAL_CANCELLED' || status === 'CANCELLED';
  const hasPgTx =
    paid || status === 'PAY_PENDING' || status === 'VIRTUAL_ACCOUNT_ISSUED';
  const receiptUrl = `${receiptBase}/v2/receipts/${attempt.transactionId}`;
  const payment: Record<string, unknown> = {
    status,
    id: attempt.paymentId,
    transactionId: attempt.transactionId,
    merchantId: MERCHANT_ID,
    storeId: attempt.storeId,
    method: renderMethod(attempt),
    channel: { type: attempt.channelType, ...CHANNEL, key: attempt.channelKey },
    version: 'V2',
    webhooks: attempt.webhooks.length > 0 ? attempt.webhooks : undefined,
    requestedAt: rfc3339(attempt.requestedAt),
    updatedAt: rfc3339(attempt.updatedAt),
    statusChangedAt: rfc3339(attempt.statusChangedAt),
    orderName: attempt.orderName,
    amount: {
      total: attempt.totalAmount,
      taxFree: attempt.taxFreeAmount,
      vat: vatOf(attempt.totalAmount, attempt.taxFreeAmount),
      supply:
        attempt.totalAmount -
        attempt.taxFreeAmount -
        vatOf(attempt.totalAmount, attempt.taxFreeAmount),
      discount: 0,
      paid: paid ? attempt.totalAmount : 0,
      cancelled: cancelledAmount(attempt),
      cancelledTaxFree: cancelledTaxFree(attempt),
    },
    currency: attempt.currency,
    customer: attempt.customer,
    origin: attempt.origin,
    customData: attempt.customData ?? undefined,
  };
  if (hasPgTx && attempt.pgTxId !== null) payment.pgTxId = attempt.pgTxId;
  if (paid) {
    payment.paidAt = optional(attempt.paidAt, rfc3339);
    payment.receiptUrl = receiptUrl;
  }
  if (status === 'PAID') payment.disputes = [];
  if (cancelled) {
    payment.cancellations = attempt.cancellations.map((c) =>
      renderCancellation(c, receiptBase, attempt.transactionId),
    );
    payment.cancelledAt = rfc3339(
      attempt.cancellations.at(-1)?.cancelledAt ?? attempt.statusChangedAt,
    );
  }
  if (status === 'FAILED') {
    payment.failedAt = optional(attempt.failedAt, rfc3339);
    payment.failure = attempt.failure ?? {};
  }
  // JSON.stringify drops the undefined ones; structuredClone keeps the store's objects private.
  return structuredClone(
    Object.fromEntries(
      Object.entries(payment).filter(([, value]) => value !== undefined),
    ),
  );
}
