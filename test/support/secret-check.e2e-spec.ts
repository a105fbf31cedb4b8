import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIMULATOR_SECRET } from '../../apps/sample/src/config.js';
import { TEST_ADMIN_TOKEN } from './priced-orders.js';
import { findSecrets } from './secret-check.js';

/** The end-of-run check (summary-reporter.ts) must be able to fail: it finds each kind of secret, masked. */
describe('the log check for secrets', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'secret-check-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('finds the REST API secret, the admin token and an access token, and masks them', () => {
    const token = 'a'.repeat(8) + '0123456789abcdef0123456789abcdef';
    writeFileSync(
      join(directory, '1.log'),
      [
        'app-1\tlog order_0123456789abcdef01234567: paid by imp_123456789012',
        `app-1\terror getToken {"imp_secret":"${SIMULATOR_SECRET}"}`,
        `in-process\twarn Authorization: Bearer ${TEST_ADMIN_TOKEN}`,
        `in-process\tdebug Authorization: ${token}`,
        '',
      ].join('\n'),
    );
    const { lines, findings } = findSecrets(directory);
    expect(lines).toBe(4);
    expect(findings.map((finding) => finding.what)).toEqual([
      'the iamport REST API secret',
      'the admin token',
      'an iamport access token',
    ]);
    for (const finding of findings) {
      expect(finding.line).toContain('<masked>');
      expect(finding.line).not.toContain(SIMULATOR_SECRET);
      expect(finding.line).not.toContain(TEST_ADMIN_TOKEN);
      expect(finding.line).not.toContain(token);
    }
  });

  it('passes lines without a secret: merchant_uids (24 hex digits) and imp_uids are not tokens', () => {
    writeFileSync(
      join(directory, '2.log'),
      'app-2\tlog order_0123456789abcdef01234567: paid (pending → paid) by imp_123456789012, from the webhook, in 12 ms\n',
    );
    expect(findSecrets(directory)).toEqual({ lines: 1, findings: [] });
  });
});
