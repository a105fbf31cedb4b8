// The packed nestjs-iamport in merchants' apps: Nest 11 and 12, CommonJS and
// ES modules, class-validator 0.14 and 0.15. For each app in test/consumers/:
// copy it to a temporary directory with the shared sources, install the freshly
// packed tarball (and the app's locked dependencies) with npm, type-check and
// build it with its own tsc (skipLibCheck false), then settle one payment
// twice over:
//   1. `node dist/smoke.js`: the app's own test, which starts the simulator
//      through `nestjs-iamport/testing` and the shop in one process;
//   2. the package's command `npx nestjs-iamport-simulator` and the shop's
//      `node dist/main.js` as two processes, driven from here.
// Each time the order must end `paid`, moved once, its paid handler run once,
// through PortOne V1 and through V2.
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  assertSettledOnce,
  type SettledPayment,
  settleOnePayment,
  settleOneV2Payment,
} from './shared/flow.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

const CONSUMERS = [
  { name: 'nest11-cjs', format: 'cjs' },
  { name: 'nest11-esm', format: 'esm' },
  { name: 'nest12-cjs', format: 'cjs' },
  { name: 'nest12-esm', format: 'esm' },
] as const;

/** The environment of a child: none of the npm variables of `npm test` itself. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!/^npm_/i.test(key)) env[key] = value;
  return { ...env, ...extra };
}

/** Runs a command to its end; rejects with the command and all it printed. */
function run(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs = 120_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else
        reject(
          new Error(
            `\`${[command, ...args].join(' ')}\` in ${cwd} ${
              signal ? `was killed (${signal})` : `exited with ${code}`
            }:\n${output}`,
          ),
        );
    });
  });
}

interface Service {
  url: string;
  output: () => string;
  /**
   * SIGTERM to its process group, then waits until every process of the group
   * is gone (SIGKILL after 10 s); resolves with how the command itself ended.
   */
  stop: () => Promise<{ code: number | null; signal: string | null }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends a signal to a process group; false when no process is left in it. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Starts a long-running command in its own process group and waits for `pattern` (its URL) in its output. */
function startService(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  pattern: RegExp,
): Promise<Service> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const pid = child.pid!;
    let output = '';
    const exit = new Promise<{ code: number | null; signal: string | null }>(
      (done) => child.on('exit', (code, signal) => done({ code, signal })),
    );
    let stopped: ReturnType<Service['stop']> | null = null;
    const stop = () =>
      (stopped ??= (async () => {
        signalGroup(pid, 'SIGTERM');
        for (let i = 0; i < 100 && signalGroup(pid, 0); i++) await sleep(100);
        signalGroup(pid, 'SIGKILL');
        return exit;
      })());
    const timer = setTimeout(() => {
      void stop();
      reject(
        new Error(
          `\`${[command, ...args].join(' ')}\` printed no ${pattern} in 30 s:\n${output}`,
        ),
      );
    }, 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1]!, output: () => output, stop });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    void exit.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(
        new Error(
          `\`${[command, ...args].join(' ')}\` ended (${signal ?? code}) before printing ${pattern}:\n${output}`,
        ),
      );
    });
  });
}

function expectSettledOnce(result: SettledPayment): void {
  expect(result.redirect).toMatchObject({
    status: 200,
    body: { outcome: 'paid', imp_uid: result.impUid },
  });
  expect(result.webhookStatuses).toEqual([200, 200]);
  expect(result.order).toMatchObject({
    status: 'paid',
    impUid: result.impUid,
    version: 1,
  });
  expect(result.transitions).toEqual(['paid']);
  expect(result.paidHandlerRuns).toBe(1);
  assertSettledOnce(result);
}

let work: string;
let tarball: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'nestjs-iamport-consumers-'));
  const output = await run(
    process.execPath,
    [path.join(root, 'scripts/build-package.mjs'), '--pack', work],
    root,
    180_000,
  );
  tarball = output.trim().split('\n').at(-1)!;
  expect(tarball).toMatch(/nestjs-iamport-\d+\.\d+\.\d+.*\.tgz$/);
}, 240_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe.each(CONSUMERS)('the packed package in $name', ({ name, format }) => {
  it('installs, type-checks, boots and settles one payment exactly once', async () => {
    const app = path.join(work, name);
    await mkdir(path.join(app, 'src'), { recursive: true });
    for (const file of ['package.json', 'package-lock.json', 'tsconfig.json'])
      await cp(path.join(here, name, file), path.join(app, file));
    for (const file of await readdir(path.join(here, 'shared')))
      if (file.endsWith('.ts'))
        await cp(path.join(here, 'shared', file), path.join(app, 'src', file));

    const tsconfig = JSON.parse(
      await readFile(path.join(app, 'tsconfig.json'), 'utf8'),
    ) as { compilerOptions: { skipLibCheck?: boolean } };
    expect(tsconfig.compilerOptions.skipLibCheck).toBe(false);

    await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball],
      app,
      180_000,
    );
    const lock = JSON.parse(
      await readFile(path.join(app, 'package-lock.json'), 'utf8'),
    ) as { packages: Record<string, { resolved?: string; link?: boolean }> };
    const installed = lock.packages['node_modules/nestjs-iamport'];
    expect(installed?.link).toBeUndefined();
    expect(installed?.resolved).toMatch(/\.tgz$/);

    // Its own tsc: type-check (skipLibCheck false) and, with no error, emit.
    await run(
      process.execPath,
      [
        path.join(app, 'node_modules/typescript/bin/tsc'),
        '-p',
        'tsconfig.json',
      ],
      app,
    );

    // The app loads the build of its own module format.
    const resolved = await run(
      process.execPath,
      format === 'cjs'
        ? [
            '-e',
            "console.log(require.resolve('nestjs-iamport'), require.resolve('nestjs-iamport/testing'))",
          ]
        : [
            '--input-type=module',
            '-e',
            "console.log(import.meta.resolve('nestjs-iamport'), import.meta.resolve('nestjs-iamport/testing'))",
          ],
      app,
    );
    expect(resolved).toContain(`nestjs-iamport/${format}/index.js`);
    expect(resolved).toContain(`nestjs-iamport/${format}/testing/index.js`);

    // 1. The app's own test, on `nestjs-iamport/testing`.
    const smoke = await run(process.execPath, ['dist/smoke.js'], app);
    const printed = smoke.trim().split('\n');
    expectSettledOnce(JSON.parse(printed.at(-1)!) as SettledPayment);
    // The same app settled a PortOne V2 payment first (signed webhooks, the V2 redirect).
    expectSettledOnce(
      (JSON.parse(printed.at(-2)!) as { v2: SettledPayment }).v2,
    );

    // 2. The simulator's command and the app as processes.
    const simulator = await startService(
      'npx',
      ['--no', 'nestjs-iamport-simulator'],
      app,
      { IAMPORT_SIM_PORT: '0' },
      /iamport simulator listening on (http:\/\/\S+)/,
    );
    try {
      const shop = await startService(
        process.execPath,
        ['dist/main.js'],
        app,
        { IAMPORT_API_BASE_URL: simulator.url, PORT: '0' },
        /shop listening on (http:\/\/\S+)/,
      );
      try {
        expectSettledOnce(await settleOnePayment(shop.url, simulator.url));
        expectSettledOnce(await settleOneV2Payment(shop.url, simulator.url));
      } finally {
        // The shop's own SIGTERM handler closes the app and exits 0.
        expect(await shop.stop(), shop.output()).toEqual({
          code: 0,
          signal: null,
        });
      }
    } finally {
      // npx itself dies of the signal; the simulator under it closes.
      await simulator.stop();
    }
    expect(simulator.output()).toContain('iamport simulator: SIGTERM, closing');
  }, 240_000);
});
