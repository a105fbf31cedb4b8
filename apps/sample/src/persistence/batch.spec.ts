import { Batch } from './batch.js';

describe('Batch', () => {
  it('runs what arrives in the same turn as one batch, and settles each caller after it', async () => {
    const batches: number[][] = [];
    const writer = new Batch<number>(async (items) => {
      batches.push(items);
    });
    await Promise.all([1, 2, 3].map((item) => writer.add(item)));
    await writer.add(4);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('splits at the largest batch', async () => {
    const batches: number[][] = [];
    const writer = new Batch<number>(async (items) => {
      batches.push(items);
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((item) => writer.add(item)));
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("answers each caller with its own item's result", async () => {
    const reader = new Batch<number, string>(async (items) =>
      items.map((item) => `row ${item}`),
    );
    expect(
      await Promise.all([3, 1, 2].map((item) => reader.add(item))),
    ).toEqual(['row 3', 'row 1', 'row 2']);
  });

  it('rejects every caller of a batch that failed', async () => {
    const writer = new Batch<number>(() =>
      Promise.reject(new Error('disk full')),
    );
    const results = await Promise.allSettled([writer.add(1), writer.add(2)]);
    expect(results.map((result) => result.status)).toEqual([
      'rejected',
      'rejected',
    ]);
  });
});
