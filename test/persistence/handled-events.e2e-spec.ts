import type { IamportPaymentEvent } from 'nestjs-iamport';
import { randomUUID } from 'node:crypto';
import { HandledEvents } from '../../apps/sample/src/fulfilment/handled-events.js';
import {
  GroupCommit,
  type WriteKind,
} from '../../apps/sample/src/persistence/group-commit.js';
import { Sql, type Statement } from '../../apps/sample/src/persistence/sql.js';
import { DATABASE_KINDS, freshDatabase } from '../support/databases.js';
import {
  type SampleApp,
  startSampleApp,
} from '../support/sample-app.fixture.js';

/**
 * The sample's handler journal and group commit on each database (on
 * PostgreSQL and MariaDB each is one statement): a handler's work runs once
 * per event however often it is delivered, together with its journal row or
 * not at all; the writes of one group commit are all stored.
 */
describe.each(DATABASE_KINDS)(
  'handled events and group commits on %s',
  (kind) => {
    let shop: SampleApp;
    let handled: HandledEvents;
    let groupCommit: GroupCommit;
    let sql: Sql;
    let drop: () => Promise<void>;
    beforeAll(async () => {
      const database = await freshDatabase(kind);
      drop = () => database.drop();
      shop = await startSampleApp({ databaseUrl: database.url });
      handled = shop.app.get(HandledEvents);
      groupCommit = shop.app.get(GroupCommit);
      sql = shop.app.get(Sql);
    });
    afterAll(async () => {
      await shop?.close();
      await drop?.();
    });

    /** A product of its own, whose price the work below raises by 1. */
    async function counter(): Promise<number> {
      return shop.productId({
        name: `counter ${randomUUID()}`,
        amount: 1000,
        currency: 'KRW',
      });
    }

    async function priceOf(productId: number): Promise<number> {
      const { rows } = await sql.run<{ price: number | string }>(
        'SELECT price FROM products WHERE id = ?',
        [productId],
      );
      return Number(rows[0]?.price);
    }

    function raise(productId: number): Statement {
      return {
        sql: 'UPDATE products SET price = price + 1 WHERE id = ?',
        values: [productId],
      };
    }

    function eventFor(merchantUid = `o-${randomUUID().slice(0, 8)}`) {
      return {
        id: randomUUID(),
        type: 'paid',
        merchantUid,
      } as IamportPaymentEvent;
    }

    async function journal(event: IamportPaymentEvent) {
      const { rows } = await sql.run<{ handler: string; deliveries: number }>(
        'SELECT handler, deliveries FROM handled_events WHERE event_id = ?',
        [event.id],
      );
      return rows.map((row) => ({
        ...row,
        deliveries: Number(row.deliveries),
      }));
    }

    it('runs the work once per event and handler, and counts every delivery', async () => {
      const product = await counter();
      const event = eventFor();
      await expect(handled.once(event, 'ship', raise(product))).resolves.toBe(
        true,
      );
      await expect(handled.once(event, 'ship', raise(product))).resolves.toBe(
        false,
      );
      // Another handler of the same event is journalled on its own.
      await expect(handled.once(event, 'audit', null)).resolves.toBe(true);
      expect(await priceOf(product)).toBe(1001);
      expect(
        (await journal(event)).sort((a, b) =>
          a.handler.localeCompare(b.handler),
        ),
      ).toEqual([
        { handler: 'audit', deliveries: 1 },
        { handler: 'ship', deliveries: 2 },
      ]);
    });

    it('journals nothing when the work fails, so that the next delivery runs it', async () => {
      const product = await counter();
      const event = eventFor();
      await expect(
        handled.once(event, 'ship', {
          sql: 'UPDATE no_such_table SET price = 1 WHERE id = ?',
          values: [product],
        }),
      ).rejects.toThrow();
      expect(await journal(event)).toEqual([]);
      await expect(handled.once(event, 'ship', raise(product))).resolves.toBe(
        true,
      );
      expect(await priceOf(product)).toBe(1001);
    });

    it('runs the work once when the same event is delivered many times at once', async () => {
      const product = await counter();
      const event = eventFor();
      const firsts = await Promise.all(
        Array.from({ length: 8 }, () =>
          handled.once(event, 'ship', raise(product)),
        ),
      );
      expect(firsts.filter(Boolean)).toHaveLength(1);
      expect(await priceOf(product)).toBe(1001);
      expect(await journal(event)).toEqual([
        { handler: 'ship', deliveries: 8 },
      ]);
    });

    it('stores every write of one group commit, of several kinds at once', async () => {
      const [first, second, third] = [
        await counter(),
        await counter(),
        await counter(),
      ];
      const raising: WriteKind<number> = {
        statement: (ids) => ({
          sql: `UPDATE products SET price = price + 1 WHERE id IN ${Sql.list(ids.length)}`,
          values: ids,
        }),
      };
      const renaming: WriteKind<number> = {
        statement: (ids) => ({
          sql: `UPDATE products SET name = 'renamed' WHERE id IN ${Sql.list(ids.length)}`,
          values: ids,
        }),
      };
      // Added in the same turn of the event loop: one batch. (Kinds write rows of their own: on
      // PostgreSQL the batch is one statement, where two updates of one row keep only one.)
      await Promise.all([
        groupCommit.add(raising, first),
        groupCommit.add(raising, second),
        groupCommit.add(renaming, third),
      ]);
      expect([await priceOf(first), await priceOf(second)]).toEqual([
        1001, 1001,
      ]);
      const { rows } = await sql.run<{ name: string }>(
        'SELECT name FROM products WHERE id = ?',
        [third],
      );
      expect(rows[0]?.name).toBe('renamed');
    });
  },
);
