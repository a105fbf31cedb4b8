import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type {
  FailedReconciliation,
  IamportReconciliationRepository,
  StaleOrder,
  StaleOrderClaim,
} from 'nestjs-iamport';
import {
  type EntityManager,
  In,
  type Repository,
  type SelectQueryBuilder,
} from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { OrderEntity } from './order.entity.js';
import { isDeadlock } from './database-errors.js';
import { inTransaction } from './transactions.js';

/**
 * Reconciliation's view of the orders. Each order goes to one instance: on
 * PostgreSQL and MariaDB the candidates are locked with `FOR UPDATE SKIP
 * LOCKED` while the lease is written (so concurrent claims pass each other by
 * instead of waiting); on SQLite, which has no row locks and one writer, the
 * lease alone (a conditional UPDATE) does it. The lease is not held while
 * iamport is asked: it is a column, and it expires if the instance dies.
 */
@Injectable()
export class TypeOrmReconciliationRepository implements IamportReconciliationRepository {
  constructor(
    @InjectRepository(OrderEntity)
    private readonly orders: Repository<OrderEntity>,
  ) {}

  async claimStaleOrders(claim: StaleOrderClaim): Promise<StaleOrder[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.claim(claim);
      } catch (error) {
        // Two claims can still deadlock on InnoDB's index locks; the loser is rolled back and tries again.
        if (!isDeadlock(error) || attempt >= 5) throw error;
      }
    }
  }

  private async claim(claim: StaleOrderClaim): Promise<StaleOrder[]> {
    const dataSource = this.orders.manager.connection;
    const skipLocked =
      dataSource.options.type === 'postgres' ||
      dataSource.options.type === 'mysql';
    const ids = await inTransaction(
      dataSource,
      async (manager) => {
        const candidates = this.candidates(manager, claim);
        if (skipLocked)
          candidates.setLock('pessimistic_write').setOnLocked('skip_locked');
        const found = (await candidates.getRawMany<{ id: number }>()).map(
          (row) => Number(row.id),
        );
        if (found.length === 0) return [];
        await manager
          .createQueryBuilder()
          .update(OrderEntity)
          .set({
            reconcileOwner: claim.owner,
            reconcileUntil: claim.leaseUntil,
            updatedAt: () => 'updated_at',
          })
          .where('id IN (:...ids)', { ids: found })
          .andWhere('(reconcile_until IS NULL OR reconcile_until < :now)', {
            now: claim.now,
          })
          .execute();
        return found;
      },
      // No gap locks: the claim locks the rows it found, nothing around them.
      skipLocked ? 'READ COMMITTED' : undefined,
    );
    if (ids.length === 0) return [];
    const claimed = await this.orders.find({
      where: { id: In(ids), reconcileOwner: claim.owner },
      select: {
        merchantUid: true,
        status: true,
        impUid: true,
        reconcileFailures: true,
      },
      order: { id: 'ASC' },
    });
    return claimed.map(
      ({ merchantUid, status, impUid, reconcileFailures }) => ({
        merchantUid,
        status,
        impUid,
        failures: reconcileFailures,
      }),
    );
  }

  private candidates(
    manager: EntityManager,
    claim: StaleOrderClaim,
  ): SelectQueryBuilder<OrderEntity> {
    return manager
      .createQueryBuilder(OrderEntity, 'o')
      .select('o.id', 'id')
      .where('o.status IN (:...statuses)', { statuses: claim.statuses })
      .andWhere('o.created_at < :createdBefore', {
        createdBefore: claim.createdBefore,
      })
      .andWhere('o.created_at > :createdAfter', {
        createdAfter: claim.createdAfter,
      })
      .andWhere(
        '(o.reconcile_retry_after IS NULL OR o.reconcile_retry_after <= :now)',
        { now: claim.now },
      )
      .andWhere('(o.reconciled_at IS NULL OR o.reconciled_at < :since)', {
        since: claim.notReconciledSince,
      })
      .andWhere('(o.reconcile_until IS NULL OR o.reconcile_until < :now)', {
        now: claim.now,
      })
      .orderBy('o.id', 'ASC')
      .limit(claim.limit);
  }

  markReconciled(
    merchantUids: readonly string[],
    owner: string,
    reconciledAt: Date,
  ): Promise<void> {
    return this.release(merchantUids, owner, {
      reconciledAt,
      reconcileFailures: 0,
      reconcileRetryAfter: null,
    });
  }

  async markFailed(
    failures: readonly FailedReconciliation[],
    owner: string,
    attemptedAt: Date,
  ): Promise<void> {
    // One statement each: each order has its own retry time. The sweep claims nothing, so an
    // order claimed by nobody is marked too; another owner's claim is left alone.
    for (const failure of failures) {
      await this.release(
        [failure.merchantUid],
        owner,
        {
          reconciledAt: attemptedAt,
          reconcileFailures: () => 'reconcile_failures + 1',
          reconcileRetryAfter: failure.retryAfter,
        },
        true,
      );
    }
  }

  async findBackedOff(
    merchantUids: readonly string[],
    now: Date,
  ): Promise<string[]> {
    if (merchantUids.length === 0) return [];
    const rows = await this.orders
      .createQueryBuilder('o')
      .select('o.merchant_uid', 'merchantUid')
      .where('o.merchant_uid IN (:...merchantUids)', { merchantUids })
      .andWhere('o.reconcile_retry_after > :now', { now })
      .getRawMany<{ merchantUid: string }>();
    return rows.map((row) => row.merchantUid);
  }

  releaseClaims(merchantUids: readonly string[], owner: string): Promise<void> {
    return this.release(merchantUids, owner, {});
  }

  /** Ends this owner's claim on the orders (never someone else's); with `unclaimedToo`, also writes orders nobody claims. */
  private async release(
    merchantUids: readonly string[],
    owner: string,
    also: QueryDeepPartialEntity<OrderEntity>,
    unclaimedToo = false,
  ): Promise<void> {
    if (merchantUids.length === 0) return;
    await this.orders
      .createQueryBuilder()
      .update(OrderEntity)
      .set({
        ...also,
        reconcileOwner: null,
        reconcileUntil: null,
        updatedAt: () => 'updated_at',
      })
      .where('merchant_uid IN (:...merchantUids)', { merchantUids })
      .andWhere(
        unclaimedToo
          ? '(reconcile_owner IS NULL OR reconcile_owner = :owner)'
          : 'reconcile_owner = :owner',
        { owner },
      )
      .execute();
  }
}
