import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  TableColumn,
} from 'typeorm';

/** What the sample shop sells when it is first started; prices in won. */
const SEED = [
  { name: '제주 녹차 100g', price: 12_000 },
  { name: '청자 머그잔', price: 35_000 },
  { name: '다도 세트', price: 129_000 },
];

/**
 * Prices live on the server: an order's amount is `price × quantity` of a
 * product row, never a number the browser sent. Orders made before this
 * migration keep a null product.
 */
export class Products1764547200000 implements MigrationInterface {
  name = 'Products1764547200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const type = queryRunner.connection.options.type;
    const time =
      type === 'postgres'
        ? 'timestamptz'
        : type === 'mysql'
          ? 'datetime(3)'
          : 'datetime';
    await queryRunner.createTable(
      new Table({
        name: 'products',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'name', type: 'varchar', length: '100', isNullable: false },
          { name: 'price', type: 'bigint', isNullable: false },
          { name: 'currency', type: 'varchar', length: '3', isNullable: false },
          { name: 'created_at', type: time, isNullable: false },
        ],
      }),
    );
    const placeholders = type === 'postgres' ? '$1, $2, $3, $4' : '?, ?, ?, ?';
    const now = new Date();
    // better-sqlite3 binds no Date; TypeORM stores SQLite datetimes as UTC text in this form.
    const createdAt =
      type === 'better-sqlite3'
        ? now.toISOString().replace('T', ' ').replace('Z', '')
        : now;
    for (const { name, price } of SEED)
      await queryRunner.query(
        `INSERT INTO products (name, price, currency, created_at) VALUES (${placeholders})`,
        [name, price, 'KRW', createdAt],
      );
    await queryRunner.addColumns('orders', [
      new TableColumn({
        name: 'product_id',
        type: 'integer',
        isNullable: true,
      }),
      new TableColumn({
        name: 'quantity',
        type: 'integer',
        isNullable: false,
        default: 1,
      }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('orders', ['product_id', 'quantity']);
    await queryRunner.dropTable('products');
  }
}
