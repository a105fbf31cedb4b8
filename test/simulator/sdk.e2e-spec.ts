import { createContext, runInContext } from 'node:vm';
import {
  startSimulator,
  type RunningSimulator,
} from '../../apps/iamport-simulator/src/index.js';
import { call, getToken, postedMessage } from './helpers.js';

interface FakeElement {
  tag: string;
  id?: string;
  src?: string;
  title?: string;
  style: { cssText: string };
  children: FakeElement[];
  parentNode: FakeElement | null;
  contentWindow?: object;
  appendChild(child: FakeElement): void;
  removeChild(child: FakeElement): void;
}

function element(tag: string): FakeElement {
  const el: FakeElement = {
    tag,
    style: { cssText: '' },
    children: [],
    parentNode: null,
    contentWindow: tag === 'iframe' ? {} : undefined,
    appendChild(child) {
      child.parentNode = el;
      el.children.push(child);
    },
    removeChild(child) {
      el.children = el.children.filter((c) => c !== child);
      child.parentNode = null;
    },
  };
  return el;
}

/** Just enough of a browser page to run the SDK script: document, location, message events. */
function fakePage(scriptSrc: string) {
  const listeners: ((event: object) => void)[] = [];
  const body = element('body');
  const location = {
    href: 'https://shop.example/checkout',
    origin: 'https://shop.example',
  };
  const page: Record<string, any> = {
    document: {
      currentScript: { src: scriptSrc },
      body,
      createElement: element,
      querySelector: () => null,
    },
    location,
    URL,
    TextEncoder,
    btoa,
    addEventListener: (type: string, listener: (event: object) => void) => {
      if (type === 'message') listeners.push(listener);
    },
    removeEventListener: (_type: string, listener: (event: object) => void) => {
      listeners.splice(listeners.indexOf(listener), 1);
    },
  };
  page.window = page;
  return { page: createContext(page), body, location, listeners };
}

describe('the SDK script (IMP)', () => {
  let sim: RunningSimulator;
  let script: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  afterAll(() => sim.close());

  it('is served as JavaScript at /v1/iamport.js', async () => {
    const response = await fetch(`${sim.url}/v1/iamport.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(
      'application/javascript; charset=utf-8',
    );
    script = await response.text();
    expect(script).toContain('window.IMP');
    expect(script).not.toContain('${');
  });

  it('request_pay with m_redirect_url navigates to the window, which completes by redirect', async () => {
    const { page, location } = fakePage(`${sim.url}/v1/iamport.js`);
    runInContext(script, page);
    runInContext(
      `IMP.init('imp12345678');
       IMP.request_pay({ pg: 'html5_inicis', merchant_uid: 'sdk-redirect', name: '책', amount: 12000,
         m_redirect_url: 'https://shop.example/done' }, function () { throw new Error('no callback'); });`,
      page,
    );
    const windowUrl = new URL(location.href);
    expect(`${windowUrl.origin}${windowUrl.pathname}`).toBe(
      `${sim.url}/window`,
    );
    const params = JSON.parse(
      Buffer.from(
        windowUrl.searchParams.get('params') as string,
        'base64url',
      ).toString(),
    );
    expect(params).toMatchObject({
      merchant_uid: 'sdk-redirect',
      name: '책',
      amount: 12000,
      imp_code: 'imp12345678',
      origin: 'https://shop.example',
    });

    const html = await (await fetch(location.href)).text();
    const hidden = /name="params" value="([^"]+)"/.exec(html)?.[1] as string;
    const done = await fetch(`${sim.url}/window/complete`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ params: hidden, outcome: 'card' }),
    });
    expect(done.status).toBe(303);
    const back = new URL(done.headers.get('location') as string);
    expect(back.origin + back.pathname).toBe('https://shop.example/done');
    const token = await getToken(sim);
    const payment = await call(
      sim,
      'GET',
      `/payments/${back.searchParams.get('imp_uid')}`,
      { token },
    );
    expect(payment.body.response).toMatchObject({
      merchant_uid: 'sdk-redirect',
      amount: 12000,
      status: 'paid',
    });
  });

  it('request_pay without m_redirect_url opens an overlay and calls back with rsp', async () => {
    const { page, body, listeners } = fakePage(`${sim.url}/v1/iamport.js`);
    runInContext(script, page);
    const calls: Record<string, unknown>[] = [];
    page.record = (rsp: Record<string, unknown>) => calls.push(rsp);
    runInContext(
      `IMP.init('imp12345678');
       IMP.request_pay({ merchant_uid: 'sdk-overlay', name: '펜', amount: 3000, buyer_name: '김철수' }, record);`,
      page,
    );
    const [overlay] = body.children;
    const frame = overlay.children[0];
    expect(frame.tag).toBe('iframe');
    expect(frame.src).toContain(`${sim.url}/window?params=`);
    expect(listeners).toHaveLength(1);

    const html = await (await fetch(frame.src as string)).text();
    const hidden = /name="params" value="([^"]+)"/.exec(html)?.[1] as string;
    const result = await fetch(`${sim.url}/window/complete`, {
      method: 'POST',
      body: new URLSearchParams({ params: hidden, outcome: 'card' }),
    });
    const message = postedMessage(await result.text());

    listeners[0]({
      origin: 'https://evil.example',
      source: frame.contentWindow,
      data: message,
    });
    listeners[0]({ origin: sim.url, source: {}, data: message });
    expect(calls).toHaveLength(0);
    listeners[0]({
      origin: sim.url,
      source: frame.contentWindow,
      data: message,
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      success: true,
      merchant_uid: 'sdk-overlay',
      paid_amount: 3000,
      status: 'paid',
      buyer_name: '김철수',
    });
    expect(body.children).toHaveLength(0);
    expect(listeners).toHaveLength(0);
  });
});
