// The transport under answers the simulator does not give: an answer larger
// than the limit, one that trickles in past the timeout, one that is not HTTP,
// and the proxy named by HTTPS_PROXY/HTTP_PROXY. A small server of the test's
// own plays iamport (and PortOne V2) over real HTTP.
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createTlsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import {
  IamportMalformedResponseError,
  IamportNetworkError,
  IamportTimeoutError,
  PortOneV2BadAnswerError,
  PortOneV2Client,
  PortOneV2TimeoutError,
} from 'nestjs-iamport';
import {
  type ClientFixture,
  createClient,
  rejectionOf,
} from '../support/iamport-client.fixture.js';

const TOKEN = {
  code: 0,
  message: null,
  response: {
    access_token: 'token-of-the-test',
    now: Math.floor(Date.now() / 1000),
    expired_at: Math.floor(Date.now() / 1000) + 1800,
  },
};

type Route = (request: IncomingMessage, response: ServerResponse) => void;

/** Answers the token request, and every other path with `route`; counts requests by path. */
async function misbehavingApi(
  route: Route,
): Promise<{ url: string; hits: Map<string, number>; server: Server }> {
  const hits = new Map<string, number>();
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    request.resume();
    if (path === '/users/getToken') {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(TOKEN));
      return;
    }
    route(request, response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, hits, server };
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
}

const credentials = {
  impKey: 'key-of-the-test',
  impSecret: 'secret-of-the-test',
};

describe("the HTTP transport (Node's agent) under answers the simulator does not give", () => {
  let api: Awaited<ReturnType<typeof misbehavingApi>>;
  let fixture: ClientFixture | undefined;

  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
    await stop(api.server);
  });

  it('refuses an answer larger than 16 MiB as unreadable, and stops reading it', async () => {
    const megabyte = Buffer.alloc(1024 * 1024, 'x');
    let written = 0;
    api = await misbehavingApi((_request, response) => {
      response.setHeader('content-type', 'application/json');
      // No Content-Length: the limit must hold while reading, not only on the header.
      const pump = () => {
        while (written < 64) {
          written++;
          if (!response.write(megabyte)) return response.once('drain', pump);
        }
        response.end();
      };
      response.on('close', () => (written = 64));
      pump();
    });
    fixture = await createClient(
      { ...credentials, url: api.url },
      { maxRetries: 0 },
    );
    const error = await rejectionOf(fixture.client.getPayment('imp_large'));
    expect(error).toBeInstanceOf(IamportMalformedResponseError);
    expect(error.message).toMatch(/could not be read/);
    expect(error.httpStatus).toBeNull();
  });

  it('times out an answer that trickles in past the timeout, though bytes keep coming', async () => {
    api = await misbehavingApi((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.write('{"code":0,"response":');
      const drip = setInterval(() => response.write(' '), 20);
      response.on('close', () => clearInterval(drip));
    });
    fixture = await createClient(
      { ...credentials, url: api.url },
      { timeoutMs: 300, maxRetries: 1 },
    );
    const startedAt = Date.now();
    const error = await rejectionOf(fixture.client.getPayment('imp_slow'));
    expect(error).toBeInstanceOf(IamportTimeoutError);
    expect(error.message).toMatch(/no answer within 300 ms/);
    expect(error.retryable).toBe(true);
    expect(api.hits.get('/payments/imp_slow')).toBe(2);
    expect(Date.now() - startedAt).toBeLessThan(5_000);
  });

  it('reports an answer that is not HTTP as unreadable', async () => {
    api = await misbehavingApi((request) => {
      request.socket.end('HTTP/1.1 abc\r\n\r\n');
    });
    fixture = await createClient(
      { ...credentials, url: api.url },
      { maxRetries: 0 },
    );
    const error = await rejectionOf(fixture.client.getPayment('imp_garbled'));
    expect(error).toBeInstanceOf(IamportMalformedResponseError);
  });

  it('reports a connection closed before the answer as a network error with its code', async () => {
    api = await misbehavingApi((request) => {
      request.socket.destroy();
    });
    fixture = await createClient(
      { ...credentials, url: api.url },
      { maxRetries: 0 },
    );
    const error = await rejectionOf(fixture.client.getPayment('imp_dropped'));
    expect(error).toBeInstanceOf(IamportNetworkError);
    expect(error.message).toMatch(
      /connection failed \((UND_ERR_SOCKET|ECONNRESET)\)/,
    );
  });

  it('reports an answer cut off before its last byte as a network error, and retries it', async () => {
    api = await misbehavingApi((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.setHeader('content-length', '1000');
      response.write('{"code":0,"response":{"imp_uid":');
      setTimeout(() => response.socket?.destroy(), 20);
    });
    fixture = await createClient(
      { ...credentials, url: api.url },
      { maxRetries: 1 },
    );
    const error = await rejectionOf(fixture.client.getPayment('imp_cut'));
    expect(error).toBeInstanceOf(IamportNetworkError);
    expect(error.message).toMatch(
      /connection failed \((ECONNRESET|ERR_STREAM_PREMATURE_CLOSE)\)/,
    );
    expect(error.retryable).toBe(true);
    expect(api.hits.get('/payments/imp_cut')).toBe(2);
  });

  it('bounds a V2 answer by maxAnswerBytes, without retrying, and times out a slow one', async () => {
    api = await misbehavingApi((request, response) => {
      if (request.url?.startsWith('/v2/payments/slow')) return; // never answers
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ padding: 'x'.repeat(5_000) }));
    });
    const v2 = new PortOneV2Client({
      apiSecret: 'v2-secret-of-the-test',
      storeId: null,
      apiBaseUrl: `${api.url}/v2`,
      timeoutMs: 300,
      maxRetries: 2,
      retryBaseDelayMs: 1,
      retryMaxDelayMs: 5,
      maxAnswerBytes: 1_000,
    });
    try {
      const large = await v2
        .getPayment('large')
        .catch((error: unknown) => error);
      expect(large).toBeInstanceOf(PortOneV2BadAnswerError);
      expect((large as Error).message).toMatch(
        /the answer is larger than 1000 bytes/,
      );
      expect(api.hits.get('/v2/payments/large')).toBe(1);
      const slow = await v2.getPayment('slow').catch((error: unknown) => error);
      expect(slow).toBeInstanceOf(PortOneV2TimeoutError);
      expect(api.hits.get('/v2/payments/slow')).toBe(3);
    } finally {
      await v2.onApplicationShutdown();
    }
  });

  it('speaks TLS to an https base URL, and refuses a certificate it cannot verify', async () => {
    // A self-signed certificate made for this test (openssl, as on Debian): the module must not
    // trust it, and must say why without more than the error's code.
    const directory = mkdtempSync(join(tmpdir(), 'iamport-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-keyout',
        join(directory, 'key.pem'),
        '-out',
        join(directory, 'cert.pem'),
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    let reached = 0;
    const tls = createTlsServer(
      {
        key: readFileSync(join(directory, 'key.pem')),
        cert: readFileSync(join(directory, 'cert.pem')),
      },
      (_request, response) => {
        reached++;
        response.end('{}');
      },
    );
    tls.listen(0, '127.0.0.1');
    await once(tls, 'listening');
    api = await misbehavingApi(() => undefined);
    try {
      fixture = await createClient(
        {
          ...credentials,
          url: `https://127.0.0.1:${(tls.address() as AddressInfo).port}`,
        },
        { maxRetries: 0 },
      );
      const error = await rejectionOf(fixture.client.getPayment('imp_tls'));
      expect(error).toBeInstanceOf(IamportNetworkError);
      expect(error.message).toMatch(
        /connection failed \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)/,
      );
      expect(reached).toBe(0);
    } finally {
      tls.close();
    }
  });

  describe('behind the proxy named by HTTP_PROXY', () => {
    let proxy: Server;
    const tunnels: string[] = [];
    const saved = process.env.HTTP_PROXY;

    beforeEach(async () => {
      tunnels.length = 0;
      proxy = createServer((_request, response) => {
        response.statusCode = 405;
        response.end();
      });
      proxy.on('connect', (request: IncomingMessage, client: Socket) => {
        tunnels.push(request.url ?? '');
        const [host, port] = (request.url ?? '').split(':');
        const upstream = connect(Number(port), host, () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          upstream.pipe(client);
          client.pipe(upstream);
        });
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
      });
      proxy.listen(0, '127.0.0.1');
      await once(proxy, 'listening');
      process.env.HTTP_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    });
    afterEach(async () => {
      if (saved === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = saved;
      await stop(proxy);
    });

    it('sends every call through it, as axios did', async () => {
      api = await misbehavingApi((_request, response) => {
        response.setHeader('content-type', 'application/json');
        response.end(
          JSON.stringify({ code: 1, message: '없는 결제', response: null }),
        );
      });
      fixture = await createClient(
        { ...credentials, url: api.url },
        { maxRetries: 0 },
      );
      await rejectionOf(fixture.client.getPayment('imp_proxied'));
      const target = api.url.replace('http://', '');
      expect(tunnels.length).toBeGreaterThan(0);
      expect(new Set(tunnels)).toEqual(new Set([target]));
      expect(api.hits.get('/payments/imp_proxied')).toBe(1);
    });
  });
});
