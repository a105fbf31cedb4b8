import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type {
  IamportOutbox,
  OutboxBacklog,
  OutboxClaim,
  OutboxEvent,
} from 'nestjs-iamport';
import { In, IsNull, type Repository } from 'typeorm';
import { DateUtils } from 'typeorm/util/DateUtils.js';
import { GroupCommit, type WriteKind } from './group-commit.js';
import { OutboxEventEntity } from './outbox-event.entity.js';
import { Sql } from './sql.js';

/**
 * The module's outbox on TypeORM. Claims are leases written with a
 * conditional UPDATE (the same on SQLite, PostgreSQL and MariaDB), so two
 * instances sweeping at once never deliver the same event at the same time,
 * and the events of a crashed instance are taken over when its lease ends.
 */
@Injectable()
export class TypeOrmOutbox implements IamportOutbox {
  constructor(
    @InjectRepository(OutboxEventEntity)
    private readonly events: Repository<OutboxEventEntity>,
    private readonly sql: Sql,
    private readonly writes: GroupCommit,
  ) {}

  async claimUndelivered(claim: OutboxClaim): Promise<OutboxEvent[]> {
    const candidates = await this.events
      .createQueryBuilder('event')
      .select('event.id', 'id')
      .where('event.delivered_at IS NULL')
      .andWhere('event.created_at < :before', { before: claim.createdBefore })
      .andWhere('(event.lease_until IS NULL OR event.lease_until < :now)', {
        now: claim.now,
      })
      .orderBy('event.created_at', 'ASC')
      .limit(claim.limit)
      .getRawMany<{ id: string }>();
    if (candidates.length === 0) return [];
    const ids = candidates.map((candidate) => candidate.id);
    await this.events
      .createQueryBuilder()
      .update(OutboxEventEntity)
      .set({
        leaseOwner: claim.owner,
        leaseUntil: claim.leaseUntil,
        attempts: () => 'attempts + 1',
      })
      .where('id IN (:...ids)', { ids })
      .andWhere('delivered_at IS NULL')
      .andWhere('(lease_until IS NULL OR lease_until < :now)', {
        now: claim.now,
      })
      .execute();
    const claimed = await this.events.findBy({
      id: In(ids),
      leaseOwner: claim.owner,
      deliveredAt: IsNull(),
    });
    return claimed.map(
      ({ id, type, merchantUid, impUid, payload, createdAt }) => ({
        id,
        type: type as OutboxEvent['type'],
        merchantUid,
        impUid,
        payload,
        createdAt,
      }),
    );
  }

  /**
   * For the outbox gauges: one statement, on the `(delivered_at, created_at)`
   * index. PostgreSQL answers the count as text and the time as a Date,
   * MariaDB (timezone Z) a Date, SQLite TypeORM's UTC text.
   */
  async backlog(): Promise<OutboxBacklog> {
    const { rows } = await this.sql.run<{
      count: number | string;
      oldest: Date | string | null;
    }>(
      'SELECT COUNT(*) AS count, MIN(created_at) AS oldest FROM iamport_outbox WHERE delivered_at IS NULL',
      [],
    );
    const oldest = rows[0]?.oldest ?? null;
    return {
      count: Number(rows[0]?.count ?? 0),
      oldestCreatedAt:
        oldest === null || oldest instanceof Date
          ? oldest
          : DateUtils.mixedDateToDate(oldest, true),
    };
  }

  markDelivered(id: string, deliveredAt: Date): Promise<void> {
    return this.writes.add(DELIVERED, { id, deliveredAt });
  }
}

/** Events delivered together are marked together: one UPDATE. */
const DELIVERED: WriteKind<{ id: string; deliveredAt: Date }> = {
  statement: (events) => ({
    sql: `UPDATE iamport_outbox SET delivered_at = ?, lease_owner = NULL, lease_until = NULL WHERE id IN ${Sql.list(events.length)}`,
    values: [
      events[events.length - 1].deliveredAt,
      ...events.map((event) => event.id),
    ],
  }),
};
