import { type DynamicModule, Module } from '@nestjs/common';
import { ProductsModule } from '../products/products.module.js';
import { ADMIN_TOKEN, AdminTokenGuard } from './admin-token.guard.js';
import { AdminController } from './admin.controller.js';

@Module({})
export class AdminModule {
  static forConfig(config: { adminToken: string | null }): DynamicModule {
    return {
      module: AdminModule,
      imports: [ProductsModule],
      controllers: [AdminController],
      providers: [
        AdminTokenGuard,
        { provide: ADMIN_TOKEN, useValue: config.adminToken },
      ],
    };
  }
}
