import { defineConfig } from 'vitest/config';

/**
 * The specs of the verification, reconciliation and preparation rules (and V2's
 * mapping and webhook reading, and how a stored event reads back), for Stryker
 * (`npm run test:mutation`): unit specs only, no server, no database. Kept
 * apart from vitest.config.ts on purpose: merging would append to its
 * `include` (every suite, e2e ones too) instead of replacing it.
 */
export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    globals: true,
    root: './',
    include: [
      'libs/iamport/src/verification/**/*.spec.ts',
      'libs/iamport/src/reconciliation/**/*.spec.ts',
      'libs/iamport/src/preparation/**/*.spec.ts',
      'libs/iamport/src/events/iamport-event.spec.ts',
      'libs/iamport/src/v2/portone-v2-payment.adapter.spec.ts',
      'libs/iamport/src/v2/portone-v2-verification.service.spec.ts',
      'libs/iamport/src/v2/http/*.spec.ts',
      'libs/iamport/src/http/strict-validation.pipe.spec.ts',
    ],
  },
});
