import type { Reporter, TestModule } from 'vitest/node';
import { findSecrets } from './secret-check.js';

/**
 * CI reads one plain line, not Vitest's coloured summary:
 * `tests: N passed, M failed`. A test file that fails to load has no tests;
 * it counts as one failure so that it can never pass silently.
 *
 * It also reads every log line the run's apps printed (`log-sink.ts`) for a
 * secret: a secret in any line is one more failure, reported with the line
 * (the secret masked).
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<unknown>,
  ): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    for (const testModule of testModules) {
      let testsInModule = 0;
      for (const test of testModule.children.allTests()) {
        testsInModule++;
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
      }
      if (testsInModule === 0 && testModule.state() === 'failed') failed++;
    }
    const directory = process.env.LOG_SINK_DIR;
    if (directory) {
      const { lines, findings } = findSecrets(directory);
      for (const finding of findings.slice(0, 20))
        process.stdout.write(
          `\nsecret in a log line (${finding.what}): ${finding.line}`,
        );
      if (findings.length > 0) {
        failed++;
        process.exitCode = 1;
      }
      process.stdout.write(
        `\nlog lines read for secrets: ${lines}, with a secret: ${findings.length}`,
      );
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed\n`);
  }
}
