import { Injectable } from '@nestjs/common';
import type { IamportPaymentLedger, PaymentRecord } from 'nestjs-iamport';
import { Sql } from './sql.js';
import {
  RECORD_COLUMNS,
  type RecordRow,
  recordOf,
} from './typeorm-order.repository.js';

const COLUMNS = RECORD_COLUMNS.split(', ')
  .map((column) => `p.${column}`)
  .join(', ');

/** The module's payment ledger on TypeORM: "every payment accounted for" as queries. */
@Injectable()
export class TypeOrmPaymentLedger implements IamportPaymentLedger {
  constructor(private readonly sql: Sql) {}

  async findByImpUids(impUids: readonly string[]): Promise<PaymentRecord[]> {
    const found: PaymentRecord[] = [];
    for (let start = 0; start < impUids.length; start += 500) {
      const ids = impUids.slice(start, start + 500);
      const { rows } = await this.sql.run<RecordRow>(
        `SELECT ${RECORD_COLUMNS} FROM iamport_payments WHERE imp_uid IN ${Sql.list(ids.length)}`,
        ids,
      );
      found.push(...rows.map(recordOf));
    }
    return found;
  }

  /** Holding money as last seen (a virtual account revoked before any deposit holds none), not flagged, and not the payment its order is settled by. */
  async findUnaccounted(limit: number): Promise<PaymentRecord[]> {
    const { rows } = await this.sql.run<RecordRow>(
      `SELECT ${COLUMNS} FROM iamport_payments p LEFT JOIN orders o ON o.merchant_uid = p.merchant_uid
       WHERE p.amount > p.cancelled_amount AND p.disposition <> 'flagged'
         AND (p.status = 'paid' OR (p.status = 'cancelled' AND p.disposition <> 'no_money'))
         AND NOT (p.disposition = 'settles_order' AND o.imp_uid = p.imp_uid AND o.status IN ('paid', 'partially_cancelled'))
       ORDER BY p.updated_at DESC LIMIT ?`,
      [limit],
    );
    return rows.map(recordOf);
  }

  async findFlagged(limit: number): Promise<PaymentRecord[]> {
    const { rows } = await this.sql.run<RecordRow>(
      `SELECT ${RECORD_COLUMNS} FROM iamport_payments WHERE disposition = 'flagged' ORDER BY updated_at DESC LIMIT ?`,
      [limit],
    );
    return rows.map(recordOf);
  }
}
