import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { findSecrets } from './secret-check.js';

/**
 * CI reads one plain line, not Vitest's coloured summary:
 * `tests: N passed, M failed`. A test file that fails to load has no tests;
 * it counts as one failure so that it can never pass silently. A test that
 * never ran because a hook of its suite failed (a `beforeAll` that could not
 * start what it needs) is reported skipped by Vitest: it counts as failed, and
 * a file that failed with none of its tests failed (a hook after them threw)
 * as one failure.
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
      let failedInModule = 0;
      for (const test of testModule.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (
          state === 'failed' ||
          (state === 'skipped' && underFailedSuite(test))
        )
          failedInModule++;
      }
      if (failedInModule === 0 && testModule.state() === 'failed')
        failedInModule = 1;
      failed += failedInModule;
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

/** Meant to run (not `it.skip` or `it.todo`), and inside a suite or file that failed. */
function underFailedSuite(test: TestCase): boolean {
  if (test.options.mode === 'skip' || test.options.mode === 'todo')
    return false;
  for (let parent = test.parent; ; parent = parent.parent) {
    if (parent.state() === 'failed') return true;
    if (parent.type === 'module') return false;
  }
}
