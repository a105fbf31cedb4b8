import {
  createHash,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

export const ADMIN_TOKEN = Symbol('ADMIN_TOKEN');
/** Where the shop says it is reached (`PUBLIC_URL`): an `Origin` the admin's forms may come from. */
export const ADMIN_PUBLIC_URL = Symbol('ADMIN_PUBLIC_URL');

/** The session cookie's name; it is sent only under `/admin`. */
export const SESSION_COOKIE = 'admin_session';
/** How long a login lasts. */
export const SESSION_SECONDS = 12 * 60 * 60;
/** The form field (or `X-CSRF-Token` header) every cookie-authenticated POST carries. */
export const CSRF_FIELD = 'csrf';

const VERSION = 'v1';

/**
 * The admin token's checks and the login session derived from it, without
 * any state: the cookie is `v1.<issued>.<nonce>.<HMAC>` under a key derived
 * from `ADMIN_TOKEN` (never the token itself), so it expires after 12 hours
 * and every session ends when the token changes. The CSRF token of a session
 * is an HMAC of the cookie under the same key. Every comparison is of
 * equal-length digests, in constant time.
 */
export class AdminSessions {
  private readonly expected: Buffer;
  private readonly key: Buffer;

  constructor(token: string) {
    this.expected = digest(token);
    this.key = createHmac('sha256', token)
      .update('nestjs-iamport sample: admin session key')
      .digest();
  }

  /** Whether `token` is the admin token (constant time, whatever its length). */
  isToken(token: string): boolean {
    return timingSafeEqual(digest(token), this.expected);
  }

  /** A new session cookie value. */
  issue(now = Date.now()): string {
    const issued = Math.floor(now / 1000).toString(36);
    const nonce = randomBytes(16).toString('base64url');
    const body = `${VERSION}.${issued}.${nonce}`;
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  /** Whether `value` is a session this token issued, not expired. */
  isSession(value: string, now = Date.now()): boolean {
    const parts = value.split('.');
    if (parts.length !== 4 || parts[0] !== VERSION) return false;
    const [version, issued, nonce, mac] = parts;
    const given = Buffer.from(mac, 'base64url');
    const wanted = this.mac(`${version}.${issued}.${nonce}`);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted))
      return false;
    const issuedAt = parseInt(issued, 36) * 1000;
    return (
      Number.isFinite(issuedAt) &&
      issuedAt <= now + 60_000 &&
      now - issuedAt < SESSION_SECONDS * 1000
    );
  }

  /** The CSRF token of a session: the hidden field of every form it is shown. */
  csrfToken(session: string): string {
    return this.mac(`csrf.${session}`).toString('base64url');
  }

  isCsrfToken(session: string, given: string): boolean {
    return timingSafeEqual(digest(given), digest(this.csrfToken(session)));
  }

  private mac(text: string): Buffer {
    return createHmac('sha256', this.key).update(text).digest();
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Every value of cookie `name` in a `Cookie` header. */
export function cookieValues(
  header: string | string[] | undefined,
  name: string,
): string[] {
  const text = Array.isArray(header) ? header.join('; ') : (header ?? '');
  const values: string[] = [];
  for (const pair of text.split(';')) {
    const index = pair.indexOf('=');
    if (index < 0) continue;
    if (pair.slice(0, index).trim() === name)
      values.push(pair.slice(index + 1).trim());
  }
  return values;
}

/** The `Set-Cookie` of a login (`value`) or a logout (null). */
export function sessionCookie(value: string | null, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${value ?? ''}`,
    'Path=/admin',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${value === null ? 0 : SESSION_SECONDS}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}
