/**
 * Loaded into the sample app with `node --import` when the benchmark runs
 * with `--trace`: registers an OpenTelemetry tracer provider that keeps every
 * span the module ends as a line (end time in ms since the epoch, name,
 * duration in ms) and appends them to the file `BENCH_SPAN_LOG` names every
 * `SPAN_LOG_FLUSH_MS`. The benchmark reads each cell's window of it (`spanTimings`).
 */
import { trace } from '@opentelemetry/api';
import {
  type ReadableSpan,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { appendFileSync } from 'node:fs';
import { SPAN_LOG_FLUSH_MS } from './spans.js';

const file = process.env.BENCH_SPAN_LOG;
if (file) {
  let lines: string[] = [];
  const flush = () => {
    if (lines.length === 0) return;
    appendFileSync(file, lines.join(''));
    lines = [];
  };
  const milliseconds = ([seconds, nanoseconds]: [number, number]) =>
    seconds * 1e3 + nanoseconds / 1e6;
  const keep: SpanProcessor = {
    onStart() {},
    onEnd(span: ReadableSpan) {
      lines.push(
        `${milliseconds(span.endTime)}\t${span.name}\t${milliseconds(span.duration)}\n`,
      );
    },
    forceFlush() {
      flush();
      return Promise.resolve();
    },
    shutdown() {
      flush();
      return Promise.resolve();
    },
  };
  trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [keep] }));
  setInterval(flush, SPAN_LOG_FLUSH_MS).unref();
  process.on('exit', flush);
}
