/**
 * What the pages must print for iamport's UNIX seconds, worked out here
 * without Intl (Korea is UTC+9 all year), so that the tests do not repeat the
 * page's own formatting code.
 */
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function kst(seconds: number) {
  const date = new Date((seconds + 9 * 3600) * 1000);
  const pad = (value: number) => String(value).padStart(2, '0');
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth(),
    day: date.getUTCDate(),
    time: `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`,
  };
}

/** `2026년 12월 3일 22:53` */
export function koreanTime(seconds: number): string {
  const { year, month, day, time } = kst(seconds);
  return `${year}년 ${month + 1}월 ${day}일 ${time}`;
}

/** `3 December 2026, 22:53 (KST)` */
export function englishTime(seconds: number): string {
  const { year, month, day, time } = kst(seconds);
  return `${day} ${MONTHS[month]} ${year}, ${time} (KST)`;
}

/** What an ISO timestamp looks like: never shown to buyers. */
export const ISO_TIMESTAMP = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
