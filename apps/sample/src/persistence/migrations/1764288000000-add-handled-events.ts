import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/** The journal of handled payment events (idempotent handlers). */
export class AddHandledEvents1764288000000 implements MigrationInterface {
  name = 'AddHandledEvents1764288000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const time =
      queryRunner.connection.options.type === 'postgres'
        ? 'timestamptz'
        : 'datetime';
    await queryRunner.createTable(
      new Table({
        name: 'handled_events',
        columns: [
          { name: 'event_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'handler', type: 'varchar', length: '64', isPrimary: true },
          {
            name: 'merchant_uid',
            type: 'varchar',
            length: '40',
            isNullable: false,
          },
          { name: 'type', type: 'varchar', length: '32', isNullable: false },
          {
            name: 'deliveries',
            type: 'integer',
            isNullable: false,
            default: 1,
          },
          { name: 'handled_at', type: time, isNullable: false },
        ],
        indices: [
          {
            name: 'idx_handled_events_merchant_uid',
            columnNames: ['merchant_uid'],
          },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('handled_events');
  }
}
