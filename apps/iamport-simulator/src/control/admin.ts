import {
  CONFIG_KEYS,
  configValueProblem,
  type SimulatorConfig,
} from '../config.js';
import type { SimContext } from '../context.js';
import { json } from '../http/respond.js';
import { SimError, type Route } from '../http/types.js';
import { controlRoute } from './route.js';

const snake = (key: string): string =>
  key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** host, port and the public URL are fixed once listening. */
const FIXED = new Set<string>(['host', 'port', 'publicUrl']);
const PATCHABLE = new Map(
  CONFIG_KEYS.filter((key) => !FIXED.has(key)).map((key) => [snake(key), key]),
);

function configJson(config: SimulatorConfig): Record<string, unknown> {
  return Object.fromEntries(
    CONFIG_KEYS.map((key) => [snake(key), config[key]]),
  );
}

/** Validates the whole patch first, so that a bad field changes nothing. */
function patchConfig(ctx: SimContext, body: Record<string, unknown>): void {
  const changes: Partial<SimulatorConfig> = {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries(body)) {
    const key = PATCHABLE.get(name);
    if (!key) {
      problems.push(
        `${name}: not a patchable key (${[...PATCHABLE.keys()].join(', ')})`,
      );
      continue;
    }
    const problem = configValueProblem(key, value);
    if (problem)
      problems.push(`${name}: ${problem}, got ${JSON.stringify(value)}`);
    else Object.assign(changes, { [key]: value });
  }
  if (problems.length > 0) throw new SimError(400, problems.join('; '));
  Object.assign(ctx.config, changes);
}

export const controlAdminRoutes: Route[] = [
  controlRoute('GET', '/_sim/stats', (ctx) =>
    json({
      calls: ctx.stats.calls,
      total: ctx.stats.total,
      tokens_issued: ctx.tokens.issued,
      webhooks: ctx.stats.webhooks,
    }),
  ),
  controlRoute('POST', '/_sim/reset', (ctx) => {
    ctx.reset();
    return json({ reset: true });
  }),
  controlRoute('GET', '/_sim/config', (ctx) => json(configJson(ctx.config))),
  controlRoute('PATCH', '/_sim/config', (ctx, { body }) => {
    patchConfig(ctx, body);
    return json(configJson(ctx.config));
  }),
  controlRoute('POST', '/_sim/tokens/expire', (ctx) =>
    json({ expired: ctx.tokens.expireAll(ctx.now()) }),
  ),
];
