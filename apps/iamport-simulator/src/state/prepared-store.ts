/** An amount registered with POST /payments/prepare (schema: PaymentPrepareAnnotation). */
export interface PreparedPayment {
  merchant_uid: string;
  amount: number;
  /** null: iamport then does not check the currency (schema: default=null). */
  currency: string | null;
}

export class PreparedStore {
  private readonly byMerchantUid = new Map<string, PreparedPayment>();

  get(merchantUid: string): PreparedPayment | undefined {
    return this.byMerchantUid.get(merchantUid);
  }

  set(prepared: PreparedPayment): void {
    this.byMerchantUid.set(prepared.merchant_uid, prepared);
  }

  /** Why the payment window must refuse this order, or null when it may open. */
  mismatch(
    merchantUid: string,
    amount: number,
    currency: string,
  ): string | null {
    const prepared = this.byMerchantUid.get(merchantUid);
    if (!prepared) return null;
    if (prepared.amount !== amount) {
      return `The amount ${amount} differs from the prepared amount ${prepared.amount}`;
    }
    if (prepared.currency !== null && prepared.currency !== currency) {
      return `The currency ${currency} differs from the prepared currency ${prepared.currency}`;
    }
    return null;
  }

  clear(): void {
    this.byMerchantUid.clear();
  }
}
