import type { PaymentRecord } from 'nestjs-iamport';
import { Sql } from '../../apps/sample/src/persistence/sql.js';
import { TypeOrmOrderRepository } from '../../apps/sample/src/persistence/typeorm-order.repository.js';
import type { SampleApp } from '../support/sample-app.fixture.js';

/** The module's record of a payment, read through the shop's own adapter (the fields these suites assert on). */
export async function recordOf(
  shop: SampleApp,
  impUid: string,
): Promise<Pick<
  PaymentRecord,
  'disposition' | 'status' | 'cancelledAmount'
> | null> {
  const record = await shop.app
    .get(TypeOrmOrderRepository)
    .findPaymentRecord(impUid);
  if (!record) return null;
  const { disposition, status, cancelledAmount } = record;
  return { disposition, status, cancelledAmount };
}

/** The handlers that ran for an order's events (the sample's journal), in the order they ran. */
export async function handlersOf(
  shop: SampleApp,
  merchantUid: string,
): Promise<string[]> {
  const { rows } = await new Sql(shop.dataSource).run<{ handler: string }>(
    'SELECT handler FROM handled_events WHERE merchant_uid = ? ORDER BY handled_at',
    [merchantUid],
  );
  return rows.map((row) => row.handler);
}
