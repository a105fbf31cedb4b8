import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type {
  IamportOrder,
  IamportOrderRepository,
  OrderTransition,
  OutboxEvent,
} from 'nestjs-iamport';
import type { Repository } from 'typeorm';
import { OrderEntity } from './order.entity.js';
import { OutboxEventEntity } from './outbox-event.entity.js';
import { inTransaction } from './transactions.js';

/**
 * The module's order port on TypeORM. `applyTransition` is one conditional
 * UPDATE whose affected-row count decides which of several concurrent
 * verifications won, in one transaction with the outbox event of the
 * transition; it runs unchanged on SQLite, PostgreSQL and MariaDB.
 */
@Injectable()
export class TypeOrmOrderRepository implements IamportOrderRepository {
  constructor(
    @InjectRepository(OrderEntity)
    private readonly orders: Repository<OrderEntity>,
  ) {}

  async findByMerchantUid(merchantUid: string): Promise<IamportOrder | null> {
    const order = await this.orders.findOne({
      where: { merchantUid },
      select: {
        merchantUid: true,
        amount: true,
        currency: true,
        status: true,
        impUid: true,
        cancelledAmount: true,
      },
    });
    if (order === null) return null;
    const { amount, currency, status, impUid, cancelledAmount } = order;
    return { merchantUid, amount, currency, status, impUid, cancelledAmount };
  }

  /** The conditional UPDATE and, when it changed the row, the outbox event: one transaction. */
  async applyTransition(
    transition: OrderTransition,
    event: OutboxEvent,
  ): Promise<boolean> {
    return inTransaction(this.orders.manager.connection, async (manager) => {
      const update = manager
        .createQueryBuilder()
        .update(OrderEntity)
        .set(columnsOf(transition))
        .where('merchant_uid = :merchantUid', {
          merchantUid: transition.merchantUid,
        })
        .andWhere('status IN (:...from)', { from: transition.from });
      if (transition.requireSameImpUid)
        update.andWhere('imp_uid = :impUid', { impUid: transition.impUid });
      if (transition.requireCancelledAmountBelow !== null) {
        update.andWhere('cancelled_amount < :below', {
          below: transition.requireCancelledAmountBelow,
        });
      }
      const { affected } = await update.execute();
      if (affected !== 1) return false;
      await manager.insert(OutboxEventEntity, {
        ...event,
        deliveredAt: null,
        leaseOwner: null,
        leaseUntil: null,
      });
      return true;
    });
  }
}

function columnsOf(transition: OrderTransition): Partial<OrderEntity> {
  const columns: Partial<OrderEntity> = {
    status: transition.to,
    impUid: transition.impUid,
  };
  if (transition.paidAt) columns.paidAt = transition.paidAt;
  if (transition.failedAt) columns.failedAt = transition.failedAt;
  if (transition.cancelledAt) columns.cancelledAt = transition.cancelledAt;
  if (transition.cancelledAmount !== undefined)
    columns.cancelledAmount = transition.cancelledAmount;
  if (transition.reason !== undefined)
    columns.failureReason = transition.reason.slice(0, 500);
  const account = transition.virtualAccount;
  if (account) {
    columns.vbankCode = account.bankCode;
    columns.vbankName = account.bankName;
    columns.vbankNum = account.accountNumber;
    columns.vbankHolder = account.holder;
    columns.vbankDueAt = account.dueAt;
  }
  return columns;
}
