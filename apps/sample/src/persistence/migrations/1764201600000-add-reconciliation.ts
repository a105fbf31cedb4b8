import {
  type MigrationInterface,
  type QueryRunner,
  TableColumn,
  TableIndex,
} from 'typeorm';

/** The reconciliation claim (a lease) and when each order was last reconciled. */
export class AddReconciliation1764201600000 implements MigrationInterface {
  name = 'AddReconciliation1764201600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const time =
      queryRunner.connection.options.type === 'postgres'
        ? 'timestamptz'
        : 'datetime';
    await queryRunner.addColumns('orders', [
      new TableColumn({
        name: 'reconcile_owner',
        type: 'varchar',
        length: '80',
        isNullable: true,
      }),
      new TableColumn({
        name: 'reconcile_until',
        type: time,
        isNullable: true,
      }),
      new TableColumn({ name: 'reconciled_at', type: time, isNullable: true }),
    ]);
    await queryRunner.createIndex(
      'orders',
      new TableIndex({
        name: 'idx_orders_status_created',
        columnNames: ['status', 'created_at'],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('orders', 'idx_orders_status_created');
    await queryRunner.dropColumns('orders', [
      'reconcile_owner',
      'reconcile_until',
      'reconciled_at',
    ]);
  }
}
