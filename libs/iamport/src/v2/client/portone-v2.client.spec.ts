import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  MAX_LISTED_PAYMENTS,
  PortOneV2Client,
  type PortOneV2ClientSettings,
} from './portone-v2.client.js';
import {
  PortOneV2AuthError,
  PortOneV2BadAnswerError,
  PortOneV2ConflictError,
  PortOneV2Error,
  PortOneV2InvalidRequestError,
  PortOneV2NotFoundError,
  PortOneV2PgProviderError,
  PortOneV2TimeoutError,
  PortOneV2TransportError,
} from './portone-v2.errors.js';
import { isUnrecognizedPortOneV2Payment } from './portone-v2-shape.js';

const SECRET = 'portone_v2_secret_DO_NOT_LEAK_5f2c';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Reply = (seen: Seen, res: ServerResponse, attempt: number) => void;

/** A PortOne stand-in on a real socket: each request is recorded and answered by the next reply (the last one repeats). */
class FakePortOne {
  readonly seen: Seen[] = [];
  private replies: Reply[] = [];
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const seen: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      this.seen.push(seen);
      const attempt = this.seen.length;
      const reply = this.replies[Math.min(attempt, this.replies.length) - 1];
      reply(seen, res, attempt);
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) =>
      this.server.listen(0, '127.0.0.1', resolve),
    );
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  answer(...replies: Reply[]): void {
    this.replies = replies;
    this.seen.length = 0;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function json(status: number, body: unknown): Reply {
  return (_seen, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
}

function text(status: number, body: string): Reply {
  return (_seen, res) => {
    res.writeHead(status, { 'Content-Type': 'text/html' });
    res.end(body);
  };
}

const dropConnection: Reply = (_seen, res) => res.socket?.destroy();
const neverAnswer: Reply = () => undefined;

function payment(overrides: Record<string, unknown> = {}) {
  return {
    status: 'PAID',
    id: 'order-1',
    transactionId: '01949c97-7483-3f81-6628-6fdac81fe76b',
    merchantId: 'merchant-1',
    storeId: 'store-1',
    channel: { type: 'LIVE', key: 'channel-key-1', pgProvider: 'TOSSPAYMENTS' },
    version: 'V2',
    requestedAt: '2026-01-25T08:32:39.043767878Z',
    updatedAt: '2026-01-25T08:33:00Z',
    statusChangedAt: '2026-01-25T08:33:00Z',
    paidAt: '2026-01-25T08:33:00Z',
    orderName: 'A book',
    amount: {
      total: 1000,
      taxFree: 0,
      vat: 91,
      supply: 909,
      discount: 0,
      paid: 1000,
      cancelled: 0,
      cancelledTaxFree: 0,
    },
    currency: 'KRW',
    customer: {},
    origin: { platformType: 'PC' },
    disputes: [],
    customData: '{"sku":"b-1"}',
    someFieldAddedLater: { nested: true },
    ...overrides,
  };
}

const cancellation = {
  status: 'SUCCEEDED',
  id: 'cancellation-1',
  totalAmount: 400,
  taxFreeAmount: 0,
  vatAmount: 36,
  reason: 'customer asked',
  cancelledAt: '2026-01-26T00:00:00Z',
  requestedAt: '2026-01-26T00:00:00Z',
};

const fake = new FakePortOne();
let baseUrl: string;

beforeAll(async () => {
  baseUrl = await fake.start();
});

afterAll(() => fake.stop());

function client(overrides: Partial<PortOneV2ClientSettings> = {}) {
  return new PortOneV2Client({
    apiSecret: SECRET,
    storeId: 'store-1',
    apiBaseUrl: baseUrl,
    timeoutMs: 2000,
    maxRetries: 2,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 5,
    ...overrides,
  });
}

async function failure(pending: Promise<unknown>): Promise<PortOneV2Error> {
  const error: unknown = await pending.then(
    () => expect.unreachable('the call should have failed'),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(PortOneV2Error);
  return error as PortOneV2Error;
}

function queryOf(seen: Seen): URLSearchParams {
  return new URL(seen.url, 'http://localhost').searchParams;
}

describe('PortOneV2Client.getPayment', () => {
  it('sends the secret, the store and the encoded paymentId', async () => {
    fake.answer(json(200, payment()));
    const paid = await client().getPayment('order/1?x=y #é%');
    expect(paid.status).toBe('PAID');
    expect(paid.amount.total).toBe(1000);
    const [seen] = fake.seen;
    expect(seen.method).toBe('GET');
    expect(seen.url.split('?')[0]).toBe(
      '/payments/order%2F1%3Fx%3Dy%20%23%C3%A9%25',
    );
    expect(queryOf(seen).get('storeId')).toBe('store-1');
    expect(seen.headers.authorization).toBe(`PortOne ${SECRET}`);
    expect(seen.headers['user-agent']).toMatch(/nestjs-iamport/);
    expect(seen.headers['content-type']).toBeUndefined();
    expect(seen.headers['idempotency-key']).toBeUndefined();
  });

  it('leaves storeId out when none is configured', async () => {
    fake.answer(json(200, payment()));
    await client({ storeId: null }).getPayment('order-1');
    expect(queryOf(fake.seen[0]).has('storeId')).toBe(false);
  });

  it('passes an unknown status through, and ignores unknown fields', async () => {
    fake.answer(json(200, payment({ status: 'SOMETHING_NEW' })));
    const later = await client().getPayment('order-1');
    expect(String(later.status)).toBe('SOMETHING_NEW');
    expect(isUnrecognizedPortOneV2Payment(later)).toBe(true);
  });

  it('throws PortOneV2NotFoundError on 404 PAYMENT_NOT_FOUND, without retrying', async () => {
    fake.answer(json(404, { type: 'PAYMENT_NOT_FOUND', message: 'none' }));
    const error = await failure(client().getPayment('missing'));
    expect(error).toBeInstanceOf(PortOneV2NotFoundError);
    expect(error).toMatchObject({
      operation: 'getPayment',
      httpStatus: 404,
      type: 'PAYMENT_NOT_FOUND',
      portOneMessage: 'none',
      retryable: false,
    });
    expect(fake.seen).toHaveLength(1);
  });

  it.each([
    ['without the envelope', text(404, '<html>Not Found</html>')],
    ['of a route', json(404, { type: 'NOT_FOUND', message: 'No route' })],
  ])(
    'reads a 404 %s as a wrong route, not a missing payment',
    async (_what, reply) => {
      fake.answer(reply);
      const error = await failure(client().getPayment('order-1'));
      expect(error).toBeInstanceOf(PortOneV2InvalidRequestError);
      expect(error.message).toMatch(/apiBaseUrl/);
    },
  );

  it.each([401, 403])(
    'throws PortOneV2AuthError on %i, never retried',
    async (status) => {
      fake.answer(json(status, { type: 'UNAUTHORIZED' }));
      const error = await failure(client().getPayment('order-1'));
      expect(error).toBeInstanceOf(PortOneV2AuthError);
      expect(error.retryable).toBe(false);
      expect(fake.seen).toHaveLength(1);
    },
  );

  it('throws PortOneV2InvalidRequestError on 400, never retried', async () => {
    fake.answer(json(400, { type: 'INVALID_REQUEST', message: 'bad id' }));
    const error = await failure(client().getPayment('order-1'));
    expect(error).toBeInstanceOf(PortOneV2InvalidRequestError);
    expect(error.type).toBe('INVALID_REQUEST');
    expect(fake.seen).toHaveLength(1);
  });

  it('retries a 503 and returns the payment that follows', async () => {
    fake.answer(json(503, { type: 'UNAVAILABLE' }), json(200, payment()));
    expect((await client().getPayment('order-1')).id).toBe('order-1');
    expect(fake.seen).toHaveLength(2);
  });

  it('gives up after maxRetries with a retryable PortOneV2TransportError', async () => {
    fake.answer(json(429, { type: 'TOO_MANY_REQUESTS' }));
    const error = await failure(client().getPayment('order-1'));
    expect(error).toBeInstanceOf(PortOneV2TransportError);
    expect(error).toMatchObject({ httpStatus: 429, retryable: true });
    expect(fake.seen).toHaveLength(3);
  });

  it('reads a non-JSON 502 from a gateway as a transport error, not a SyntaxError', async () => {
    fake.answer(text(502, '<html><body>Bad Gateway</body></html>'));
    const error = await failure(client({ maxRetries: 1 }).getPayment('x'));
    expect(error).toBeInstanceOf(PortOneV2TransportError);
    expect(error).toMatchObject({ httpStatus: 502, type: null });
    expect(fake.seen).toHaveLength(2);
  });

  it('times out each attempt and retries', async () => {
    fake.answer(neverAnswer);
    const error = await failure(
      client({ timeoutMs: 150, maxRetries: 1 }).getPayment('order-1'),
    );
    expect(error).toBeInstanceOf(PortOneV2TimeoutError);
    expect(error).toBeInstanceOf(PortOneV2TransportError);
    expect(error).toMatchObject({ httpStatus: null, retryable: true });
    expect(fake.seen).toHaveLength(2);
  });

  it.each([
    ['not JSON', text(200, 'OK')],
    ['not a payment', json(200, { hello: 'world' })],
    ['a payment without amount.total', json(200, payment({ amount: {} }))],
    [
      'a payment with a string amount',
      json(200, payment({ amount: { ...payment().amount, total: '1000' } })),
    ],
    ['a payment without currency', json(200, payment({ currency: undefined }))],
  ])('refuses an answer that is %s', async (_what, reply) => {
    fake.answer(reply);
    const error = await failure(client({ maxRetries: 0 }).getPayment('x'));
    expect(error).toBeInstanceOf(PortOneV2BadAnswerError);
    expect(error.httpStatus).toBe(200);
  });

  it('refuses an answer larger than the limit, without retrying', async () => {
    fake.answer(json(200, payment({ orderName: 'x'.repeat(4096) })));
    const error = await failure(
      client({ maxAnswerBytes: 1024 }).getPayment('order-1'),
    );
    expect(error).toBeInstanceOf(PortOneV2BadAnswerError);
    expect(error.message).toMatch(/larger than 1024 bytes/);
    expect(fake.seen).toHaveLength(1);
  });

  it('refuses an empty paymentId before sending anything', async () => {
    fake.answer(json(200, payment()));
    await expect(client().getPayment('')).rejects.toThrow(TypeError);
    expect(fake.seen).toHaveLength(0);
  });
});

describe('PortOneV2Client.cancelPayment', () => {
  const request = {
    paymentId: 'order-1',
    amount: 400,
    currentCancellableAmount: 1000,
    reason: 'customer asked',
  };

  it('posts the cancel with the checksum, the store and an idempotency key', async () => {
    fake.answer(json(200, { cancellation }));
    expect(await client().cancelPayment(request)).toEqual(cancellation);
    const [seen] = fake.seen;
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/payments/order-1/cancel');
    expect(seen.headers['content-type']).toBe('application/json');
    expect(seen.headers.authorization).toBe(`PortOne ${SECRET}`);
    expect(JSON.parse(seen.body)).toEqual({
      storeId: 'store-1',
      amount: 400,
      currentCancellableAmount: 1000,
      reason: 'customer asked',
    });
    // RFC 8941 sf-string, 16–256 printable ASCII characters without " or \.
    expect(seen.headers['idempotency-key']).toMatch(
      /^"[\x20-\x21\x23-\x5b\x5d-\x7e]{16,256}"$/,
    );
  });

  it('leaves amount out for a full cancel', async () => {
    fake.answer(json(200, { cancellation }));
    await client().cancelPayment({ ...request, amount: undefined });
    expect(JSON.parse(fake.seen[0].body)).not.toHaveProperty('amount');
  });

  it('retries a dropped connection with the same Idempotency-Key', async () => {
    fake.answer(dropConnection, json(200, { cancellation }));
    expect(await client().cancelPayment(request)).toEqual(cancellation);
    expect(fake.seen).toHaveLength(2);
    const [first, second] = fake.seen.map(
      (seen) => seen.headers['idempotency-key'],
    );
    expect(second).toBe(first);
    expect(fake.seen[1].body).toBe(fake.seen[0].body);
  });

  it('gives each call a key of its own', async () => {
    fake.answer(json(200, { cancellation }));
    await client().cancelPayment(request);
    await client().cancelPayment(request);
    const [first, second] = fake.seen.map(
      (seen) => seen.headers['idempotency-key'],
    );
    expect(second).not.toBe(first);
  });

  it.each([
    'CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN',
    'PAYMENT_ALREADY_CANCELLED',
    'CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT',
    'PAYMENT_NOT_PAID',
  ])('throws PortOneV2ConflictError on 409 %s, never retried', async (type) => {
    fake.answer(json(409, { type, message: 'refused' }));
    const error = await failure(client().cancelPayment(request));
    expect(error).toBeInstanceOf(PortOneV2ConflictError);
    expect(error).toMatchObject({
      operation: 'cancelPayment',
      httpStatus: 409,
      type,
      retryable: false,
    });
    expect(fake.seen).toHaveLength(1);
  });

  it('repeats while PortOne is still processing the same key, to learn the outcome', async () => {
    fake.answer(
      json(409, { type: 'IDEMPOTENCY_OUTSTANDING_REQUEST' }),
      json(200, { cancellation }),
    );
    expect(await client().cancelPayment(request)).toEqual(cancellation);
    expect(fake.seen).toHaveLength(2);
    expect(fake.seen[1].headers['idempotency-key']).toBe(
      fake.seen[0].headers['idempotency-key'],
    );
  });

  it('throws PortOneV2PgProviderError with the PG code on 502 PG_PROVIDER, never retried', async () => {
    fake.answer(
      json(502, {
        type: 'PG_PROVIDER',
        message: 'PG refused',
        pgCode: 'E101',
        pgMessage: '취소 불가',
      }),
    );
    const error = await failure(client().cancelPayment(request));
    expect(error).toBeInstanceOf(PortOneV2PgProviderError);
    expect(error).toMatchObject({
      type: 'PG_PROVIDER',
      pgCode: 'E101',
      pgMessage: '취소 불가',
      retryable: false,
    });
    expect(error.toJSON()).toMatchObject({ pgCode: 'E101' });
    expect(fake.seen).toHaveLength(1);
  });

  it('refuses an answer without a cancellation', async () => {
    fake.answer(json(200, { cancellation: { id: 'c' } }));
    const error = await failure(
      client({ maxRetries: 0 }).cancelPayment(request),
    );
    expect(error).toBeInstanceOf(PortOneV2BadAnswerError);
  });

  it.each([
    { amount: 0 },
    { amount: 1.5 },
    { currentCancellableAmount: -1 },
    { reason: '' },
  ])('refuses %o before sending anything', async (wrong) => {
    fake.answer(json(200, { cancellation }));
    await expect(
      client().cancelPayment({ ...request, ...wrong }),
    ).rejects.toThrow(TypeError);
    expect(fake.seen).toHaveLength(0);
  });
});

describe('PortOneV2Client.preRegisterPayment', () => {
  it('posts the amount and currency with the store', async () => {
    fake.answer(json(200, {}));
    await client().preRegisterPayment({
      paymentId: 'order 2',
      totalAmount: 1000,
      currency: 'KRW',
    });
    const [seen] = fake.seen;
    expect(seen.url).toBe('/payments/order%202/pre-register');
    expect(JSON.parse(seen.body)).toEqual({
      storeId: 'store-1',
      totalAmount: 1000,
      currency: 'KRW',
    });
    expect(seen.headers['idempotency-key']).toBeDefined();
  });

  it('throws PortOneV2ConflictError on 409 ALREADY_PAID', async () => {
    fake.answer(json(409, { type: 'ALREADY_PAID' }));
    const error = await failure(
      client().preRegisterPayment({
        paymentId: 'order-1',
        totalAmount: 1000,
        currency: 'KRW',
      }),
    );
    expect(error).toBeInstanceOf(PortOneV2ConflictError);
    expect(error.type).toBe('ALREADY_PAID');
    expect(fake.seen).toHaveLength(1);
  });
});

describe('PortOneV2Client.listPayments', () => {
  const window = {
    from: new Date('2026-01-25T00:00:00Z'),
    until: new Date('2026-01-26T00:00:00Z'),
  };

  it('asks for a page of a status-change window in the requestBody query', async () => {
    fake.answer(
      json(200, {
        items: [payment(), payment({ id: 'order-2', status: 'NEW_ONE' })],
        page: { number: 2, size: 50, totalCount: 2 },
      }),
    );
    const page = await client().listPayments({
      ...window,
      pageNumber: 2,
      pageSize: 50,
      statuses: ['PAID', 'CANCELLED'],
    });
    expect(page.items.map((item) => item.id)).toEqual(['order-1', 'order-2']);
    expect(page.page).toEqual({ number: 2, size: 50, totalCount: 2 });
    const [seen] = fake.seen;
    expect(seen.method).toBe('GET');
    expect(seen.url.split('?')[0]).toBe('/payments');
    const body: unknown = JSON.parse(queryOf(seen).get('requestBody') ?? '');
    expect(body).toEqual({
      page: { number: 2, size: 50 },
      filter: {
        storeId: 'store-1',
        timestampType: 'STATUS_CHANGED_AT',
        from: '2026-01-25T00:00:00.000Z',
        until: '2026-01-26T00:00:00.000Z',
        status: ['PAID', 'CANCELLED'],
        sortBy: 'STATUS_CHANGED_AT',
        sortOrder: 'ASC',
      },
    });
  });

  it('accepts the last page PortOne allows and refuses the next', async () => {
    fake.answer(
      json(200, { items: [], page: { number: 59, size: 1000, totalCount: 0 } }),
    );
    await client().listPayments({ ...window, pageNumber: 59, pageSize: 1000 });
    expect(fake.seen).toHaveLength(1);
    await expect(
      client().listPayments({ ...window, pageNumber: 60, pageSize: 1000 }),
    ).rejects.toThrow(RangeError);
    await expect(
      client().listPayments({ ...window, pageNumber: 0, pageSize: 60_001 }),
    ).rejects.toThrow(String(MAX_LISTED_PAYMENTS));
    expect(fake.seen).toHaveLength(1);
  });

  it('refuses a page with an item that is not a payment', async () => {
    fake.answer(
      json(200, {
        items: [payment(), { id: 'half' }],
        page: { number: 0, size: 10, totalCount: 2 },
      }),
    );
    const error = await failure(
      client({ maxRetries: 0 }).listPayments({
        ...window,
        pageNumber: 0,
        pageSize: 10,
      }),
    );
    expect(error).toBeInstanceOf(PortOneV2BadAnswerError);
    expect(error.operation).toBe('getPayments');
  });
});

describe('PortOneV2Error', () => {
  // The server echoes the request's headers, so any body kept would carry the secret.
  const echo =
    (status: number): Reply =>
    (seen, res) => {
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end(`Authorization: ${String(seen.headers.authorization)}`);
    };

  it.each([
    ['a 500 echoing the headers', echo(500)],
    ['a 401 echoing the headers', echo(401)],
    ['a 200 echoing the headers', echo(200)],
    ['a dropped connection', dropConnection],
    ['a timeout', neverAnswer],
  ])('never carries the secret (%s)', async (_what, reply) => {
    fake.answer(reply);
    const error = await failure(
      client({ timeoutMs: 150, maxRetries: 0 }).cancelPayment({
        paymentId: 'order-1',
        currentCancellableAmount: 1000,
        reason: 'r',
      }),
    );
    const everything = [
      error.message,
      error.stack ?? '',
      JSON.stringify(error),
      JSON.stringify(Object.entries(error)),
      String(error.cause),
    ].join('\n');
    expect(everything).not.toContain(SECRET);
    expect(error.cause).toBeUndefined();
  });
});
