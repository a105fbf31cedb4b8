import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { IamportClient } from './client/iamport.client.js';
import { IamportEventDelivery } from './events/iamport-event-delivery.js';
import { IamportEventHandlers } from './events/iamport-event-handlers.js';
import { IamportHealthIndicator } from './health/iamport.health.js';
import { LoggingNotificationLog } from './http/logging-notification-log.js';
import { NotificationRecorder } from './http/notification-recorder.js';
import { WebhookContentGuard } from './http/webhook-content.guard.js';
import { WebhookSourceGuard } from './http/webhook-source.guard.js';
import { resolveIamportOptions } from './iamport-options.validation.js';
import {
  IAMPORT_MODULE_OPTIONS,
  IamportConfigurableModule,
} from './iamport.module-definition.js';
import type { ResolvedIamportOptions } from './iamport.options.js';
import { IAMPORT_OPTIONS } from './iamport.tokens.js';
import { IamportOutboxGauges } from './observability/outbox-gauges.js';
import { IAMPORT_NOTIFICATION_LOG } from './ports/notification-log.js';
import { IAMPORT_ORDER_REPOSITORY } from './ports/order.repository.js';
import { PaymentPreparationService } from './preparation/payment-preparation.service.js';
import { ReconciliationService } from './reconciliation/reconciliation.service.js';
import { PaymentRefunder } from './verification/payment-refunder.js';
import { PaymentVerificationService } from './verification/payment-verification.service.js';
import { PortOneV2Client } from './v2/client/portone-v2.client.js';
import { PortOneV2PreparationService } from './v2/portone-v2-preparation.service.js';
import { PortOneV2HealthIndicator } from './v2/portone-v2.health.js';
import { PortOneV2VerificationService } from './v2/portone-v2-verification.service.js';
import { PORTONE_V2_DEFAULTS } from './v2/portone-v2.options.js';
import {
  IamportV1EnabledGuard,
  PortOneV2EnabledGuard,
} from './http/api-enabled.guard.js';

/**
 * PortOne payments, V1 (iamport) and V2 side by side: the REST clients, one
 * verification path, and the redirect and webhook routes that feed it.
 *
 * `IamportModule.forRoot({...})` or `IamportModule.forRootAsync({ useFactory, inject, imports })`.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: IAMPORT_OPTIONS,
      useFactory: resolveIamportOptions,
      inject: [IAMPORT_MODULE_OPTIONS],
    },
    {
      provide: IAMPORT_ORDER_REPOSITORY,
      useFactory: (options: ResolvedIamportOptions) => options.orderRepository,
      inject: [IAMPORT_OPTIONS],
    },
    {
      provide: IAMPORT_NOTIFICATION_LOG,
      useFactory: (options: ResolvedIamportOptions) =>
        options.notificationLog ?? new LoggingNotificationLog(),
      inject: [IAMPORT_OPTIONS],
    },
    IamportClient,
    {
      provide: PortOneV2Client,
      // Built even without `v2` options (its routes then answer 404), so that everything injects alike.
      useFactory: (options: ResolvedIamportOptions) =>
        new PortOneV2Client({
          apiSecret: options.v2?.apiSecret ?? '',
          storeId: options.v2?.storeId ?? null,
          apiBaseUrl: options.v2?.apiBaseUrl ?? PORTONE_V2_DEFAULTS.apiBaseUrl,
          timeoutMs: options.timeoutMs,
          maxRetries: options.maxRetries,
          retryBaseDelayMs: options.retryBaseDelayMs,
          retryMaxDelayMs: options.retryMaxDelayMs,
        }),
      inject: [IAMPORT_OPTIONS],
    },
    PortOneV2VerificationService,
    PortOneV2PreparationService,
    PortOneV2HealthIndicator,
    PortOneV2EnabledGuard,
    IamportV1EnabledGuard,
    IamportEventHandlers,
    IamportEventDelivery,
    PaymentRefunder,
    PaymentVerificationService,
    PaymentPreparationService,
    ReconciliationService,
    NotificationRecorder,
    WebhookSourceGuard,
    WebhookContentGuard,
    IamportHealthIndicator,
    IamportOutboxGauges,
  ],
  exports: [
    IamportClient,
    PaymentVerificationService,
    PortOneV2Client,
    PortOneV2VerificationService,
    PortOneV2PreparationService,
    PaymentPreparationService,
    ReconciliationService,
    IamportEventDelivery,
    IamportHealthIndicator,
    PortOneV2HealthIndicator,
    IAMPORT_OPTIONS,
  ],
})
export class IamportModule extends IamportConfigurableModule {}
