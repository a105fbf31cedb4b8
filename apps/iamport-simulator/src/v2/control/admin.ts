import type { SimulatorConfig } from '../../config.js';
import { json } from '../../http/respond.js';
import { SimError, type Route } from '../../http/types.js';
import { controlRoute } from '../../control/route.js';
import { rejectUnknownKeys } from '../../http/fields.js';
import {
  V2_CONFIG_CHECKS,
  V2_CONFIG_KEYS,
  type V2ChannelType,
  type V2Config,
} from '../config.js';
import { optionalInt, optionalText } from '../fields.js';

const configJson = (config: SimulatorConfig) =>
  Object.fromEntries(V2_CONFIG_KEYS.map((key) => [key, config[key]]));

export const controlV2AdminRoutes: Route[] = [
  controlRoute('GET', '/_sim/v2/config', (ctx) => json(configJson(ctx.config))),
  /** Validates the whole patch first, so that a bad field changes nothing. */
  controlRoute('PATCH', '/_sim/v2/config', (ctx, { body }) => {
    const problems: string[] = [];
    for (const [key, value] of Object.entries(body)) {
      if (!V2_CONFIG_KEYS.includes(key as keyof V2Config)) {
        problems.push(`${key}: not a V2 key (${V2_CONFIG_KEYS.join(', ')})`);
        continue;
      }
      const problem = V2_CONFIG_CHECKS[key as keyof V2Config](value);
      if (problem)
        problems.push(`${key}: ${problem}, got ${JSON.stringify(value)}`);
    }
    if (problems.length > 0) throw new SimError(400, problems.join('; '));
    Object.assign(ctx.config, body);
    return json(configJson(ctx.config));
  }),
  controlRoute('POST', '/_sim/v2/reset', (ctx) => {
    ctx.v2.reset();
    return json({ reset: true });
  }),
  controlRoute('POST', '/_sim/v2/tokens/expire', (ctx) =>
    json({ expired: ctx.v2.tokens.expireAll() }),
  ),
  controlRoute('POST', '/_sim/v2/checkout-tamper', (ctx, { body }) => {
    rejectUnknownKeys(body, ['channelType', 'paidAmount', 'times']);
    const channelType = optionalText(body, 'channelType');
    if (
      channelType !== undefined &&
      channelType !== 'LIVE' &&
      channelType !== 'TEST'
    )
      throw new SimError(400, 'channelType must be LIVE or TEST');
    const paidAmount = optionalInt(body, 'paidAmount');
    if (channelType === undefined && paidAmount === undefined)
      throw new SimError(400, 'Give channelType, paidAmount or both');
    ctx.v2.tampers.push({
      channelType: (channelType as V2ChannelType | undefined) ?? null,
      paidAmount: paidAmount ?? null,
      remaining: optionalInt(body, 'times', 1, 1000) ?? 1,
    });
    return json({ tampers: ctx.v2.tampers }, 201);
  }),
  controlRoute('GET', '/_sim/v2/checkout-tamper', (ctx) =>
    json({ tampers: ctx.v2.tampers }),
  ),
  controlRoute('DELETE', '/_sim/v2/checkout-tamper', (ctx) => {
    const cleared = ctx.v2.tampers.length;
    ctx.v2.tampers = [];
    return json({ cleared });
  }),
];
