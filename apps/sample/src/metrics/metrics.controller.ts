import { Controller, Get, Header, NotFoundException } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { MetricsService } from './metrics.service.js';

/** `GET /metrics`: the Prometheus scrape of this process (404 with `METRICS_ENABLED=false`). */
@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      'The metrics of this process in the Prometheus text format (iamport_verifications_total, iamport_client_duration_seconds, …)',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text format 0.0.4',
    schema: {
      type: 'string',
      example:
        '# HELP iamport_verifications_total Payments verified, by outcome and source\n# TYPE iamport_verifications_total counter\niamport_verifications_total{outcome="paid",source="webhook"} 1\n',
    },
  })
  @ApiNotFoundResponse({
    description: 'metrics are off (METRICS_ENABLED=false)',
  })
  async scrape(): Promise<string> {
    const text = await this.metrics.prometheusText();
    if (text === null)
      throw new NotFoundException('metrics are off (METRICS_ENABLED=false)');
    return text;
  }
}
