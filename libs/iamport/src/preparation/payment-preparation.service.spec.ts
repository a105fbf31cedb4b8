import type { IamportClient } from '../client/iamport.client.js';
import {
  type IamportError,
  IamportHttpError,
  IamportMalformedResponseError,
  IamportNetworkError,
  IamportNotFoundError,
  IamportResponseError,
  IamportTimeoutError,
} from '../client/iamport.errors.js';
import type {
  PreparedPayment,
  PreparePaymentRequest,
} from '../client/iamport.types.js';
import type { ResolvedIamportOptions } from '../iamport.options.js';
import { PaymentPreparationService } from './payment-preparation.service.js';

type Step = 'applied' | 'lost' | 'refused' | 'unavailable';

/** iamport's prepare endpoints over one map; each POST takes the next scripted step (default applied). */
class FakePrepare {
  readonly held = new Map<string, PreparedPayment>();
  readonly calls: string[] = [];
  readonly requests: PreparePaymentRequest[] = [];

  constructor(private readonly posts: Step[] = []) {}

  preparePayment(request: PreparePaymentRequest): Promise<PreparedPayment> {
    this.calls.push(`POST ${request.amount}`);
    this.requests.push(request);
    const step = this.posts.shift() ?? 'applied';
    if (step === 'refused' || this.held.has(request.merchant_uid))
      return Promise.reject(
        error(IamportResponseError, 'preparePayment', 200, false),
      );
    if (step === 'unavailable')
      return Promise.reject(
        error(IamportHttpError, 'preparePayment', 503, false),
      );
    const prepared = { ...request, currency: request.currency ?? null };
    this.held.set(request.merchant_uid, prepared);
    if (step === 'lost')
      return Promise.reject(
        error(IamportTimeoutError, 'preparePayment', null, false),
      );
    return Promise.resolve(prepared);
  }

  getPreparedPayment(merchantUid: string): Promise<PreparedPayment | null> {
    this.calls.push('GET');
    return Promise.resolve(this.held.get(merchantUid) ?? null);
  }

  updatePreparedPayment(
    request: PreparePaymentRequest,
  ): Promise<PreparedPayment> {
    this.calls.push(`PUT ${request.amount}`);
    if (!this.held.has(request.merchant_uid))
      return Promise.reject(
        error(IamportNotFoundError, 'editPreparePayment', 404, false),
      );
    const prepared = { ...request, currency: request.currency ?? null };
    this.held.set(request.merchant_uid, prepared);
    return Promise.resolve(prepared);
  }
}

function error(
  kind: new (summary: string, details: any) => IamportError,
  operation: string,
  httpStatus: number | null,
  retryable: boolean,
): IamportError {
  return new kind('scripted', {
    operation,
    httpStatus,
    code: httpStatus === 200 ? 1 : null,
    iamportMessage: null,
    retryable,
  });
}

function service(fake: FakePrepare, maxRetries = 2) {
  return new PaymentPreparationService(
    fake as unknown as IamportClient,
    {
      maxRetries,
      retryBaseDelayMs: 0,
      retryMaxDelayMs: 0,
    } as ResolvedIamportOptions,
  );
}

const ORDER = { merchantUid: 'order-1', amount: 35_000, currency: 'KRW' };

describe('PaymentPreparationService', () => {
  it('registers the amount with one POST', async () => {
    const fake = new FakePrepare();
    await expect(service(fake).register(ORDER)).resolves.toEqual({
      merchant_uid: 'order-1',
      amount: 35_000,
      currency: 'KRW',
    });
    expect(fake.calls).toEqual(['POST 35000']);
  });

  it('leaves the currency out when none is given', async () => {
    const fake = new FakePrepare();
    await service(fake).register({ merchantUid: 'order-1', amount: 1000 });
    expect(fake.requests[0]).not.toHaveProperty('currency');
    expect(fake.held.get('order-1')).toEqual({
      merchant_uid: 'order-1',
      amount: 1000,
      currency: null,
    });
  });

  it('a POST applied but never answered: reads what iamport holds and does not POST again', async () => {
    const fake = new FakePrepare(['lost']);
    await expect(service(fake).register(ORDER)).resolves.toMatchObject({
      amount: 35_000,
    });
    expect(fake.calls).toEqual(['POST 35000', 'GET']);
  });

  it('another amount already held (an earlier registration): corrected with PUT', async () => {
    const fake = new FakePrepare();
    fake.held.set('order-1', {
      merchant_uid: 'order-1',
      amount: 1,
      currency: 'KRW',
    });
    await expect(service(fake).register(ORDER)).resolves.toMatchObject({
      amount: 35_000,
    });
    expect(fake.calls).toEqual(['POST 35000', 'GET', 'PUT 35000']);
  });

  it('the same amount in another currency: corrected with PUT', async () => {
    const fake = new FakePrepare();
    fake.held.set('order-1', {
      merchant_uid: 'order-1',
      amount: 35_000,
      currency: 'USD',
    });
    await service(fake).register(ORDER);
    expect(fake.calls).toEqual(['POST 35000', 'GET', 'PUT 35000']);
    expect(fake.held.get('order-1')?.currency).toBe('KRW');
  });

  it('held already with this amount (no currency asked): accepted as it is', async () => {
    const fake = new FakePrepare();
    fake.held.set('order-1', {
      merchant_uid: 'order-1',
      amount: 1000,
      currency: 'KRW',
    });
    await service(fake).register({ merchantUid: 'order-1', amount: 1000 });
    expect(fake.calls).toEqual(['POST 1000', 'GET']);
  });

  it('iamport unavailable, then back: POSTs again once nothing is held', async () => {
    const fake = new FakePrepare(['unavailable', 'unavailable']);
    await expect(service(fake).register(ORDER)).resolves.toMatchObject({
      amount: 35_000,
    });
    expect(fake.calls).toEqual([
      'POST 35000',
      'GET',
      'POST 35000',
      'GET',
      'POST 35000',
    ]);
  });

  it('gives up after maxRetries with the last error', async () => {
    const fake = new FakePrepare(['unavailable', 'unavailable']);
    await expect(service(fake, 1).register(ORDER)).rejects.toBeInstanceOf(
      IamportHttpError,
    );
    expect(fake.calls).toEqual(['POST 35000', 'GET', 'POST 35000', 'GET']);
  });

  it('refused for its content with nothing held: not sent again', async () => {
    const fake = new FakePrepare(['refused']);
    await expect(service(fake).register(ORDER)).rejects.toBeInstanceOf(
      IamportResponseError,
    );
    expect(fake.calls).toEqual(['POST 35000', 'GET']);
  });

  it('a 4xx other than 429 is not retried; a 429 is', async () => {
    const refused = new FakePrepare();
    refused.preparePayment = () =>
      Promise.reject(error(IamportHttpError, 'preparePayment', 400, false));
    await expect(service(refused).register(ORDER)).rejects.toBeInstanceOf(
      IamportHttpError,
    );
    expect(refused.calls).toEqual(['GET']);

    let posts = 0;
    const limited = new FakePrepare();
    const post = limited.preparePayment.bind(limited);
    limited.preparePayment = (request) =>
      posts++ === 0
        ? Promise.reject(error(IamportHttpError, 'preparePayment', 429, false))
        : post(request);
    await service(limited).register(ORDER);
    expect(limited.calls).toEqual(['GET', 'POST 35000']);
  });

  it('does not swallow what is not an iamport error, nor ask iamport anything more', async () => {
    const fake = new FakePrepare();
    fake.preparePayment = () => Promise.reject(new TypeError('bug'));
    await expect(service(fake).register(ORDER)).rejects.toBeInstanceOf(
      TypeError,
    );
    expect(fake.calls).toEqual([]);
  });

  /** A fake whose first POST fails with `failure` without registering anything. */
  const failingOnce = (failure: IamportError) => {
    const fake = new FakePrepare();
    const post = fake.preparePayment.bind(fake);
    let posts = 0;
    fake.preparePayment = (request) => {
      if (posts++ > 0) return post(request);
      fake.calls.push(`POST ${request.amount}`);
      return Promise.reject(failure);
    };
    return fake;
  };

  it.each<[string, IamportError]>([
    [
      'no answer in time',
      error(IamportTimeoutError, 'preparePayment', null, false),
    ],
    [
      'a reset connection',
      error(IamportNetworkError, 'preparePayment', null, false),
    ],
    [
      'an HTTP error without a status',
      error(IamportHttpError, 'preparePayment', null, false),
    ],
    ['HTTP 500', error(IamportHttpError, 'preparePayment', 500, false)],
    ['HTTP 429', error(IamportHttpError, 'preparePayment', 429, false)],
    [
      'a garbled answer',
      error(IamportMalformedResponseError, 'preparePayment', 200, false),
    ],
  ])('after %s with nothing held, POSTs again', async (_label, failure) => {
    const fake = failingOnce(failure);
    await service(fake).register(ORDER);
    expect(fake.calls).toEqual(['POST 35000', 'GET', 'POST 35000']);
  });

  it.each<[string, IamportError]>([
    ['HTTP 400', error(IamportHttpError, 'preparePayment', 400, false)],
    ['HTTP 499', error(IamportHttpError, 'preparePayment', 499, false)],
    ['HTTP 404', error(IamportNotFoundError, 'preparePayment', 404, false)],
    [
      'a refusal in the envelope',
      error(IamportResponseError, 'preparePayment', 200, false),
    ],
  ])(
    'after %s with nothing held, gives up at once',
    async (_label, failure) => {
      const fake = failingOnce(failure);
      await expect(service(fake).register(ORDER)).rejects.toBe(failure);
      expect(fake.calls).toEqual(['POST 35000', 'GET']);
    },
  );

  it('waits the client’s backoff before POSTing again', async () => {
    const fake = failingOnce(
      error(IamportHttpError, 'preparePayment', 503, false),
    );
    const slow = new PaymentPreparationService(
      fake as unknown as IamportClient,
      {
        maxRetries: 1,
        retryBaseDelayMs: 200,
        retryMaxDelayMs: 200,
      } as ResolvedIamportOptions,
    );
    const startedAt = performance.now();
    await slow.register(ORDER);
    // Equal jitter: at least half the first window.
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(99);
  });
});
