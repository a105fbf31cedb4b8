import type { IncomingHttpHeaders } from 'node:http';
import type { SimContext } from '../context.js';
import { ok } from '../http/respond.js';
import { SimError, type Route } from '../http/types.js';

/** Bearer token, the raw token (older clients) or X-ImpTokenHeader: iamport accepts all three. */
function presentedTokens(headers: IncomingHttpHeaders): string[] {
  const tokens: string[] = [];
  const authorization = headers.authorization?.trim();
  if (authorization) tokens.push(authorization.replace(/^Bearer\s+/i, ''));
  const legacy = headers['x-imptokenheader'];
  if (typeof legacy === 'string' && legacy.trim()) tokens.push(legacy.trim());
  return tokens;
}

export function requireToken(
  ctx: SimContext,
  headers: IncomingHttpHeaders,
): void {
  const now = ctx.now();
  if (
    !presentedTokens(headers).some((token) => ctx.tokens.isValid(token, now))
  ) {
    throw new SimError(401, 'Unauthorized');
  }
}

export const authRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/users/getToken',
    surface: 'api',
    operation: 'getToken',
    auth: false,
    handle(ctx, { body }) {
      // The schema documents only 200 and 401 here: missing credentials are a failed login too.
      if (
        body.imp_key !== ctx.config.impKey ||
        body.imp_secret !== ctx.config.impSecret
      ) {
        throw new SimError(401, 'imp_key, imp_secret authentication failed');
      }
      const now = ctx.now();
      const token = ctx.tokens.obtain(ctx.config.impKey, now, {
        ttlSeconds: ctx.config.tokenTtlSeconds,
        extendWindowSeconds: ctx.config.tokenExtendWindowSeconds,
        extendSeconds: ctx.config.tokenExtendSeconds,
      });
      return ok({
        access_token: token.token,
        now,
        expired_at: token.expiresAt,
      });
    },
  },
];
