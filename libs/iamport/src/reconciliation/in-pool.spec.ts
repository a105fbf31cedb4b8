import { inPool } from './in-pool.js';

/** Work that stays in flight until the test lets it finish; tracks how many run at once. */
function gatedWork() {
  const started: number[] = [];
  const release: Array<() => void> = [];
  let inFlight = 0;
  let mostAtOnce = 0;
  const work = (item: number) =>
    new Promise<void>((resolve) => {
      if (started.length > 100) throw new Error('ran past the items');
      started.push(item);
      inFlight++;
      mostAtOnce = Math.max(mostAtOnce, inFlight);
      release.push(() => {
        inFlight--;
        resolve();
      });
    });
  return {
    work,
    started,
    release,
    get mostAtOnce() {
      return mostAtOnce;
    },
  };
}

async function settled(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** Lets every started item finish until the pool is done. */
async function drain(
  gate: ReturnType<typeof gatedWork>,
  done: Promise<void>,
): Promise<void> {
  let finished = false;
  void done.then(() => (finished = true));
  while (!finished) {
    gate.release.shift()?.();
    await settled();
  }
}

describe('inPool', () => {
  it('runs every item exactly once, starting them in order', async () => {
    const gate = gatedWork();
    const done = inPool([1, 2, 3, 4, 5], 2, gate.work);
    await drain(gate, done);
    expect(gate.started).toEqual([1, 2, 3, 4, 5]);
  });

  it('runs exactly `concurrency` items at once while there are more', async () => {
    const gate = gatedWork();
    const done = inPool([1, 2, 3, 4, 5, 6, 7], 3, gate.work);
    await settled();
    expect(gate.started).toEqual([1, 2, 3]);
    gate.release[0]();
    gate.release.shift();
    await settled();
    // The one that finished made room for exactly one more.
    expect(gate.started).toEqual([1, 2, 3, 4]);
    await drain(gate, done);
    expect(gate.mostAtOnce).toBe(3);
  });

  it('runs all items at once when there are fewer than `concurrency`', async () => {
    const gate = gatedWork();
    const done = inPool([1, 2], 8, gate.work);
    await settled();
    expect(gate.started).toEqual([1, 2]);
    await drain(gate, done);
  });

  it('still runs the items one at a time with a concurrency below 1', async () => {
    for (const concurrency of [0, -3]) {
      const gate = gatedWork();
      const done = inPool([1, 2, 3], concurrency, gate.work);
      await drain(gate, done);
      expect(gate.started).toEqual([1, 2, 3]);
      expect(gate.mostAtOnce).toBe(1);
    }
  });

  it('does nothing for no items', async () => {
    const work = vi.fn(() => Promise.resolve());
    await inPool([], 4, work);
    expect(work).not.toHaveBeenCalled();
  });

  it('waits for every item before it resolves', async () => {
    const gate = gatedWork();
    let finished = false;
    const done = inPool([1, 2, 3], 2, gate.work).then(() => (finished = true));
    gate.release.shift()?.();
    gate.release.shift()?.();
    await settled();
    expect(finished).toBe(false);
    gate.release.shift()?.();
    await done;
    expect(finished).toBe(true);
  });

  it('rejects when a piece of work fails', async () => {
    await expect(
      inPool([1, 2, 3], 2, (item) =>
        item === 2 ? Promise.reject(new Error('boom')) : Promise.resolve(),
      ),
    ).rejects.toThrow('boom');
  });
});
