import { Inject, Injectable } from '@nestjs/common';
import {
  DataPointType,
  type Histogram,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { IAMPORT_METRICS, IAMPORT_TELEMETRY_SCOPE } from 'nestjs-iamport';
import { type ProcessMetrics, processMetrics } from './process-metrics.js';

/** `METRICS_ENABLED`: whether this app installs the metrics SDK. */
export const METRICS_ENABLED = Symbol('METRICS_ENABLED');

/** One kind of iamport call, as the metrics saw it. */
export interface IamportCallStats {
  operation: string;
  /** `ok`, or the error class name (`IamportTimeoutError`, …). */
  result: string;
  count: number;
  /** Time spent in these calls, retries included, in milliseconds. */
  totalMs: number;
}

/**
 * The process's metrics (see `processMetrics`: counts are process-wide),
 * as Prometheus text and as the figures the operator's page draws. With
 * `METRICS_ENABLED=false` no SDK is installed and it answers nothing.
 */
@Injectable()
export class MetricsService {
  private readonly sdk: ProcessMetrics | null;

  constructor(@Inject(METRICS_ENABLED) readonly enabled: boolean) {
    this.sdk = enabled ? processMetrics() : null;
  }

  /** Every metric in the Prometheus text format (0.0.4), or null when metrics are off. */
  async prometheusText(): Promise<string | null> {
    const collected = await this.collect();
    return collected && this.sdk!.serializer.serialize(collected);
  }

  /** The iamport calls made so far by `operation` and `result` (from `iamport.client.duration`). */
  async iamportCalls(): Promise<
    Array<{ operation: string; result: string; count: number; totalMs: number }>
  > {
    const collected = await this.collect();
    if (!collected) return [];
    const calls: IamportCallStats[] = [];
    for (const scope of collected.scopeMetrics) {
      if (scope.scope.name !== IAMPORT_TELEMETRY_SCOPE) continue;
      for (const metric of scope.metrics) {
        if (
          metric.descriptor.name !== IAMPORT_METRICS.clientDuration ||
          metric.dataPointType !== DataPointType.HISTOGRAM
        )
          continue;
        // The histogram's unit is seconds.
        for (const point of metric.dataPoints)
          calls.push({
            operation: String(point.attributes.operation),
            result: String(point.attributes.result),
            count: (point.value as Histogram).count,
            totalMs: (point.value as Histogram).sum! * 1000,
          });
      }
    }
    return calls.sort(
      (a, b) =>
        a.operation.localeCompare(b.operation) ||
        a.result.localeCompare(b.result),
    );
  }

  private async collect(): Promise<ResourceMetrics | null> {
    if (!this.sdk) return null;
    const { resourceMetrics } = await this.sdk.exporter.collect();
    return resourceMetrics;
  }
}
