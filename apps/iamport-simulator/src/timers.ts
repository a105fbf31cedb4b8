/**
 * Every timer and outgoing request the simulator starts, so that close() and reset() can stop
 * them: a webhook retry is a minute away, and a closed simulator must not fire it.
 */
export class Timers {
  private readonly pending = new Map<NodeJS.Timeout, () => void>();
  private readonly aborters = new Set<() => void>();

  /** Resolves after `ms`; never resolves when cancelled. */
  delay(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => this.schedule(ms, resolve));
  }

  schedule(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      run();
    }, ms);
    this.pending.set(timer, run);
  }

  /** Registers an abort for an in-flight operation; returns its unregister function. */
  track(abort: () => void): () => void {
    this.aborters.add(abort);
    return () => this.aborters.delete(abort);
  }

  cancelAll(): void {
    for (const timer of this.pending.keys()) clearTimeout(timer);
    this.pending.clear();
    // Each abort unregisters itself; deleting from a Set while iterating it is safe.
    for (const abort of this.aborters) abort();
    this.aborters.clear();
  }
}
