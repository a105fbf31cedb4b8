import type { AttentionItem } from '../../apps/sample/src/admin/admin-data.js';
import { ATTENTION_KINDS } from '../../apps/sample/src/admin/attention.js';
import { ADMIN_MESSAGES } from '../../apps/sample/src/admin/messages.js';
import { TEST_ADMIN_TOKEN } from '../support/priced-orders.js';
import { type HttpAnswer, readAnswer } from '../support/sample-app.fixture.js';
import {
  BROWSER_ACCEPT,
  payInWindow,
  postWebhook,
  TARGETS,
  useShop,
} from './shop.js';

const BEARER = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const ko = ADMIN_MESSAGES.ko;

describe.each(TARGETS)('the operator pages on %s (%s)', (kind, adapter) => {
  const shop = useShop(kind, adapter);

  /** A request to the shop, redirects not followed. */
  const send = async (
    path: string,
    init: RequestInit & { headers?: Record<string, string> } = {},
  ): Promise<HttpAnswer> =>
    readAnswer(
      await fetch(new URL(path, shop.current.url), {
        redirect: 'manual',
        ...init,
      }),
    );
  const form = (fields: Record<string, string>) =>
    new URLSearchParams(fields).toString();
  const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

  /** Logs in through the form as a browser does; answers the cookie pair to send back. */
  const logIn = async (): Promise<string> => {
    const answer = await send('/admin/login', {
      method: 'POST',
      headers: { ...FORM, origin: shop.current.url, accept: BROWSER_ACCEPT },
      body: form({ token: TEST_ADMIN_TOKEN, next: '/admin' }),
    });
    expect(answer.status).toBe(303);
    const cookie = answer.headers.get('set-cookie') ?? '';
    return cookie.split(';')[0];
  };
  const csrfOf = (page: string): string =>
    /<input type="hidden" name="csrf" value="([^"]+)">/.exec(page)?.[1] ?? '';
  const attention = async (): Promise<AttentionItem[]> => {
    const answer = await send('/admin/api/attention', { headers: BEARER });
    expect(answer.status).toBe(200);
    return answer.body as AttentionItem[];
  };

  describe('who may come in', () => {
    it('JSON routes: 401 without a token or with another scheme, 403 with a wrong token, 200 with the bearer token', async () => {
      const answers = [
        await send('/admin/api/attention'),
        await send('/admin/api/attention', {
          headers: { authorization: `Basic ${TEST_ADMIN_TOKEN}` },
        }),
        await send('/admin/api/attention', {
          headers: { authorization: 'Bearer wrong-token' },
        }),
        await send('/admin/api/attention', {
          headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}x` },
        }),
        await send('/admin/api/attention', { headers: BEARER }),
      ];
      expect(answers.map((answer) => answer.status)).toEqual([
        401, 401, 403, 403, 200,
      ]);
      expect(answers[0].headers.get('content-type')).toContain(
        'application/json',
      );
      expect(answers[0].body.message).toMatch(/Authorization: Bearer/);
      expect(answers[2].body.message).toBe('wrong admin token');
      // A wrong token in a script is never taken for a login.
      expect(answers[2].headers.get('set-cookie')).toBeNull();
    });

    it('pages without a login redirect to the login form (Korean by default, English by Accept-Language), which comes back to them', async () => {
      const page = await send('/admin/orders?status=paid', {
        headers: { accept: BROWSER_ACCEPT },
      });
      expect(page.status).toBe(303);
      expect(page.headers.get('location')).toBe(
        `/admin/login?next=${encodeURIComponent('/admin/orders?status=paid')}`,
      );
      const login = await send(page.headers.get('location')!);
      expect(login.status).toBe(200);
      expect(login.headers.get('content-type')).toContain('text/html');
      expect(login.body).toContain('<html lang="ko">');
      expect(login.body).toContain(ko.login.heading);
      expect(login.body).toContain(
        'name="next" value="/admin/orders?status=paid"',
      );
      expect(login.headers.get('content-security-policy')).toContain(
        "frame-ancestors 'none'",
      );
      const english = await send('/admin/login', {
        headers: { 'accept-language': 'en-US,en;q=0.9' },
      });
      expect(english.body).toContain('<html lang="en">');
      expect(english.body).toContain(ADMIN_MESSAGES.en.login.heading);
      // `next` is only ever an /admin path.
      const elsewhere = await send(
        `/admin/login?next=${encodeURIComponent('//evil.example/admin')}`,
      );
      expect(elsewhere.body).toContain('name="next" value="/admin"');
    });

    it('the login form: a wrong token is a 403 page, none a 401, another site’s form a 403; the right one sets an HttpOnly, SameSite=Strict cookie under /admin that is not the token', async () => {
      const post = (body: string, headers: Record<string, string> = {}) =>
        send('/admin/login', {
          method: 'POST',
          headers: { ...FORM, origin: shop.current.url, ...headers },
          body,
        });
      const wrong = await post(form({ token: 'not-the-token' }));
      expect(wrong.status).toBe(403);
      expect(wrong.body).toContain(ko.login.wrong);
      expect(wrong.body).not.toContain('not-the-token');
      expect(wrong.headers.get('set-cookie')).toBeNull();
      const none = await post(form({ token: '' }));
      expect(none.status).toBe(401);
      expect(none.headers.get('set-cookie')).toBeNull();
      const foreign = await post(form({ token: TEST_ADMIN_TOKEN }), {
        origin: 'https://evil.example',
      });
      expect(foreign.status).toBe(403);
      expect(foreign.headers.get('set-cookie')).toBeNull();
      const crossSite = await post(form({ token: TEST_ADMIN_TOKEN }), {
        'sec-fetch-site': 'cross-site',
      });
      expect(crossSite.status).toBe(403);

      const right = await post(
        form({ token: TEST_ADMIN_TOKEN, next: '/admin/orders' }),
      );
      expect(right.status).toBe(303);
      expect(right.headers.get('location')).toBe('/admin/orders');
      const cookie = right.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^admin_session=v1\.[^;]+;/);
      const attributes = cookie.split(';').map((part) => part.trim());
      expect(attributes).toEqual(
        expect.arrayContaining([
          'Path=/admin',
          'HttpOnly',
          'SameSite=Strict',
          'Max-Age=43200',
        ]),
      );
      // Plain http here: no Secure (a browser would drop it).
      expect(attributes).not.toContain('Secure');
      expect(cookie).not.toContain(TEST_ADMIN_TOKEN);
      expect(cookie).not.toContain(encodeURIComponent(TEST_ADMIN_TOKEN));

      const pair = cookie.split(';')[0];
      const page = await send('/admin', { headers: { cookie: pair } });
      expect(page.status).toBe(200);
      for (const section of ['attention', 'activity', 'glance'])
        expect(page.body).toContain(`<section id="${section}"`);
      expect(page.body).toContain(
        '<script src="/admin/assets/chart.umd.js"></script>',
      );
      // A forged or altered cookie is no login.
      const altered = `${pair.slice(0, -2)}${pair.endsWith('A') ? 'BB' : 'AA'}`;
      expect(
        (await send('/admin', { headers: { cookie: altered } })).status,
      ).toBe(303);
      expect(
        (
          await send('/admin/api/attention', {
            headers: { cookie: 'admin_session=v1.0.x.y' },
          })
        ).status,
      ).toBe(401);
      // The cookie works for the JSON routes too.
      expect(
        (await send('/admin/api/attention', { headers: { cookie: pair } }))
          .status,
      ).toBe(200);

      // Logging out needs the CSRF token like every form, and clears the cookie.
      const refused = await send('/admin/logout', {
        method: 'POST',
        headers: { ...FORM, cookie: pair, origin: shop.current.url },
        body: '',
      });
      expect(refused.status).toBe(403);
      const out = await send('/admin/logout', {
        method: 'POST',
        headers: { ...FORM, cookie: pair, origin: shop.current.url },
        body: form({ csrf: csrfOf(page.body) }),
      });
      expect(out.status).toBe(303);
      expect(out.headers.get('location')).toBe('/admin/login');
      expect(out.headers.get('set-cookie')).toMatch(
        /^admin_session=; Path=\/admin; HttpOnly; SameSite=Strict; Max-Age=0/,
      );
    });

    it('serves Chart.js from node_modules behind the login', async () => {
      const pair = await logIn();
      const script = await send('/admin/assets/chart.umd.js', {
        headers: { cookie: pair },
      });
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toContain('text/javascript');
      expect(script.body).toContain('Chart.js v4');
      const glance = await send('/admin/assets/glance.js', {
        headers: { cookie: pair },
      });
      expect(glance.status).toBe(200);
      expect(glance.body).toContain("getElementById('glance-data')");
    });
  });

  describe('what needs a person', () => {
    let paid: { merchantUid: string; impUid: string };
    let unknownOrder: { merchantUid: string; impUid: string };
    let vbankForgery: { merchantUid: string; impUid: string };
    let refusedCardForgery: { merchantUid: string; impUid: string };
    let refundedForgery: { merchantUid: string; impUid: string };

    beforeAll(async () => {
      const s = shop.current;
      // A normal card payment: settles its order, nothing for a person.
      const order = await s.createOrder({ amount: 12_000 });
      const run = await payInWindow(s, order, 'card');
      paid = { merchantUid: order.merchant_uid, impUid: run.impUid };

      // A payment for an order the shop does not know: flagged (unknownOrderPolicy 'flag').
      const stranger = await s.sim.createPayment({
        merchant_uid: `order_unknown_${Date.now()}`,
        amount: 4_321,
      });
      expect(
        (
          await postWebhook(s, {
            imp_uid: stranger.imp_uid,
            merchant_uid: stranger.merchant_uid,
            status: 'paid',
          })
        ).body,
      ).toMatchObject({ outcome: 'not_found' });
      unknownOrder = {
        merchantUid: stranger.merchant_uid,
        impUid: stranger.imp_uid,
      };

      // A forged amount paid into a virtual account: iamport will not refund it without the buyer's account.
      const vbankOrder = await s.createOrder({ amount: 35_000 });
      const vbank = await s.sim.createPayment({
        merchant_uid: vbankOrder.merchant_uid,
        amount: 350,
        pay_method: 'vbank',
        status: 'paid',
      });
      expect(
        (
          await postWebhook(s, {
            imp_uid: vbank.imp_uid,
            merchant_uid: vbankOrder.merchant_uid,
            status: 'paid',
          })
        ).body,
      ).toMatchObject({ outcome: 'forgery' });
      vbankForgery = {
        merchantUid: vbankOrder.merchant_uid,
        impUid: vbank.imp_uid,
      };

      // A forged card payment whose refund iamport refuses once (code != 0).
      const cardOrder = await s.createOrder({ amount: 20_000 });
      const forged = await s.sim.createPayment({
        merchant_uid: cardOrder.merchant_uid,
        amount: 2_000,
      });
      await s.sim.fault({
        kind: 'error_code',
        operation: 'cancelPayment',
        times: 1,
      });
      expect(
        (
          await postWebhook(s, {
            imp_uid: forged.imp_uid,
            merchant_uid: cardOrder.merchant_uid,
            status: 'paid',
          })
        ).body,
      ).toMatchObject({ outcome: 'forgery' });
      refusedCardForgery = {
        merchantUid: cardOrder.merchant_uid,
        impUid: forged.imp_uid,
      };

      // A forged card payment refunded at once: the module dealt with it, nothing for a person.
      const otherOrder = await s.createOrder({ amount: 21_000 });
      const refunded = await s.sim.createPayment({
        merchant_uid: otherOrder.merchant_uid,
        amount: 210,
      });
      await postWebhook(s, {
        imp_uid: refunded.imp_uid,
        merchant_uid: otherOrder.merchant_uid,
        status: 'paid',
      });
      refundedForgery = {
        merchantUid: otherOrder.merchant_uid,
        impUid: refunded.imp_uid,
      };
    });

    it('GET /admin/api/attention lists the unknown order, the refused refunds with their cause and what they hold; not the paid or the refunded payment', async () => {
      const items = await attention();
      const byImpUid = new Map(items.map((item) => [item.imp_uid, item]));
      expect(byImpUid.get(unknownOrder.impUid)).toMatchObject({
        merchant_uid: unknownOrder.merchantUid,
        kind: 'unknown_order',
        cause: 'unknown_order',
        amount_held: 4_321,
        amount: 4_321,
        cancelled_amount: 0,
        currency: 'KRW',
        disposition: 'flagged',
        reason: `no order ${unknownOrder.merchantUid}`,
        refund_refused: null,
        order: null,
      });
      expect(byImpUid.get(vbankForgery.impUid)).toMatchObject({
        merchant_uid: vbankForgery.merchantUid,
        kind: 'refund_refused',
        cause: 'forgery',
        amount_held: 350,
        currency: 'KRW',
        status: 'paid',
        disposition: 'flagged',
        refund_refused: expect.any(String),
        order: { status: 'forgery_flagged', amount: 35_000, currency: 'KRW' },
      });
      expect(byImpUid.get(vbankForgery.impUid)!.reason).toMatch(
        /^paid 350 KRW, the order expects 35000 KRW; iamport refused the refund: .+/,
      );
      expect(byImpUid.get(refusedCardForgery.impUid)).toMatchObject({
        kind: 'refund_refused',
        cause: 'forgery',
        amount_held: 2_000,
        order: { status: 'forgery_flagged', amount: 20_000 },
      });
      expect(byImpUid.has(paid.impUid)).toBe(false);
      expect(byImpUid.has(refundedForgery.impUid)).toBe(false);
      // What costs the buyer most first.
      const rank = (kind: string) => ATTENTION_KINDS.indexOf(kind as never);
      const ranks = items.map((item) => rank(item.kind));
      expect(ranks).toEqual(ranks.toSorted((a, b) => a - b));
    });

    it('the page shows each kind with what to do and a re-verify button carrying the CSRF token', async () => {
      const pair = await logIn();
      const page = await send('/admin', { headers: { cookie: pair } });
      expect(page.status).toBe(200);
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.body).toContain('<html lang="ko">');
      expect(page.body).toContain(ko.attention.kinds.refund_refused.todo);
      expect(page.body).toContain(ko.attention.kinds.unknown_order.todo);
      expect(page.body).not.toContain(ko.attention.kinds.forgery.todo);
      const csrf = csrfOf(page.body);
      expect(csrf).toMatch(/^[\w-]{20,}$/);
      for (const { impUid } of [
        unknownOrder,
        vbankForgery,
        refusedCardForgery,
      ]) {
        expect(page.body).toContain(`data-imp-uid="${impUid}"`);
        expect(page.body).toContain(
          `<form method="post" action="/admin/payments/${impUid}/verify"><input type="hidden" name="csrf" value="${csrf}">`,
        );
      }
      expect(page.body).toContain('4,321원');
      expect(page.body).not.toContain(`data-imp-uid="${paid.impUid}"`);
      // The charts' data is in the page, for glance.js to draw.
      expect(page.body).toContain(
        '<script type="application/json" id="glance-data">',
      );
      expect(page.body).toContain('<canvas id="chart-hours"');
    });

    it('re-verify through the cookie form: refused without the CSRF token, from another origin or cross-site (nothing verified); with both it verifies and comes back with the outcome', async () => {
      const s = shop.current;
      const pair = await logIn();
      const page = await send('/admin', { headers: { cookie: pair } });
      const csrf = csrfOf(page.body);
      const path = `/admin/payments/${refusedCardForgery.impUid}/verify`;
      const lookups = async () =>
        (await s.sim.calls('getPayment')) +
        (await s.sim.calls('cancelPayment'));
      const before = await lookups();
      const attempts: Array<Record<string, string>> = [
        // No CSRF token.
        { origin: s.url, body: form({}) },
        // Another session's token, or a made-up one.
        { origin: s.url, body: form({ csrf: `${csrf.slice(0, -2)}xx` }) },
        // The right token, from another site.
        { origin: 'https://evil.example', body: form({ csrf }) },
        { 'sec-fetch-site': 'cross-site', origin: s.url, body: form({ csrf }) },
        // Neither Origin nor Sec-Fetch-Site: not provably from the shop's page.
        { body: form({ csrf }) },
      ];
      for (const { body, ...headers } of attempts) {
        const answer = await send(path, {
          method: 'POST',
          headers: { ...FORM, cookie: pair, ...headers },
          body,
        });
        expect(answer.status, JSON.stringify(headers)).toBe(403);
      }
      expect(await lookups()).toBe(before);
      expect(
        (await attention()).some(
          (item) => item.imp_uid === refusedCardForgery.impUid,
        ),
      ).toBe(true);

      // The fault is spent: iamport refunds it now.
      const done = await send(path, {
        method: 'POST',
        headers: {
          ...FORM,
          cookie: pair,
          origin: s.url,
          'sec-fetch-site': 'same-origin',
        },
        body: form({ csrf }),
      });
      expect(done.status).toBe(303);
      expect(done.headers.get('location')).toBe(
        `/admin?verified=${refusedCardForgery.impUid}&outcome=forgery`,
      );
      const refunded = await s.sim.payment(refusedCardForgery.impUid);
      expect(refunded.cancel_amount).toBe(2_000);
      expect(
        (await attention()).some(
          (item) => item.imp_uid === refusedCardForgery.impUid,
        ),
      ).toBe(false);
      const after = await send(done.headers.get('location')!, {
        headers: { cookie: pair },
      });
      expect(after.body).toContain(
        `${ko.verified.done(refusedCardForgery.impUid, ko.outcomes.forgery)} ${ko.verified.settled}`,
      );

      // The order page's button comes back to the order page.
      const again = await send(
        `/admin/payments/${vbankForgery.impUid}/verify`,
        {
          method: 'POST',
          headers: { ...FORM, cookie: pair, origin: s.url },
          body: form({
            csrf,
            back: `/admin/orders/${vbankForgery.merchantUid}`,
          }),
        },
      );
      expect(again.status).toBe(303);
      expect(again.headers.get('location')).toBe(
        `/admin/orders/${vbankForgery.merchantUid}?verified=${vbankForgery.impUid}&outcome=forgery`,
      );
      const orderPage = await send(again.headers.get('location')!, {
        headers: { cookie: pair },
      });
      expect(orderPage.body).toContain(ko.verified.stillNeeds);
    });

    it('re-verify with the bearer token (a script): JSON, no CSRF token needed', async () => {
      const answer = await send(
        `/admin/payments/${unknownOrder.impUid}/verify`,
        { method: 'POST', headers: BEARER },
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        imp_uid: unknownOrder.impUid,
        merchant_uid: unknownOrder.merchantUid,
        outcome: 'not_found',
        changed: false,
        refunded_amount: 0,
        refund_refused: null,
        reason: `no order ${unknownOrder.merchantUid}`,
      });
      expect(
        (
          await send('/admin/payments/imp_no_such_payment/verify', {
            method: 'POST',
            headers: BEARER,
          })
        ).body,
      ).toMatchObject({ outcome: 'not_found', merchant_uid: null });
      expect(
        (
          await send('/admin/payments/imp%20bad/verify', {
            method: 'POST',
            headers: BEARER,
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await send(`/admin/payments/${unknownOrder.impUid}/verify`, {
            method: 'POST',
          })
        ).status,
      ).toBe(401);
    });

    it('GET /admin/api/orders/:merchant_uid/payments: every payment of the order and what was done with it; 404 for an order the shop does not have', async () => {
      const own = await send(`/admin/api/orders/${paid.merchantUid}/payments`, {
        headers: BEARER,
      });
      expect(own.status).toBe(200);
      expect(own.body).toEqual([
        expect.objectContaining({
          imp_uid: paid.impUid,
          merchant_uid: paid.merchantUid,
          amount: 12_000,
          cancelled_amount: 0,
          amount_held: 12_000,
          currency: 'KRW',
          status: 'paid',
          disposition: 'settles_order',
        }),
      ]);
      const forged = await send(
        `/admin/api/orders/${vbankForgery.merchantUid}/payments`,
        { headers: BEARER },
      );
      expect(forged.body).toEqual([
        expect.objectContaining({
          imp_uid: vbankForgery.impUid,
          amount: 350,
          disposition: 'flagged',
          reason: expect.stringContaining('iamport refused the refund'),
        }),
      ]);
      const refunded = await send(
        `/admin/api/orders/${refundedForgery.merchantUid}/payments`,
        { headers: BEARER },
      );
      expect(refunded.body).toEqual([
        expect.objectContaining({
          amount: 210,
          cancelled_amount: 210,
          amount_held: 0,
          disposition: 'refunded',
        }),
      ]);
      for (const merchantUid of [unknownOrder.merchantUid, 'order_none'])
        expect(
          (
            await send(`/admin/api/orders/${merchantUid}/payments`, {
              headers: BEARER,
            })
          ).status,
        ).toBe(404);
    });

    it('recent activity: orders filtered by status, and one order with every redirect and webhook in order', async () => {
      const pair = await logIn();
      const flagged = await send('/admin/orders?status=forgery_flagged', {
        headers: { cookie: pair },
      });
      expect(flagged.status).toBe(200);
      expect(flagged.body).toContain(
        `data-merchant-uid="${vbankForgery.merchantUid}"`,
      );
      expect(flagged.body).not.toContain(
        `data-merchant-uid="${paid.merchantUid}"`,
      );
      const json = await send('/admin/api/orders?status=paid', {
        headers: BEARER,
      });
      expect(
        (json.body as Array<{ merchant_uid: string; status: string }>).map(
          (order) => [order.merchant_uid, order.status],
        ),
      ).toContainEqual([paid.merchantUid, 'paid']);
      expect(
        (json.body as Array<{ status: string }>).every(
          (order) => order.status === 'paid',
        ),
      ).toBe(true);
      expect(
        (
          await send('/admin/orders?status=bogus', {
            headers: { cookie: pair },
          })
        ).status,
      ).toBe(400);

      const order = await send(`/admin/orders/${paid.merchantUid}`, {
        headers: { cookie: pair },
      });
      expect(order.status).toBe(200);
      const events = [
        ...order.body.matchAll(
          /<li class="event" data-kind="([^"]+)" data-outcome="([^"]+)">/g,
        ),
      ].map(([, kind, outcome]) => [kind, outcome]);
      // The window's redirect and the simulator's webhook, in the order received.
      expect(events).toHaveLength(2);
      expect(events.map(([, outcome]) => outcome)).toEqual(['paid', 'paid']);
      expect(
        events.map(([kind]) => kind).toSorted((a, b) => a.localeCompare(b)),
      ).toEqual(['redirect', 'webhook']);
      // An order the shop does not have, with a payment for it: shown as such.
      const stranger = await send(`/admin/orders/${unknownOrder.merchantUid}`, {
        headers: { cookie: pair },
      });
      expect(stranger.status).toBe(200);
      expect(stranger.body).toContain('data-role="unknown-order"');
      expect(stranger.body).toContain('data-outcome="not_found"');
      expect(
        (await send('/admin/orders/order_none', { headers: { cookie: pair } }))
          .status,
      ).toBe(404);
    });

    it('GET /admin/api/glance: payments by outcome in the last hours and days, records by disposition, the outbox backlog', async () => {
      const answer = await send('/admin/api/glance', { headers: BEARER });
      expect(answer.status).toBe(200);
      const glance = answer.body;
      expect(glance.hours.starts).toHaveLength(24);
      expect(glance.days.starts).toHaveLength(14);
      const sum = (counts: number[] | undefined) =>
        (counts ?? []).reduce((total, count) => total + count, 0);
      // The paid payment once (its redirect and webhook are one payment), the stranger, the forgeries.
      expect(sum(glance.hours.counts.paid)).toBe(1);
      expect(sum(glance.days.counts.paid)).toBe(1);
      expect(sum(glance.hours.counts.not_found)).toBe(1);
      expect(sum(glance.hours.counts.forgery)).toBe(3);
      expect(glance.dispositions).toMatchObject({
        settles_order: 1,
        flagged: 2,
        refunded: 2,
      });
      expect(glance.backlog).toMatchObject({ count: expect.any(Number) });
    });
  });
});
