import type { AccessToken } from './iamport.types.js';

/** A monotonic clock in milliseconds; wall-clock jumps must not expire a token. */
export type MonotonicClock = () => number;

interface CachedToken {
  value: string;
  /** Local monotonic time after which the token is refreshed. */
  refreshAtMs: number;
}

/**
 * Caches iamport's access token.
 *
 * iamport answers `now` and `expired_at` on its own clock, so the local expiry
 * is `localNow + (expired_at - now)`; the two clocks are never compared. The
 * token is refreshed a margin ahead of that (at most half its lifetime, so a
 * short-lived token is not refreshed on every call), and however many callers
 * wait, one request is in flight (single flight). Asking again before expiry
 * returns the same token from iamport, so several servers may share one key.
 */
export class AccessTokenCache {
  private cached: CachedToken | null = null;
  private inFlight: Promise<string> | null = null;

  constructor(
    private readonly requestToken: () => Promise<AccessToken>,
    private readonly refreshMarginMs: number,
    private readonly clock: MonotonicClock = () => performance.now(),
  ) {}

  get(): Promise<string> {
    if (this.cached && this.clock() < this.cached.refreshAtMs) {
      return Promise.resolve(this.cached.value);
    }
    this.inFlight ??= this.refresh().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  /**
   * Forget `token` after iamport refused it (HTTP 401). Only the token that was
   * refused is dropped: when many requests fail with the same stale token, the
   * first one drops it and the others reuse the fresh one instead of each
   * fetching another.
   */
  invalidate(token: string): void {
    if (this.cached?.value === token) this.cached = null;
  }

  private async refresh(): Promise<string> {
    const requestedAt = this.clock();
    const token = await this.requestToken();
    const lifetimeMs = Math.max(0, (token.expired_at - token.now) * 1000);
    const marginMs = Math.min(this.refreshMarginMs, lifetimeMs / 2);
    // Measured from when the request left, so that its latency shortens the local lifetime.
    this.cached = {
      value: token.access_token,
      refreshAtMs: requestedAt + lifetimeMs - marginMs,
    };
    return token.access_token;
  }
}
