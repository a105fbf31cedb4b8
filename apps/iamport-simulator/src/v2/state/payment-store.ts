import { PAID_STATUSES, type V2Attempt } from '../payment.js';

/** What POST /payments/{id}/pre-register remembered for a paymentId. */
export interface PreRegistration {
  totalAmount: number | null;
  taxFreeAmount: number | null;
  currency: string | null;
}

/** V2 payments in memory: every attempt of each paymentId, oldest first. */
export class V2PaymentStore {
  private readonly byPaymentId = new Map<string, V2Attempt[]>();
  private readonly byTransactionId = new Map<string, V2Attempt>();
  private readonly preRegistered = new Map<string, PreRegistration>();
  private seq = 0;

  nextSeq(): number {
    return ++this.seq;
  }

  add(attempt: V2Attempt): V2Attempt {
    const siblings = this.byPaymentId.get(attempt.paymentId);
    if (siblings) siblings.push(attempt);
    else this.byPaymentId.set(attempt.paymentId, [attempt]);
    this.byTransactionId.set(attempt.transactionId, attempt);
    return attempt;
  }

  /** Takes back an attempt that could not be completed (a control call that failed halfway). */
  remove(attempt: V2Attempt): void {
    const siblings = this.byPaymentId.get(attempt.paymentId) ?? [];
    const rest = siblings.filter((a) => a !== attempt);
    if (rest.length > 0) this.byPaymentId.set(attempt.paymentId, rest);
    else this.byPaymentId.delete(attempt.paymentId);
    this.byTransactionId.delete(attempt.transactionId);
  }

  attempts(paymentId: string): readonly V2Attempt[] {
    return this.byPaymentId.get(paymentId) ?? [];
  }

  byTransaction(transactionId: string): V2Attempt | undefined {
    return this.byTransactionId.get(transactionId);
  }

  /** The one that paid, if any; else the latest attempt. */
  current(paymentId: string): V2Attempt | undefined {
    const attempts = this.attempts(paymentId);
    return (
      attempts.find((a) => PAID_STATUSES.includes(a.status)) ?? attempts.at(-1)
    );
  }

  isPaid(paymentId: string): boolean {
    return this.attempts(paymentId).some((a) =>
      PAID_STATUSES.includes(a.status),
    );
  }

  /** The current attempt of every paymentId. */
  *currentAll(): IterableIterator<V2Attempt> {
    for (const paymentId of this.byPaymentId.keys()) {
      const attempt = this.current(paymentId);
      if (attempt) yield attempt;
    }
  }

  *allAttempts(): IterableIterator<V2Attempt> {
    yield* this.byTransactionId.values();
  }

  preRegister(paymentId: string, registration: PreRegistration): void {
    this.preRegistered.set(paymentId, registration);
  }

  preRegistration(paymentId: string): PreRegistration | undefined {
    return this.preRegistered.get(paymentId);
  }

  clear(): void {
    this.byPaymentId.clear();
    this.byTransactionId.clear();
    this.preRegistered.clear();
    this.seq = 0;
  }
}
