import { Inject, Injectable } from '@nestjs/common';
import { IamportClient } from '../client/iamport.client.js';
import { IamportEventDelivery } from '../events/iamport-event-delivery.js';
import type { ResolvedIamportOptions } from '../iamport.options.js';
import { IAMPORT_OPTIONS } from '../iamport.tokens.js';
import {
  IAMPORT_ORDER_REPOSITORY,
  type IamportOrderRepository,
} from '../ports/order.repository.js';
import { IamportGateway } from './iamport.gateway.js';
import { PaymentRefunder } from './payment-refunder.js';
import { PaymentVerificationCore } from './payment-verification.core.js';

/**
 * Verifies PortOne V1 (iamport) payments: `verify({ impUid, merchantUid,
 * source })` fetches the payment by imp_uid and settles its order (see
 * `PaymentVerificationCore`).
 */
@Injectable()
export class PaymentVerificationService extends PaymentVerificationCore {
  constructor(
    client: IamportClient,
    @Inject(IAMPORT_ORDER_REPOSITORY) orders: IamportOrderRepository,
    @Inject(IAMPORT_OPTIONS) options: ResolvedIamportOptions,
    refunder: PaymentRefunder,
    delivery: IamportEventDelivery,
  ) {
    super(
      new IamportGateway(client, refunder, options.includeSandbox),
      orders,
      options,
      delivery,
    );
  }
}
