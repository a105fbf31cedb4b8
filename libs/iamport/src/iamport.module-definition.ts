import { ConfigurableModuleBuilder } from '@nestjs/common';
import { createRedirectController } from './http/redirect.controller.js';
import { createWebhookController } from './http/webhook.controller.js';
import type { IamportModuleOptions } from './iamport.options.js';
import { createPortOneV2CompleteController } from './v2/http/portone-v2-complete.controller.js';
import { createPortOneV2WebhookController } from './v2/http/portone-v2-webhook.controller.js';

/** Where the controllers listen; `false` switches one off. Known at import time, so not part of the async options. */
export interface IamportRoutes {
  /** Your `m_redirect_url`. Default `payments/complete` (GET). */
  redirect?: string | false;
  /** Your webhook (notice) URL. Default `payments/webhook` (POST). */
  webhook?: string | false;
  /** V2's `redirectUrl`. Default `payments/v2/complete` (GET); it answers 404 while `v2` is not configured. */
  v2Redirect?: string | false;
  /** V2's webhook URL (console: 결제알림(Webhook) 관리, 결제모듈 V2). Default `payments/v2/webhook` (POST). */
  v2Webhook?: string | false;
}

export interface IamportModuleExtras {
  isGlobal?: boolean;
  routes?: IamportRoutes;
}

export const DEFAULT_ROUTES = {
  redirect: 'payments/complete',
  webhook: 'payments/webhook',
  v2Redirect: 'payments/v2/complete',
  v2Webhook: 'payments/v2/webhook',
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
      const v2Redirect = extras.routes?.v2Redirect ?? DEFAULT_ROUTES.v2Redirect;
      const v2Webhook = extras.routes?.v2Webhook ?? DEFAULT_ROUTES.v2Webhook;
      return {
        ...definition,
        global: extras.isGlobal,
        controllers: [
          ...(redirect === false ? [] : [createRedirectController(redirect)]),
          ...(webhook === false ? [] : [createWebhookController(webhook)]),
          ...(v2Redirect === false
            ? []
            : [createPortOneV2CompleteController(v2Redirect)]),
          ...(v2Webhook === false
            ? []
            : [createPortOneV2WebhookController(v2Webhook)]),
        ],
      };
    },
  )
  .build();
