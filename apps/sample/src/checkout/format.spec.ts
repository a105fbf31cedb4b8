import { formatAmount, formatDateTime, formatDeadline } from './format.js';

describe('formatAmount', () => {
  it.each([
    [129_000, 'KRW', '129,000원'],
    [0, 'KRW', '0원'],
    [1_000_000_000, 'KRW', '1,000,000,000원'],
    [12.5, 'USD', '12.50 USD'],
    [1234.5, 'USD', '1,234.50 USD'],
    [1500, 'JPY', '1,500 JPY'],
    [12.5, 'XYZ', '12.50 XYZ'],
  ])('%s %s → %s', (amount, currency, expected) => {
    expect(formatAmount(amount, currency)).toBe(expected);
  });
});

describe('formatDateTime and formatDeadline: Korea time, whatever the process zone', () => {
  // 13:53 UTC is 22:53 in Seoul (UTC+9, no daylight saving).
  const moment = '2026-12-03T13:53:00.000Z';

  it('in Korean', () => {
    expect(formatDateTime(moment, 'ko')).toBe('2026년 12월 3일 22:53');
    expect(formatDeadline(moment, 'ko')).toBe('2026년 12월 3일 22:53까지');
  });

  it('in English, with the zone named', () => {
    expect(formatDateTime(moment, 'en')).toBe('3 December 2026, 22:53 (KST)');
    expect(formatDeadline(moment, 'en')).toBe(
      'by 3 December 2026, 22:53 (KST)',
    );
  });

  it('crosses the date line into the next day in Seoul', () => {
    expect(formatDateTime('2026-12-31T15:00:00Z', 'ko')).toBe(
      '2027년 1월 1일 00:00',
    );
    expect(formatDateTime(new Date('2026-12-31T15:05:00Z'), 'en')).toBe(
      '1 January 2027, 00:05 (KST)',
    );
  });

  it('is empty for a missing or invalid moment, never "Invalid Date"', () => {
    expect(formatDateTime(null, 'ko')).toBe('');
    expect(formatDeadline(null, 'en')).toBe('');
    expect(formatDateTime('not a date', 'en')).toBe('');
  });
});
