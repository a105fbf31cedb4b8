import type { VerificationWrite } from '../ports/order.repository.js';

/**
 * This instance's commits that are sent and not yet answered, by the versions
 * they expect (the order's and the payment record's), and those it wrote in
 * the last few seconds. A commit that expects a version another one of them
 * is writing waits for it: if that one was written, the version has moved on
 * and this commit could only lose its compare-and-set, so it is reported lost
 * (`false`) without being sent, and its caller reads again. Otherwise (that
 * one lost, or failed) it is sent. A commit that expects a version written a
 * moment ago is reported lost at once, for the same reason: versions only
 * move forward.
 *
 * The redirect and the webhook of one payment arrive together, share one
 * lookup and reach the same decision: without this, the second of their two
 * commits would wait on the first one's row lock only to find the order moved.
 * When they do not share the lookup, the second may still decide on a read
 * made before the first one's commit (reads start while PortOne is asked).
 * Nothing here decides who wins: the database's compare-and-set does, across
 * instances too; this only skips a statement whose failure is certain.
 */
export class CommitsInFlight {
  private readonly writing = new Map<string, Promise<boolean>>();
  /** Versions this instance moved past, with when (`now()`), oldest first. */
  private readonly written = new Map<string, number>();

  constructor(
    /** How long a written version is remembered; a read older than this only costs a statement. */
    private readonly rememberMs = 10_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async commit(
    write: VerificationWrite,
    send: (write: VerificationWrite) => Promise<boolean>,
  ): Promise<boolean> {
    const keys = expectedVersions(write);
    if (keys.some((key) => this.wasWritten(key))) return false;
    const waitedFor = new Set<Promise<boolean>>();
    for (;;) {
      const ahead = keys
        .map((key) => this.writing.get(key))
        .find((other) => other !== undefined && !waitedFor.has(other));
      if (ahead === undefined) break;
      waitedFor.add(ahead);
      // Stryker disable next-line ArrowFunction: undefined is false here too
      if (await ahead.catch(() => false)) return false;
    }
    const sent = send(write);
    for (const key of keys) this.writing.set(key, sent);
    try {
      const written = await sent;
      if (written) this.remember(keys);
      return written;
    } finally {
      // A commit waits for every commit in flight on its keys before it takes them over, so
      // these keys are still this commit's.
      for (const key of keys) this.writing.delete(key);
    }
  }

  /** Versions being written now (for tests and metrics). */
  get size(): number {
    return this.writing.size;
  }

  /** Written versions remembered now (for tests). */
  get remembered(): number {
    return this.written.size;
  }

  private wasWritten(key: string): boolean {
    const at = this.written.get(key) ?? -Infinity;
    return this.now() - at < this.rememberMs;
  }

  private remember(keys: string[]): void {
    const now = this.now();
    for (const key of keys) this.written.set(key, now);
    for (const [key, at] of this.written) {
      if (now - at < this.rememberMs) break;
      this.written.delete(key);
    }
  }
}

/** What `write`'s compare-and-set expects: the order at its version, the record at its version (0: none yet). */
function expectedVersions({ transition, record }: VerificationWrite): string[] {
  // Stryker disable next-line StringLiteral: any two different names keep orders and records apart
  const [ORDER, RECORD] = ['order', 'record'];
  const keys = [JSON.stringify([RECORD, record.impUid, record.version])];
  if (transition)
    keys.push(
      JSON.stringify([
        ORDER,
        transition.merchantUid,
        transition.expectedVersion,
      ]),
    );
  return keys;
}
