import type { SimulatorConfig } from '../config.js';
import type { V2ChannelType } from './config.js';
import { V2PaymentStore } from './state/payment-store.js';
import { V2TokenStore } from './state/token-store.js';
import { V2WebhookSender, type V2WebhookDelivery } from './webhooks/sender.js';

/**
 * What the next checkout windows do differently (POST /_sim/v2/checkout-tamper): pay through a
 * TEST channel, or pay another amount than the one requested (a forged amount).
 */
export interface CheckoutTamper {
  channelType: V2ChannelType | null;
  paidAmount: number | null;
  /** Windows it still applies to. */
  remaining: number;
}

/** Everything PortOne V2 keeps, apart from V1's. One per running simulator. */
export class V2State {
  readonly payments = new V2PaymentStore();
  readonly tokens = new V2TokenStore();
  readonly webhooks: V2WebhookSender;
  tampers: CheckoutTamper[] = [];

  constructor(
    config: SimulatorConfig,
    clockMs: () => number,
    onDelivery?: (delivery: V2WebhookDelivery) => void,
  ) {
    this.webhooks = new V2WebhookSender(config, clockMs, onDelivery);
  }

  /** The tamper for one window, used up. */
  takeTamper(): CheckoutTamper | null {
    const tamper = this.tampers[0];
    if (!tamper) return null;
    if (--tamper.remaining <= 0) this.tampers.shift();
    return tamper;
  }

  reset(): void {
    this.payments.clear();
    this.tokens.clear();
    this.webhooks.reset();
    this.tampers = [];
  }
}
