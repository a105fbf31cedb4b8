interface Slot<Value> {
  current: Promise<Value>;
  /** The lookup that starts once `current` ends, shared by everyone who asked meanwhile. */
  next: Promise<Value> | null;
}

/**
 * Lookups by key, shared only where sharing gives the caller a fresh answer:
 * a caller never gets the result of a lookup that started before it asked
 * (a cancellation webhook must not be answered with what iamport said before
 * the refund). Callers arriving while a lookup is in flight share the next one.
 */
export class FreshLookups<Value> {
  private readonly slots = new Map<string, Slot<Value>>();

  /**
   * With `answers`, a caller arriving while a lookup is in flight takes that
   * lookup's result when `answers(result)` holds (the caller's question is
   * one an older answer can settle), and otherwise a fresh one.
   */
  lookup(
    key: string,
    start: () => Promise<Value>,
    answers?: (value: Value) => boolean,
  ): Promise<Value> {
    const slot = this.slots.get(key);
    if (!slot) return this.begin(key, start);
    if (answers)
      return slot.current.then(
        (value) => (answers(value) ? value : this.lookup(key, start)),
        () => this.lookup(key, start),
      );
    slot.next ??= slot.current
      .then(ignore, ignore)
      .then(() => this.begin(key, start));
    return slot.next;
  }

  /** Lookups in flight or waiting (for tests and metrics). */
  get size(): number {
    return this.slots.size;
  }

  private begin(key: string, start: () => Promise<Value>): Promise<Value> {
    const slot: Slot<Value> = { current: start(), next: null };
    this.slots.set(key, slot);
    const end = () => {
      if (this.slots.get(key) === slot && slot.next === null)
        this.slots.delete(key);
    };
    slot.current.then(end, end);
    return slot.current;
  }
}

function ignore(): void {}
