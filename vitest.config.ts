import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    globals: true,
    root: './',
    include: ['{apps,libs}/**/*.spec.ts', 'test/**/*.e2e-spec.ts'],
    // Suites start real servers (simulator, apps, databases); give them room.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
    // Names the run's log directory, read for secrets at the end (test/support/log-sink.ts).
    globalSetup: ['./test/support/global-setup.ts'],
  },
});
