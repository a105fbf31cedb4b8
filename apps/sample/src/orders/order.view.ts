import type { OrderEntity } from '../persistence/order.entity.js';

/** The public shape of an order (`GET /orders/:merchant_uid`). */
export interface OrderView {
  merchant_uid: string;
  product_id: number | null;
  quantity: number;
  name: string;
  amount: number;
  currency: string;
  status: OrderEntity['status'];
  imp_uid: string | null;
  paid_at: string | null;
  failed_at: string | null;
  cancelled_at: string | null;
  cancelled_amount: number;
  vbank: {
    bank_code: string | null;
    bank_name: string | null;
    account_number: string;
    holder: string | null;
    due_at: string | null;
  } | null;
  failure_reason: string | null;
  fulfilment: OrderEntity['fulfilment'];
  created_at: string;
  updated_at: string;
}

export function toOrderView(order: OrderEntity): OrderView {
  return {
    merchant_uid: order.merchantUid,
    product_id: order.productId,
    quantity: order.quantity,
    name: order.name,
    amount: order.amount,
    currency: order.currency,
    status: order.status,
    imp_uid: order.impUid,
    paid_at: iso(order.paidAt),
    failed_at: iso(order.failedAt),
    cancelled_at: iso(order.cancelledAt),
    cancelled_amount: order.cancelledAmount,
    vbank: order.vbankNum
      ? {
          bank_code: order.vbankCode,
          bank_name: order.vbankName,
          account_number: order.vbankNum,
          holder: order.vbankHolder,
          due_at: iso(order.vbankDueAt),
        }
      : null,
    failure_reason: order.failureReason,
    fulfilment: order.fulfilment,
    created_at: iso(order.createdAt) ?? '',
    updated_at: iso(order.updatedAt) ?? '',
  };
}

function iso(date: Date | null): string | null {
  return date ? new Date(date).toISOString() : null;
}
