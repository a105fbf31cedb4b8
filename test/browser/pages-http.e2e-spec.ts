import { freshDatabase, type FreshDatabase } from '../support/databases.js';
import {
  type SampleApp,
  startSampleApp,
} from '../support/sample-app.fixture.js';

/**
 * The pages' language and headers as plain HTTP, on both adapters the sample
 * runs on (`@Res({passthrough: true})` sets `Content-Language` through what
 * Express's response and Fastify's reply both offer).
 */
describe.each(['express', 'fastify'] as const)(
  'the shop’s pages over HTTP (%s): language, headers, icon',
  (httpAdapter) => {
    let database: FreshDatabase;
    let shop: SampleApp;

    beforeAll(async () => {
      database = await freshDatabase('sqlite');
      shop = await startSampleApp({ databaseUrl: database.url, httpAdapter });
    });
    afterAll(async () => {
      await shop?.close();
      await database?.drop();
    });

    const get = (path: string, acceptLanguage?: string) =>
      fetch(`${shop.url}${path}`, {
        headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {},
      });

    it.each([
      [undefined, 'ko'],
      ['ko-KR,ko;q=0.9,en-US;q=0.8', 'ko'],
      ['en-US,en;q=0.9', 'en'],
      ['en-US,en;q=0.9,ko;q=0.8', 'en'],
      ['ko;q=0.3,en;q=0.7', 'en'],
      ['ja-JP,ja;q=0.9', 'ko'],
      ['*', 'ko'],
    ])(
      'Accept-Language %s → %s on the checkout and the result page',
      async (acceptLanguage, locale) => {
        for (const path of ['/', '/result?merchant_uid=order_nope']) {
          const response = await get(path, acceptLanguage);
          expect(response.status).toBe(200);
          expect(response.headers.get('content-type')).toBe(
            'text/html; charset=utf-8',
          );
          expect(response.headers.get('content-language')).toBe(locale);
          expect(response.headers.get('vary')).toMatch(/accept-language/i);
          expect(await response.text()).toContain(`<html lang="${locale}">`);
        }
      },
    );

    it('serves its icon at /favicon.ico and /favicon.svg, and links it', async () => {
      for (const path of ['/favicon.ico', '/favicon.svg']) {
        const response = await get(path);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toMatch(
          /^image\/svg\+xml/,
        );
        expect(await response.text()).toMatch(/^<svg /);
      }
      expect(await (await get('/')).text()).toContain(
        '<link rel="icon" href="/favicon.svg" type="image/svg+xml">',
      );
    });

    it('the checkout posts only the product and the quantity, and pays what the server answered', async () => {
      const page = await (await get('/')).text();
      expect(page).toContain(
        'body: JSON.stringify({ product_id: Number(form.dataset.productId), quantity })',
      );
      for (const field of ['merchant_uid', 'name', 'amount', 'currency'])
        expect(page).toContain(`${field}: order.${field},`);
      expect(page).toContain('m_redirect_url: settings.completeUrl');
    });
  },
);
