// What the module's telemetry costs per request, in CPU time: the calls one
// first webhook makes (a verification span with its counters, a transition,
// an iamport call span with its histogram, the commit's, the handlers' and the
// notification row's spans), first with no OpenTelemetry SDK
// (the API's no-ops), then with the sample's set-up (MeterProvider with the
// Prometheus exporter, scraped every 1,000 requests). Needs `npm run build:lib`.
// Usage: node bench/telemetry/telemetry-cost.mjs [requests]
import { metrics } from '@opentelemetry/api';
import {
  PrometheusExporter,
  PrometheusSerializer,
} from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  countTransition,
  observeCall,
  observeStep,
  observeVerification,
} from '../../dist/libs/iamport/esm/observability/iamport-telemetry.js';

const requests = Number(process.argv[2] ?? 200_000);
const OUTCOMES = ['paid', 'paid', 'paid', 'forgery', 'failed'];

async function oneRequest(index, scrape) {
  const merchantUid = `order_${index.toString(16).padStart(24, '0')}`;
  const impUid = `imp_${String(index).padStart(12, '0')}`;
  await observeVerification(
    { source: index % 2 ? 'webhook' : 'redirect', impUid, merchantUid },
    async () => {
      await observeCall('getPaymentByImpUid', 'GET', async (seen) => {
        seen.httpStatus = 200;
        return null;
      });
      await observeStep('commit', { 'iamport.merchant_uid': merchantUid }, () =>
        Promise.resolve(true),
      );
      countTransition('pending', 'paid');
      await observeStep(
        'handlers',
        { 'iamport.event_type': 'paid', 'iamport.merchant_uid': merchantUid },
        () => Promise.resolve(true),
      );
      return {
        result: {
          outcome: OUTCOMES[index % OUTCOMES.length],
          impUid,
          merchantUid,
          refundedAmount: 0,
        },
        committed: true,
      };
    },
  );
  await observeStep(
    'notification',
    { 'iamport.notification_kind': 'webhook' },
    () => Promise.resolve(),
  );
  if (scrape && index % 1000 === 999) await scrape();
}

async function measure(label, scrape) {
  for (let i = 0; i < 20_000; i++) await oneRequest(i, scrape); // warm-up
  const cpu = process.cpuUsage();
  for (let i = 0; i < requests; i++) await oneRequest(i, scrape);
  const used = process.cpuUsage(cpu);
  const microseconds = (used.user + used.system) / requests;
  console.log(`${label}: ${microseconds.toFixed(2)} µs of CPU per request`);
  return microseconds;
}

const without = await measure('no SDK (API no-ops)');
const exporter = new PrometheusExporter({ preventServerStart: true });
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));
const serializer = new PrometheusSerializer();
const withSdk = await measure('metrics SDK + Prometheus exporter', async () => {
  const { resourceMetrics } = await exporter.collect();
  serializer.serialize(resourceMetrics);
});
console.log(
  `telemetry adds ${(withSdk - without).toFixed(2)} µs of CPU per request`,
);
