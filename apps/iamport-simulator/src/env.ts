import type { SimulatorConfig } from './config.js';

type Parser = (raw: string) => unknown;

const integer: Parser = (raw) =>
  /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
const text: Parser = (raw) => raw;

/** Environment variable → config key. Values are checked by resolveConfig afterwards. */
const ENV: [string, keyof SimulatorConfig, Parser][] = [
  ['IAMPORT_SIM_PORT', 'port', integer],
  ['IAMPORT_SIM_HOST', 'host', text],
  ['IAMPORT_SIM_PUBLIC_URL', 'publicUrl', text],
  ['IAMPORT_SIM_IMP_KEY', 'impKey', text],
  ['IAMPORT_SIM_IMP_SECRET', 'impSecret', text],
  ['IAMPORT_SIM_WEBHOOK_URL', 'webhookUrl', text],
  ['IAMPORT_SIM_WEBHOOK_FORMAT', 'webhookFormat', text],
  ['IAMPORT_SIM_REDIRECT_FLAG', 'redirectFlag', text],
  ['IAMPORT_SIM_LATENCY_MS', 'latencyMs', integer],
  ['IAMPORT_SIM_WEBHOOK_RETRIES', 'webhookRetries', integer],
  ['IAMPORT_SIM_VBANK_REVOKE_CANCEL_AMOUNT', 'vbankRevokeCancelAmount', text],
  ['IAMPORT_SIM_V2_API_SECRET', 'v2ApiSecret', text],
  ['IAMPORT_SIM_V2_STORE_ID', 'v2StoreId', text],
  ['IAMPORT_SIM_V2_CHANNEL_KEY', 'v2ChannelKey', text],
  ['IAMPORT_SIM_V2_CHANNEL_TYPE', 'v2ChannelType', text],
  ['IAMPORT_SIM_V2_WEBHOOK_SECRET', 'v2WebhookSecret', text],
  ['IAMPORT_SIM_V2_WEBHOOK_URL', 'v2WebhookUrl', text],
  ['IAMPORT_SIM_V2_WEBHOOK_RETRIES', 'v2WebhookRetries', integer],
  ['IAMPORT_SIM_V2_WEBHOOK_RETRY_UNIT_MS', 'v2WebhookRetryUnitMs', integer],
];

export const MAIN_DEFAULT_PORT = 4010;

/** Options from the environment; throws a message naming the variable when one is malformed. */
export function configFromEnv(
  env: NodeJS.ProcessEnv,
): Partial<SimulatorConfig> {
  const options: Partial<SimulatorConfig> = { port: MAIN_DEFAULT_PORT };
  for (const [name, key, parse] of ENV) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    Object.assign(options, { [key]: parse(raw) });
  }
  return options;
}

/** Turns a config error about `latencyMs` into one about IAMPORT_SIM_LATENCY_MS. */
export function explainEnvError(message: string): string {
  let explained = message;
  for (const [name, key] of ENV)
    explained = explained.replaceAll(`${key}:`, `${name}:`);
  return explained;
}
