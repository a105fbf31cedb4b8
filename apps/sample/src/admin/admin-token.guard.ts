import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  NotFoundException,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ADMIN_PUBLIC_URL,
  AdminSessions,
  cookieValues,
  CSRF_FIELD,
  SESSION_COOKIE,
} from './admin-session.js';

export { ADMIN_TOKEN } from './admin-session.js';

/** What Express's request and Fastify's both offer. */
export interface AdminRequest {
  method: string;
  url: string;
  originalUrl?: string;
  protocol?: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  /** Set by the guard: how the request proved it knows the token. */
  admin?: { via: 'bearer' } | { via: 'cookie'; session: string };
}

const ADMIN_PAGE = Symbol('ADMIN_PAGE');

/** An HTML route: without a login, a browser is sent to the login form instead of a 401. */
export const AdminPage = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ADMIN_PAGE, true);

/** Thrown for a page asked for without a login; `AdminLoginFilter` turns it into a 303 to the form. */
export class AdminLoginRequired extends HttpException {
  constructor(readonly location: string) {
    super('log in first', HttpStatus.UNAUTHORIZED);
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every `/admin` route but the login form's. A request proves it knows
 * `ADMIN_TOKEN` in one of two ways:
 * - `Authorization: Bearer <ADMIN_TOKEN>` (scripts): 401 for another scheme,
 *   403 for another token; no CSRF token needed, since browsers never add
 *   this header by themselves;
 * - the session cookie the login form set (a browser): then every POST also
 *   needs the session's CSRF token (form field `csrf` or `X-CSRF-Token`) and
 *   must come from the shop's own pages (`Sec-Fetch-Site: same-origin`, and
 *   an `Origin` that is the shop's), or it is a 403.
 * Without either, pages redirect to the login form and the rest answer 401.
 * With no token configured the admin routes do not exist (404).
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(
    @Inject(AdminSessions) private readonly sessions: AdminSessions | null,
    @Inject(ADMIN_PUBLIC_URL) private readonly publicUrl: string | null,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.sessions === null) throw new NotFoundException();
    const request = context.switchToHttp().getRequest<AdminRequest>();
    const authorization = headerOf(request, 'authorization');
    if (authorization) {
      const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(authorization);
      if (!match)
        throw new UnauthorizedException(
          'send the admin token as Authorization: Bearer <ADMIN_TOKEN>',
        );
      // Digests of equal length, compared in constant time: neither the token nor its length leaks through timing.
      if (!this.sessions.isToken(match[1]))
        throw new ForbiddenException('wrong admin token');
      request.admin = { via: 'bearer' };
      return true;
    }
    const session = cookieValues(request.headers.cookie, SESSION_COOKIE).find(
      (value) => this.sessions!.isSession(value),
    );
    if (session !== undefined) {
      if (!SAFE_METHODS.has(request.method.toUpperCase())) {
        if (!isSameOrigin(request, this.publicUrl))
          throw new ForbiddenException(
            'a form of the admin pages must be sent from the shop itself',
          );
        if (!this.sessions.isCsrfToken(session, csrfTokenOf(request)))
          throw new ForbiddenException(
            'the form is missing its CSRF token: reload the page and try again',
          );
      }
      request.admin = { via: 'cookie', session };
      return true;
    }
    const page = this.reflector.getAllAndOverride<boolean | undefined>(
      ADMIN_PAGE,
      [context.getHandler(), context.getClass()],
    );
    if (page && SAFE_METHODS.has(request.method.toUpperCase()))
      throw new AdminLoginRequired(
        `/admin/login?${new URLSearchParams({ next: pathOf(request) })}`,
      );
    throw new UnauthorizedException(
      'send the admin token as Authorization: Bearer <ADMIN_TOKEN>, or log in at /admin/login',
    );
  }
}

/** One header as text ('' when absent). */
export function headerOf(request: AdminRequest, name: string): string {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}

/** The path and query asked for. */
export function pathOf(request: AdminRequest): string {
  return request.originalUrl ?? request.url;
}

function csrfTokenOf(request: AdminRequest): string {
  const body = request.body;
  const field =
    body !== null && typeof body === 'object'
      ? (body as Record<string, unknown>)[CSRF_FIELD]
      : undefined;
  if (typeof field === 'string') return field;
  return headerOf(request, 'x-csrf-token');
}

/**
 * Whether a browser sent this from the shop's own pages: `Sec-Fetch-Site`,
 * when sent, must say `same-origin`, and `Origin`, when sent, must be the
 * shop's (`PUBLIC_URL`, or the host the request was sent to); one of the two
 * must be there (every current browser sends `Origin` with a POST).
 */
export function isSameOrigin(
  request: AdminRequest,
  publicUrl: string | null,
): boolean {
  const site = headerOf(request, 'sec-fetch-site');
  if (site !== '' && site !== 'same-origin') return false;
  const origin = headerOf(request, 'origin');
  if (origin === '') return site === 'same-origin';
  const allowed = new Set<string>();
  if (publicUrl) allowed.add(new URL(publicUrl).origin);
  const host = headerOf(request, 'host');
  if (host) {
    allowed.add(`http://${host}`.toLowerCase());
    allowed.add(`https://${host}`.toLowerCase());
  }
  return allowed.has(origin.toLowerCase());
}
