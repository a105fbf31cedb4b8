import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  type TableColumnOptions,
} from 'typeorm';

/** The orders and the notification log, written once for SQLite, PostgreSQL and MariaDB. */
export class CreateOrders1764028800000 implements MigrationInterface {
  name = 'CreateOrders1764028800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const type = queryRunner.connection.options.type;
    // PostgreSQL keeps the instant with its zone; MariaDB's TIMESTAMP ends in 2038, so DATETIME there.
    const time = type === 'postgres' ? 'timestamptz' : 'datetime';
    const id: TableColumnOptions = {
      name: 'id',
      type: 'integer',
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment',
    };
    const text = (
      name: string,
      length: number,
      nullable = true,
    ): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: String(length),
      isNullable: nullable,
    });
    const at = (name: string, nullable = true): TableColumnOptions => ({
      name,
      type: time,
      isNullable: nullable,
    });

    await queryRunner.createTable(
      new Table({
        name: 'orders',
        columns: [
          id,
          { ...text('merchant_uid', 40, false), isUnique: true },
          text('name', 100, false),
          { name: 'amount', type: 'bigint', isNullable: false },
          text('currency', 3, false),
          text('status', 32, false),
          { ...text('imp_uid', 40), isUnique: true },
          {
            name: 'cancelled_amount',
            type: 'bigint',
            isNullable: false,
            default: 0,
          },
          at('paid_at'),
          at('failed_at'),
          at('cancelled_at'),
          text('vbank_code', 16),
          text('vbank_name', 64),
          text('vbank_num', 40),
          text('vbank_holder', 64),
          at('vbank_due_at'),
          text('failure_reason', 500),
          { ...text('fulfilment', 32, false), default: "'none'" },
          { ...at('created_at', false), default: 'CURRENT_TIMESTAMP' },
          { ...at('updated_at', false), default: 'CURRENT_TIMESTAMP' },
        ],
        indices: [
          {
            name: 'idx_orders_status_updated',
            columnNames: ['status', 'updated_at'],
          },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'payment_notifications',
        columns: [
          id,
          text('kind', 16, false),
          { name: 'params', type: 'text', isNullable: false },
          text('source_ip', 64),
          text('imp_uid', 40),
          text('merchant_uid', 40),
          text('outcome', 32, false),
          { name: 'changed', type: 'boolean', isNullable: false },
          text('error', 500),
          at('received_at', false),
        ],
        indices: [
          {
            name: 'idx_payment_notifications_merchant_uid',
            columnNames: ['merchant_uid'],
          },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('payment_notifications');
    await queryRunner.dropTable('orders');
  }
}
