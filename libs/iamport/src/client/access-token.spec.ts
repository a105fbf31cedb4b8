import { AccessTokenCache } from './access-token.js';
import type { AccessToken } from './iamport.types.js';

function fakeIamport(lifetimeSeconds: number, apiClockSeconds = 1_700_000_000) {
  let issued = 0;
  const requests: Array<(token: AccessToken) => void> = [];
  return {
    get issued() {
      return issued;
    },
    pending: requests,
    request: () =>
      new Promise<AccessToken>((resolve) => {
        issued++;
        requests.push(resolve);
      }),
    answer(index: number) {
      requests[index]({
        access_token: `token-${index}`,
        now: apiClockSeconds,
        expired_at: apiClockSeconds + lifetimeSeconds,
      });
    },
  };
}

describe('AccessTokenCache', () => {
  it('asks once however many callers wait (single flight)', async () => {
    const iamport = fakeIamport(1800);
    const cache = new AccessTokenCache(iamport.request, 60_000, () => 0);
    const waiting = Array.from({ length: 50 }, () => cache.get());
    iamport.answer(0);
    expect(new Set(await Promise.all(waiting))).toEqual(new Set(['token-0']));
    expect(iamport.issued).toBe(1);
  });

  it('derives local expiry from expired_at - now, whatever the API clock says', async () => {
    let localMs = 5_000;
    // The API clock is far in the past: comparing clocks would call the token expired.
    const iamport = fakeIamport(1800, 1_000);
    const cache = new AccessTokenCache(iamport.request, 60_000, () => localMs);
    const first = cache.get();
    iamport.answer(0);
    expect(await first).toBe('token-0');

    localMs += (1800 - 61) * 1000; // just before the margin
    expect(await cache.get()).toBe('token-0');
    expect(iamport.issued).toBe(1);

    localMs += 2000; // inside the margin: refresh ahead of expiry
    const refreshed = cache.get();
    iamport.answer(1);
    expect(await refreshed).toBe('token-1');
    expect(iamport.issued).toBe(2);
  });

  it('caps the margin at half of a short lifetime', async () => {
    let localMs = 0;
    const iamport = fakeIamport(10);
    const cache = new AccessTokenCache(iamport.request, 60_000, () => localMs);
    const first = cache.get();
    iamport.answer(0);
    await first;
    localMs = 4_999;
    expect(await cache.get()).toBe('token-0');
    localMs = 5_000;
    const second = cache.get();
    iamport.answer(1);
    expect(await second).toBe('token-1');
  });

  it('drops only the token that was refused', async () => {
    const iamport = fakeIamport(1800);
    const cache = new AccessTokenCache(iamport.request, 60_000, () => 0);
    const first = cache.get();
    iamport.answer(0);
    await first;

    cache.invalidate('some-older-token');
    expect(await cache.get()).toBe('token-0');
    expect(iamport.issued).toBe(1);

    cache.invalidate('token-0');
    const again = cache.get();
    iamport.answer(1);
    expect(await again).toBe('token-1');
  });

  it('lets the next caller retry after a failed refresh', async () => {
    let fail = true;
    const cache = new AccessTokenCache(
      () =>
        fail
          ? Promise.reject(new Error('down'))
          : Promise.resolve({ access_token: 'ok', now: 0, expired_at: 1800 }),
      60_000,
      () => 0,
    );
    await expect(cache.get()).rejects.toThrow('down');
    fail = false;
    expect(await cache.get()).toBe('ok');
  });
});
