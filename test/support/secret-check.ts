import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SIMULATOR_SECRET } from '../../apps/sample/src/config.js';
import { TEST_ADMIN_TOKEN } from './priced-orders.js';

/** What must never appear in a log line: the REST API secret, the admin token, an access token. */
const SECRETS: ReadonlyArray<[string, RegExp]> = [
  ['the iamport REST API secret', new RegExp(SIMULATOR_SECRET)],
  ['the admin token', new RegExp(TEST_ADMIN_TOKEN)],
  // The simulator issues access tokens of 40 hex digits (apps/iamport-simulator/src/state/token-store.ts).
  ['an iamport access token', /(?<![0-9a-f])[0-9a-f]{40}(?![0-9a-f])/],
];

export interface SecretFinding {
  what: string;
  /** Where it was, with the secret itself masked. */
  line: string;
}

/** Reads every log line the run wrote to `directory` and returns each secret found. */
export function findSecrets(directory: string): {
  lines: number;
  findings: SecretFinding[];
} {
  if (!existsSync(directory)) return { lines: 0, findings: [] };
  let lines = 0;
  const findings: SecretFinding[] = [];
  for (const file of readdirSync(directory)) {
    for (const line of readFileSync(join(directory, file), 'utf8').split(
      '\n',
    )) {
      if (line.length === 0) continue;
      lines++;
      for (const [what, pattern] of SECRETS) {
        if (pattern.test(line))
          findings.push({
            what,
            line: line
              .replace(new RegExp(pattern, 'g'), '<masked>')
              .slice(0, 300),
          });
      }
    }
  }
  return { lines, findings };
}
