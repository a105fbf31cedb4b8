import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ResolvedIamportOptions } from '../iamport.options.js';
import { IAMPORT_OPTIONS } from '../iamport.tokens.js';
import type { OutboxEvent } from '../ports/outbox.js';
import { IamportEventHandlers } from './iamport-event-handlers.js';
import { deserializeEvent } from './iamport-event.js';
import { messageOf } from '../error-message.js';
import { observeStep } from '../observability/iamport-telemetry.js';

/**
 * Runs the handlers of committed transitions. Right after the commit it
 * delivers the event at once; with an outbox it also marks it delivered, and
 * on start-up and every `outboxPollIntervalMs` redelivers events that an
 * instance committed but never delivered (it crashed, or a handler failed).
 */
@Injectable()
export class IamportEventDelivery
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('IamportEvents');
  private readonly owner = `${process.pid}-${randomUUID()}`;
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<number> | null = null;
  /** Delivery marks not written yet: shutdown waits for them. */
  private readonly marking = new Set<Promise<void>>();

  constructor(
    private readonly handlers: IamportEventHandlers,
    @Inject(IAMPORT_OPTIONS) private readonly options: ResolvedIamportOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.outbox || this.options.outboxPollIntervalMs === 0) return;
    const sweep = () => void this.redeliverPending();
    sweep();
    this.timer = setInterval(sweep, this.options.outboxPollIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweeping;
    await Promise.all(this.marking);
  }

  /**
   * Delivers one committed event; failures are logged, never thrown (the
   * transition is done). Resolves once the handlers ran; the delivery mark
   * follows.
   */
  async deliver(stored: OutboxEvent): Promise<void> {
    const delivered = await observeStep(
      'handlers',
      {
        'iamport.event_type': stored.type,
        'iamport.merchant_uid': stored.merchantUid,
      },
      () => this.handlers.dispatch(deserializeEvent(stored.payload)),
    );
    if (!delivered || !this.options.outbox) return;
    // Not awaited: the mark only spares a redelivery (handlers are idempotent), so the answer need
    // not wait for it, and an outbox that gathers writes can send it with the request's next one.
    const mark = this.options.outbox
      .markDelivered(stored.id, new Date())
      .catch((error: unknown) => {
        // Not lost: it stays undelivered and is delivered again later.
        this.logger.warn(
          `could not mark event ${stored.id} delivered: ${messageOf(error)}`,
        );
      })
      .finally(() => this.marking.delete(mark));
    this.marking.add(mark);
  }

  /** Delivers what the outbox holds undelivered, older than `outboxRedeliveryDelayMs`; returns how many. */
  redeliverPending(): Promise<number> {
    this.sweeping ??= this.sweep().finally(() => {
      this.sweeping = null;
    });
    return this.sweeping;
  }

  private async sweep(): Promise<number> {
    const outbox = this.options.outbox;
    if (!outbox) return 0;
    let delivered = 0;
    try {
      for (;;) {
        const now = new Date();
        const batch = await outbox.claimUndelivered({
          createdBefore: new Date(
            now.getTime() - this.options.outboxRedeliveryDelayMs,
          ),
          limit: 50,
          owner: this.owner,
          leaseUntil: new Date(now.getTime() + 5 * 60_000),
          now,
        });
        for (const event of batch) {
          this.logger.warn(
            `redelivering ${event.type} of ${event.merchantUid} (event ${event.id})`,
          );
          await this.deliver(event);
          delivered++;
        }
        if (batch.length < 50) return delivered;
      }
    } catch (error) {
      this.logger.error(`outbox sweep failed: ${messageOf(error)}`);
      return delivered;
    }
  }
}
