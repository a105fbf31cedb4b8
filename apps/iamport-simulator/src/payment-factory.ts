import { randomBytes, randomInt } from 'node:crypto';
import type { SimContext } from './context.js';
import type { IamportPayment } from './payment.js';

export interface Buyer {
  name?: string | null;
  email?: string | null;
  tel?: string | null;
  addr?: string | null;
  postcode?: string | null;
}

export interface NewPayment {
  merchantUid: string;
  amount: number;
  impUid?: string;
  /** 'card' by default. */
  payMethod?: string;
  currency?: string;
  sandbox?: boolean;
  name?: string | null;
  /** request_pay's `pg`: 'html5_inicis' or 'html5_inicis.<MID>'. */
  pg?: string | null;
  channel?: IamportPayment['channel'];
  buyer?: Buyer;
  /** Already a JSON string, as iamport stores it. */
  customData?: string | null;
  userAgent?: string | null;
}

const VBANK_DUE_SECONDS = 3 * 24 * 3600;

/** A simulated PG transaction id (schema maxLength 64). */
export const newPgTid = (): string => `sim_${randomBytes(12).toString('hex')}`;

const digits = (count: number): string =>
  Array.from({ length: count }, () => randomInt(0, 10)).join('');

/** A payment that has just started (status ready, nothing issued): what a closed window leaves. */
export function newPayment(ctx: SimContext, input: NewPayment): IamportPayment {
  const [provider, mid] = (input.pg || 'html5_inicis').split('.', 2);
  const now = ctx.now();
  const buyer = input.buyer ?? {};
  // Property order is the schema's PaymentAnnotation order: the real API sends them so.
  return {
    imp_uid: input.impUid ?? ctx.payments.newImpUid(),
    merchant_uid: input.merchantUid,
    pay_method: input.payMethod ?? 'card',
    channel: input.channel ?? 'pc',
    pg_provider: provider,
    emb_pg_provider: null,
    pg_tid: null,
    pg_id: mid ?? (provider === 'html5_inicis' ? 'INIpayTest' : null),
    sandbox: input.sandbox ?? false,
    escrow: false,
    apply_num: null,
    bank_code: null,
    bank_name: null,
    card_code: null,
    card_name: null,
    card_issuer_code: null,
    card_issuer_name: null,
    card_publisher_code: null,
    card_publisher_name: null,
    card_quota: 0,
    card_number: null,
    card_type: null,
    vbank_code: null,
    vbank_name: null,
    vbank_num: null,
    vbank_holder: null,
    vbank_date: 0,
    vbank_issued_at: 0,
    name: input.name ?? null,
    amount: input.amount,
    cancel_amount: 0,
    currency: input.currency ?? 'KRW',
    buyer_name: buyer.name ?? null,
    buyer_email: buyer.email ?? null,
    buyer_tel: buyer.tel ?? null,
    buyer_addr: buyer.addr ?? null,
    buyer_postcode: buyer.postcode ?? null,
    custom_data: input.customData ?? null,
    user_agent: input.userAgent ?? null,
    status: 'ready',
    started_at: now,
    paid_at: 0,
    failed_at: 0,
    cancelled_at: 0,
    fail_reason: null,
    cancel_reason: null,
    receipt_url: null,
    cancel_history: [],
    deposit_history: [],
    cancel_receipt_urls: [],
    cash_receipt_issued: false,
    customer_uid: null,
    customer_uid_usage: null,
    promotion: null,
  };
}

/** Card (or other instant method) approved: status paid. */
export function approve(ctx: SimContext, payment: IamportPayment): void {
  payment.status = 'paid';
  payment.paid_at = ctx.now();
  payment.pg_tid ??= newPgTid();
  payment.receipt_url = `${ctx.baseUrl}/receipts/${payment.imp_uid}`;
  if (payment.pay_method === 'card') {
    payment.apply_num = digits(8);
    payment.card_code = '366';
    payment.card_name = '신한카드';
    payment.card_number = `536181******${digits(4)}`;
    payment.card_type = 0;
  }
}

/** Virtual account issued: status stays ready, pay_method vbank (README: "ready" + vbank). */
export function issueVbank(ctx: SimContext, payment: IamportPayment): void {
  const now = ctx.now();
  payment.pay_method = 'vbank';
  payment.pg_tid ??= newPgTid();
  payment.vbank_code = '004';
  payment.vbank_name = 'KB국민은행';
  payment.vbank_num = digits(14);
  payment.vbank_holder = '(주)포트원시뮬레이터';
  payment.vbank_date = now + VBANK_DUE_SECONDS;
  payment.vbank_issued_at = now;
}

export function fail(
  ctx: SimContext,
  payment: IamportPayment,
  reason: string,
): void {
  payment.status = 'failed';
  payment.failed_at = ctx.now();
  payment.pg_tid ??= newPgTid();
  payment.fail_reason = reason;
}
