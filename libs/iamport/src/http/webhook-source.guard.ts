import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
} from '@nestjs/common';
import type { ResolvedIamportOptions } from '../iamport.options.js';
import { IAMPORT_OPTIONS } from '../iamport.tokens.js';

/**
 * The optional webhook source allow-list. It reads `request.ip`, which
 * Express and Fastify derive from X-Forwarded-For only when the app trusts its
 * proxy (`app.set('trust proxy', …)` / `trustProxy`), so a forged header from
 * the internet is not believed.
 */
@Injectable()
export class WebhookSourceGuard implements CanActivate {
  constructor(
    @Inject(IAMPORT_OPTIONS) private readonly options: ResolvedIamportOptions,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const allowed = this.options.webhookAllowList;
    if (allowed === null) return true;
    const ip = clientAddress(
      context.switchToHttp().getRequest<{ ip?: string }>(),
    );
    if (ip !== null && allowed.has(ip)) return true;
    throw new ForbiddenException('webhook source address is not allowed');
  }
}

/** `::ffff:1.2.3.4` is how a dual-stack server sees an IPv4 client. */
export function clientAddress(request: { ip?: string }): string | null {
  const ip = request.ip;
  if (!ip) return null;
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}
