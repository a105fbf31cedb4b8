import { type DynamicModule, Module } from '@nestjs/common';
import type { SampleConfig } from '../config.js';
import { MetricsController } from './metrics.controller.js';
import { METRICS_ENABLED, MetricsService } from './metrics.service.js';

/**
 * The OpenTelemetry metrics SDK with a Prometheus exporter (no server of its
 * own), `GET /metrics`, and `MetricsService` for the operator's page.
 * `METRICS_ENABLED=false` installs no SDK: the module's instruments stay
 * no-ops and `/metrics` answers 404. Global, like IamportModule here.
 */
@Module({})
export class MetricsModule {
  static forConfig(
    config: Pick<SampleConfig, 'metricsEnabled'>,
  ): DynamicModule {
    return {
      module: MetricsModule,
      // Global: the operator's page (AdminModule) injects MetricsService without importing it.
      global: true,
      controllers: [MetricsController],
      providers: [
        { provide: METRICS_ENABLED, useValue: config.metricsEnabled },
        MetricsService,
      ],
      exports: [MetricsService],
    };
  }
}
