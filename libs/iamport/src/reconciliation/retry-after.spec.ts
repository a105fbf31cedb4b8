import { retryAfter } from './retry-after.js';

const NOW = new Date('2026-11-25T00:00:00Z');
const HOUR = 3600_000;

function backoffOf(failures: number, baseMs: number): number {
  return retryAfter(NOW, failures, baseMs).getTime() - NOW.getTime();
}

describe('retryAfter', () => {
  it('waits the base after the first failure', () => {
    expect(backoffOf(1, 60_000)).toBe(60_000);
  });

  it('doubles the wait with each failure in a row', () => {
    expect([2, 3, 4, 5].map((failures) => backoffOf(failures, 60_000))).toEqual(
      [120_000, 240_000, 480_000, 960_000],
    );
  });

  it('never waits longer than 6 hours', () => {
    expect(backoffOf(9, 60_000)).toBe(256 * 60_000);
    expect(backoffOf(10, 60_000)).toBe(6 * HOUR);
    expect(backoffOf(50, 60_000)).toBe(6 * HOUR);
    expect(backoffOf(1, 7 * HOUR)).toBe(6 * HOUR);
  });

  it('waits the base for a count of 0 (never less than after one failure)', () => {
    expect(backoffOf(0, 1000)).toBe(1000);
  });

  it('counts from the time given', () => {
    const later = new Date(NOW.getTime() + HOUR);
    expect(retryAfter(later, 1, 1000)).toEqual(
      new Date(later.getTime() + 1000),
    );
  });
});
