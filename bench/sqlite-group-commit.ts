/**
 * `npm run bench:sqlite-group-commit [-- --n=10000 --rounds=3 --batches=1,2,4,8,16,32]`
 *
 * What the writes of a first webhook cost the shop's one event loop on SQLite
 * when the writes of several requests share one commit, as the sample's
 * `Sql.writeAtomically` does with the writes asked for in one turn of the
 * event loop: one transaction per batch, each request's write in a savepoint
 * of its own (a batch of one has no savepoint). Each payment makes the
 * compare-and-set's transaction and the handler's (`bench/lib/sqlite-shop.ts`),
 * so a batch of `b` payments is two commits instead of `2 × b`. SQLite checkpoints
 * as by default (in the commit that fills the WAL), the same for every batch
 * size. Rounds alternate, to even out a machine that changes speed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Args } from './lib/args.js';
import {
  describeProvenance,
  fixed,
  provenance,
  RESULTS_DIR,
  table,
} from './lib/report.js';
import { openShop, type Transaction } from './lib/sqlite-shop.js';

/** Milliseconds inside the transactions per 1,000 payments. */
function round(batch: number, payments: number): number {
  const directory = mkdtempSync(join(tmpdir(), 'iamport-group-commit-'));
  const { database, insertOrder, commit, handle } = openShop(
    join(directory, 'shop.sqlite'),
  );
  for (let payment = 0; payment < payments; payment++)
    insertOrder.run(`order-${payment}`);
  // What `commitSqliteWrites` does: one transaction, a savepoint per write, a failed one rolled
  // back alone (none fails here).
  const together = (write: Transaction) =>
    database.transaction((uids: string[]) => {
      for (const uid of uids) write(uid);
    });
  const commits = together(commit);
  const handles = together(handle);
  let inside = 0n;
  for (let first = 0; first < payments; first += batch) {
    const uids = Array.from(
      { length: Math.min(batch, payments - first) },
      (_, index) => `order-${first + index}`,
    );
    const start = process.hrtime.bigint();
    if (uids.length === 1) {
      commit.immediate(uids[0]!);
      handle.immediate(uids[0]!);
    } else {
      commits.immediate(uids);
      handles.immediate(uids);
    }
    inside += process.hrtime.bigint() - start;
  }
  database.close();
  rmSync(directory, { recursive: true, force: true });
  return (Number(inside) / 1e6 / payments) * 1000;
}

function main(): void {
  const args = new Args(process.argv.slice(2), ['n', 'rounds', 'batches']);
  const payments = args.number('n', 10_000);
  const rounds = args.number('rounds', 3);
  const batches = args.numbers('batches', [1, 2, 4, 8, 16, 32]);
  for (const batch of batches) round(batch, 500);
  const results = new Map<number, number[]>(batches.map((b) => [b, []]));
  for (let index = 0; index < rounds; index++)
    for (const batch of batches)
      results.get(batch)!.push(round(batch, payments));

  const mean = (batch: number) =>
    results.get(batch)!.reduce((sum, value) => sum + value, 0) / rounds;
  const report = [
    '# SQLite: the writes of a first webhook, by how many share a commit',
    '',
    `${describeProvenance(provenance())}. \`npm run bench:sqlite-group-commit\`: ${fixed(payments)} payments a round (two transactions each: the compare-and-set's and the handler's), ${rounds} rounds per batch size, alternating; WAL and \`synchronous = NORMAL\` as in the sample, on a file in ${tmpdir()}.`,
    '',
    table(
      [
        'payments per commit',
        'ms in transactions per 1,000 payments, each round',
        'mean',
        '÷ one per commit',
      ],
      batches.map((batch) => [
        String(batch),
        results
          .get(batch)!
          .map((value) => fixed(value))
          .join(' / '),
        fixed(mean(batch)),
        fixed(mean(batch) / mean(batches[0]!), 2),
      ]),
      ['r', 'r', 'r', 'r'],
    ),
    '',
  ].join('\n');
  const out = join(RESULTS_DIR, 'sqlite-group-commit.md');
  writeFileSync(out, report);
  console.log(report);
  console.log(`written: ${out}`);
}

main();
