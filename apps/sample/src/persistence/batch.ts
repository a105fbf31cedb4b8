/**
 * What many requests ask of the database at once, sent as one statement:
 * the items that arrive in the same turn of the event loop become one batch,
 * and each caller's promise settles only once the batch is done, with its own
 * item's result (`run` answers one result per item, in order). Used for group
 * commit (writes that only record, acknowledged once stored) and for reads
 * (each caller gets the row of its own key, read after it asked).
 */
export class Batch<Item, Result = void> {
  private pending: Array<{
    item: Item;
    resolve: (result: Result) => void;
    reject: (error: unknown) => void;
  }> = [];
  private scheduled = false;

  constructor(
    private readonly run: (items: Item[]) => Promise<Result[] | void>,
    private readonly maxBatch = 200,
  ) {}

  add(item: Item): Promise<Result> {
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
    this.run(batch.map((entry) => entry.item)).then(
      (results) =>
        batch.forEach((entry, index) =>
          entry.resolve((results ? results[index] : undefined) as Result),
        ),
      (error: unknown) => batch.forEach((entry) => entry.reject(error)),
    );
  }
}
