import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every log line the suites' apps print (in-process loggers and child
 * processes alike) is also appended to `test-artifacts/logs/<run>/<pid>.log`,
 * so that the run's end can read all of them for secrets (see
 * `secret-check.ts`). `npm test` names the run in `LOG_SINK_DIR` (the Vitest
 * global setup); without it, nothing is written.
 */
export function sinkLogLines(source: string, text: string): void {
  const directory = process.env.LOG_SINK_DIR;
  if (!directory || text.length === 0) return;
  mkdirSync(directory, { recursive: true });
  const lines = text.endsWith('\n') ? text : `${text}\n`;
  appendFileSync(
    join(directory, `${process.pid}.log`),
    lines
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => `${source}\t${line}\n`)
      .join(''),
  );
}
