import { rmSync } from 'node:fs';
import { join } from 'node:path';

/** Names this run's log directory (see `log-sink.ts`); workers inherit it. */
export default function setup(): void {
  const directory = join(
    process.cwd(),
    'test-artifacts',
    'logs',
    `run-${Date.now()}`,
  );
  process.env.LOG_SINK_DIR = directory;
  rmSync(directory, { recursive: true, force: true });
}
