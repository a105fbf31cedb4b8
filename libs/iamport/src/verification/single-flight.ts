/** Calls in flight by key: a caller that asks for a key already being worked on joins that call. */
export class SingleFlight<Value> {
  private readonly running = new Map<string, Promise<Value>>();

  /** The call in flight for `key`, or a new one from `start`; `shared` says the caller joined a running one. */
  join(
    key: string,
    start: () => Promise<Value>,
  ): { result: Promise<Value>; shared: boolean } {
    const running = this.running.get(key);
    if (running) return { result: running, shared: true };
    const result = start().finally(() => this.running.delete(key));
    this.running.set(key, result);
    return { result, shared: false };
  }
}
