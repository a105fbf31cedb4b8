import { Injectable } from '@nestjs/common';
import type {
  IamportOrder,
  IamportOrderRepository,
  OrderTransition,
  OutboxEvent,
} from 'nestjs-iamport';
import { Sql } from './sql.js';
import { inTransaction } from './transactions.js';

interface OrderRow {
  amount: number | string;
  currency: string;
  status: IamportOrder['status'];
  imp_uid: string | null;
  cancelled_amount: number | string;
}

/**
 * The module's order port. `applyTransition` is one conditional UPDATE whose
 * affected-row count decides which of several concurrent verifications won,
 * in one transaction with the outbox event of the transition; the same SQL
 * runs on SQLite, PostgreSQL and MariaDB.
 */
@Injectable()
export class TypeOrmOrderRepository implements IamportOrderRepository {
  constructor(private readonly sql: Sql) {}

  async findByMerchantUid(merchantUid: string): Promise<IamportOrder | null> {
    const { rows } = await this.sql.run<OrderRow>(
      'SELECT amount, currency, status, imp_uid, cancelled_amount FROM orders WHERE merchant_uid = ?',
      [merchantUid],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      merchantUid,
      // PostgreSQL answers BIGINT as text.
      amount: Number(row.amount),
      currency: row.currency,
      status: row.status,
      impUid: row.imp_uid,
      cancelledAmount: Number(row.cancelled_amount),
    };
  }

  async applyTransition(
    transition: OrderTransition,
    event: OutboxEvent,
  ): Promise<boolean> {
    const columns = columnsOf(transition);
    const names = Object.keys(columns);
    const conditions = [
      'merchant_uid = ?',
      `status IN ${Sql.list(transition.from.length)}`,
    ];
    const values: unknown[] = [
      ...Object.values(columns),
      transition.merchantUid,
      ...transition.from,
    ];
    if (transition.requireSameImpUid) {
      conditions.push('imp_uid = ?');
      values.push(transition.impUid);
    }
    if (transition.requireCancelledAmountBelow !== null) {
      conditions.push('cancelled_amount < ?');
      values.push(transition.requireCancelledAmountBelow);
    }
    const update = `UPDATE orders SET ${names.map((name) => `${name} = ?`).join(', ')} WHERE ${conditions.join(' AND ')}`;
    return inTransaction(this.sql.dataSource, async (manager) => {
      const { affected } = await this.sql.run(update, values, manager);
      if (affected !== 1) return false;
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
      return true;
    });
  }
}

function columnsOf(transition: OrderTransition): Record<string, unknown> {
  const columns: Record<string, unknown> = {
    status: transition.to,
    imp_uid: transition.impUid,
    updated_at: new Date(),
  };
  if (transition.paidAt) columns.paid_at = transition.paidAt;
  if (transition.failedAt) columns.failed_at = transition.failedAt;
  if (transition.cancelledAt) columns.cancelled_at = transition.cancelledAt;
  if (transition.cancelledAmount !== undefined)
    columns.cancelled_amount = transition.cancelledAmount;
  if (transition.reason !== undefined)
    columns.failure_reason = transition.reason.slice(0, 500);
  const account = transition.virtualAccount;
  if (account) {
    columns.vbank_code = account.bankCode;
    columns.vbank_name = account.bankName;
    columns.vbank_num = account.accountNumber;
    columns.vbank_holder = account.holder;
    columns.vbank_due_at = account.dueAt;
  }
  return columns;
}
