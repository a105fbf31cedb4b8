import { negotiateLocale } from './locale.js';

describe('negotiateLocale', () => {
  it.each([
    [undefined, 'ko'],
    ['', 'ko'],
    ['*', 'ko'],
    ['ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7', 'ko'],
    ['en-US', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['EN-gb', 'en'],
    ['en-US,en;q=0.9,ko;q=0.8', 'en'],
    ['ko;q=0.5, en;q=0.8', 'en'],
    ['en;q=0.5, ko;q=0.8', 'ko'],
    ['ja-JP,ja;q=0.9', 'ko'],
    ['ja-JP,en;q=0.5', 'en'],
    ['fr, de;q=0.9, ko;q=0.3, en;q=0.2', 'ko'],
    ['en;q=0, ko;q=0.1', 'ko'],
    ['en;q=0', 'ko'],
    // Equal q-values: the first listed wins.
    ['en, ko', 'en'],
    ['ko, en', 'ko'],
    // The best q of each language counts.
    ['en-US;q=0.3, ko;q=0.5, en;q=0.9', 'en'],
    // Malformed q-values are not acceptable.
    ['en;q=2, ko;q=0.1', 'ko'],
    ['en;q=abc', 'ko'],
    ['english', 'ko'],
    ['  en-US ; q=0.8 ', 'en'],
  ])('%j → %s', (header, expected) => {
    expect(negotiateLocale(header)).toBe(expected);
  });

  it('joins a header sent several times', () => {
    expect(negotiateLocale(['ko;q=0.1', 'en'])).toBe('en');
  });
});
