import { LANGUAGE_TAG, type Locale } from './locale.js';
import { MESSAGES } from './messages.js';

/** Escapes text for HTML element content and quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (character) => `&#${character.charCodeAt(0)};`,
  );
}

/** A value for an inline `<script>`: JSON that cannot end the script element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The shop's icon (`/favicon.svg`, `/favicon.ico`), so that browsers find one and log no 404. */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1f6feb"/><path d="M9 13h14v5a7 7 0 0 1-14 0z" fill="#fff"/><path d="M23 14h1.5a2.5 2.5 0 0 1 0 5H22" fill="none" stroke="#fff" stroke-width="1.6"/></svg>`;

const STYLE = `
  *, *::before, *::after { box-sizing: border-box; }
  html { -webkit-text-size-adjust: 100%; }
  body { margin: 0; font-family: system-ui, -apple-system, "Apple SD Gothic Neo", "Noto Sans KR", "Noto Sans CJK KR", "Malgun Gothic", sans-serif; line-height: 1.55; color: #1d2733; background: #f5f7fa; overflow-wrap: anywhere; word-break: keep-all; }
  .skip { position: absolute; left: -999px; }
  .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 1; }
  header.site { background: #fff; border-bottom: 1px solid #e3e8ef; }
  header.site a { display: block; max-width: 36rem; margin: 0 auto; padding: .85rem 1rem; font-weight: 700; color: #1d2733; text-decoration: none; }
  main { display: block; max-width: 36rem; margin: 0 auto; padding: 1rem; }
  h1 { font-size: 1.35rem; line-height: 1.35; margin: .25rem 0 .75rem; }
  h2 { font-size: 1.1rem; margin: 1.25rem 0 .5rem; }
  p { margin: .5rem 0; }
  .note { color: #5b6776; font-size: .95rem; }
  .card { background: #fff; border: 1px solid #e3e8ef; border-radius: .75rem; padding: 1rem; margin: .75rem 0; }
  .product { display: flex; flex-wrap: wrap; align-items: center; gap: .75rem 1rem; }
  .product .info { flex: 1 1 12rem; min-width: 0; }
  .product .name { display: block; font-weight: 600; }
  .product .price { display: block; font-size: 1.1rem; font-weight: 700; }
  .product .buy { display: flex; flex: 1 1 15rem; gap: .5rem; align-items: flex-end; }
  .product .buy button { flex: 1 1 auto; }
  .product label { display: flex; flex-direction: column; font-size: .85rem; color: #5b6776; }
  .product input { width: 4.5rem; font: inherit; padding: .45rem .5rem; border: 1px solid #c5cdd8; border-radius: .4rem; }
  button, a.button { display: inline-block; font: inherit; font-weight: 600; line-height: 1.2; background: #1f6feb; color: #fff; border: 1px solid #1f6feb; border-radius: .5rem; padding: .65rem 1.1rem; cursor: pointer; text-decoration: none; text-align: center; }
  button:disabled { opacity: .6; cursor: progress; }
  a.button.secondary, button.secondary { background: #fff; color: #1f6feb; }
  button.copy { padding: .3rem .7rem; font-size: .9rem; margin-left: .5rem; }
  .actions { display: flex; flex-wrap: wrap; gap: .5rem; margin-top: 1rem; }
  .actions > * { flex: 1 1 10rem; }
  .status { font-size: 1.3rem; font-weight: 700; margin: 0 0 .25rem; }
  .status::before { content: ""; display: inline-block; width: .7rem; height: .7rem; border-radius: 50%; background: currentColor; margin-right: .55rem; vertical-align: .12em; }
  .status.ok { color: #137333; }
  .status.wait { color: #8a5a00; }
  .status.info { color: #1d4ed8; }
  .status.bad { color: #b3261e; }
  dl { margin: .75rem 0 0; }
  dl > div { display: flex; flex-wrap: wrap; justify-content: space-between; gap: .15rem 1rem; padding: .55rem 0; border-top: 1px solid #eef1f4; }
  dt { color: #5b6776; }
  dd { margin: 0; flex: 1 1 10rem; min-width: 0; text-align: right; font-weight: 600; }
  div[data-field="order"] dd { font-weight: 400; font-size: .92rem; }
  dd.mono, .mono { font-variant-numeric: tabular-nums; letter-spacing: .02em; }
  .notice { background: #fff8e6; border: 1px solid #f1d48b; border-radius: .5rem; padding: .75rem; }
  .error { color: #b3261e; min-height: 1.5em; }
  #copy-message:empty { display: none; }
  [hidden] { display: none !important; }
  @media (min-width: 40rem) { main { padding: 1.5rem 1rem; } h1 { font-size: 1.5rem; } }
`;

/** The layout of every page: `lang`, the viewport, the icon, the shop's header; `style` adds to the shared rules. */
export function page(
  locale: Locale,
  title: string,
  body: string,
  script = '',
  style = '',
): string {
  const messages = MESSAGES[locale];
  return `<!doctype html>
<html lang="${LANGUAGE_TAG[locale]}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>${STYLE}${style}</style>
</head>
<body>
<a class="skip" href="#content">${escapeHtml(messages.skipToContent)}</a>
<header class="site"><a href="/">${escapeHtml(messages.shopName)}</a></header>
${body}
${script ? `<script>\n${script}\n</script>` : ''}
</body>
</html>`;
}
