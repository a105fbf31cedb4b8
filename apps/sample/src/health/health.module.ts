import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';

/**
 * `GET /health` (liveness) and `GET /health/ready` (database and iamport),
 * through `@nestjs/terminus`. The iamport indicator is the module's own
 * `IamportHealthIndicator` (IamportModule is global in this app).
 */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty' })],
  controllers: [HealthController],
})
export class HealthModule {}
