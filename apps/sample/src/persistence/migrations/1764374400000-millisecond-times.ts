import type { MigrationInterface, QueryRunner } from 'typeorm';

const NULLABLE: Record<string, string[]> = {
  orders: [
    'paid_at',
    'failed_at',
    'cancelled_at',
    'vbank_due_at',
    'reconcile_until',
    'reconciled_at',
  ],
  iamport_outbox: ['delivered_at', 'lease_until'],
};
const REQUIRED: Record<string, string[]> = {
  payment_notifications: ['received_at'],
  iamport_outbox: ['created_at'],
  handled_events: ['handled_at'],
};

/**
 * MariaDB's DATETIME keeps whole seconds, so "reconciled since the run began"
 * and lease expiries lost their milliseconds there; DATETIME(3) keeps them.
 * PostgreSQL (timestamptz) and SQLite already do: nothing to change there.
 */
export class MillisecondTimes1764374400000 implements MigrationInterface {
  name = 'MillisecondTimes1764374400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.change(queryRunner, 'DATETIME(3)', 'CURRENT_TIMESTAMP(3)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await this.change(queryRunner, 'DATETIME', 'CURRENT_TIMESTAMP');
  }

  private async change(
    queryRunner: QueryRunner,
    type: string,
    now: string,
  ): Promise<void> {
    if (queryRunner.connection.options.type !== 'mysql') return;
    for (const [table, columns] of Object.entries(NULLABLE)) {
      for (const column of columns)
        await queryRunner.query(
          `ALTER TABLE \`${table}\` MODIFY \`${column}\` ${type} NULL`,
        );
    }
    for (const [table, columns] of Object.entries(REQUIRED)) {
      for (const column of columns)
        await queryRunner.query(
          `ALTER TABLE \`${table}\` MODIFY \`${column}\` ${type} NOT NULL`,
        );
    }
    for (const column of ['created_at', 'updated_at']) {
      await queryRunner.query(
        `ALTER TABLE \`orders\` MODIFY \`${column}\` ${type} NOT NULL DEFAULT ${now}`,
      );
    }
  }
}
