import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port.js';
import { sinkLogLines } from '../support/log-sink.js';
import { SAMPLE_MAIN } from '../support/sample-process.js';

/**
 * The built sample (`node dist/apps/sample/main.js`) as a newcomer starts it:
 * what a setting fixes is said in one line naming the variable, with no stack.
 */

interface Run {
  code: number | null;
  output: string;
}

let directory: string;
beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'sample-startup-'));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function environment(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NO_COLOR: '1',
    HOST: '127.0.0.1',
    DATABASE_URL: join(directory, `shop-${Math.random()}.sqlite`),
    RECONCILE_INTERVAL_SECONDS: '0',
    ...extra,
  };
}

/** Runs it to its end (at most 30 s). */
function runToEnd(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SAMPLE_MAIN, ...args], {
      env: environment(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      sinkLogLines('sample', output);
      resolve({ code, output });
    });
  });
}

/** Starts it and resolves once it says where buyers open the shop. */
function startUntilReady(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SAMPLE_MAIN], {
      env: environment(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the shop did not start:\n${output}`));
    }, 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('to buy something')) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', () => {
      clearTimeout(timer);
      reject(new Error(`the shop exited:\n${output}`));
    });
  });
}

async function stop(shop: {
  child: ChildProcess;
  output: () => string;
}): Promise<void> {
  const { child } = shop;
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  sinkLogLines('sample', shop.output());
}

/** A port held by another server for the duration of `work`. */
async function withPortTaken<T>(
  work: (port: number) => Promise<T>,
): Promise<T> {
  const server: Server = createServer();
  await new Promise<void>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const { port } = server.address() as { port: number };
  try {
    return await work(port);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

const NO_STACK = /^\s+at /m;

describe('the sample shop at start-up', () => {
  it('a taken PORT: one line naming PORT, exit 1, no stack', async () => {
    const run = await withPortTaken(async (port) =>
      runToEnd([], {
        PORT: String(port),
        IAMPORT_SIM_PORT: String(await freePort()),
      }),
    );
    expect(run.code).toBe(1);
    expect(run.output).toMatch(
      /^sample shop: port \d+ is already in use: stop what holds it, or set PORT to a free port$/m,
    );
    expect(run.output).not.toMatch(NO_STACK);
  });

  it('a taken IAMPORT_SIM_PORT: one line naming IAMPORT_SIM_PORT, exit 1, no stack', async () => {
    const run = await withPortTaken(async (port) =>
      runToEnd([], {
        PORT: String(await freePort()),
        IAMPORT_SIM_PORT: String(port),
      }),
    );
    expect(run.code).toBe(1);
    expect(run.output).toMatch(
      /^sample shop: port \d+ is already in use: stop what holds it, or set IAMPORT_SIM_PORT to a free port$/m,
    );
    expect(run.output).not.toMatch(NO_STACK);
  });

  it('npm run reconcile with iamport unreachable: one line with the URL and the variable, exit 1, no stack', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const run = await runToEnd(['reconcile'], {
      IAMPORT_API_URL: closed,
      IAMPORT_IMP_KEY: 'imp_key_test',
      IAMPORT_IMP_SECRET: 'imp_secret_test',
    });
    expect(run.code).toBe(1);
    const line = run.output
      .split('\n')
      .filter((text) => text.startsWith('reconcile: '));
    expect(line).toEqual([
      expect.stringMatching(
        new RegExp(
          `^reconcile: iamport at ${closed} could not be reached \\(.*ECONNREFUSED.*\\): start the shop's simulator \\(npm start\\), or set IAMPORT_API_URL$`,
        ),
      ),
    ]);
    expect(run.output).not.toMatch(NO_STACK);
    expect(run.output).not.toContain('imp_secret_test');
  });

  it('the bundled simulator on IAMPORT_SIM_HOST, reached under IAMPORT_SIM_PUBLIC_URL: the checkout loads its SDK from there; with no ADMIN_TOKEN every /admin route is 404', async () => {
    const port = await freePort();
    const simPort = await freePort();
    // Any name the machine resolves stands for a phone's view of it: here `localhost`.
    const publicSim = `http://localhost:${simPort}`;
    const shop = await startUntilReady({
      PORT: String(port),
      IAMPORT_SIM_HOST: '0.0.0.0',
      IAMPORT_SIM_PORT: String(simPort),
      IAMPORT_SIM_PUBLIC_URL: publicSim,
    });
    try {
      expect(shop.output()).toContain(
        `iamport simulator on ${publicSim} (no real money)`,
      );
      const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      expect(page).toContain(`<script src="${publicSim}/v1/iamport.js">`);
      const sdk = await fetch(`${publicSim}/v1/iamport.js`);
      expect(sdk.status).toBe(200);
      // No ADMIN_TOKEN set: the admin routes do not exist, whatever the request carries.
      for (const [method, path, authorization] of [
        ['POST', '/admin/products', 'Bearer anything'],
        ['POST', '/admin/products', ''],
        ['GET', '/admin', ''],
        ['GET', '/admin/products', 'Bearer anything'],
      ]) {
        const answer = await fetch(`http://127.0.0.1:${port}${path}`, {
          method,
          headers: {
            'content-type': 'application/json',
            ...(authorization ? { authorization } : {}),
          },
          body: method === 'POST' ? '{"name":"Free","price":1}' : undefined,
        });
        expect(answer.status, `${method} ${path}`).toBe(404);
      }
      const products = (await (
        await fetch(`http://127.0.0.1:${port}/products`)
      ).json()) as unknown[];
      expect(products).toHaveLength(3);
    } finally {
      await stop(shop);
    }
  });

  it('LOG_FORMAT=json: every line is one JSON object, one of them the settled payment with its ids, outcome and source', async () => {
    const port = await freePort();
    const simPort = await freePort();
    const shop = await startUntilReady({
      PORT: String(port),
      IAMPORT_SIM_PORT: String(simPort),
      LOG_FORMAT: 'json',
    });
    try {
      const order = (await (
        await fetch(`http://127.0.0.1:${port}/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ product_id: 1 }),
        })
      ).json()) as { merchant_uid: string; amount: number };
      // A payment made in the bundled simulator, which sends its webhook to the shop.
      const created = await fetch(`http://127.0.0.1:${simPort}/_sim/payments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          merchant_uid: order.merchant_uid,
          amount: order.amount,
          webhook: true,
        }),
      });
      expect(created.status).toBe(201);
      const settled = () =>
        shop
          .output()
          .split('\n')
          .filter((line) => line.includes(`${order.merchant_uid}: paid`));
      const deadline = Date.now() + 10_000;
      while (settled().length === 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const lines = shop
        .output()
        .split('\n')
        .filter((line) => line.trim().length > 0);
      const records = lines.map(
        (line) => JSON.parse(line) as Record<string, unknown>,
      );
      expect(records.length).toBeGreaterThan(3);
      for (const record of records)
        expect(record).toMatchObject({
          level: expect.any(String),
          message: expect.anything(),
        });
      const payment = records.filter(
        (record) =>
          record.context === 'PaymentVerification' &&
          String(record.message).startsWith(order.merchant_uid),
      );
      expect(payment).toEqual([
        expect.objectContaining({
          level: 'log',
          message: expect.stringMatching(
            /: paid \(pending → paid\) by imp_\d{12}, from the webhook, in \d+ ms$/,
          ),
        }),
      ]);
    } finally {
      await stop(shop);
    }
  });
});
