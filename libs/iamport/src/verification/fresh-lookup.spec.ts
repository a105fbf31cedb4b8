import { FreshLookups } from './fresh-lookup.js';

/** A lookup the test ends by hand. */
interface Pending {
  key: string;
  resolve: (value: string) => void;
  reject: (error: Error) => void;
}

/** Starts lookups that stay in flight until the test resolves or rejects them, in order. */
function remote() {
  const started: Pending[] = [];
  const start = (key: string) => () =>
    new Promise<string>((resolve, reject) => {
      started.push({ key, resolve, reject });
    });
  return { started, start };
}

async function settled(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('FreshLookups', () => {
  it('starts a lookup at once for the first caller and hands it the answer', async () => {
    const lookups = new FreshLookups<string>();
    const { started, start } = remote();
    const first = lookups.lookup('imp_1', start('imp_1'));
    expect(started).toHaveLength(1);
    started[0].resolve('answer');
    await expect(first).resolves.toBe('answer');
  });

  it('never answers a caller with a lookup that started before it asked', async () => {
    const lookups = new FreshLookups<string>();
    const { started, start } = remote();
    const first = lookups.lookup('imp_1', start('imp_1'));
    const second = lookups.lookup('imp_1', start('imp_1'));
    // The second caller waits for the lookup in flight to end, then gets one of its own.
    expect(started).toHaveLength(1);
    started[0].resolve('before the refund');
    await expect(first).resolves.toBe('before the refund');
    await settled();
    expect(started).toHaveLength(2);
    started[1].resolve('after the refund');
    await expect(second).resolves.toBe('after the refund');
  });

  it('gives every caller that arrived during a lookup exactly one shared next lookup', async () => {
    const lookups = new FreshLookups<string>();
    const { started, start } = remote();
    const first = lookups.lookup('imp_1', start('imp_1'));
    const waiting = [
      lookups.lookup('imp_1', start('imp_1')),
      lookups.lookup('imp_1', start('imp_1')),
      lookups.lookup('imp_1', start('imp_1')),
    ];
    started[0].resolve('first');
    await first;
    await settled();
    expect(started).toHaveLength(2);
    started[1].resolve('next');
    await expect(Promise.all(waiting)).resolves.toEqual([
      'next',
      'next',
      'next',
    ]);
  });

  it('shares the next lookup with a caller that arrives the moment the current one ends', async () => {
    const lookups = new FreshLookups<string>();
    const { started, start } = remote();
    const first = lookups.lookup('imp_1', start('imp_1'));
    const second = lookups.lookup('imp_1', start('imp_1'));
    // Runs as soon as the first lookup ends, before the next one has started.
    let third: Promise<string> | undefined;
    void first.then(() => {
      third = lookups.lookup('imp_1', start('imp_1'));
    });
    started[0].resolve('first');
    await first;
    await settled();
    expect(started).toHaveLength(2);
    started[1].resolve('next');
    await expect(second).resolves.toBe('next');
    await expect(third).resolves.toBe('next');
  });

  it('starts a fresh lookup for a caller that comes after the last one ended', async () => {
    const lookups = new FreshLookups<string>();
    const { started, start } = remote();
    const first = lookups.lookup('imp_1', start('imp_1'));
    started[0].resolve('old');
    await first;
    await settled();
    const later = lookups.lookup('imp_1', start('imp_1'));
    expect(started).toHaveLength(2);
    started[1].resolve('new');
    await expect(later).resolves.toBe('new');
  });

  it('keeps keys apart: lookups of different payments run side by side', async () => {
    const lookups = new FreshLookups<string>();
    const { started, start } = remote();
    const one = lookups.lookup('imp_1', start('imp_1'));
    const two = lookups.lookup('imp_2', start('imp_2'));
    expect(started.map((p) => p.key)).toEqual(['imp_1', 'imp_2']);
    started[1].resolve('two');
    started[0].resolve('one');
    await expect(one).resolves.toBe('one');
    await expect(two).resolves.toBe('two');
  });

  it('rejects only the callers of the lookup that failed, and still runs the next one', async () => {
    const lookups = new FreshLookups<string>();
    const { started, start } = remote();
    const first = lookups.lookup('imp_1', start('imp_1'));
    const second = lookups.lookup('imp_1', start('imp_1'));
    started[0].reject(new Error('iamport timed out'));
    await expect(first).rejects.toThrow('iamport timed out');
    await settled();
    expect(started).toHaveLength(2);
    started[1].resolve('fresh');
    await expect(second).resolves.toBe('fresh');
  });

  it('rejects the callers of a failed next lookup, not the caller of the one before', async () => {
    const lookups = new FreshLookups<string>();
    const { started, start } = remote();
    const first = lookups.lookup('imp_1', start('imp_1'));
    const second = lookups.lookup('imp_1', start('imp_1'));
    const third = lookups.lookup('imp_1', start('imp_1'));
    started[0].resolve('first');
    await expect(first).resolves.toBe('first');
    await settled();
    started[1].reject(new Error('connection reset'));
    await expect(second).rejects.toThrow('connection reset');
    await expect(third).rejects.toThrow('connection reset');
  });

  it('answers a caller from the lookup in flight when that answer settles its question', async () => {
    const lookups = new FreshLookups<string>();
    const { started, start } = remote();
    const first = lookups.lookup('imp_1', start('imp_1'));
    const second = lookups.lookup(
      'imp_1',
      start('imp_1'),
      (value) => value === 'paid',
    );
    started[0].resolve('paid');
    await expect(first).resolves.toBe('paid');
    await expect(second).resolves.toBe('paid');
    expect(started).toHaveLength(1);
  });

  it('starts a fresh lookup for a caller whose question the answer in flight does not settle', async () => {
    const lookups = new FreshLookups<string>();
    const { started, start } = remote();
    const first = lookups.lookup('imp_1', start('imp_1'));
    const second = lookups.lookup(
      'imp_1',
      start('imp_1'),
      (value) => value === 'paid',
    );
    started[0].resolve('ready');
    await expect(first).resolves.toBe('ready');
    await settled();
    expect(started).toHaveLength(2);
    started[1].resolve('paid');
    await expect(second).resolves.toBe('paid');
  });

  it('starts a fresh lookup for such a caller when the lookup in flight fails', async () => {
    const lookups = new FreshLookups<string>();
    const { started, start } = remote();
    const first = lookups.lookup('imp_1', start('imp_1'));
    const second = lookups.lookup('imp_1', start('imp_1'), () => true);
    started[0].reject(new Error('iamport timed out'));
    await expect(first).rejects.toThrow('iamport timed out');
    await settled();
    expect(started).toHaveLength(2);
    started[1].resolve('fresh');
    await expect(second).resolves.toBe('fresh');
  });

  it('starts at once for a caller with a question when nothing is in flight', async () => {
    const lookups = new FreshLookups<string>();
    const { started, start } = remote();
    const only = lookups.lookup('imp_1', start('imp_1'), () => false);
    expect(started).toHaveLength(1);
    started[0].resolve('paid');
    await expect(only).resolves.toBe('paid');
  });

  it('frees the slot once nothing is in flight or waiting, after a success or a failure', async () => {
    const lookups = new FreshLookups<string>();
    const { started, start } = remote();
    expect(lookups.size).toBe(0);
    const first = lookups.lookup('imp_1', start('imp_1'));
    const second = lookups.lookup('imp_1', start('imp_1'));
    expect(lookups.size).toBe(1);
    started[0].resolve('first');
    await first;
    await settled();
    // The next lookup is in flight.
    expect(lookups.size).toBe(1);
    started[1].reject(new Error('down'));
    await expect(second).rejects.toThrow('down');
    await settled();
    expect(lookups.size).toBe(0);

    const third = lookups.lookup('imp_1', start('imp_1'));
    expect(lookups.size).toBe(1);
    started[2].resolve('third');
    await third;
    await settled();
    expect(lookups.size).toBe(0);
  });
});
