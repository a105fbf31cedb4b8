import { randomInt } from 'node:crypto';
import type { IamportPayment, StoredPayment } from '../payment.js';

/** Payments in memory, indexed by imp_uid and by merchant_uid (one order can have several). */
export class PaymentStore {
  private readonly byImpUid = new Map<string, StoredPayment>();
  private readonly byMerchantUid = new Map<string, StoredPayment[]>();
  private seq = 0;

  add(payment: IamportPayment, noticeUrls: string[] = []): StoredPayment {
    if (this.byImpUid.has(payment.imp_uid)) {
      throw new Error(`imp_uid ${payment.imp_uid} already exists`);
    }
    const stored: StoredPayment = {
      payment,
      noticeUrls,
      seq: ++this.seq,
      updatedAt: payment.started_at,
    };
    this.byImpUid.set(payment.imp_uid, stored);
    const siblings = this.byMerchantUid.get(payment.merchant_uid);
    if (siblings) siblings.push(stored);
    else this.byMerchantUid.set(payment.merchant_uid, [stored]);
    return stored;
  }

  get(impUid: string): StoredPayment | undefined {
    return this.byImpUid.get(impUid);
  }

  has(impUid: string): boolean {
    return this.byImpUid.has(impUid);
  }

  /** Every payment of one order, oldest first. */
  byMerchant(merchantUid: string): readonly StoredPayment[] {
    return this.byMerchantUid.get(merchantUid) ?? [];
  }

  all(): IterableIterator<StoredPayment> {
    return this.byImpUid.values();
  }

  get size(): number {
    return this.byImpUid.size;
  }

  /** A fresh imp_uid: `imp_` + 12 digits, like iamport's. */
  newImpUid(): string {
    for (;;) {
      const digits = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const more = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const impUid = `imp_${digits}${more}`;
      if (!this.byImpUid.has(impUid)) return impUid;
    }
  }

  clear(): void {
    this.byImpUid.clear();
    this.byMerchantUid.clear();
    this.seq = 0;
  }
}
