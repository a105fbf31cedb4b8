import type { SimulatorConfig } from './config.js';
import { FaultRegistry } from './faults.js';
import { PaymentStore } from './state/payment-store.js';
import { PreparedStore } from './state/prepared-store.js';
import { TokenStore } from './state/token-store.js';
import { Stats } from './stats.js';
import { Timers } from './timers.js';
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
  /** UNIX seconds on the API's clock (real clock + clockOffsetSeconds). */
  now(): number;
  reset(): void;
}

export function createContext(
  config: SimulatorConfig,
  onWebhookDelivery?: (delivery: WebhookDelivery) => void,
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
    now: () => Math.floor(Date.now() / 1000) + config.clockOffsetSeconds,
    reset() {
      context.payments.clear();
      context.tokens.clear();
      context.prepared.clear();
      faults.clear();
      stats.reset();
      context.webhooks.reset();
    },
  };
  return context;
}
