import type { MigrationInterface, QueryRunner } from 'typeorm';

/** [table, column, nullability, width now, width before]. */
const WIDENED: Array<[string, string, 'NULL' | 'NOT NULL', number, number]> = [
  ['orders', 'imp_uid', 'NULL', 64, 40],
  ['iamport_outbox', 'imp_uid', 'NOT NULL', 64, 40],
  ['iamport_payments', 'imp_uid', 'NOT NULL', 64, 40],
  ['iamport_payments', 'merchant_uid', 'NOT NULL', 200, 40],
];

/**
 * PortOne V2 keys: a V2 payment's `transactionId` takes imp_uid's place, and
 * its `paymentId` merchant_uid's. PortOne documents the length of neither
 * (transactionIds seen are 36-character UUIDs; paymentIds are the merchant's
 * own, and a payment of another integration in the same store is recorded
 * too): the columns are widened so that either reading fits. SQLite does not
 * enforce VARCHAR lengths; MariaDB keeps its exact (binary) comparison.
 */
export class PortOneV2Keys1764633600000 implements MigrationInterface {
  name = 'PortOneV2Keys1764633600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.widen(queryRunner, 3);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await this.widen(queryRunner, 4);
  }

  private async widen(queryRunner: QueryRunner, width: 3 | 4): Promise<void> {
    const type = queryRunner.connection.options.type;
    for (const row of WIDENED) {
      const [table, column, nullable] = row;
      const length = row[width];
      if (type === 'postgres')
        await queryRunner.query(
          `ALTER TABLE "${table}" ALTER COLUMN "${column}" TYPE varchar(${length})`,
        );
      else if (type === 'mysql' || type === 'mariadb')
        await queryRunner.query(
          `ALTER TABLE \`${table}\` MODIFY \`${column}\` VARCHAR(${length}) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin ${nullable}`,
        );
    }
  }
}
