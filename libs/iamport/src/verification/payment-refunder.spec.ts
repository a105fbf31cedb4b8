import { Logger } from '@nestjs/common';
import type { IamportClient } from '../client/iamport.client.js';
import {
  IamportNetworkError,
  IamportNotFoundError,
  IamportResponseError,
} from '../client/iamport.errors.js';
import type { CancelPaymentRequest, Payment } from '../client/iamport.types.js';
import { PaymentRefunder } from './payment-refunder.js';
import { iamportPayment, PAID_AT } from './payment.fixtures.js';
import type { PortOnePayment } from './portone-payment.js';

function payment(overrides: Partial<Payment> = {}): Payment {
  return iamportPayment({ imp_uid: 'imp_1', ...overrides });
}

/**
 * iamport's cancel and lookup, as documented: a cancel whose checksum is not
 * the refundable balance is refused (HTTP 200, code 1), so is any cancel of a
 * payment that cannot be refunded this way; test-channel payments are hidden
 * unless asked for.
 */
class FakeIamport {
  readonly payments = new Map<string, Payment>();
  readonly cancels: CancelPaymentRequest[] = [];
  readonly lookups: Array<{ impUid: string; includeSandbox?: boolean }> = [];
  /** Payments iamport will not refund through the API, and what it says. */
  readonly unrefundable = new Map<string, string | null>();
  networkDown = false;

  add(p: Payment): void {
    this.payments.set(p.imp_uid, p);
  }

  getPayment(
    impUid: string,
    options: { includeSandbox?: boolean } = {},
  ): Promise<Payment> {
    this.lookups.push({ impUid, ...options });
    const found = this.payments.get(impUid);
    if (!found || (found.sandbox && !options.includeSandbox))
      return Promise.reject(
        new IamportNotFoundError('no such payment', {
          operation: 'getPaymentByImpUid',
          httpStatus: 404,
          code: 1,
          iamportMessage: 'not found',
          retryable: false,
        }),
      );
    return Promise.resolve({ ...found });
  }

  cancelPayment(request: CancelPaymentRequest): Promise<Payment> {
    this.cancels.push(request);
    if (this.networkDown)
      return Promise.reject(
        new IamportNetworkError('connection reset', {
          operation: 'cancelPayment',
          httpStatus: null,
          code: null,
          iamportMessage: null,
          retryable: true,
        }),
      );
    const found = this.payments.get(request.imp_uid!);
    const left = found ? found.amount - found.cancel_amount : 0;
    const refusal = !found
      ? 'no such payment'
      : this.unrefundable.has(found.imp_uid)
        ? this.unrefundable.get(found.imp_uid)!
        : request.checksum !== undefined && request.checksum !== left
          ? 'checksum mismatch'
          : (request.amount ?? left) > left
            ? 'more than is left'
            : undefined;
    if (refusal !== undefined || !found)
      return Promise.reject(
        new IamportResponseError('cancel refused', {
          operation: 'cancelPayment',
          httpStatus: 200,
          code: 1,
          iamportMessage: refusal ?? null,
          retryable: false,
        }),
      );
    const amount = request.amount ?? left;
    const refunded: Payment = {
      ...found,
      status: 'cancelled',
      cancel_amount: found.cancel_amount + amount,
      cancelled_at: PAID_AT + 600,
    };
    this.payments.set(found.imp_uid, refunded);
    return Promise.resolve({ ...refunded });
  }
}

function setup() {
  const iamport = new FakeIamport();
  const refunder = new PaymentRefunder(iamport as unknown as IamportClient);
  return { iamport, refunder };
}

describe('PaymentRefunder', () => {
  let warn: ReturnType<typeof vi.spyOn>;
  let error: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => {});
    error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => {});
  });
  afterEach(() => vi.restoreAllMocks());

  it('refunds with the checksum and answers the payment as iamport has it after the refund', async () => {
    const { iamport, refunder } = setup();
    iamport.add(payment({ amount: 100 }));
    const result = await refunder.refund({
      impUid: 'imp_1',
      amount: 100,
      checksum: 100,
      reason: 'forged amount',
    });
    expect(iamport.cancels).toEqual([
      { imp_uid: 'imp_1', amount: 100, checksum: 100, reason: 'forged amount' },
    ]);
    expect(result).toEqual({
      payment: expect.objectContaining({
        api: 'v1',
        status: 'cancelled',
        cancelledAmount: 100,
      }) as PortOnePayment,
      amount: 100,
      refusal: null,
    });
    expect(warn).toHaveBeenCalledWith('refunded 100 of imp_1: forged amount');
    expect(warn.mock.contexts[0]).toMatchObject({
      context: 'PaymentVerification',
    });
  });

  it('refunds only what was asked of a payment partly refunded already', async () => {
    const { iamport, refunder } = setup();
    iamport.add(payment({ cancel_amount: 4000 }));
    const result = await refunder.refund({
      impUid: 'imp_1',
      amount: 6000,
      checksum: 6000,
      reason: 'duplicate payment',
    });
    expect(result.amount).toBe(6000);
    expect(result.payment.cancelledAmount).toBe(10_000);
  });

  it('reports nothing refunded, and no refusal, when someone else already refunded it all', async () => {
    const { iamport, refunder } = setup();
    iamport.add(payment());
    // Another instance refunded it between our decision and our cancel.
    await refunder.refund({
      impUid: 'imp_1',
      amount: 10_000,
      checksum: 10_000,
      reason: 'duplicate payment',
    });
    const result = await refunder.refund({
      impUid: 'imp_1',
      amount: 10_000,
      checksum: 10_000,
      reason: 'duplicate payment',
    });
    expect(result).toEqual({
      payment: expect.objectContaining({
        cancelledAmount: 10_000,
      }) as PortOnePayment,
      amount: 0,
      refusal: null,
    });
    expect(iamport.payments.get('imp_1')?.cancel_amount).toBe(10_000);
    expect(error).not.toHaveBeenCalled();
  });

  it('reports iamport’s refusal when money is still left (a paid virtual account)', async () => {
    const { iamport, refunder } = setup();
    iamport.add(payment({ pay_method: 'vbank' }));
    iamport.unrefundable.set('imp_1', 'refund account required');
    const result = await refunder.refund({
      impUid: 'imp_1',
      amount: 10_000,
      checksum: 10_000,
      reason: 'forged amount',
    });
    expect(result).toEqual({
      payment: expect.objectContaining({
        status: 'paid',
        cancelledAmount: 0,
      }) as PortOnePayment,
      amount: 0,
      refusal: 'refund account required',
    });
    expect(error).toHaveBeenCalledWith(
      'iamport refused to refund imp_1 (forged amount): refund account required',
    );
  });

  it('says "refund refused" when iamport refuses without a message', async () => {
    const { iamport, refunder } = setup();
    iamport.add(payment());
    iamport.unrefundable.set('imp_1', null);
    const result = await refunder.refund({
      impUid: 'imp_1',
      amount: 10_000,
      checksum: 10_000,
      reason: 'duplicate payment',
    });
    expect(result.refusal).toBe('refund refused');
  });

  it('reports a refusal when only part of the money went back meanwhile', async () => {
    const { iamport, refunder } = setup();
    iamport.add(payment({ status: 'cancelled', cancel_amount: 9999 }));
    const result = await refunder.refund({
      impUid: 'imp_1',
      amount: 10_000,
      checksum: 10_000,
      reason: 'duplicate payment',
    });
    expect(result.amount).toBe(0);
    expect(result.refusal).toBe('checksum mismatch');
  });

  it('reads a refused test-channel payment again too', async () => {
    const { iamport, refunder } = setup();
    iamport.add(
      payment({ sandbox: true, status: 'cancelled', cancel_amount: 10_000 }),
    );
    const result = await refunder.refund({
      impUid: 'imp_1',
      amount: 10_000,
      checksum: 10_000,
      reason: 'forged amount',
    });
    expect(result).toMatchObject({ amount: 0, refusal: null });
    expect(iamport.lookups).toEqual([
      { impUid: 'imp_1', includeSandbox: true },
    ]);
  });

  it('throws when iamport cannot be reached, without reading the payment', async () => {
    const { iamport, refunder } = setup();
    iamport.add(payment());
    iamport.networkDown = true;
    await expect(
      refunder.refund({
        impUid: 'imp_1',
        amount: 10_000,
        checksum: 10_000,
        reason: 'forged amount',
      }),
    ).rejects.toBeInstanceOf(IamportNetworkError);
    expect(iamport.lookups).toEqual([]);
  });
});
