// The consumer's own test: a simulator started through the package's testing
// entry, the shop in the same process, one payment settled through the
// redirect and the webhook routes. Prints the result as JSON; exits 1 on failure.
import 'reflect-metadata';
import {
  DEFAULT_CONFIG,
  type RunningSimulator,
  type SimulatorConfig,
  startSimulator,
} from 'nestjs-iamport/testing';
import { type RunningShop, startShop } from './app.js';
import {
  assertSettledOnce,
  settleOnePayment,
  settleOneV2Payment,
} from './flow.js';

async function main(): Promise<void> {
  const config: Partial<SimulatorConfig> = { port: 0 };
  const simulator: RunningSimulator = await startSimulator(config);
  let shop: RunningShop | null = null;
  try {
    shop = await startShop({
      apiBaseUrl: simulator.url,
      impKey: DEFAULT_CONFIG.impKey,
      impSecret: DEFAULT_CONFIG.impSecret,
      v2: {
        apiSecret: DEFAULT_CONFIG.v2ApiSecret,
        storeId: DEFAULT_CONFIG.v2StoreId,
        webhookSecret: DEFAULT_CONFIG.v2WebhookSecret,
      },
    });
    // V2 first: the last line printed is V1's result, which the consumer spec reads.
    const v2 = await settleOneV2Payment(shop.url, simulator.url);
    assertSettledOnce(v2);
    console.log(JSON.stringify({ v2 }));
    const result = await settleOnePayment(shop.url, simulator.url);
    assertSettledOnce(result);
    console.log(JSON.stringify(result));
  } finally {
    await shop?.app.close();
    await simulator.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
