import { DATABASE_KINDS, type DatabaseKind } from '../support/databases.js';

/** How big a run is, and which one to replay: read from the environment (see promise.e2e-spec.ts). */
export interface InvariantSettings {
  seed: number;
  /** Whether the seed was given (a replay) or drawn now. */
  seedGiven: boolean;
  /** fast-check path of one run to replay (its index); null: every run. */
  path: string | null;
  runs: number;
  scenarios: number;
  databases: DatabaseKind[];
  /** Let fast-check shrink a failing run (slow; meant for a replay). */
  shrink: boolean;
  /** Whether `timeout` faults may be drawn (each hit holds a lookup for the module's 5 s timeout). */
  timeouts: boolean;
  /** Share of the scenarios paid through PortOne V2, in percent (0: V1 only). */
  v2Percent: number;
  /** Write every order of every run to the report file, not only those with violations. */
  reportAll: boolean;
}

function wholeNumber(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} must be a whole number ≥ ${min}, got "${raw}"`);
  return value;
}

function percent(name: string, fallback: number): number {
  const value = wholeNumber(name, fallback, 0);
  if (value > 100)
    throw new Error(`${name} must be a percentage from 0 to 100, got ${value}`);
  return value;
}

export function readSettings(): InvariantSettings {
  const seedText = process.env.INVARIANT_SEED;
  const seedGiven = seedText !== undefined && seedText !== '';
  const seed = seedGiven
    ? Number(seedText)
    : (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0;
  if (!Number.isInteger(seed))
    throw new Error(`INVARIANT_SEED must be an integer, got "${seedText}"`);
  const path = process.env.INVARIANT_PATH || null;
  if (path !== null && !/^\d+(:\d+)*$/.test(path))
    throw new Error(
      `INVARIANT_PATH must be a fast-check path such as 3 or 3:0:1, got "${path}"`,
    );
  const databases = (
    process.env.INVARIANT_DATABASES || DATABASE_KINDS.join(',')
  )
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of databases)
    if (!DATABASE_KINDS.includes(name as DatabaseKind))
      throw new Error(
        `INVARIANT_DATABASES: unknown database "${name}" (${DATABASE_KINDS.join(', ')})`,
      );
  return {
    seed,
    seedGiven,
    path,
    runs: wholeNumber('INVARIANT_RUNS', 8),
    scenarios: wholeNumber('INVARIANT_SCENARIOS', 25),
    databases: databases as DatabaseKind[],
    shrink: process.env.INVARIANT_SHRINK === '1',
    timeouts: process.env.INVARIANT_TIMEOUT_FAULTS !== '0',
    v2Percent: percent('INVARIANT_V2_PERCENT', 30),
    reportAll: process.env.INVARIANT_REPORT_ALL === '1',
  };
}
