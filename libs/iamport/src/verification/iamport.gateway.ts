import { IamportClient } from '../client/iamport.client.js';
import { IamportNotFoundError } from '../client/iamport.errors.js';
import type { Refund } from './decision.js';
import { fromIamport } from './iamport-payment.adapter.js';
import type { PaymentGateway } from './payment-gateway.js';
import type { PaymentRefunder, RefundResult } from './payment-refunder.js';
import type { PortOnePayment } from './portone-payment.js';

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

  lookupKeyOf(payment: PortOnePayment): string {
    return payment.impUid;
  }

  get(impUid: string): Promise<PortOnePayment | null> {
    // Test-channel payments are fetched too, so that they are refused by name instead of looking unknown.
    return this.client
      .getPayment(impUid, { includeSandbox: true })
      .then(fromIamport, (error: unknown) => {
        if (error instanceof IamportNotFoundError) return null;
        throw error;
      });
  }

  // The redirect may carry no imp_uid (pre-validation failed, some PGs): take the order's newest payment.
  async findByOrder(merchantUid: string): Promise<PortOnePayment | null> {
    const payment = await this.client.findPaymentByMerchantUid(merchantUid, {
      includeSandbox: true,
    });
    return payment && fromIamport(payment);
  }

  refund(refund: Refund): Promise<RefundResult> {
    return this.refunder.refund(refund);
  }
}
