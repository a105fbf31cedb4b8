import type { IncomingHttpHeaders } from 'node:http';
import type { SimContext } from '../../context.js';
import { json } from '../../http/respond.js';
import type { Route } from '../../http/types.js';
import { apiMs } from '../clock.js';
import { V2Error } from '../errors.js';
import { requiredText } from '../fields.js';
import { v2Route } from './route.js';

const unauthorized = (message: string) =>
  new V2Error(401, 'UNAUTHORIZED', message);

/** `Authorization: PortOne <V2 API secret>` or `Authorization: Bearer <access token>`. */
export function requireV2Auth(
  ctx: SimContext,
  headers: IncomingHttpHeaders,
): void {
  const match = /^(\S+)\s+(\S+)\s*$/.exec(headers.authorization ?? '');
  if (!match)
    throw unauthorized('Authorization 헤더가 없거나 형식이 잘못되었습니다');
  const [, scheme, credential] = match;
  if (scheme.toLowerCase() === 'portone') {
    if (credential === ctx.config.v2ApiSecret) return;
    throw unauthorized('유효하지 않은 API Secret입니다');
  }
  if (scheme.toLowerCase() === 'bearer') {
    if (ctx.v2.tokens.isValidAccess(credential, apiMs(ctx))) return;
    throw unauthorized('유효하지 않은 액세스 토큰입니다');
  }
  throw unauthorized(`지원하지 않는 인증 방식입니다: ${scheme}`);
}

export const v2AuthRoutes: Route[] = [
  v2Route(
    'POST',
    '/login/api-secret',
    (ctx, { body }) => {
      const apiSecret = requiredText(body, 'apiSecret');
      if (apiSecret !== ctx.config.v2ApiSecret)
        throw unauthorized('유효하지 않은 API Secret입니다');
      return json(ctx.v2.tokens.issue(apiMs(ctx)));
    },
    false,
  ),
  v2Route(
    'POST',
    '/token/refresh',
    (ctx, { body }) => {
      const tokens = ctx.v2.tokens.refreshWith(
        requiredText(body, 'refreshToken'),
        apiMs(ctx),
      );
      if (!tokens) throw unauthorized('유효하지 않은 리프레시 토큰입니다');
      return json(tokens);
    },
    false,
  ),
];
