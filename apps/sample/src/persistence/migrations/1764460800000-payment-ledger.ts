import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  TableColumn,
} from 'typeorm';

/** Columns compared with what iamport sends: byte for byte on MariaDB too. */
const EXACT: Record<string, Array<[string, string]>> = {
  orders: [
    ['merchant_uid', 'NOT NULL'],
    ['imp_uid', 'NULL'],
  ],
  iamport_payments: [
    ['imp_uid', 'NOT NULL'],
    ['merchant_uid', 'NOT NULL'],
  ],
  iamport_outbox: [
    ['merchant_uid', 'NOT NULL'],
    ['imp_uid', 'NOT NULL'],
  ],
};

/**
 * The payment record (every payment the module has seen and what it did with
 * it), the order's version (the compare-and-set of every decision), the
 * reconciliation backoff, and on MariaDB: identifiers compared exactly (its
 * default collation matches `ORDER_x` to `order_x` and ignores trailing
 * spaces), and an outbox payload of more than TEXT's 64 KiB (a payment's
 * `custom_data` can be large).
 */
export class PaymentLedger1764460800000 implements MigrationInterface {
  name = 'PaymentLedger1764460800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const type = queryRunner.connection.options.type;
    const time =
      type === 'postgres'
        ? 'timestamptz'
        : type === 'mysql'
          ? 'datetime(3)'
          : 'datetime';
    await queryRunner.addColumns('orders', [
      new TableColumn({
        name: 'version',
        type: 'integer',
        isNullable: false,
        default: 0,
      }),
      new TableColumn({
        name: 'reconcile_failures',
        type: 'integer',
        isNullable: false,
        default: 0,
      }),
      new TableColumn({
        name: 'reconcile_retry_after',
        type: time,
        isNullable: true,
      }),
    ]);
    const text = (name: string, length: number, nullable = false) => ({
      name,
      type: 'varchar',
      length: String(length),
      isNullable: nullable,
    });
    await queryRunner.createTable(
      new Table({
        name: 'iamport_payments',
        columns: [
          { ...text('imp_uid', 40), isPrimary: true },
          text('merchant_uid', 40),
          { name: 'amount', type: 'bigint', isNullable: false },
          { name: 'cancelled_amount', type: 'bigint', isNullable: false },
          text('currency', 3),
          text('status', 16),
          text('disposition', 32),
          text('reason', 500),
          { name: 'version', type: 'integer', isNullable: false },
          { name: 'created_at', type: time, isNullable: false },
          { name: 'updated_at', type: time, isNullable: false },
        ],
        indices: [
          {
            name: 'idx_iamport_payments_merchant_uid',
            columnNames: ['merchant_uid'],
          },
          {
            name: 'idx_iamport_payments_disposition',
            columnNames: ['disposition', 'updated_at'],
          },
        ],
      }),
    );
    if (type !== 'mysql') return;
    for (const [table, columns] of Object.entries(EXACT)) {
      for (const [column, nullable] of columns)
        await queryRunner.query(
          `ALTER TABLE \`${table}\` MODIFY \`${column}\` VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin ${nullable}`,
        );
    }
    await queryRunner.query(
      'ALTER TABLE `iamport_outbox` MODIFY `payload` LONGTEXT NOT NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'mysql') {
      await queryRunner.query(
        'ALTER TABLE `iamport_outbox` MODIFY `payload` TEXT NOT NULL',
      );
      for (const [table, columns] of Object.entries(EXACT)) {
        if (table === 'iamport_payments') continue;
        for (const [column, nullable] of columns)
          await queryRunner.query(
            `ALTER TABLE \`${table}\` MODIFY \`${column}\` VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci ${nullable}`,
          );
      }
    }
    await queryRunner.dropTable('iamport_payments');
    await queryRunner.dropColumns('orders', [
      'version',
      'reconcile_failures',
      'reconcile_retry_after',
    ]);
  }
}
