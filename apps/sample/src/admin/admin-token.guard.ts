import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';

export const ADMIN_TOKEN = Symbol('ADMIN_TOKEN');

/**
 * `Authorization: Bearer <ADMIN_TOKEN>` on every `/admin` route: 401 without
 * it, 403 with another token. With no token configured the admin routes do
 * not exist (404), so a shop that never set one exposes nothing.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer | null;

  constructor(@Inject(ADMIN_TOKEN) token: string | null) {
    this.expected = token ? digest(token) : null;
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.expected === null) throw new NotFoundException();
    const request = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(
      String(request.headers.authorization ?? ''),
    );
    if (!match)
      throw new UnauthorizedException(
        'send the admin token as Authorization: Bearer <ADMIN_TOKEN>',
      );
    // Digests of equal length, compared in constant time: neither the token nor its length leaks through timing.
    if (!timingSafeEqual(digest(match[1]), this.expected))
      throw new ForbiddenException('wrong admin token');
    return true;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
