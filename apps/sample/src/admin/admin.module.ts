import { type DynamicModule, Module } from '@nestjs/common';
import { PersistenceModule } from '../persistence/persistence.module.js';
import { TypeOrmOutbox } from '../persistence/typeorm-outbox.js';
import { ProductsModule } from '../products/products.module.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ADMIN_BACKLOG, ADMIN_CALL_METRICS, AdminData } from './admin-data.js';
import { AdminLoginController } from './admin-login.controller.js';
import { AdminPagesController } from './admin-pages.controller.js';
import {
  ADMIN_PUBLIC_URL,
  ADMIN_TOKEN,
  AdminSessions,
} from './admin-session.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { AdminController } from './admin.controller.js';

/**
 * The merchant's routes under `/admin`: the operator's pages, their JSON for
 * scripts, and adding products. With no `ADMIN_TOKEN` every one is a 404.
 */
@Module({})
export class AdminModule {
  static forConfig(config: {
    adminToken: string | null;
    publicUrl?: string;
  }): DynamicModule {
    return {
      module: AdminModule,
      imports: [ProductsModule, PersistenceModule],
      controllers: [
        AdminLoginController,
        AdminPagesController,
        AdminController,
      ],
      providers: [
        AdminTokenGuard,
        AdminData,
        { provide: ADMIN_TOKEN, useValue: config.adminToken },
        {
          provide: AdminSessions,
          useValue: config.adminToken
            ? new AdminSessions(config.adminToken)
            : null,
        },
        { provide: ADMIN_PUBLIC_URL, useValue: config.publicUrl ?? null },
        // MetricsModule is global: its MetricsService counts the iamport calls since the start.
        { provide: ADMIN_CALL_METRICS, useExisting: MetricsService },
        { provide: ADMIN_BACKLOG, useExisting: TypeOrmOutbox },
      ],
    };
  }
}
