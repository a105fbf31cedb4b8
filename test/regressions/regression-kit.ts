import type { PaymentRecord } from 'nestjs-iamport';
import type { SampleApp } from '../support/sample-app.fixture.js';

/** The module's record of a payment, read from the sample's `iamport_payments` table. */
export async function recordOf(
  shop: SampleApp,
  impUid: string,
): Promise<Pick<
  PaymentRecord,
  'disposition' | 'status' | 'cancelledAmount'
> | null> {
  const rows: Array<{
    disposition: string;
    status: string;
    cancelled_amount: number | string;
  }> = await shop.dataSource.query(
    shop.dataSource.options.type === 'postgres'
      ? 'SELECT disposition, status, cancelled_amount FROM iamport_payments WHERE imp_uid = $1'
      : 'SELECT disposition, status, cancelled_amount FROM iamport_payments WHERE imp_uid = ?',
    [impUid],
  );
  const row = rows[0];
  return row
    ? {
        disposition: row.disposition as PaymentRecord['disposition'],
        status: row.status as PaymentRecord['status'],
        cancelledAmount: Number(row.cancelled_amount),
      }
    : null;
}

/** The handlers that ran for an order's events (the sample's journal). */
export async function handlersOf(
  shop: SampleApp,
  merchantUid: string,
): Promise<string[]> {
  const rows: Array<{ handler: string }> = await shop.dataSource.query(
    shop.dataSource.options.type === 'postgres'
      ? 'SELECT handler FROM handled_events WHERE merchant_uid = $1 ORDER BY handled_at'
      : 'SELECT handler FROM handled_events WHERE merchant_uid = ? ORDER BY handled_at',
    [merchantUid],
  );
  return rows.map((row) => row.handler);
}

/** A console refund in the simulator, without iamport's webhook (the test sends its own). */
export function refundInConsole(
  shop: SampleApp,
  impUid: string,
  amount?: number,
): Promise<unknown> {
  return shop.sim.control('POST', `/_sim/payments/${impUid}/cancel`, {
    ...(amount === undefined ? {} : { amount }),
    webhook: false,
  });
}
