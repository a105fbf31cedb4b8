import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { IamportModuleOptions } from './iamport.options.js';

export const {
  ConfigurableModuleClass: IamportConfigurableModule,
  MODULE_OPTIONS_TOKEN: IAMPORT_MODULE_OPTIONS,
  OPTIONS_TYPE: IAMPORT_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: IAMPORT_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<IamportModuleOptions>({
  moduleName: 'Iamport',
})
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createIamportOptions')
  .setExtras({ isGlobal: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
