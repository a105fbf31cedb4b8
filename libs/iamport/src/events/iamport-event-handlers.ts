import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { IamportEventType, IamportPaymentEvent } from './iamport-event.js';
import { IAMPORT_EVENT_HANDLER } from './iamport-event.decorators.js';
import { messageOf } from '../error-message.js';

type Handler = (event: IamportPaymentEvent) => unknown;

/** Finds the `@OnIamport…()` methods at start-up and runs them for each committed transition. */
@Injectable()
export class IamportEventHandlers implements OnApplicationBootstrap {
  private readonly logger = new Logger('IamportEvents');
  private readonly handlers = new Map<
    IamportEventType,
    Array<{ name: string; run: Handler }>
  >();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      // Request-scoped providers have no instance at start-up; handlers must be singletons.
      if (
        !instance ||
        typeof instance !== 'object' ||
        !wrapper.isDependencyTreeStatic()
      )
        continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method = (instance as Record<string, unknown>)[methodName];
        if (typeof method !== 'function') continue;
        const type = this.reflector.get<IamportEventType | undefined>(
          IAMPORT_EVENT_HANDLER,
          method,
        );
        if (!type) continue;
        const list = this.handlers.get(type) ?? [];
        list.push({
          name: `${instance.constructor.name}.${methodName}`,
          run: (event) => method.call(instance, event),
        });
        this.handlers.set(type, list);
      }
    }
  }

  count(type: IamportEventType): number {
    return this.handlers.get(type)?.length ?? 0;
  }

  /**
   * Runs every handler of the event's type, one after another, and says
   * whether all of them succeeded. The transition is already committed: a
   * failing handler is logged and does not undo it (with an outbox, the event
   * is delivered again later).
   */
  async dispatch(event: IamportPaymentEvent): Promise<boolean> {
    let succeeded = true;
    for (const handler of this.handlers.get(event.type) ?? []) {
      try {
        await handler.run(event);
      } catch (error) {
        succeeded = false;
        const why = messageOf(error);
        this.logger.error(
          `${handler.name} failed for ${event.type} of ${event.merchantUid} (${event.impUid}): ${why}`,
        );
      }
    }
    return succeeded;
  }
}
