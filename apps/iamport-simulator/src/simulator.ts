import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveConfig, type SimulatorConfig } from './config.js';
import { createContext } from './context.js';
import { createDispatcher } from './http/dispatcher.js';
import { createRouter } from './routes.js';
import type { V2WebhookDelivery } from './v2/webhooks/sender.js';
import type { WebhookDelivery } from './webhook-sender.js';

export interface RunningSimulator {
  /** http://127.0.0.1:<port> */
  url: string;
  /** How browsers reach it: `config.publicUrl`, or `url`. */
  publicUrl: string;
  port: number;
  /** Live and mutable: changes apply to the next request. */
  config: SimulatorConfig;
  /** Clears payments, tokens, prepared amounts, faults, stats and the webhook log (V1 and V2); keeps config. */
  reset(): void;
  /** Closes every socket, held ones included. */
  close(): Promise<void>;
}

export interface SimulatorHooks {
  /** Called after every webhook attempt (main.ts prints them). */
  onWebhookDelivery?: (delivery: WebhookDelivery) => void;
  /** Called after every PortOne V2 webhook attempt. */
  onV2WebhookDelivery?: (delivery: V2WebhookDelivery) => void;
}

const LOOPBACK_ALIASES = new Set(['0.0.0.0', '::', '']);

export async function startSimulator(
  options: Partial<SimulatorConfig> = {},
  hooks: SimulatorHooks = {},
): Promise<RunningSimulator> {
  const config = resolveConfig(options);
  const ctx = createContext(
    config,
    hooks.onWebhookDelivery,
    hooks.onV2WebhookDelivery,
  );
  const server = createServer(
    { keepAliveTimeout: 5_000 },
    createDispatcher(ctx, createRouter()),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  config.port = port;
  const host = LOOPBACK_ALIASES.has(config.host) ? '127.0.0.1' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const publicUrl = config.publicUrl?.replace(/\/+$/, '') ?? url;
  ctx.baseUrl = publicUrl;

  let closing: Promise<void> | undefined;
  return {
    url,
    publicUrl,
    port,
    config,
    reset: () => ctx.reset(),
    close() {
      closing ??= new Promise<void>((resolve) => {
        ctx.timers.cancelAll();
        ctx.webhooks.stop();
        ctx.v2.webhooks.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
