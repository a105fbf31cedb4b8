import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { IamportClient } from './client/iamport.client.js';
import { resolveIamportOptions } from './iamport-options.validation.js';
import {
  IAMPORT_MODULE_OPTIONS,
  IamportConfigurableModule,
} from './iamport.module-definition.js';
import { IAMPORT_OPTIONS } from './iamport.tokens.js';

@Module({
  imports: [HttpModule],
  providers: [
    {
      provide: IAMPORT_OPTIONS,
      useFactory: resolveIamportOptions,
      inject: [IAMPORT_MODULE_OPTIONS],
    },
    IamportClient,
  ],
  exports: [IamportClient, IAMPORT_OPTIONS],
})
export class IamportModule extends IamportConfigurableModule {}
