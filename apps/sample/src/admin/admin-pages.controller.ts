import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Headers,
  HttpException,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  IamportError,
  ORDER_STATUSES,
  type OrderStatus,
  PaymentVerificationService,
  type VerificationResult,
} from 'nestjs-iamport';
import { negotiateLocale } from '../checkout/locale.js';
import { AdminData } from './admin-data.js';
import { AdminLoginFilter } from './admin-login.controller.js';
import { adminPath, AdminReply } from './admin-reply.js';
import { AdminSessions, sessionCookie } from './admin-session.js';
import {
  AdminPage,
  type AdminRequest,
  AdminTokenGuard,
} from './admin-token.guard.js';
import { chartJsSource } from './chart-asset.js';
import {
  dashboardPage,
  type Flash,
  GLANCE_JS,
  orderPage,
  ordersPage,
} from './pages.js';

/** imp_uids as iamport writes them (`imp_` and digits), bounded like the module's own routes. */
const IMP_UID = /^[A-Za-z0-9_-]{1,40}$/;
const ERROR_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const OUTCOMES = new Set([
  'paid',
  'vbank_issued',
  'pending',
  'failed',
  'cancelled',
  'partially_cancelled',
  'forgery',
  'duplicate_payment',
  'sandbox_rejected',
  'not_found',
  'merchant_uid_mismatch',
]);

/** What `POST /admin/payments/:imp_uid/verify` answers a script. */
export interface VerifyAnswer {
  imp_uid: string;
  merchant_uid: string | null;
  outcome: VerificationResult['outcome'];
  changed: boolean;
  refunded_amount: number;
  refund_refused: string | null;
  reason: string;
}

/**
 * The operator's pages. Korean by default (English by `Accept-Language`),
 * the same look as the buyer's pages. Browsers log in through the form;
 * scripts may send the bearer token instead.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin')
@UseGuards(AdminTokenGuard)
@UseFilters(AdminLoginFilter)
@AdminPage()
export class AdminPagesController {
  constructor(
    private readonly data: AdminData,
    private readonly verification: PaymentVerificationService,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(AdminSessions) private readonly sessions: AdminSessions | null,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'The operator page: payments that need a person (each with what to do and a re-verify button), the newest orders, and charts',
  })
  @ApiProduces('text/html')
  @ApiResponse({ status: 200, description: 'the page' })
  @ApiResponse({ status: 303, description: 'not logged in: to /admin/login' })
  async dashboard(
    @Query() query: Record<string, unknown>,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Req() request: AdminRequest,
    @Res() response: unknown,
  ): Promise<void> {
    const locale = negotiateLocale(acceptLanguage);
    const [attention, orders, glance] = await Promise.all([
      this.data.attention(),
      this.data.recentOrders(null, 10),
      this.data.glance(),
    ]);
    const flash = flashOf(query, (impUid) =>
      attention.some((item) => item.imp_uid === impUid),
    );
    this.reply(response).html(
      dashboardPage(locale, {
        attention,
        orders,
        glance,
        csrf: this.csrfOf(request),
        flash,
      }),
      locale,
    );
  }

  @Get('orders')
  @ApiOperation({
    summary: 'The newest orders and their payments, of one status when asked',
  })
  @ApiQuery({ name: 'status', required: false, enum: ORDER_STATUSES })
  @ApiProduces('text/html')
  @ApiResponse({ status: 200, description: 'the page' })
  @ApiResponse({ status: 400, description: 'an unknown status' })
  async orders(
    @Query('status') status: unknown,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Req() request: AdminRequest,
    @Res() response: unknown,
  ): Promise<void> {
    const wanted = statusOf(status);
    const locale = negotiateLocale(acceptLanguage);
    this.reply(response).html(
      ordersPage(locale, {
        orders: await this.data.recentOrders(wanted),
        status: wanted,
        csrf: this.csrfOf(request),
      }),
      locale,
    );
  }

  @Get('orders/:merchant_uid')
  @ApiOperation({
    summary:
      'One order: its payments and what was done with them, and every redirect and webhook received, in order, with its outcome',
  })
  @ApiParam({ name: 'merchant_uid' })
  @ApiProduces('text/html')
  @ApiResponse({ status: 200, description: 'the page' })
  @ApiResponse({
    status: 404,
    description: 'nothing is known of this merchant_uid',
  })
  async order(
    @Param('merchant_uid') merchantUid: string,
    @Query() query: Record<string, unknown>,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Req() request: AdminRequest,
    @Res() response: unknown,
  ): Promise<void> {
    const detail =
      merchantUid.length <= 40 ? await this.data.order(merchantUid) : null;
    if (detail === null)
      throw new HttpException('no such order, payment or notification', 404);
    const locale = negotiateLocale(acceptLanguage);
    const flash = flashOf(query, (impUid) =>
      detail.payments.some(
        (payment) =>
          payment.imp_uid === impUid && payment.disposition === 'flagged',
      ),
    );
    this.reply(response).html(
      orderPage(locale, detail, this.csrfOf(request), flash),
      locale,
    );
  }

  @Post('payments/:imp_uid/verify')
  @ApiOperation({
    summary:
      'Verifies one payment again now, through the module’s PaymentVerificationService (source `api`). With the session cookie (a form: CSRF token and same origin required) it answers 303 back to the page with the outcome; with the bearer token, JSON',
  })
  @ApiParam({ name: 'imp_uid' })
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({
    required: false,
    schema: {
      type: 'object',
      properties: {
        csrf: {
          type: 'string',
          description: 'the session’s CSRF token (cookie only)',
        },
        back: { type: 'string', description: 'an /admin page to return to' },
      },
    },
  })
  @ApiOkResponse({
    description: 'verified (bearer)',
    schema: {
      type: 'object',
      properties: {
        imp_uid: { type: 'string' },
        merchant_uid: { type: 'string', nullable: true },
        outcome: { type: 'string' },
        changed: { type: 'boolean' },
        refunded_amount: { type: 'integer' },
        refund_refused: { type: 'string', nullable: true },
        reason: { type: 'string' },
      },
    },
  })
  @ApiResponse({
    status: 303,
    description: 'verified (cookie): back to the page',
  })
  @ApiResponse({
    status: 403,
    description:
      'wrong token, or a cookie POST without its CSRF token or from another site',
  })
  @ApiResponse({
    status: 503,
    description: 'iamport could not be asked (bearer)',
  })
  async verify(
    @Param('imp_uid') impUid: string,
    @Body() body: unknown,
    @Req() request: AdminRequest,
    @Res() response: unknown,
  ): Promise<void> {
    if (!IMP_UID.test(impUid))
      throw new BadRequestException(
        'imp_uid must be 1 to 40 letters, digits, _ or -',
      );
    let result: VerificationResult | null = null;
    let failure: IamportError | null = null;
    try {
      result = await this.verification.verify({ impUid, source: 'api' });
    } catch (error) {
      // iamport could not be asked: nothing changed. Anything else (the database) is a 500.
      if (!(error instanceof IamportError)) throw error;
      failure = error;
    }
    const reply = this.reply(response);
    if (request.admin?.via === 'cookie') {
      const fields =
        body !== null && typeof body === 'object'
          ? (body as Record<string, unknown>)
          : {};
      const back = (adminPath(fields.back) ?? '/admin').replace(/[?#].*$/, '');
      const query = new URLSearchParams({ verified: impUid });
      if (result) query.set('outcome', result.outcome);
      else query.set('error', failure!.name);
      return reply.redirect(`${back}?${query}`);
    }
    const adapter = this.adapterHost.httpAdapter;
    if (result === null)
      return adapter.reply(
        response,
        {
          statusCode: 503,
          message: `iamport could not be asked: ${failure!.name}`,
          imp_uid: impUid,
        },
        503,
      );
    const answer: VerifyAnswer = {
      imp_uid: impUid,
      merchant_uid: result.merchantUid,
      outcome: result.outcome,
      changed: result.changed,
      refunded_amount: result.refundedAmount,
      refund_refused: result.refundRefused,
      reason: result.reason,
    };
    adapter.reply(response, answer, 200);
  }

  @Post('logout')
  @ApiOperation({
    summary: 'Ends the browser’s session (303 to the login form)',
  })
  @ApiProduces('text/html')
  @ApiResponse({ status: 303, description: 'logged out' })
  logout(@Req() request: AdminRequest, @Res() response: unknown): void {
    this.reply(response)
      .header('set-cookie', sessionCookie(null, request.protocol === 'https'))
      .redirect('/admin/login');
  }

  @Get('assets/chart.umd.js')
  @ApiOperation({ summary: 'Chart.js 4 (UMD), from the shop’s node_modules' })
  @ApiProduces('text/javascript')
  chartJs(@Res() response: unknown): void {
    this.script(response, chartJsSource());
  }

  @Get('assets/glance.js')
  @ApiOperation({ summary: 'The operator page’s chart script' })
  @ApiProduces('text/javascript')
  glanceJs(@Res() response: unknown): void {
    this.script(response, GLANCE_JS);
  }

  private script(response: unknown, source: string): void {
    new AdminReply(this.adapterHost.httpAdapter, response)
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'private, max-age=3600')
      .header('x-content-type-options', 'nosniff');
    this.adapterHost.httpAdapter.reply(response, source, 200);
  }

  private reply(response: unknown): AdminReply {
    return new AdminReply(this.adapterHost.httpAdapter, response);
  }

  private csrfOf(request: AdminRequest): string | null {
    // The guard let the request in: a token is configured.
    return request.admin?.via === 'cookie' && this.sessions
      ? this.sessions.csrfToken(request.admin.session)
      : null;
  }
}

/** `?status=` of the orders page: null for every status, 400 for one that does not exist. */
export function statusOf(status: unknown): OrderStatus | null {
  if (status === undefined || status === '') return null;
  if (
    typeof status === 'string' &&
    (ORDER_STATUSES as readonly string[]).includes(status)
  )
    return status as OrderStatus;
  throw new BadRequestException(
    `status must be one of ${ORDER_STATUSES.join(', ')}`,
  );
}

/** What a re-verification's redirect says, read back from the query (every value checked before it is shown). */
function flashOf(
  query: Record<string, unknown>,
  stillNeeded: (impUid: string) => boolean,
): Flash | null {
  const { verified, outcome, error } = query;
  if (typeof verified !== 'string' || !IMP_UID.test(verified)) return null;
  if (typeof error === 'string' && ERROR_NAME.test(error))
    return { impUid: verified, outcome: null, error, stillNeeded: true };
  if (typeof outcome !== 'string' || !OUTCOMES.has(outcome)) return null;
  return {
    impUid: verified,
    outcome,
    error: null,
    stillNeeded: stillNeeded(verified),
  };
}
