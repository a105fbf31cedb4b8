import { type DynamicModule, Module } from '@nestjs/common';
import { PersistenceModule } from '../persistence/persistence.module.js';
import {
  FulfilmentHandlers,
  SHIPPING_DELAY_MS,
} from './fulfilment.handlers.js';

@Module({})
export class FulfilmentModule {
  static forConfig(config: { shippingDelayMs: number }): DynamicModule {
    return {
      module: FulfilmentModule,
      imports: [PersistenceModule],
      providers: [
        FulfilmentHandlers,
        { provide: SHIPPING_DELAY_MS, useValue: config.shippingDelayMs },
      ],
    };
  }
}
