import type { Locale } from './locale.js';

/** Every time on the pages is Korea time, whatever the server's or the browser's zone. */
export const SHOP_TIME_ZONE = 'Asia/Seoul';

const GROUPED = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * An amount as the buyer reads it, the same in both languages: `129,000원`
 * for won; other currencies with their usual decimals and the code after it
 * (`12.50 USD`). Amounts are in the unit iamport takes (won, dollars).
 */
export function formatAmount(amount: number, currency: string): string {
  if (currency === 'KRW') return `${GROUPED.format(amount)}원`;
  const digits = fractionDigits(currency);
  const number = new Intl.NumberFormat('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(amount);
  return `${number} ${currency}`;
}

function fractionDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
    }).resolvedOptions().minimumFractionDigits as number;
  } catch {
    // Not a currency ICU knows: show the amount as stored.
    return 2;
  }
}

interface KstParts {
  year: string;
  month: string;
  monthName: string;
  day: string;
  hour: string;
  minute: string;
}

const NUMERIC = new Intl.DateTimeFormat('en-US', {
  timeZone: SHOP_TIME_ZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const MONTH_NAME = new Intl.DateTimeFormat('en-GB', {
  timeZone: SHOP_TIME_ZONE,
  month: 'long',
});

/** The parts of a moment in Korea time, or null for a missing or invalid one. */
function kstParts(moment: string | Date | null): KstParts | null {
  if (moment === null) return null;
  const date = new Date(moment);
  if (Number.isNaN(date.getTime())) return null;
  const parts = Object.fromEntries(
    NUMERIC.formatToParts(date).map((part) => [part.type, part.value]),
  );
  return {
    year: parts.year,
    month: parts.month,
    monthName: MONTH_NAME.format(date),
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
  };
}

/**
 * A moment in Korea time: `2026년 12월 3일 22:53`, or in English
 * `3 December 2026, 22:53 (KST)`. Built from `Intl.DateTimeFormat`'s parts,
 * so that ICU's wording between date and time does not change the text.
 * Empty for a missing or invalid moment.
 */
export function formatDateTime(
  moment: string | Date | null,
  locale: Locale,
): string {
  const parts = kstParts(moment);
  if (parts === null) return '';
  const { year, month, monthName, day, hour, minute } = parts;
  return locale === 'ko'
    ? `${year}년 ${month}월 ${day}일 ${hour}:${minute}`
    : `${day} ${monthName} ${year}, ${hour}:${minute} (KST)`;
}

/** A deadline: `2026년 12월 3일 22:53까지`, `by 3 December 2026, 22:53 (KST)`. Empty when there is none. */
export function formatDeadline(
  moment: string | Date | null,
  locale: Locale,
): string {
  const when = formatDateTime(moment, locale);
  if (when === '') return '';
  return locale === 'ko' ? `${when}까지` : `by ${when}`;
}
