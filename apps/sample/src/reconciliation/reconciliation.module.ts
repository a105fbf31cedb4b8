import { type DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import {
  RECONCILIATION_SCHEDULE,
  type ReconciliationSchedule,
  ReconciliationScheduler,
} from './reconciliation.scheduler.js';

@Module({})
export class ReconciliationModule {
  static forSchedule(schedule: ReconciliationSchedule): DynamicModule {
    return {
      module: ReconciliationModule,
      imports: [ScheduleModule.forRoot()],
      providers: [
        ReconciliationScheduler,
        { provide: RECONCILIATION_SCHEDULE, useValue: schedule },
      ],
    };
  }
}
