import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropAll } from './databases.js';
import { killAllNow, stopAll } from './processes.js';

/**
 * Runs a benchmark script with a scratch directory, and stops every child
 * process and drops every database it made, whether it ends, throws, or is
 * interrupted (SIGINT, SIGTERM, SIGHUP). The scratch directory (logs, load
 * specs) is kept when the run failed, for the post-mortem, and removed otherwise.
 */
export async function runBenchmark(
  name: string,
  main: (workDirectory: string) => Promise<void>,
): Promise<void> {
  const workDirectory = mkdtempSync(join(tmpdir(), `iamport-${name}-`));
  let cleaning: Promise<void> | undefined;
  let interrupted = false;
  const cleanUp = () => {
    cleaning ??= (async () => {
      await stopAll().catch(() => killAllNow());
      await dropAll();
    })();
    return cleaning;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = true;
    console.error(
      `\n${name}: ${signal}, stopping children and dropping databases…`,
    );
    void cleanUp().finally(() => {
      rmSync(workDirectory, { recursive: true, force: true });
      process.exit(130);
    });
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.once(signal, onSignal);
  process.once('exit', killAllNow);
  let failed = false;
  try {
    await main(workDirectory);
  } catch (error) {
    failed = true;
    // Interrupted: the children were stopped under the running step; that is not news.
    if (interrupted) return;
    console.error(
      `${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    console.error(`logs kept in ${workDirectory}`);
    process.exitCode = 1;
  } finally {
    await cleanUp();
    if (!failed) rmSync(workDirectory, { recursive: true, force: true });
  }
}
