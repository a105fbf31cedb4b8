import { ConfigurableModuleBuilder } from '@nestjs/common';
import { createRedirectController } from './http/redirect.controller.js';
import { createWebhookController } from './http/webhook.controller.js';
import type { IamportModuleOptions } from './iamport.options.js';

/** Where the controllers listen; `false` switches one off. Known at import time, so not part of the async options. */
export interface IamportRoutes {
  /** Your `m_redirect_url`. Default `payments/complete` (GET). */
  redirect?: string | false;
  /** Your webhook (notice) URL. Default `payments/webhook` (POST). */
  webhook?: string | false;
}

export interface IamportModuleExtras {
  isGlobal?: boolean;
  routes?: IamportRoutes;
}

export const DEFAULT_ROUTES = {
  redirect: 'payments/complete',
  webhook: 'payments/webhook',
} as const;

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
  .setExtras<IamportModuleExtras>(
    { isGlobal: false, routes: {} },
    (definition, extras) => {
      const redirect = extras.routes?.redirect ?? DEFAULT_ROUTES.redirect;
      const webhook = extras.routes?.webhook ?? DEFAULT_ROUTES.webhook;
      return {
        ...definition,
        global: extras.isGlobal,
        controllers: [
          ...(redirect === false ? [] : [createRedirectController(redirect)]),
          ...(webhook === false ? [] : [createWebhookController(webhook)]),
        ],
      };
    },
  )
  .build();
