import { Logger } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import {
  PrometheusExporter,
  PrometheusSerializer,
} from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

/** The OpenTelemetry metrics SDK of this process, and the Prometheus exporter that reads it. */
export interface ProcessMetrics {
  provider: MeterProvider;
  exporter: PrometheusExporter;
  serializer: PrometheusSerializer;
}

let installed: ProcessMetrics | null = null;

/**
 * The process's MeterProvider, created and registered as the global meter
 * provider on first use and shared afterwards: an OpenTelemetry global can be
 * set once per process, and every app of the process (the tests start many)
 * records into it. So the counts are process-wide, never per app, and the
 * provider is never shut down when an app closes (nothing is left running:
 * the exporter's own HTTP server is never started, `/metrics` is served by
 * the app).
 */
export function processMetrics(): ProcessMetrics {
  if (installed) return installed;
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  if (!metrics.setGlobalMeterProvider(provider))
    // Someone else registered one first: ours still serves /metrics, but sees nothing of the module.
    new Logger('Metrics').warn(
      'another global OpenTelemetry meter provider was registered first: /metrics shows only what reaches this one',
    );
  installed = { provider, exporter, serializer: new PrometheusSerializer() };
  return installed;
}
