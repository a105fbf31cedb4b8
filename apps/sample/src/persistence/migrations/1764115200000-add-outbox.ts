import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  TableIndex,
} from 'typeorm';

/** The transactional outbox of payment events. */
export class AddOutbox1764115200000 implements MigrationInterface {
  name = 'AddOutbox1764115200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const time =
      queryRunner.connection.options.type === 'postgres'
        ? 'timestamptz'
        : 'datetime';
    await queryRunner.createTable(
      new Table({
        name: 'iamport_outbox',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'type', type: 'varchar', length: '32', isNullable: false },
          {
            name: 'merchant_uid',
            type: 'varchar',
            length: '40',
            isNullable: false,
          },
          { name: 'imp_uid', type: 'varchar', length: '40', isNullable: false },
          { name: 'payload', type: 'text', isNullable: false },
          { name: 'created_at', type: time, isNullable: false },
          { name: 'delivered_at', type: time, isNullable: true },
          {
            name: 'lease_owner',
            type: 'varchar',
            length: '80',
            isNullable: true,
          },
          { name: 'lease_until', type: time, isNullable: true },
          { name: 'attempts', type: 'integer', isNullable: false, default: 0 },
        ],
      }),
    );
    await queryRunner.createIndex(
      'iamport_outbox',
      new TableIndex({
        name: 'idx_iamport_outbox_undelivered',
        columnNames: ['delivered_at', 'created_at'],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('iamport_outbox');
  }
}
