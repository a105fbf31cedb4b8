import type { AbstractHttpAdapter } from '@nestjs/core';
import { LANGUAGE_TAG, type Locale } from '../checkout/locale.js';

/**
 * What the operator's pages allow a browser: their own scripts (Chart.js and
 * the chart script, no inline script), the shop's inline styles, no framing
 * (the re-verify buttons cannot be clicked through another site's page), and
 * forms only to the shop.
 */
export const ADMIN_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Answers of the HTML routes on Express and Fastify alike, through Nest's adapter. */
export class AdminReply {
  constructor(
    private readonly adapter: AbstractHttpAdapter,
    private readonly response: unknown,
  ) {}

  header(name: string, value: string): this {
    this.adapter.setHeader(this.response, name, value);
    return this;
  }

  html(body: string, locale: Locale, status = 200): void {
    this.header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('vary', 'Accept-Language, Cookie')
      .header('content-language', LANGUAGE_TAG[locale])
      .header('content-security-policy', ADMIN_CSP)
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'same-origin');
    this.adapter.reply(this.response, body, status);
  }

  /** A 303 to one of the admin's own pages. */
  redirect(location: string): void {
    this.header('cache-control', 'no-store');
    this.adapter.redirect(this.response, 303, location);
  }
}

/** A path of the admin pages to go back to, or null when `value` is anything else (an open redirect otherwise). */
export function adminPath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 200) return null;
  if (!/^\/admin(?:[/?#]|$)/.test(value)) return null;
  // No `//host`, no backslashes some browsers read as slashes, no control characters.
  if (/[\\\s]|\/\//.test(value) || /\.\./.test(value)) return null;
  return value;
}
