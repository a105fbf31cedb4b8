import { fc } from '@fast-check/vitest';
import type { VerificationWrite } from '../ports/order.repository.js';
import { CommitsInFlight } from './commits-in-flight.js';

function write(
  merchantUid: string | null,
  expectedVersion: number,
  impUid: string,
  recordVersion: number,
): VerificationWrite {
  return {
    transition: merchantUid
      ? ({
          merchantUid,
          expectedVersion,
          to: 'paid',
        } as VerificationWrite['transition'])
      : null,
    record: { impUid, version: recordVersion } as VerificationWrite['record'],
    event: null,
  };
}

/** A commit sent to the database, unanswered until the test answers it. */
interface Sent {
  answer: (written: boolean) => void;
  fail: (error: Error) => void;
}

function database() {
  const sent: Sent[] = [];
  const send = () =>
    new Promise<boolean>((answer, fail) => {
      sent.push({ answer, fail });
    });
  return { sent, send };
}

async function settled(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('CommitsInFlight', () => {
  it('sends a commit at once and answers what the database answered', async () => {
    const commits = new CommitsInFlight();
    const { sent, send } = database();
    const first = commits.commit(write('order_1', 3, 'imp_1', 0), send);
    expect(sent).toHaveLength(1);
    expect(commits.size).toBe(2);
    sent[0].answer(true);
    await expect(first).resolves.toBe(true);
    expect(commits.size).toBe(0);
  });

  it('reports lost, unsent, a commit of the same order at the same version once the first is written', async () => {
    const commits = new CommitsInFlight();
    const { sent, send } = database();
    const redirect = commits.commit(write('order_1', 3, 'imp_1', 0), send);
    const webhook = commits.commit(write('order_1', 3, 'imp_1', 0), send);
    await settled();
    expect(sent).toHaveLength(1);
    sent[0].answer(true);
    await expect(redirect).resolves.toBe(true);
    await expect(webhook).resolves.toBe(false);
    expect(sent).toHaveLength(1);
    expect(commits.size).toBe(0);
  });

  it.each([
    ['the order at the same version', write('order_1', 3, 'imp_2', 0)],
    ['the record at the same version', write('order_2', 0, 'imp_1', 0)],
    ['the record, with no order', write(null, 0, 'imp_1', 0)],
  ])('waits for and skips a commit that expects %s', async (_what, other) => {
    const commits = new CommitsInFlight();
    const { sent, send } = database();
    const first = commits.commit(write('order_1', 3, 'imp_1', 0), send);
    const second = commits.commit(other, send);
    await settled();
    sent[0].answer(true);
    await expect(first).resolves.toBe(true);
    await expect(second).resolves.toBe(false);
    expect(sent).toHaveLength(1);
  });

  it.each([
    ['lost its own race', (ahead: Sent) => ahead.answer(false)],
    ['failed', (ahead: Sent) => ahead.fail(new Error('connection lost'))],
  ])('sends the waiting commit when the one ahead %s', async (_how, end) => {
    const commits = new CommitsInFlight();
    const { sent, send } = database();
    const first = commits
      .commit(write('order_1', 3, 'imp_1', 0), send)
      .catch(() => 'failed');
    const second = commits.commit(write('order_1', 3, 'imp_1', 0), send);
    await settled();
    expect(sent).toHaveLength(1);
    end(sent[0]);
    await first;
    await settled();
    expect(sent).toHaveLength(2);
    sent[1].answer(true);
    await expect(second).resolves.toBe(true);
    expect(commits.size).toBe(0);
  });

  it('sends commits of other versions side by side', async () => {
    const commits = new CommitsInFlight();
    const { sent, send } = database();
    const all = [
      commits.commit(write('order_1', 3, 'imp_1', 0), send),
      commits.commit(write('order_1', 4, 'imp_2', 0), send),
      commits.commit(write('order_2', 3, 'imp_1', 1), send),
      commits.commit(write(null, 0, 'imp_3', 0), send),
      // An order and a record that happen to share an id and a version are still two things.
      commits.commit(write('same_id', 1, 'imp_4', 0), send),
      commits.commit(write(null, 0, 'same_id', 1), send),
    ];
    expect(sent).toHaveLength(6);
    for (const each of sent) each.answer(true);
    await expect(Promise.all(all)).resolves.toEqual(Array(6).fill(true));
    expect(commits.size).toBe(0);
  });

  describe('after a commit was answered', () => {
    /** A database that answers every commit at once. */
    const answering = (written: boolean) => {
      const sent: VerificationWrite[] = [];
      const send = (w: VerificationWrite) => {
        sent.push(w);
        return Promise.resolve(written);
      };
      return { sent, send };
    };

    it.each([
      ['the order at the same version', write('order_1', 3, 'imp_2', 0)],
      ['the record at the same version', write('order_2', 0, 'imp_1', 0)],
      ['the record, with no order', write(null, 0, 'imp_1', 0)],
    ])(
      'reports lost, unsent, a later commit that expects %s as one it wrote',
      async (_what, later) => {
        const commits = new CommitsInFlight();
        const { sent, send } = answering(true);
        await expect(
          commits.commit(write('order_1', 3, 'imp_1', 0), send),
        ).resolves.toBe(true);
        await expect(commits.commit(later, send)).resolves.toBe(false);
        expect(sent).toHaveLength(1);
      },
    );

    it('sends a later commit of the next versions', async () => {
      const commits = new CommitsInFlight();
      const { sent, send } = answering(true);
      await commits.commit(write('order_1', 3, 'imp_1', 0), send);
      await expect(
        commits.commit(write('order_1', 4, 'imp_1', 1), send),
      ).resolves.toBe(true);
      expect(sent).toHaveLength(2);
    });

    it('remembers nothing of a commit that lost or failed', async () => {
      const commits = new CommitsInFlight();
      const lost = answering(false);
      await commits.commit(write('order_1', 3, 'imp_1', 0), lost.send);
      await commits
        .commit(write('order_1', 3, 'imp_1', 0), () =>
          Promise.reject(new Error('connection lost')),
        )
        .catch(() => undefined);
      expect(commits.remembered).toBe(0);
      const { sent, send } = answering(true);
      await expect(
        commits.commit(write('order_1', 3, 'imp_1', 0), send),
      ).resolves.toBe(true);
      expect(sent).toHaveLength(1);
    });

    it('forgets a written version after rememberMs, and then sends a commit that expects it', async () => {
      let now = 1_000;
      const commits = new CommitsInFlight(500, () => now);
      const { sent, send } = answering(true);
      await commits.commit(write('order_1', 3, 'imp_1', 0), send);
      expect(commits.remembered).toBe(2);
      now = 1_499;
      await expect(
        commits.commit(write('order_1', 3, 'imp_2', 0), send),
      ).resolves.toBe(false);
      expect(sent).toHaveLength(1);
      now = 1_500;
      await expect(
        commits.commit(write('order_1', 3, 'imp_2', 0), send),
      ).resolves.toBe(true);
      expect(sent).toHaveLength(2);
      // The first commit's two versions have gone from memory, the second's stay.
      expect(commits.remembered).toBe(2);
    });

    it('keeps the versions written within rememberMs when it forgets older ones', async () => {
      let now = 0;
      const commits = new CommitsInFlight(500, () => now);
      const { send } = answering(true);
      await commits.commit(write('order_1', 1, 'imp_1', 0), send);
      now = 300;
      await commits.commit(write('order_2', 1, 'imp_2', 0), send);
      now = 600;
      await commits.commit(write('order_3', 1, 'imp_3', 0), send);
      expect(commits.remembered).toBe(4);
      await expect(
        commits.commit(write('order_2', 1, 'imp_9', 0), send),
      ).resolves.toBe(false);
    });
  });

  it('never reports lost a commit that could still be written, whatever the interleaving', async () => {
    const version = fc.integer({ min: 0, max: 2 });
    const attempt = fc.record({
      merchantUid: fc.constantFrom('order_1', 'order_2', null),
      expectedVersion: version,
      impUid: fc.constantFrom('imp_1', 'imp_2'),
      recordVersion: version,
      fails: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(attempt, { minLength: 1, maxLength: 8 }),
        async (s, attempts) => {
          // The database: the version of every order and record, moved by a compare-and-set.
          const versions = new Map<string, number>();
          const at = (key: string) => versions.get(key) ?? 0;
          const keysOf = (w: VerificationWrite) => [
            ...(w.transition
              ? [
                  [
                    `order:${w.transition.merchantUid}`,
                    w.transition.expectedVersion,
                  ] as const,
                ]
              : []),
            [`record:${w.record.impUid}`, w.record.version] as const,
          ];
          const writable = (w: VerificationWrite) =>
            keysOf(w).every(([key, expected]) => at(key) === expected);
          const commits = new CommitsInFlight();
          const outcomes = attempts.map(async (a) => {
            await s.schedule(Promise.resolve(), 'arrives');
            const w = write(
              a.merchantUid,
              a.expectedVersion,
              a.impUid,
              a.recordVersion,
            );
            let wasSent = false;
            const written = await commits
              .commit(w, async (sentWrite) => {
                wasSent = true;
                await s.schedule(Promise.resolve(), 'answered');
                if (a.fails) throw new Error('connection lost');
                if (!writable(sentWrite)) return false;
                for (const [key] of keysOf(sentWrite))
                  versions.set(key, at(key) + 1);
                return true;
              })
              .catch(() => null);
            // Unsent, it is lost only if the database would refuse it now (versions never go back).
            if (!wasSent) {
              expect(written).toBe(false);
              expect(writable(w)).toBe(false);
            }
            return written;
          });
          await s.waitFor(Promise.all(outcomes));
          expect(commits.size).toBe(0);
        },
      ),
    );
  });
});
