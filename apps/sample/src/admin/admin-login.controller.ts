import {
  type ArgumentsHost,
  Body,
  Catch,
  Controller,
  type ExceptionFilter,
  ForbiddenException,
  Get,
  Headers,
  Inject,
  NotFoundException,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { negotiateLocale } from '../checkout/locale.js';
import { adminPath, AdminReply } from './admin-reply.js';
import {
  ADMIN_PUBLIC_URL,
  AdminSessions,
  cookieValues,
  SESSION_COOKIE,
  sessionCookie,
} from './admin-session.js';
import {
  AdminLoginRequired,
  type AdminRequest,
  isSameOrigin,
} from './admin-token.guard.js';
import { loginPage } from './pages.js';

/** A page asked for without a login: a 303 to the login form, which comes back to it. */
@Catch(AdminLoginRequired)
export class AdminLoginFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: AdminLoginRequired, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<unknown>();
    new AdminReply(this.adapterHost.httpAdapter, response).redirect(
      exception.location,
    );
  }
}

/**
 * The login form: `ADMIN_TOKEN` in, an HTTP-only session cookie out
 * (`SameSite=Strict`, `Path=/admin`, `Secure` over https), its value an HMAC
 * under a key derived from the token, never the token. A wrong token is a
 * 403 with the form again.
 */
@ApiTags('admin')
@Controller('admin')
export class AdminLoginController {
  constructor(
    @Inject(AdminSessions) private readonly sessions: AdminSessions | null,
    @Inject(ADMIN_PUBLIC_URL) private readonly publicUrl: string | null,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get('login')
  @ApiOperation({
    summary:
      'The login form of the operator pages (303 to `next` when already logged in)',
  })
  @ApiProduces('text/html')
  @ApiResponse({ status: 200, description: 'the form' })
  @ApiResponse({ status: 303, description: 'already logged in' })
  @ApiResponse({ status: 404, description: 'no ADMIN_TOKEN configured' })
  form(
    @Query('next') next: unknown,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Req() request: AdminRequest,
    @Res() response: unknown,
  ): void {
    const sessions = this.enabled();
    const reply = new AdminReply(this.adapterHost.httpAdapter, response);
    const back = adminPath(next) ?? '/admin';
    const loggedIn = cookieValues(request.headers.cookie, SESSION_COOKIE).some(
      (value) => sessions.isSession(value),
    );
    if (loggedIn) return reply.redirect(back);
    const locale = negotiateLocale(acceptLanguage);
    reply.html(loginPage(locale, { next: back, error: null }), locale);
  }

  @Post('login')
  @ApiOperation({
    summary:
      'Logs in with ADMIN_TOKEN: sets the HTTP-only session cookie and answers 303 to `next` (an /admin path)',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['token'],
      properties: { token: { type: 'string' }, next: { type: 'string' } },
    },
  })
  @ApiProduces('text/html')
  @ApiResponse({ status: 303, description: 'logged in (Set-Cookie)' })
  @ApiResponse({ status: 401, description: 'no token given: the form again' })
  @ApiResponse({
    status: 403,
    description: 'wrong token, or sent from another site',
  })
  login(
    @Body() body: unknown,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Req() request: AdminRequest,
    @Res() response: unknown,
  ): void {
    const sessions = this.enabled();
    // A login form posted from another site would log this browser in as someone else's choosing.
    if (!isSameOrigin(request, this.publicUrl))
      throw new ForbiddenException(
        'the login form must be sent from the shop itself',
      );
    const fields =
      body !== null && typeof body === 'object'
        ? (body as Record<string, unknown>)
        : {};
    const token = typeof fields.token === 'string' ? fields.token : '';
    const next = adminPath(fields.next) ?? '/admin';
    const reply = new AdminReply(this.adapterHost.httpAdapter, response);
    const locale = negotiateLocale(acceptLanguage);
    if (token === '')
      return reply.html(
        loginPage(locale, { next, error: 'missing' }),
        locale,
        401,
      );
    if (!sessions.isToken(token))
      return reply.html(
        loginPage(locale, { next, error: 'wrong' }),
        locale,
        403,
      );
    reply
      .header(
        'set-cookie',
        sessionCookie(sessions.issue(), request.protocol === 'https'),
      )
      .redirect(next);
  }

  private enabled(): AdminSessions {
    // No ADMIN_TOKEN: the admin routes do not exist.
    if (this.sessions === null) throw new NotFoundException();
    return this.sessions;
  }
}
