import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ResolvedIamportOptions } from '../iamport.options.js';
import { IAMPORT_OPTIONS } from '../iamport.tokens.js';
import { observeOutbox } from './iamport-telemetry.js';

/**
 * The outbox gauges (`iamport.outbox.backlog`, `iamport.outbox.oldest_age`),
 * registered on the global meter when the app starts, if the outbox answers
 * `backlog()`, and removed when it shuts down. With no OpenTelemetry SDK the
 * meter is a no-op and `backlog()` is never called.
 */
@Injectable()
export class IamportOutboxGauges
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private unregister: (() => void) | null = null;

  constructor(
    @Inject(IAMPORT_OPTIONS) private readonly options: ResolvedIamportOptions,
  ) {}

  onApplicationBootstrap(): void {
    const outbox = this.options.outbox;
    if (!outbox?.backlog || this.unregister) return;
    this.unregister = observeOutbox(() => outbox.backlog!());
  }

  onApplicationShutdown(): void {
    this.unregister?.();
    this.unregister = null;
  }
}
