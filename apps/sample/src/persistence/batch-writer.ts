/**
 * Group commit: writes that arrive together (many requests at once) go to the
 * database as one statement, and each caller's promise settles only once its
 * own write is stored, so nothing is acknowledged before it is durable.
 */
export class BatchWriter<Item> {
  private pending: Array<{
    item: Item;
    resolve: () => void;
    reject: (error: unknown) => void;
  }> = [];
  private scheduled = false;

  constructor(
    private readonly write: (items: Item[]) => Promise<void>,
    private readonly maxBatch = 200,
  ) {}

  add(item: Item): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.maxBatch) {
        this.flush();
      } else if (!this.scheduled) {
        this.scheduled = true;
        // What other requests add during this turn of the event loop joins the same statement.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    this.write(batch.map((entry) => entry.item)).then(
      () => batch.forEach((entry) => entry.resolve()),
      (error: unknown) => batch.forEach((entry) => entry.reject(error)),
    );
  }
}
