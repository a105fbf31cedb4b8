import { type DynamicModule, Module } from '@nestjs/common';
import { PersistenceModule } from '../persistence/persistence.module.js';
import {
  FulfilmentHandlers,
  SHIPPING_DELAY_MS,
} from './fulfilment.handlers.js';
import { HandledEvents } from './handled-events.js';

@Module({})
export class FulfilmentModule {
  static forConfig(config: { shippingDelayMs: number }): DynamicModule {
    return {
      module: FulfilmentModule,
      imports: [PersistenceModule],
      providers: [
        FulfilmentHandlers,
        HandledEvents,
        { provide: SHIPPING_DELAY_MS, useValue: config.shippingDelayMs },
      ],
    };
  }
}
