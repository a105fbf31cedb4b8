import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  BASELINE_CONFIG,
  type BaselineConfig,
  databaseOptions,
} from '../shared/baseline-config.js';
import { PaymentsController } from './payments.controller.js';

@Module({})
export class NaiveAppModule {
  static forConfig(config: BaselineConfig): DynamicModule {
    return {
      module: NaiveAppModule,
      imports: [
        TypeOrmModule.forRoot(
          databaseOptions(config.databaseUrl, config.poolSize),
        ),
      ],
      controllers: [PaymentsController],
      providers: [{ provide: BASELINE_CONFIG, useValue: config }],
    };
  }
}
