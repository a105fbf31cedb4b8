import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { ReconciliationService } from 'nestjs-iamport';

export const RECONCILIATION_SCHEDULE = Symbol('RECONCILIATION_SCHEDULE');

export interface ReconciliationSchedule {
  /** 0: not scheduled (tests; or run `npm run reconcile` from cron instead). */
  intervalSeconds: number;
  olderThanSeconds: number;
}

/**
 * Reconciles on a schedule inside the app. Several instances may run it at
 * once: the claims in the database hand each order to one of them.
 */
@Injectable()
export class ReconciliationScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('ReconciliationScheduler');
  private running = false;

  constructor(
    private readonly reconciliation: ReconciliationService,
    private readonly registry: SchedulerRegistry,
    @Inject(RECONCILIATION_SCHEDULE)
    private readonly schedule: ReconciliationSchedule,
  ) {}

  onApplicationBootstrap(): void {
    if (this.schedule.intervalSeconds <= 0) return;
    const timer = setInterval(
      () => void this.runOnce(),
      this.schedule.intervalSeconds * 1000,
    );
    this.registry.addInterval('iamport-reconciliation', timer);
    this.logger.log(
      `every ${this.schedule.intervalSeconds} s, orders older than ${this.schedule.olderThanSeconds} s`,
    );
  }

  async runOnce(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const summary = await this.reconciliation.reconcile({
        olderThanMs: this.schedule.olderThanSeconds * 1000,
      });
      if (summary.examined > 0)
        this.logger.log(
          `reconciled ${summary.examined} orders, ${summary.changed} changed`,
        );
    } catch (error) {
      this.logger.error(
        `reconciliation failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      this.running = false;
    }
  }
}
