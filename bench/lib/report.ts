import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `bench/results` in the repository (this file runs from `dist/bench/lib`). */
export const RESULTS_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'bench',
  'results',
);

/** A Markdown table; `align` per column: 'l' or 'r'. */
export function table(
  header: string[],
  rows: string[][],
  align: ('l' | 'r')[] = [],
): string {
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (align[i] === 'r' ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
  return lines.join('\n');
}

export function fixed(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value))
    return '–';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

export function mib(bytes: number | null | undefined): string {
  return bytes === null || bytes === undefined
    ? '–'
    : fixed(bytes / 1024 / 1024, 0);
}

export function ratio(a: number, b: number): number {
  return b > 0 ? a / b : Number.NaN;
}

/** Where and on what the numbers were taken. */
export interface Provenance {
  date: string;
  commit: string;
  node: string;
  cpus: string;
  memory: string;
}

export function provenance(): Provenance {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync(
      'git',
      ['status', '--porcelain', '--untracked-files=no', 'libs', 'apps'],
      { encoding: 'utf8' },
    ).trim();
    if (dirty) commit += ' (+ uncommitted changes in apps/ or libs/)';
  } catch {
    // not a git checkout
  }
  const cores = cpus();
  return {
    date: new Date().toISOString(),
    commit,
    node: process.version,
    cpus: `${cores.length} × ${cores[0]?.model.trim() ?? 'unknown CPU'}`,
    memory: `${Math.round(totalmem() / 1024 / 1024 / 1024)} GiB`,
  };
}

export function describeProvenance(p: Provenance): string {
  return `${p.date} · commit ${p.commit} · Node ${p.node} · ${p.cpus} · ${p.memory} RAM`;
}
