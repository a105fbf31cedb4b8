import { Controller, Get } from '@nestjs/common';
import {
  HealthCheck,
  type HealthCheckResult,
  HealthCheckService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  IamportHealthIndicator,
  PortOneV2HealthIndicator,
} from 'nestjs-iamport';
import { LIVE, NOT_READY, READY } from './health.schema.js';

// How long each readiness check may take before it counts as down.
const DATABASE_TIMEOUT_MS = 1500;
const IAMPORT_TIMEOUT_MS = 3000;

/**
 * Liveness and readiness in `@nestjs/terminus`' shape. `/health` answers 200
 * while the process serves requests (503 once it is shutting down);
 * `/health/ready` also needs the database to answer `SELECT 1` and iamport to
 * give a token (a cached one counts), and answers 503 naming what is down.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly iamport: IamportHealthIndicator,
    private readonly portoneV2: PortOneV2HealthIndicator,
  ) {}

  @Get()
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ description: 'alive', schema: LIVE })
  @ApiServiceUnavailableResponse({ description: 'shutting down' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({
    summary: 'Readiness: the database answers and iamport gives a token',
  })
  @ApiOkResponse({
    description: 'ready: every indicator up',
    schema: READY,
  })
  @ApiServiceUnavailableResponse({
    description:
      'not ready: the indicators that are down under `error` (iamport with `lastError`)',
    schema: NOT_READY,
  })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () =>
        this.database.pingCheck('database', { timeout: DATABASE_TIMEOUT_MS }),
      () =>
        this.iamport.isHealthy('iamport', { timeoutMs: IAMPORT_TIMEOUT_MS }),
    ]);
  }

  /**
   * PortOne V2 on its own route, not in readiness: a V2 outage must not take
   * the shop out of rotation while V1 payments go on (and V2's webhooks are
   * retried, its orders reconciled).
   */
  @Get('portone-v2')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({
    summary: 'PortOne V2: the API answers and accepts the V2 API secret',
  })
  @ApiOkResponse({ description: 'V2 up' })
  @ApiServiceUnavailableResponse({
    description: 'V2 down (or not configured), with `lastError`',
  })
  v2(): Promise<HealthCheckResult> {
    return this.health.check([
      () =>
        this.portoneV2.isHealthy('portoneV2', {
          timeoutMs: IAMPORT_TIMEOUT_MS,
        }),
    ]);
  }
}
