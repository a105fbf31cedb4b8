import { createHmac } from 'node:crypto';
import {
  PortOneV2SignatureError,
  verifyPortOneV2Webhook,
} from './portone-v2-signature.js';

const SECRET = 'whsec_c2VjcmV0LXNpZ25pbmcta2V5LWZvci10ZXN0cw==';
const OTHER = 'd3Jvbmctc2VjcmV0LWZvci10ZXN0cw==';

function headersFor(
  body: string,
  secret = SECRET,
  timestamp = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const id = 'msg_1';
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key)
    .update(`${id}.${timestamp}.${body}`)
    .digest('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': `v1,${signature}`,
  };
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PortOneV2SignatureError) return error.reason;
    throw error;
  }
  return 'verified';
}

describe('verifyPortOneV2Webhook (PortOne server SDK over the raw bytes)', () => {
  const body = '{"type":"Transaction.Paid","data":{"paymentId":"order-1"}}';

  it('returns the parsed body of a genuine message', async () => {
    await expect(
      verifyPortOneV2Webhook([SECRET], Buffer.from(body), headersFor(body)),
    ).resolves.toEqual(JSON.parse(body));
  });

  it('accepts the bare base64 form of the secret, and either of two during a rotation', async () => {
    const bare = SECRET.replace('whsec_', '');
    await expect(
      verifyPortOneV2Webhook([bare], Buffer.from(body), headersFor(body)),
    ).resolves.toBeTruthy();
    await expect(
      verifyPortOneV2Webhook(
        [OTHER, SECRET],
        Buffer.from(body),
        headersFor(body),
      ),
    ).resolves.toBeTruthy();
  });

  type Case = [
    string,
    () => [string[], string, Record<string, string>],
    string,
  ];
  it.each<Case>([
    [
      'another secret',
      () => [[OTHER], body, headersFor(body)],
      'NO_MATCHING_SIGNATURE',
    ],
    [
      'the same JSON serialised again',
      () => [
        [SECRET],
        JSON.stringify(JSON.parse(body), null, 1),
        headersFor(body),
      ],
      'NO_MATCHING_SIGNATURE',
    ],
    ['no headers', () => [[SECRET], body, {}], 'MISSING_REQUIRED_HEADERS'],
    [
      'a stale timestamp',
      () => [
        [SECRET],
        body,
        headersFor(body, SECRET, Math.floor(Date.now() / 1000) - 301),
      ],
      'TIMESTAMP_TOO_OLD',
    ],
    [
      'a timestamp from the future, under both secrets',
      () => [
        [OTHER, SECRET],
        body,
        // Not 301: a second may pass between signing and checking, leaving it 300 ahead.
        headersFor(body, SECRET, Math.floor(Date.now() / 1000) + 330),
      ],
      'TIMESTAMP_TOO_NEW',
    ],
    [
      'a signed body that is not JSON',
      () => [[SECRET], '{x', headersFor('{x')],
      'NOT_JSON',
    ],
    ['no secret at all', () => [[], body, headersFor(body)], 'NO_SECRET'],
  ])('refuses %s', async (_name, make, reason) => {
    const [secrets, sent, headers] = make();
    expect(
      await reasonOf(
        verifyPortOneV2Webhook(secrets, Buffer.from(sent), headers),
      ),
    ).toBe(reason);
  });

  it('a signed form (the 2024-01-01 body) reads as its fields; a field given twice is refused', async () => {
    const form = 'payment_id=order-1&tx_id=tx-1&status=Paid';
    await expect(
      verifyPortOneV2Webhook(
        [SECRET],
        Buffer.from(form),
        headersFor(form),
        'form',
      ),
    ).resolves.toEqual({
      payment_id: 'order-1',
      tx_id: 'tx-1',
      status: 'Paid',
    });
    const twice = `${form}&status=Cancelled`;
    expect(
      await reasonOf(
        verifyPortOneV2Webhook(
          [SECRET],
          Buffer.from(twice),
          headersFor(twice),
          'form',
        ),
      ),
    ).toBe('NOT_FORM');
    // A form is verified like JSON: another body does not match.
    expect(
      await reasonOf(
        verifyPortOneV2Webhook(
          [SECRET],
          Buffer.from(form),
          headersFor(twice),
          'form',
        ),
      ),
    ).toBe('NO_MATCHING_SIGNATURE');
  });

  it('a header given twice reads as missing', async () => {
    const headers: Record<string, string | string[]> = headersFor(body);
    headers['webhook-signature'] = [
      headers['webhook-signature'] as string,
      'v1,xx',
    ];
    expect(
      await reasonOf(
        verifyPortOneV2Webhook([SECRET], Buffer.from(body), headers),
      ),
    ).toBe('MISSING_REQUIRED_HEADERS');
  });

  it('says why in words a sender can act on', async () => {
    await expect(
      verifyPortOneV2Webhook([SECRET], Buffer.from(body), {}),
    ).rejects.toThrow(
      'webhook-id, webhook-timestamp and webhook-signature are required, once each',
    );
  });

  it.each([
    [
      'MISSING_REQUIRED_HEADERS',
      {},
      'webhook-id, webhook-timestamp and webhook-signature are required, once each',
    ],
    [
      'NO_MATCHING_SIGNATURE',
      headersFor('other'),
      'the signature does not match the body',
    ],
    [
      'INVALID_SIGNATURE',
      { ...headersFor(body), 'webhook-timestamp': 'soon' },
      'the webhook-timestamp is not a number',
    ],
    [
      'TIMESTAMP_TOO_OLD',
      headersFor(body, SECRET, Math.floor(Date.now() / 1000) - 400),
      'the webhook-timestamp is more than 300 s in the past',
    ],
    [
      'TIMESTAMP_TOO_NEW',
      headersFor(body, SECRET, Math.floor(Date.now() / 1000) + 400),
      'the webhook-timestamp is more than 300 s in the future',
    ],
  ])('%s reads: %s', async (reason, headers, message) => {
    const error = await verifyPortOneV2Webhook(
      [SECRET],
      Buffer.from(body),
      headers as Record<string, string>,
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PortOneV2SignatureError);
    expect(error).toMatchObject({
      name: 'PortOneV2SignatureError',
      reason,
      message,
    });
  });

  it('says a signed body is not JSON, and a repeated form field which', async () => {
    await expect(
      verifyPortOneV2Webhook([SECRET], Buffer.from('{x'), headersFor('{x')),
    ).rejects.toThrow('the body is not JSON');
    const twice = 'a=1&a=2';
    await expect(
      verifyPortOneV2Webhook(
        [SECRET],
        Buffer.from(twice),
        headersFor(twice),
        'form',
      ),
    ).rejects.toThrow('a was given more than once');
  });

  it('lets an error that is not a verdict on the message through (a secret that is not base64)', async () => {
    const error = await verifyPortOneV2Webhook(
      ['whsec_%%%'],
      Buffer.from(body),
      headersFor(body),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PortOneV2SignatureError);
  });

  it('says when no secret is configured', async () => {
    await expect(
      verifyPortOneV2Webhook([], Buffer.from(body), headersFor(body)),
    ).rejects.toThrow('no webhook secret is configured');
  });
});
