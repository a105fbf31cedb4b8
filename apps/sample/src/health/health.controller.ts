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
import { IamportHealthIndicator } from 'nestjs-iamport';
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
}
