import { IamportClient } from '../client/iamport.client.js';
import { IamportNotFoundError } from '../client/iamport.errors.js';
import type { Payment } from '../client/iamport.types.js';
import type { Refund } from './decision.js';
import type { PaymentGateway } from './payment-gateway.js';
import type { PaymentRefunder, RefundResult } from './payment-refunder.js';

/** PortOne V1 (iamport): payments are fetched by imp_uid. */
export class IamportGateway implements PaymentGateway {
  readonly api = 'v1' as const;

  constructor(
    private readonly client: IamportClient,
    private readonly refunder: PaymentRefunder,
    private readonly includeSandbox: boolean,
  ) {}

  acceptsTestPayments(): boolean {
    return this.includeSandbox;
  }

  lookupKey({
    impUid,
  }: {
    impUid?: string | null;
    merchantUid?: string | null;
  }): string | null {
    return impUid || null;
  }

  lookupKeyOf(payment: Payment): string {
    return payment.imp_uid;
  }

  get(impUid: string): Promise<Payment | null> {
    // Test-channel payments are fetched too, so that they are refused by name instead of looking unknown.
    return this.client
      .getPayment(impUid, { includeSandbox: true })
      .catch((error: unknown) => {
        if (error instanceof IamportNotFoundError) return null;
        throw error;
      });
  }

  // The redirect may carry no imp_uid (pre-validation failed, some PGs): take the order's newest payment.
  findByOrder(merchantUid: string): Promise<Payment | null> {
    return this.client.findPaymentByMerchantUid(merchantUid, {
      includeSandbox: true,
    });
  }

  refund(refund: Refund): Promise<RefundResult> {
    return this.refunder.refund(refund);
  }
}
