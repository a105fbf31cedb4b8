import type { SimulatorConfig } from './config.js';
import { FaultRegistry } from './faults.js';
import { PaymentStore } from './state/payment-store.js';
import { PreparedStore } from './state/prepared-store.js';
import { TokenStore } from './state/token-store.js';
import { Stats } from './stats.js';
import { Timers } from './timers.js';
import { V2State } from './v2/state.js';
import type { V2WebhookDelivery } from './v2/webhooks/sender.js';
import { WebhookSender, type WebhookDelivery } from './webhook-sender.js';

/** Everything a handler may read or change. One per running simulator. */
export interface SimContext {
  readonly config: SimulatorConfig;
  /** http://127.0.0.1:<port>, known once listening. */
  baseUrl: string;
  readonly payments: PaymentStore;
  readonly tokens: TokenStore;
  readonly prepared: PreparedStore;
  readonly faults: FaultRegistry;
  readonly stats: Stats;
  /** Delays of requests in progress (latency), stopped by close(). */
  readonly timers: Timers;
  readonly webhooks: WebhookSender;
  /** PortOne V2: its own payments, tokens and signed webhooks. */
  readonly v2: V2State;
  /** UNIX seconds on the API's clock (real clock + clockOffsetSeconds). */
  now(): number;
  reset(): void;
}

export function createContext(
  config: SimulatorConfig,
  onWebhookDelivery?: (delivery: WebhookDelivery) => void,
  onV2WebhookDelivery?: (delivery: V2WebhookDelivery) => void,
): SimContext {
  const stats = new Stats();
  const faults = new FaultRegistry();
  const timers = new Timers();
  const context: SimContext = {
    config,
    baseUrl: '',
    payments: new PaymentStore(),
    tokens: new TokenStore(),
    prepared: new PreparedStore(),
    faults,
    stats,
    timers,
    webhooks: new WebhookSender(config, stats, faults, onWebhookDelivery),
    v2: new V2State(
      config,
      () => Date.now() + config.clockOffsetSeconds * 1000,
      onV2WebhookDelivery,
    ),
    now: () => Math.floor(Date.now() / 1000) + config.clockOffsetSeconds,
    reset() {
      context.payments.clear();
      context.tokens.clear();
      context.prepared.clear();
      faults.clear();
      stats.reset();
      context.webhooks.reset();
      context.v2.reset();
    },
  };
  return context;
}
