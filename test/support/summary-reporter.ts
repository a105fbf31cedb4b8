import type { Reporter, TestModule } from 'vitest/node';

/**
 * CI reads one plain line, not Vitest's coloured summary:
 * `tests: N passed, M failed`. A test file that fails to load has no tests;
 * it counts as one failure so that it can never pass silently.
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
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed\n`);
  }
}
