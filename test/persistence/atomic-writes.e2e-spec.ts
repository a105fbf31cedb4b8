import { randomUUID } from 'node:crypto';
import {
  NotOneRow,
  Sql,
  type Step,
} from '../../apps/sample/src/persistence/sql.js';
import { DATABASE_KINDS, freshDatabase } from '../support/databases.js';
import {
  type SampleApp,
  startSampleApp,
} from '../support/sample-app.fixture.js';
import { roundTripsDuring } from '../support/round-trips.js';

/**
 * `Sql.writeAtomically`, which the order's compare-and-set and the handler
 * journal go through, when many requests write at once: each write is all or
 * nothing on its own, on every database. On SQLite the writes asked for in
 * one turn of the event loop share one commit (each in a savepoint of its
 * own), so these cases also check that sharing changes nothing a caller can
 * see.
 */
describe.each(DATABASE_KINDS)('atomic writes at once on %s', (kind) => {
  let shop: SampleApp;
  let sql: Sql;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const database = await freshDatabase(kind);
    drop = () => database.drop();
    shop = await startSampleApp({ databaseUrl: database.url });
    sql = shop.app.get(Sql);
  });
  afterAll(async () => {
    await shop?.close();
    await drop?.();
  });

  async function product(): Promise<number> {
    return shop.productId({
      name: `product ${randomUUID()}`,
      amount: 1000,
      currency: 'KRW',
    });
  }

  async function priceOf(productId: number): Promise<number> {
    const { rows } = await sql.run<{ price: number | string }>(
      'SELECT price FROM products WHERE id = ?',
      [productId],
    );
    return Number(rows[0]?.price);
  }

  function raise(productId: number): Step {
    return {
      sql: 'UPDATE products SET price = price + 1 WHERE id = ?',
      values: [productId],
      oneRow: true,
    };
  }

  /** Sets the price only if it still is `from`: a compare-and-set. */
  function price(productId: number, from: number, to: number): Step {
    return {
      sql: 'UPDATE products SET price = ? WHERE id = ? AND price = ?',
      values: [to, productId, from],
      oneRow: true,
    };
  }

  const nothing: Step = {
    sql: 'UPDATE products SET price = price WHERE id = ?',
    values: [-1],
    oneRow: true,
  };

  it('fails a write alone, with nothing of it written, when others of the same moment succeed', async () => {
    const [first, second, third] = [
      await product(),
      await product(),
      await product(),
    ];
    const outcomes = await Promise.allSettled([
      sql.writeAtomically([raise(first)]),
      // Its first step wrote a row; the second finds none, so the first is undone too.
      sql.writeAtomically([raise(second), nothing]),
      sql.writeAtomically([raise(third), raise(third)]),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(
      NotOneRow,
    );
    expect([
      await priceOf(first),
      await priceOf(second),
      await priceOf(third),
    ]).toEqual([1001, 1000, 1002]);
  });

  it('lets one of two compare-and-sets of one row win, and the loser then reads the winner', async () => {
    const id = await product();
    const seen: number[] = [];
    const attempt = (to: number) =>
      sql.writeAtomically([price(id, 1000, to)]).then(
        () => 'won',
        async (error: unknown) => {
          expect(error).toBeInstanceOf(NotOneRow);
          // Told only once the winner's write is committed: reading now finds it.
          seen.push(await priceOf(id));
          return 'lost';
        },
      );
    const results = await Promise.all([attempt(2000), attempt(3000)]);
    expect([...results].sort()).toEqual(['lost', 'won']);
    const winner = results[0] === 'won' ? 2000 : 3000;
    expect(seen).toEqual([winner]);
    expect(await priceOf(id)).toBe(winner);
  });

  it('fails a write with a step the database refuses, and commits the others', async () => {
    const [first, second] = [await product(), await product()];
    const outcomes = await Promise.allSettled([
      sql.writeAtomically([raise(first)]),
      sql.writeAtomically([
        raise(second),
        { sql: 'UPDATE no_such_table SET price = 1 WHERE id = ?', values: [1] },
      ]),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
    ]);
    expect([await priceOf(first), await priceOf(second)]).toEqual([1001, 1000]);
  });

  if (kind !== 'sqlite') return;

  /** Counts the transactions begun on the app's connection while `work` runs. */
  async function transactionsDuring(work: () => Promise<unknown>) {
    const { statements } = await roundTripsDuring(sql.dataSource, work);
    return statements.filter((text) => text.startsWith('BEGIN')).length;
  }

  it('commits the writes of one turn of the event loop together, on SQLite', async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, () => product()));
    const begun = await transactionsDuring(() =>
      Promise.all(ids.map((id) => sql.writeAtomically([raise(id)]))),
    );
    expect(begun).toBe(1);
    expect(await Promise.all(ids.map(priceOf))).toEqual(ids.map(() => 1001));
    // Writes of later turns are transactions of their own.
    const one = await transactionsDuring(async () => {
      for (const id of ids.slice(0, 3)) await sql.writeAtomically([raise(id)]);
    });
    expect(one).toBe(3);
  });

  it('fails every write of a shared commit when the transaction itself ends, on SQLite', async () => {
    const [first, third] = [await product(), await product()];
    const outcomes = await Promise.allSettled([
      sql.writeAtomically([raise(first)]),
      // Ends the shared transaction, as a full disk or an I/O error would: the write before it
      // is gone too, and the one after it must not run outside a transaction.
      sql.writeAtomically([{ sql: 'ROLLBACK', values: [] }]),
      sql.writeAtomically([raise(third)]),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'rejected',
      'rejected',
      'rejected',
    ]);
    expect([await priceOf(first), await priceOf(third)]).toEqual([1000, 1000]);
    // The connection is usable again.
    await sql.writeAtomically([raise(first)]);
    expect(await priceOf(first)).toBe(1001);
  });
});
