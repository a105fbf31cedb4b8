import type { IamportEventDelivery } from '../events/iamport-event-delivery.js';
import type { ResolvedIamportOptions } from '../iamport.options.js';
import type { IamportOrderRepository } from '../ports/order.repository.js';
import type { PortOneV2Client } from './client/portone-v2.client.js';
import { PortOneV2NotFoundError } from './client/portone-v2.errors.js';
import { PortOneV2VerificationService } from './portone-v2-verification.service.js';

const orders: IamportOrderRepository = {
  findByMerchantUid: () => Promise.resolve(null),
  findPaymentRecord: () => Promise.resolve(null),
  commit: () => Promise.resolve(true),
};

function service(v2: ResolvedIamportOptions['v2'], asked: string[] = []) {
  const client = {
    getPayment: (paymentId: string) => {
      asked.push(paymentId);
      return Promise.reject(
        new PortOneV2NotFoundError('no such payment', {
          operation: 'getPayment',
          httpStatus: 404,
          type: 'PAYMENT_NOT_FOUND',
          portOneMessage: null,
          retryable: false,
        }),
      );
    },
  } as unknown as PortOneV2Client;
  const options = {
    v2,
    forgeryPolicy: 'cancel',
    unknownOrderPolicy: 'flag',
  } as ResolvedIamportOptions;
  return new PortOneV2VerificationService(
    client,
    orders,
    options,
    {} as IamportEventDelivery,
  );
}

const v2 = {
  apiSecret: 'secret',
  storeId: 'store-1',
  webhookSecrets: ['whsec_a', 'whsec_b'],
  apiBaseUrl: 'http://127.0.0.1:1/v2',
  allowTestChannel: false,
};

describe('PortOneV2VerificationService', () => {
  it('fetches by paymentId (the transactionId is a hint) and says PortOne knows none', async () => {
    const asked: string[] = [];
    const result = await service(v2, asked).verifyV2({
      paymentId: 'order-1',
      transactionId: 'tx-1',
      source: 'webhook',
    });
    expect(asked).toEqual(['order-1']);
    expect(result).toMatchObject({
      outcome: 'not_found',
      merchantUid: 'order-1',
      impUid: 'tx-1',
      changed: false,
      reason: 'PortOne knows no such payment',
    });
  });

  it('exposes the webhook secrets for the signature check', () => {
    expect(service(v2).webhookSecrets).toEqual(['whsec_a', 'whsec_b']);
    expect(service(v2).configured).toBe(true);
  });

  it('refuses to verify without V2 options, and holds no secret', async () => {
    const off = service(null);
    expect(off.configured).toBe(false);
    expect(off.webhookSecrets).toEqual([]);
    await expect(
      off.verifyV2({ paymentId: 'order-1', source: 'redirect' }),
    ).rejects.toThrow(
      'PortOne V2 is not configured (the v2 options of IamportModule)',
    );
  });
});
