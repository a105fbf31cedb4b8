import { adminPath } from './admin-reply.js';
import {
  AdminSessions,
  cookieValues,
  SESSION_SECONDS,
  sessionCookie,
} from './admin-session.js';
import { type AdminRequest, isSameOrigin } from './admin-token.guard.js';
import { amountHeld, causeOf, kindOf, refusalOf } from './attention.js';
import { BUCKET_MS, byOutcome, dayStarts, hourStarts } from './glance.js';

describe('the admin session', () => {
  const sessions = new AdminSessions('the-token');

  it('checks the token in full', () => {
    expect(sessions.isToken('the-token')).toBe(true);
    for (const other of ['', 'the-toke', 'the-token ', 'THE-TOKEN'])
      expect(sessions.isToken(other)).toBe(false);
  });

  it('issues cookies that are not the token, differ per login, expire after 12 hours and die with the token', () => {
    const now = Date.UTC(2026, 0, 1);
    const one = sessions.issue(now);
    const two = sessions.issue(now);
    expect(one).not.toBe(two);
    expect(one).not.toContain('the-token');
    expect(sessions.isSession(one, now)).toBe(true);
    expect(sessions.isSession(one, now + SESSION_SECONDS * 1000 - 1000)).toBe(
      true,
    );
    expect(sessions.isSession(one, now + SESSION_SECONDS * 1000)).toBe(false);
    expect(sessions.isSession(one, now - 120_000)).toBe(false);
    expect(new AdminSessions('another-token').isSession(one, now)).toBe(false);
    const [version, issued, nonce, mac] = one.split('.');
    for (const forged of [
      `${version}.${(parseInt(issued, 36) + 1).toString(36)}.${nonce}.${mac}`,
      `${version}.${issued}.${nonce}x.${mac}`,
      `${version}.${issued}.${nonce}`,
      `v2.${issued}.${nonce}.${mac}`,
      '',
    ])
      expect(sessions.isSession(forged, now)).toBe(false);
  });

  it('derives one CSRF token per session', () => {
    const one = sessions.issue();
    const two = sessions.issue();
    expect(sessions.isCsrfToken(one, sessions.csrfToken(one))).toBe(true);
    expect(sessions.isCsrfToken(one, sessions.csrfToken(two))).toBe(false);
    expect(sessions.isCsrfToken(one, '')).toBe(false);
  });

  it('reads and writes the cookie', () => {
    expect(
      cookieValues('a=1; admin_session=x.y; b=2', 'admin_session'),
    ).toEqual(['x.y']);
    expect(cookieValues(undefined, 'admin_session')).toEqual([]);
    expect(sessionCookie('v', false)).toBe(
      'admin_session=v; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=43200',
    );
    expect(sessionCookie(null, true)).toBe(
      'admin_session=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0; Secure',
    );
  });
});

describe('isSameOrigin', () => {
  const request = (headers: Record<string, string>): AdminRequest => ({
    method: 'POST',
    url: '/admin/login',
    headers: { host: 'shop.test:3000', ...headers },
  });

  it.each<[Record<string, string>, string | null, boolean]>([
    [{ origin: 'http://shop.test:3000' }, null, true],
    [{ origin: 'https://shop.example' }, 'https://shop.example/', true],
    [{ 'sec-fetch-site': 'same-origin' }, null, true],
    [
      { 'sec-fetch-site': 'same-origin', origin: 'http://shop.test:3000' },
      null,
      true,
    ],
    [{ origin: 'http://evil.test' }, null, false],
    [{ origin: 'null' }, null, false],
    [
      { 'sec-fetch-site': 'same-site', origin: 'http://shop.test:3000' },
      null,
      false,
    ],
    [{ 'sec-fetch-site': 'cross-site' }, null, false],
    [{}, null, false],
  ])('%j (PUBLIC_URL %s): %s', (headers, publicUrl, expected) => {
    expect(isSameOrigin(request(headers), publicUrl)).toBe(expected);
  });
});

describe('adminPath', () => {
  it.each<[unknown, string | null]>([
    ['/admin', '/admin'],
    ['/admin/orders?status=paid', '/admin/orders?status=paid'],
    ['/admin/orders/order_1', '/admin/orders/order_1'],
    ['/administrator', null],
    ['//evil.test/admin', null],
    ['/admin//evil.test', null],
    ['/admin/\\evil', null],
    ['/admin/../result', null],
    ['https://evil.test/admin', null],
    [42, null],
  ])('%j → %j', (value, expected) => {
    expect(adminPath(value)).toBe(expected);
  });
});

describe('what needs a person', () => {
  const flagged = (reason: string) => ({
    disposition: 'flagged' as const,
    reason,
  });

  it('reads the kind and the cause from the reason the module recorded', () => {
    expect(kindOf(flagged('paid 350 KRW, the order expects 35000 KRW'))).toBe(
      'forgery',
    );
    expect(
      kindOf(
        flagged(
          'paid 350 KRW, the order expects 35000 KRW; iamport refused the refund: A virtual account refund needs refund_holder',
        ),
      ),
    ).toBe('refund_refused');
    expect(kindOf(flagged('order order_1 was already settled by imp_1'))).toBe(
      'duplicate_payment',
    );
    expect(kindOf(flagged('no order order_x'))).toBe('unknown_order');
    expect(
      kindOf(flagged('iamport says cancelled, but no amount was refunded')),
    ).toBe('flagged');
    expect(kindOf({ disposition: 'settles_order', reason: 'paid' })).toBe(
      'unaccounted',
    );
    expect(
      causeOf(
        'order order_1 was already settled by imp_1; iamport refused the refund: no',
      ),
    ).toBe('duplicate_payment');
    expect(refusalOf('no order x')).toBeNull();
    expect(refusalOf('a; iamport refused the refund: because')).toBe('because');
    expect(amountHeld({ amount: 1000, cancelledAmount: 300 })).toBe(700);
  });
});

describe('the charts’ buckets', () => {
  const now = new Date('2026-01-01T14:30:00Z'); // 23:30 in Korea

  it('has 24 hours and 14 Korean days, the current ones last', () => {
    const hours = hourStarts(now);
    expect(hours).toHaveLength(24);
    expect(hours.at(-1)!.toISOString()).toBe('2026-01-01T14:00:00.000Z');
    const days = dayStarts(now);
    expect(days).toHaveLength(14);
    // 1 January in Korea began at 15:00 UTC on 31 December.
    expect(days.at(-1)!.toISOString()).toBe('2025-12-31T15:00:00.000Z');
  });

  it('counts a payment once per bucket and outcome, whatever number of notifications said so', () => {
    const at = (iso: string) => new Date(iso);
    const series = byOutcome(
      [
        {
          id: 1,
          impUid: 'imp_1',
          outcome: 'paid',
          receivedAt: at('2026-01-01T14:01:00Z'),
        },
        {
          id: 2,
          impUid: 'imp_1',
          outcome: 'paid',
          receivedAt: at('2026-01-01T14:02:00Z'),
        },
        {
          id: 3,
          impUid: 'imp_2',
          outcome: 'forgery',
          receivedAt: at('2026-01-01T13:59:00Z'),
        },
        {
          id: 4,
          impUid: null,
          outcome: 'unconfirmed',
          receivedAt: at('2026-01-01T14:03:00Z'),
        },
        {
          id: 5,
          impUid: null,
          outcome: 'unconfirmed',
          receivedAt: at('2026-01-01T14:04:00Z'),
        },
        {
          id: 6,
          impUid: 'imp_3',
          outcome: 'paid',
          receivedAt: at('2025-12-01T00:00:00Z'),
        },
      ],
      hourStarts(now),
      BUCKET_MS.hour,
    );
    expect(series.counts.paid.at(-1)).toBe(1);
    expect(series.counts.paid.reduce((a, b) => a + b)).toBe(1);
    expect(series.counts.forgery.at(-2)).toBe(1);
    expect(series.counts.unconfirmed.at(-1)).toBe(2);
  });
});
