import { configFromEnv, explainEnvError } from './env.js';
import { startSimulator } from './simulator.js';

async function main(): Promise<void> {
  try {
    const simulator = await startSimulator(configFromEnv(process.env), {
      onWebhookDelivery: (d) =>
        console.log(
          `${d.at} webhook ${d.format} ${d.url} ${d.body} → ${d.dropped ? 'dropped' : (d.status ?? d.error)}`,
        ),
      onV2WebhookDelivery: (d) =>
        console.log(
          `${d.at} webhook v2 ${d.webhookId} #${d.attempt} ${d.url} ${d.body} → ${d.status ?? d.error}`,
        ),
    });
    console.log(`iamport simulator listening on ${simulator.url}`);
    const stop = (signal: string) => {
      console.log(`iamport simulator: ${signal}, closing`);
      simulator.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  } catch (error) {
    console.error(
      `iamport simulator: ${explainEnvError((error as Error).message)}`,
    );
    process.exit(1);
  }
}

void main();
