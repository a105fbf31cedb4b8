/**
 * `npm run bench:http-client [-- --n=20000 --connections=50 --rounds=3]`
 *
 * The CPU one iamport lookup costs the app in its HTTP client: the module's
 * transport before issue 12 (axios, with the options it passed) and its Node
 * path before 2026-12-03 (copied here as it was) against the two
 * `HttpExchange` uses now, loaded from the package build (Node's keep-alive
 * agent; undici's behind a proxy). A server in
 * a process of its own answers `GET /payments/{imp_uid}` with a payment of
 * the simulator's size; this process sends the requests, `connections` at a
 * time, and reads its own CPU time (user + system), so the server's work is
 * not counted. Rounds alternate, to even out a machine that changes speed.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import {
  Agent as HttpAgent,
  type IncomingMessage,
  request as httpRequest,
} from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import axios from 'axios';
import { EnvHttpProxyAgent } from 'undici';
import { Args } from './lib/args.js';
import {
  describeProvenance,
  fixed,
  provenance,
  RESULTS_DIR,
  table,
} from './lib/report.js';

const SERVER = `
const http = require('node:http');
const body = JSON.stringify({ code: 0, message: null, response: {
  imp_uid: 'imp_000000000001', merchant_uid: 'order-1', amount: 15000, cancel_amount: 0, currency: 'KRW',
  status: 'paid', pay_method: 'card', pg_provider: 'html5_inicis', name: '주문 1', buyer_name: '홍길동',
  paid_at: 1764547200, started_at: 1764547100, failed_at: 0, cancelled_at: 0, receipt_url: 'https://example.com/r',
  cancel_history: [], custom_data: null, padding: 'x'.repeat(600) } });
const server = http.createServer((request, response) => {
  request.resume();
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.end(body);
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

type Send = (index: number) => Promise<string>;

/** `HttpExchange` as built by `npm run build:lib` (the bench compiles apart from the library). */
const EXCHANGE_BUILD = 'dist/libs/iamport/esm/client/http-exchange.js';
interface HttpExchangeClass {
  new (
    baseUrl: string,
    dispatcher?: EnvHttpProxyAgent,
  ): {
    send(request: {
      method: 'GET';
      path: string;
      headers: Record<string, string>;
      timeoutMs: number;
      maxAnswerBytes: number;
    }): Promise<{ status: number; text: string }>;
    close(): Promise<void>;
  };
}

async function main(): Promise<void> {
  const args = new Args(process.argv.slice(2), ['n', 'connections', 'rounds']);
  const n = args.number('n', 20_000);
  const connections = args.number('connections', 50);
  const rounds = args.number('rounds', 3);

  const server = spawn(process.execPath, ['-e', SERVER], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [first] = (await once(server.stdout!, 'data')) as [Buffer];
  const origin = `http://127.0.0.1:${first.toString().trim()}`;
  const headers = {
    Accept: 'application/json',
    Authorization: 'Bearer token-of-the-benchmark',
  };

  const client = axios.create();
  const viaAxios: Send = async (index) => {
    const response = await client.request<string>({
      method: 'GET',
      url: `${origin}/payments/imp_${index}`,
      headers,
      timeout: 5000,
      signal: AbortSignal.timeout(5000),
      responseType: 'text',
      transformResponse: (data: unknown) => data,
      validateStatus: () => true,
      maxRedirects: 0,
      maxContentLength: 16 * 1024 * 1024,
    });
    return response.data;
  };
  // The module's own transport, from the package build (`npm run build:lib`): what a lookup costs
  // is measured on the code that makes it, not on a copy of it.
  const { HttpExchange } = (await import(
    pathToFileURL(join(process.cwd(), EXCHANGE_BUILD)).href
  )) as { HttpExchange: HttpExchangeClass };
  const lookup = (index: number) => ({
    method: 'GET' as const,
    path: `/payments/imp_${index}`,
    headers,
    timeoutMs: 5000,
    maxAnswerBytes: 16 * 1024 * 1024,
  });
  const undiciAgent = new EnvHttpProxyAgent();
  const undiciExchange = new HttpExchange(origin, undiciAgent);
  const viaUndici: Send = async (index) =>
    (await undiciExchange.send(lookup(index))).text;
  const nodeExchange = new HttpExchange(origin);
  const viaNode: Send = async (index) =>
    (await nodeExchange.send(lookup(index))).text;

  // The module's Node path before 2026-12-03, as it was: the exchange bounded by
  // `AbortSignal.timeout`, the body read with `for await`.
  const nodeAgent = new HttpAgent({ keepAlive: true });
  const url = new URL(origin);
  const viaNodeBefore: Send = async (index) => {
    const signal = AbortSignal.timeout(5000);
    const incoming = await new Promise<IncomingMessage>((resolve, reject) =>
      httpRequest(
        {
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port,
          path: `/payments/imp_${index}`,
          method: 'GET',
          headers,
          agent: nodeAgent,
          signal,
        },
        resolve,
      )
        .on('error', reject)
        .end(),
    );
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of incoming as AsyncIterable<Buffer>) {
      size += chunk.length;
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, size).toString('utf8');
  };

  async function measure(send: Send): Promise<number> {
    let next = 0;
    const before = process.cpuUsage();
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (next < n) {
          const text = await send(next++);
          if (!text.includes('"status":"paid"'))
            throw new Error('unexpected answer');
        }
      }),
    );
    const used = process.cpuUsage(before);
    return (used.user + used.system) / n;
  }

  // Warm them up (JIT, connections), then alternate.
  await measure(viaAxios);
  await measure(viaUndici);
  await measure(viaNodeBefore);
  await measure(viaNode);
  const results = {
    axios: [] as number[],
    undici: [] as number[],
    nodeBefore: [] as number[],
    node: [] as number[],
  };
  for (let round = 0; round < rounds; round++) {
    results.axios.push(await measure(viaAxios));
    results.undici.push(await measure(viaUndici));
    results.nodeBefore.push(await measure(viaNodeBefore));
    results.node.push(await measure(viaNode));
  }
  nodeAgent.destroy();
  await nodeExchange.close();
  await undiciExchange.close();
  server.kill();

  const mean = (values: number[]) =>
    values.reduce((sum, value) => sum + value, 0) / values.length;
  const axiosUs = mean(results.axios);
  const undiciUs = mean(results.undici);
  const nodeBeforeUs = mean(results.nodeBefore);
  const nodeUs = mean(results.node);
  const meta = provenance();
  const report = [
    '# The HTTP client: CPU per iamport lookup',
    '',
    `${describeProvenance(meta)}. \`npm run bench:http-client\`: ${fixed(n)} lookups a round over ${connections} connections, ${rounds} rounds each, alternating; this process's CPU time (user + system) ÷ lookups, the server in a process of its own.`,
    '',
    table(
      ['client', 'CPU µs per lookup, each round', 'mean', '÷ axios'],
      [
        [
          'axios (the module before)',
          results.axios.map((value) => fixed(value)).join(' / '),
          fixed(axiosUs),
          '1.00',
        ],
        [
          'undici, `HttpExchange` (the module behind a proxy)',
          results.undici.map((value) => fixed(value)).join(' / '),
          fixed(undiciUs),
          fixed(undiciUs / axiosUs, 2),
        ],
        [
          'node:http, keep-alive agent, `AbortSignal.timeout` and `for await` (the default before 2026-12-03)',
          results.nodeBefore.map((value) => fixed(value)).join(' / '),
          fixed(nodeBeforeUs),
          fixed(nodeBeforeUs / axiosUs, 2),
        ],
        [
          "node:http, keep-alive agent, `HttpExchange` (the module's default)",
          results.node.map((value) => fixed(value)).join(' / '),
          fixed(nodeUs),
          fixed(nodeUs / axiosUs, 2),
        ],
      ],
      ['l', 'r', 'r', 'r'],
    ),
    '',
  ].join('\n');
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, 'http-client.md');
  writeFileSync(file, report);
  console.log(report);
  console.log(`written: ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
