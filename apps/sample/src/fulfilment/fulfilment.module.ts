import { Module } from '@nestjs/common';
import { PersistenceModule } from '../persistence/persistence.module.js';
import { FulfilmentHandlers } from './fulfilment.handlers.js';

@Module({ imports: [PersistenceModule], providers: [FulfilmentHandlers] })
export class FulfilmentModule {}
