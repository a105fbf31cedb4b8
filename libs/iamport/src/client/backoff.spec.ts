import { backoffDelayMs } from './backoff.js';

describe('backoffDelayMs', () => {
  const policy = { baseDelayMs: 100, maxDelayMs: 1000 };

  it('doubles the window with each attempt', () => {
    expect(backoffDelayMs(0, policy, () => 1)).toBe(100);
    expect(backoffDelayMs(1, policy, () => 1)).toBe(200);
    expect(backoffDelayMs(2, policy, () => 1)).toBe(400);
  });

  it('keeps at least half of the window and jitters the rest', () => {
    expect(backoffDelayMs(2, policy, () => 0)).toBe(200);
    expect(backoffDelayMs(2, policy, () => 0.5)).toBe(300);
  });

  it('never exceeds the cap', () => {
    expect(backoffDelayMs(10, policy, () => 1)).toBe(1000);
    expect(backoffDelayMs(10, policy, () => 0)).toBe(500);
  });
});
