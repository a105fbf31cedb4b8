/** The languages the shop's pages speak; Korean unless the browser prefers English. */
export type Locale = 'ko' | 'en';

export const DEFAULT_LOCALE: Locale = 'ko';

/** The value of `<html lang>` and `Content-Language`. */
export const LANGUAGE_TAG: Record<Locale, string> = { ko: 'ko', en: 'en' };

/**
 * Picks the page's language from an `Accept-Language` header: English only
 * when the browser ranks `en` (or `en-*`) above Korean by q-value (or, at equal
 * q-values, lists it first); Korean otherwise, for a missing, empty, malformed
 * or wildcard-only header and for any other language.
 */
export function negotiateLocale(header: string | string[] | undefined): Locale {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return DEFAULT_LOCALE;
  const best: Partial<Record<Locale, { q: number; position: number }>> = {};
  value.split(',').forEach((entry, position) => {
    const [range = '', ...parameters] = entry.split(';');
    const primary = range.trim().toLowerCase().split('-')[0];
    if (primary !== 'ko' && primary !== 'en') return;
    const q = qualityOf(parameters);
    const current = best[primary];
    if (q > 0 && (current === undefined || q > current.q))
      best[primary] = { q, position };
  });
  const { en, ko } = best;
  if (en === undefined) return DEFAULT_LOCALE;
  if (ko === undefined) return 'en';
  return en.q > ko.q || (en.q === ko.q && en.position < ko.position)
    ? 'en'
    : 'ko';
}

/** `q=0.8` → 0.8; no `q` → 1; a malformed one → 0 (not acceptable). */
function qualityOf(parameters: string[]): number {
  const q = parameters
    .map((parameter) => parameter.trim())
    .find((parameter) => /^q=/i.test(parameter));
  if (q === undefined) return 1;
  const text = q.slice(2).trim();
  if (!/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(text)) return 0;
  return Number(text);
}
