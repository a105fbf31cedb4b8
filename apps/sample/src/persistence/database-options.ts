import type { DataSourceOptions } from 'typeorm';
import { CreateOrders1764028800000 } from './migrations/1764028800000-create-orders.js';
import { AddOutbox1764115200000 } from './migrations/1764115200000-add-outbox.js';
import { AddReconciliation1764201600000 } from './migrations/1764201600000-add-reconciliation.js';
import { AddHandledEvents1764288000000 } from './migrations/1764288000000-add-handled-events.js';
import { MillisecondTimes1764374400000 } from './migrations/1764374400000-millisecond-times.js';
import { PaymentLedger1764460800000 } from './migrations/1764460800000-payment-ledger.js';
import { Products1764547200000 } from './migrations/1764547200000-products.js';
import { PortOneV2Keys1764633600000 } from './migrations/1764633600000-portone-v2-keys.js';
import { HandledEventEntity } from './handled-event.entity.js';
import { OrderEntity } from './order.entity.js';
import { OutboxEventEntity } from './outbox-event.entity.js';
import { PaymentNotificationEntity } from './payment-notification.entity.js';
import { PaymentRecordEntity } from './payment-record.entity.js';
import { ProductEntity } from './product.entity.js';

export const ENTITIES = [
  OrderEntity,
  PaymentNotificationEntity,
  OutboxEventEntity,
  HandledEventEntity,
  PaymentRecordEntity,
  ProductEntity,
];
export const MIGRATIONS = [
  CreateOrders1764028800000,
  AddOutbox1764115200000,
  AddReconciliation1764201600000,
  AddHandledEvents1764288000000,
  MillisecondTimes1764374400000,
  PaymentLedger1764460800000,
  Products1764547200000,
  PortOneV2Keys1764633600000,
];

/** `pg`'s and `mysql2`'s own default. */
export const DEFAULT_POOL_SIZE = 10;

/**
 * `DATABASE_URL` picks the database: `postgres://…`, `mysql://…` or
 * `mariadb://…`; anything else (or nothing) is a SQLite file path, `:memory:`
 * included. The schema comes from migrations, never from `synchronize`.
 */
export function databaseOptions(
  databaseUrl: string | undefined,
  defaultSqliteFile: string,
  /** Connections of the pool on PostgreSQL and MariaDB (SQLite has one). */
  poolSize = DEFAULT_POOL_SIZE,
): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
  } as const;
  const url = databaseUrl?.trim();
  if (!url || url.startsWith('sqlite:') || !url.includes('://')) {
    const file = url?.replace(/^sqlite:(\/\/)?/, '') || defaultSqliteFile;
    // WAL and a busy timeout let several processes share the file without "database is locked".
    return {
      ...common,
      type: 'better-sqlite3',
      database: file,
      enableWAL: file !== ':memory:',
      timeout: 10_000,
      // With WAL, NORMAL keeps every commit through a crash of the process and skips an fsync per
      // commit; only a power loss can roll back the newest ones (reconciliation then settles them
      // again). PostgreSQL or MariaDB for production.
      prepareDatabase: (database: { pragma(statement: string): unknown }) => {
        database.pragma('synchronous = NORMAL');
      },
    };
  }
  const protocol = new URL(url).protocol;
  if (protocol === 'postgres:' || protocol === 'postgresql:')
    return { ...common, type: 'postgres', url, poolSize };
  if (protocol === 'mysql:' || protocol === 'mariadb:') {
    return {
      ...common,
      type: 'mysql',
      url: url.replace(/^mariadb:/, 'mysql:'),
      timezone: 'Z',
      charset: 'utf8mb4',
      poolSize,
    };
  }
  throw new Error(
    `DATABASE_URL must start with postgres://, mysql://, mariadb:// or be a SQLite file (got ${protocol})`,
  );
}
