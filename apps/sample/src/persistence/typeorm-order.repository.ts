import { Injectable } from '@nestjs/common';
import type {
  IamportOrder,
  IamportOrderRepository,
  OrderTransition,
  OutboxEvent,
  PaymentRecord,
  VerificationWrite,
} from 'nestjs-iamport';
import type { EntityManager } from 'typeorm';
import { isDeadlock, isUniqueViolation } from './database-errors.js';
import { Sql } from './sql.js';
import { inTransaction } from './transactions.js';

interface OrderRow {
  merchant_uid: string;
  amount: number | string;
  currency: string;
  status: IamportOrder['status'];
  imp_uid: string | null;
  cancelled_amount: number | string;
  version: number | string;
}

interface RecordRow {
  imp_uid: string;
  merchant_uid: string;
  amount: number | string;
  cancelled_amount: number | string;
  currency: string;
  status: PaymentRecord['status'];
  disposition: PaymentRecord['disposition'];
  reason: string;
  version: number | string;
}

/** Thrown inside the transaction to roll it back: someone wrote first. */
class LostRace extends Error {}

/**
 * The module's order port. `commit` writes the order's transition, the
 * payment's record and the outbox event in one transaction, each write a
 * compare-and-set on the version the decision read; the same SQL runs on
 * SQLite, PostgreSQL and MariaDB.
 */
@Injectable()
export class TypeOrmOrderRepository implements IamportOrderRepository {
  constructor(private readonly sql: Sql) {}

  async findByMerchantUid(merchantUid: string): Promise<IamportOrder | null> {
    const { rows } = await this.sql.run<OrderRow>(
      'SELECT merchant_uid, amount, currency, status, imp_uid, cancelled_amount, version FROM orders WHERE merchant_uid = ?',
      [merchantUid],
    );
    const row = rows[0];
    if (!row || row.merchant_uid !== merchantUid) return null;
    return {
      merchantUid: row.merchant_uid,
      // PostgreSQL answers BIGINT as text.
      amount: Number(row.amount),
      currency: row.currency,
      status: row.status,
      impUid: row.imp_uid,
      cancelledAmount: Number(row.cancelled_amount),
      version: Number(row.version),
    };
  }

  async findPaymentRecord(impUid: string): Promise<PaymentRecord | null> {
    const { rows } = await this.sql.run<RecordRow>(
      `SELECT ${RECORD_COLUMNS} FROM iamport_payments WHERE imp_uid = ?`,
      [impUid],
    );
    const row = rows[0];
    return row && row.imp_uid === impUid ? recordOf(row) : null;
  }

  async commit(write: VerificationWrite): Promise<boolean> {
    try {
      await inTransaction(this.sql.dataSource, async (manager) => {
        if (write.transition) await this.move(write.transition, manager);
        await this.store(write.record, manager);
        if (write.event) await this.enqueue(write.event, manager);
      });
      return true;
    } catch (error) {
      // A record inserted by someone else first, or a deadlock between two writers: nothing was written.
      if (
        error instanceof LostRace ||
        isUniqueViolation(error) ||
        isDeadlock(error)
      )
        return false;
      throw error;
    }
  }

  private async move(
    transition: OrderTransition,
    manager: EntityManager,
  ): Promise<void> {
    const account = transition.virtualAccount;
    const { affected } = await this.sql.run(
      `UPDATE orders SET status = ?, imp_uid = ?, paid_at = ?, failed_at = ?, cancelled_at = ?, cancelled_amount = ?,
         failure_reason = ?, vbank_code = ?, vbank_name = ?, vbank_num = ?, vbank_holder = ?, vbank_due_at = ?,
         version = version + 1, updated_at = ?
       WHERE merchant_uid = ? AND version = ?`,
      [
        transition.to,
        transition.impUid,
        transition.paidAt,
        transition.failedAt,
        transition.cancelledAt,
        transition.cancelledAmount,
        transition.reason?.slice(0, 500) ?? null,
        account?.bankCode ?? null,
        account?.bankName ?? null,
        account?.accountNumber ?? null,
        account?.holder ?? null,
        account?.dueAt ?? null,
        new Date(),
        transition.merchantUid,
        transition.expectedVersion,
      ],
      manager,
    );
    if (affected !== 1) throw new LostRace();
  }

  private async store(
    record: PaymentRecord,
    manager: EntityManager,
  ): Promise<void> {
    const now = new Date();
    const values = [
      record.merchantUid,
      record.amount,
      record.cancelledAmount,
      record.currency,
      record.status,
      record.disposition,
      record.reason,
    ];
    if (record.version === 0) {
      await this.sql.run(
        'INSERT INTO iamport_payments (merchant_uid, amount, cancelled_amount, currency, status, disposition, reason, imp_uid, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)',
        [...values, record.impUid, now, now],
        manager,
      );
      return;
    }
    const { affected } = await this.sql.run(
      'UPDATE iamport_payments SET merchant_uid = ?, amount = ?, cancelled_amount = ?, currency = ?, status = ?, disposition = ?, reason = ?, version = version + 1, updated_at = ? WHERE imp_uid = ? AND version = ?',
      [...values, now, record.impUid, record.version],
      manager,
    );
    if (affected !== 1) throw new LostRace();
  }

  private async enqueue(
    event: OutboxEvent,
    manager: EntityManager,
  ): Promise<void> {
    await this.sql.run(
      'INSERT INTO iamport_outbox (id, type, merchant_uid, imp_uid, payload, created_at, attempts) VALUES (?, ?, ?, ?, ?, ?, 0)',
      [
        event.id,
        event.type,
        event.merchantUid,
        event.impUid,
        event.payload,
        event.createdAt,
      ],
      manager,
    );
  }
}

export const RECORD_COLUMNS =
  'imp_uid, merchant_uid, amount, cancelled_amount, currency, status, disposition, reason, version';

export function recordOf(row: RecordRow): PaymentRecord {
  return {
    impUid: row.imp_uid,
    merchantUid: row.merchant_uid,
    amount: Number(row.amount),
    cancelledAmount: Number(row.cancelled_amount),
    currency: row.currency,
    status: row.status,
    disposition: row.disposition,
    reason: row.reason,
    version: Number(row.version),
  };
}

export type { RecordRow };
