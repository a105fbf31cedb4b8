import { randomBytes } from 'node:crypto';

export interface AccessToken {
  token: string;
  impKey: string;
  /** API-clock UNIX seconds. */
  expiresAt: number;
}

export interface TokenPolicy {
  ttlSeconds: number;
  extendWindowSeconds: number;
  extendSeconds: number;
}

/**
 * iamport keeps one live token per key: asking again before it expires returns the same token
 * with the same expiry, and within its last minute the expiry is pushed 5 minutes. That is what
 * lets several servers share one key.
 */
export class TokenStore {
  private readonly tokens = new Map<string, AccessToken>();
  private readonly currentByKey = new Map<string, AccessToken>();
  issued = 0;

  obtain(impKey: string, now: number, policy: TokenPolicy): AccessToken {
    const current = this.currentByKey.get(impKey);
    if (current && now < current.expiresAt) {
      if (current.expiresAt - now <= policy.extendWindowSeconds) {
        current.expiresAt += policy.extendSeconds;
      }
      return current;
    }
    if (current) this.tokens.delete(current.token);
    const fresh: AccessToken = {
      token: randomBytes(20).toString('hex'),
      impKey,
      expiresAt: now + policy.ttlSeconds,
    };
    this.tokens.set(fresh.token, fresh);
    this.currentByKey.set(impKey, fresh);
    this.issued++;
    return fresh;
  }

  isValid(token: string, now: number): boolean {
    const found = this.tokens.get(token);
    return found !== undefined && now < found.expiresAt;
  }

  /** Every token expires now: the next getToken issues a new one. */
  expireAll(now: number): number {
    for (const token of this.tokens.values())
      token.expiresAt = Math.min(token.expiresAt, now);
    return this.tokens.size;
  }

  clear(): void {
    this.tokens.clear();
    this.currentByKey.clear();
    this.issued = 0;
  }
}
