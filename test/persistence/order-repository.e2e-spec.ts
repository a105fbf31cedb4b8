import type {
  IamportOrder,
  OrderTransition,
  OutboxEvent,
  PaymentRecord,
  VerificationWrite,
} from 'nestjs-iamport';
import { randomUUID } from 'node:crypto';
import { TypeOrmOrderRepository } from '../../apps/sample/src/persistence/typeorm-order.repository.js';
import { Sql } from '../../apps/sample/src/persistence/sql.js';
import { DATABASE_KINDS, freshDatabase } from '../support/databases.js';
import { roundTripsDuring } from '../support/round-trips.js';
import {
  type SampleApp,
  startSampleApp,
} from '../support/sample-app.fixture.js';

/**
 * The sample's order port on each database, against the port's contract:
 * `commit` writes the move, the record and the event all or nothing, each a
 * compare-and-set (on PostgreSQL and MariaDB one statement, on SQLite a
 * transaction).
 */
describe.each(DATABASE_KINDS)('TypeOrmOrderRepository on %s', (kind) => {
  let shop: SampleApp;
  let orders: TypeOrmOrderRepository;
  let sql: Sql;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const database = await freshDatabase(kind);
    drop = () => database.drop();
    shop = await startSampleApp({ databaseUrl: database.url });
    orders = shop.app.get(TypeOrmOrderRepository);
    sql = shop.app.get(Sql);
  });
  afterAll(async () => {
    await shop?.close();
    await drop?.();
  });

  function newImpUid(): string {
    return `imp_${randomUUID().slice(0, 12)}`;
  }

  async function pendingOrder(): Promise<IamportOrder> {
    const { merchant_uid } = await shop.createOrder({ amount: 12_000 });
    return (await orders.findByMerchantUid(merchant_uid))!;
  }

  function paid(order: IamportOrder, impUid: string): OrderTransition {
    return {
      merchantUid: order.merchantUid,
      expectedVersion: order.version,
      to: 'paid',
      impUid,
      paidAt: new Date(),
      failedAt: null,
      cancelledAt: null,
      cancelledAmount: 0,
      virtualAccount: null,
      reason: null,
    };
  }

  function record(
    order: IamportOrder,
    impUid: string,
    version = 0,
  ): PaymentRecord {
    return {
      impUid,
      merchantUid: order.merchantUid,
      amount: order.amount,
      cancelledAmount: 0,
      currency: 'KRW',
      status: 'paid',
      disposition: 'settles_order',
      reason: 'paid in full',
      version,
    };
  }

  function event(order: IamportOrder, impUid: string): OutboxEvent {
    return {
      id: randomUUID(),
      type: 'paid',
      merchantUid: order.merchantUid,
      impUid,
      payload: '{}',
      createdAt: new Date(),
    };
  }

  async function eventsOf(merchantUid: string): Promise<number> {
    const { rows } = await sql.run<{ count: number | string }>(
      'SELECT COUNT(*) AS count FROM iamport_outbox WHERE merchant_uid = ?',
      [merchantUid],
    );
    return Number(rows[0].count);
  }

  it('writes the move, the record and the event together, once', async () => {
    const order = await pendingOrder();
    const impUid = newImpUid();
    const write: VerificationWrite = {
      transition: paid(order, impUid),
      record: record(order, impUid),
      event: event(order, impUid),
    };
    expect(await orders.commit(write)).toBe(true);
    // The same decision again (a second instance that read the same versions): nothing written.
    expect(await orders.commit({ ...write, event: event(order, impUid) })).toBe(
      false,
    );

    const found = await orders.findOrderAndRecord(order.merchantUid, impUid);
    expect(found.order).toMatchObject({
      status: 'paid',
      impUid,
      version: order.version + 1,
    });
    expect(found.record).toMatchObject({ impUid, version: 1 });
    expect(await eventsOf(order.merchantUid)).toBe(1);
  });

  it('rolls back only its own writes when it loses: what other requests write meanwhile stays', async () => {
    const order = await pendingOrder();
    const winner = newImpUid();
    expect(
      await orders.commit({
        transition: paid(order, winner),
        record: record(order, winner),
        event: event(order, winner),
      }),
    ).toBe(true);
    const productId = await shop.productId({
      name: `counter ${randomUUID()}`,
      amount: 1000,
      currency: 'KRW',
    });
    // Decisions made on the order as it was before the winner's move, each losing its race, while
    // other requests write: on SQLite, one connection per process serves all of them.
    const losers = Array.from({ length: 20 }, () => {
      const impUid = newImpUid();
      return orders.commit({
        transition: paid(order, impUid),
        record: record(order, impUid),
        event: event(order, impUid),
      });
    });
    // Spread over the microtasks in which the losers are between their statements (a transaction
    // on SQLite runs within one turn of the event loop: only promise chains can fall inside it).
    const others = Array.from({ length: 20 }, async (_, index) => {
      for (let hop = 0; hop < index * 3; hop++) await Promise.resolve();
      return sql.run('UPDATE products SET price = price + 1 WHERE id = ?', [
        productId,
      ]);
    });
    const [lost] = await Promise.all([
      Promise.all(losers),
      Promise.all(others),
    ]);
    expect(lost).toEqual(Array.from({ length: 20 }, () => false));
    const { rows } = await sql.run<{ price: number | string }>(
      'SELECT price FROM products WHERE id = ?',
      [productId],
    );
    expect(Number(rows[0]?.price)).toBe(1020);
    expect(await eventsOf(order.merchantUid)).toBe(1);
  });

  it('stores PortOne V2 keys: a 64-character transactionId, and a 200-character paymentId of an unknown order', async () => {
    const order = await pendingOrder();
    const transactionId = `tx-${'7'.repeat(61)}`;
    expect(
      await orders.commit({
        transition: paid(order, transactionId),
        record: record(order, transactionId),
        event: event(order, transactionId),
      }),
    ).toBe(true);
    expect(
      (await orders.findOrderAndRecord(order.merchantUid, transactionId))
        .record,
    ).toMatchObject({ impUid: transactionId });
    const stranger = `payment-of-another-integration-${'x'.repeat(169)}`;
    const unknown = { ...order, merchantUid: stranger };
    const otherTransaction = `tx-${randomUUID()}`;
    expect(
      await orders.commit({
        transition: null,
        record: {
          ...record(unknown, otherTransaction),
          disposition: 'flagged',
        },
        event: null,
      }),
    ).toBe(true);
    expect(await orders.findPaymentRecord(otherTransaction)).toMatchObject({
      merchantUid: stranger,
    });
  });

  it('undoes the move when the record was written by someone else meanwhile', async () => {
    const order = await pendingOrder();
    const impUid = newImpUid();
    // Another instance recorded the payment (without moving the order) after our read.
    expect(
      await orders.commit({
        transition: null,
        record: record(order, impUid),
        event: null,
      }),
    ).toBe(true);
    expect(
      await orders.commit({
        transition: paid(order, impUid),
        record: record(order, impUid),
        event: event(order, impUid),
      }),
    ).toBe(false);
    const found = await orders.findOrderAndRecord(order.merchantUid, impUid);
    expect(found.order).toMatchObject({
      status: 'pending',
      version: order.version,
    });
    expect(found.record?.version).toBe(1);
    expect(await eventsOf(order.merchantUid)).toBe(0);
  });

  it('updates a record only from the version it read', async () => {
    const order = await pendingOrder();
    const impUid = newImpUid();
    const first = record(order, impUid);
    expect(
      await orders.commit({ transition: null, record: first, event: null }),
    ).toBe(true);
    const refunded = {
      ...first,
      status: 'cancelled' as const,
      disposition: 'refunded' as const,
    };
    expect(
      await orders.commit({
        transition: null,
        record: { ...refunded, version: 1 },
        event: null,
      }),
    ).toBe(true);
    // Decided on version 1, which is gone: refused.
    expect(
      await orders.commit({
        transition: null,
        record: { ...refunded, reason: 'stale', version: 1 },
        event: null,
      }),
    ).toBe(false);
    // A second insert of the same payment: refused.
    expect(
      await orders.commit({ transition: null, record: first, event: null }),
    ).toBe(false);
    expect(await orders.findPaymentRecord(impUid)).toMatchObject({
      status: 'cancelled',
      reason: 'paid in full',
      version: 2,
    });
  });

  it('reads an order and a record together, either of them missing', async () => {
    const order = await pendingOrder();
    const impUid = newImpUid();
    expect(await orders.findOrderAndRecord('order_none', 'imp_none')).toEqual({
      order: null,
      record: null,
    });
    expect(await orders.findOrderAndRecord(order.merchantUid, impUid)).toEqual({
      order,
      record: null,
    });
    await orders.commit({
      transition: null,
      record: record(order, impUid),
      event: null,
    });
    expect(await orders.findOrderAndRecord('order_none', impUid)).toEqual({
      order: null,
      record: { ...record(order, impUid), version: 1 },
    });
    expect(
      await orders.findOrderAndRecord(order.merchantUid.toUpperCase(), impUid),
    ).toMatchObject({ order: null });
  });

  it('answers reads asked at the same moment each with its own order and record', async () => {
    // On PostgreSQL one statement; on MariaDB one per 32 keys, the last one filled up to 8 with
    // its last key repeated. A mix-up would show here.
    const asked = await Promise.all(
      Array.from({ length: 38 }, async (_, index) => {
        const order = await pendingOrder();
        const impUid = newImpUid();
        if (index % 3 === 0)
          await orders.commit({
            transition: null,
            record: record(order, impUid),
            event: null,
          });
        return { order, impUid, recorded: index % 3 === 0, index };
      }),
    );
    const { result: answers, statements } = await roundTripsDuring(
      sql.dataSource,
      () =>
        Promise.all(
          asked.map(({ order, impUid, index }) =>
            index % 4 === 1
              ? orders.findOrderAndRecord(`${order.merchantUid}_none`, impUid)
              : orders.findOrderAndRecord(order.merchantUid, impUid),
          ),
        ),
    );
    answers.forEach((answer, position) => {
      const { order, impUid, recorded, index } = asked[position]!;
      expect(answer).toEqual({
        order: index % 4 === 1 ? null : order,
        record: recorded ? { ...record(order, impUid), version: 1 } : null,
      });
    });
    const sent = statements.filter((text) => !text.startsWith('Prepare:'));
    if (kind === 'postgres') expect(sent).toHaveLength(1);
    if (kind === 'mariadb') expect(sent).toHaveLength(2);
  });

  function firstCommit(order: IamportOrder, impUid = newImpUid()) {
    return {
      transition: paid(order, impUid),
      record: record(order, impUid),
      event: event(order, impUid),
    };
  }

  it.each([
    ['', false],
    [', and one whose payment was recorded by someone else meanwhile', true],
  ])(
    'tells each of the commits asked at the same moment of its own write, winners and losers mixed%s',
    async (_, withRecordedElsewhere) => {
      // On PostgreSQL first commits of one turn of the event loop go as one statement, on SQLite
      // as one transaction: a mix-up of outcomes, or a loser that takes the others down, shows here.
      const plain = await Promise.all(Array.from({ length: 5 }, pendingOrder));
      const [stale, contested, recordedElsewhere, deposit] = await Promise.all(
        Array.from({ length: 4 }, pendingOrder),
      );
      const elsewhere = newImpUid();
      expect(
        await orders.commit({
          transition: null,
          record: record(recordedElsewhere, elsewhere),
          event: null,
        }),
      ).toBe(true);
      const dueAt = new Date(Date.UTC(2026, 11, 31, 14, 59, 59));
      const account = newImpUid();
      const issued: VerificationWrite = {
        transition: {
          ...paid(deposit, account),
          to: 'vbank_issued',
          paidAt: null,
          virtualAccount: {
            bankCode: '004',
            bankName: 'KB국민은행',
            accountNumber: '123-456-7890',
            holder: "O'Brien, {주}",
            dueAt,
          },
          reason: 'a reason, "quoted", with {braces} and \\ backslash',
        },
        record: { ...record(deposit, account), status: 'ready' },
        event: { ...event(deposit, account), type: 'vbank_issued' },
      };
      const contenders = [firstCommit(contested), firstCommit(contested)];
      const { result: outcomes, statements } = await roundTripsDuring(
        sql.dataSource,
        () =>
          Promise.all([
            ...plain.map((order) => orders.commit(firstCommit(order))),
            orders.commit(
              firstCommit({ ...stale, version: stale.version + 7 }),
            ),
            ...contenders.map((write) => orders.commit(write)),
            orders.commit(issued),
            ...(withRecordedElsewhere
              ? [orders.commit(firstCommit(recordedElsewhere, elsewhere))]
              : []),
          ]),
      );
      expect(outcomes.slice(0, 5)).toEqual([true, true, true, true, true]);
      expect(outcomes[5]).toBe(false);
      expect(outcomes.slice(6, 8).filter((won) => won)).toHaveLength(1);
      expect(outcomes.slice(8)).toEqual(
        withRecordedElsewhere ? [true, false] : [true],
      );
      // One statement for all but the second contender, which goes alone after it; or, when the
      // record written elsewhere failed the shared statement, that and each of the ten alone.
      if (kind === 'postgres')
        expect(statements).toHaveLength(withRecordedElsewhere ? 11 : 2);

      for (const order of plain) {
        expect(
          (await orders.findByMerchantUid(order.merchantUid))?.status,
        ).toBe('paid');
        expect(await eventsOf(order.merchantUid)).toBe(1);
      }
      expect(await orders.findByMerchantUid(stale.merchantUid)).toEqual(stale);
      expect(
        await orders.findByMerchantUid(recordedElsewhere.merchantUid),
      ).toEqual(recordedElsewhere);
      const winner = contenders[outcomes[6] ? 0 : 1].record.impUid;
      const loser = contenders[outcomes[6] ? 1 : 0].record.impUid;
      expect(
        await orders.findByMerchantUid(contested.merchantUid),
      ).toMatchObject({
        status: 'paid',
        impUid: winner,
        version: contested.version + 1,
      });
      expect(await orders.findPaymentRecord(loser)).toBeNull();
      expect(
        await Promise.all(
          [stale, contested, recordedElsewhere].map((order) =>
            eventsOf(order.merchantUid),
          ),
        ),
      ).toEqual([0, 1, 0]);

      // Every column of the move, the record and the event, as written.
      const { rows } = await sql.run<Record<string, unknown>>(
        'SELECT status, imp_uid, paid_at, vbank_code, vbank_name, vbank_num, vbank_holder, vbank_due_at, failure_reason, version FROM orders WHERE merchant_uid = ?',
        [deposit.merchantUid],
      );
      expect(rows[0]).toMatchObject({
        status: 'vbank_issued',
        imp_uid: account,
        paid_at: null,
        vbank_code: '004',
        vbank_name: 'KB국민은행',
        vbank_num: '123-456-7890',
        vbank_holder: "O'Brien, {주}",
        failure_reason: 'a reason, "quoted", with {braces} and \\ backslash',
      });
      expect(Number(rows[0]?.version)).toBe(deposit.version + 1);
      expect(instant(rows[0]?.vbank_due_at)).toBe(dueAt.getTime());
      expect(await orders.findPaymentRecord(account)).toEqual({
        ...issued.record,
        version: 1,
      });
      const queued = await sql.run<Record<string, unknown>>(
        'SELECT id, type, imp_uid, payload FROM iamport_outbox WHERE merchant_uid = ?',
        [deposit.merchantUid],
      );
      expect(queued.rows).toEqual([
        {
          id: issued.event!.id,
          type: 'vbank_issued',
          imp_uid: account,
          payload: '{}',
        },
      ]);
    },
  );

  if (kind === 'postgres')
    it('sends the first commits of one turn of the event loop as one statement, on PostgreSQL', async () => {
      const pending = await Promise.all(
        Array.from({ length: 8 }, pendingOrder),
      );
      const { result: outcomes, statements } = await roundTripsDuring(
        sql.dataSource,
        () =>
          Promise.all(
            pending.map((order) => orders.commit(firstCommit(order))),
          ),
      );
      expect(outcomes).toEqual(pending.map(() => true));
      expect(statements).toHaveLength(1);
      for (const order of pending)
        expect(await eventsOf(order.merchantUid)).toBe(1);
    });
});

/** A time as each driver answers it: a Date, or SQLite's UTC text. */
function instant(value: unknown): number {
  return value instanceof Date
    ? value.getTime()
    : new Date(`${String(value).replace(' ', 'T')}Z`).getTime();
}
