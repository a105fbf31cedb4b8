// The module
export { IamportModule } from './iamport.module.js';
export {
  DEFAULT_ROUTES,
  type IamportModuleExtras,
  type IamportRoutes,
} from './iamport.module-definition.js';
export {
  IAMPORT_DEFAULTS,
  IAMPORT_WEBHOOK_IPS,
  type IamportModuleOptions,
  type IamportResultPages,
  type ResolvedIamportOptions,
} from './iamport.options.js';
export { IamportConfigurationError } from './iamport-options.validation.js';
export { IAMPORT_OPTIONS } from './iamport.tokens.js';

// The ports a merchant implements
export {
  IAMPORT_ORDER_REPOSITORY,
  type IamportOrder,
  type IamportOrderRepository,
  type OrderAndRecord,
  type OrderTransition,
  type VerificationWrite,
  type VirtualAccount,
} from './ports/order.repository.js';
export {
  ALLOWED_FROM,
  OPEN_STATUSES,
  ORDER_STATUSES,
  SETTLED_STATUSES,
  SETTLING_STATUSES,
  type OrderStatus,
  type TargetStatus,
} from './ports/order-status.js';
export type {
  PaymentDisposition,
  PaymentRecord,
} from './ports/payment-record.js';
export {
  IAMPORT_PAYMENT_LEDGER,
  type IamportPaymentLedger,
} from './ports/payment-ledger.js';
export type {
  IamportOutbox,
  OutboxBacklog,
  OutboxClaim,
  OutboxEvent,
} from './ports/outbox.js';
export {
  IAMPORT_NOTIFICATION_LOG,
  type IamportNotificationLog,
  type NotificationKind,
  type PaymentNotification,
} from './ports/notification-log.js';

// Verification
export { PaymentVerificationService } from './verification/payment-verification.service.js';
export { PaymentVerificationCore } from './verification/payment-verification.core.js';
export type {
  PaymentApi,
  PaymentRefund,
  PortOnePayment,
  PortOnePaymentStatus,
} from './verification/portone-payment.js';
export { fromIamport } from './verification/iamport-payment.adapter.js';
export { canApply, decide, type DecisionInput } from './verification/decide.js';
export type { Decision, Refund } from './verification/decision.js';
export type {
  ForgeryPolicy,
  VerificationOutcome,
  VerificationPolicy,
} from './verification/verification-outcome.js';
export type {
  VerificationRequest,
  VerificationSource,
} from './verification/verification-request.js';
export type { VerificationResult } from './verification/verification-result.js';

// Registering an order's amount before the payment window opens
export {
  PaymentPreparationService,
  type PaymentToPrepare,
} from './preparation/payment-preparation.service.js';

// Reconciliation
export { ReconciliationService } from './reconciliation/reconciliation.service.js';
export type {
  ReconcileOptions,
  ReconciliationProgress,
  ReconciliationSummary,
} from './reconciliation/reconciliation-summary.js';
export type {
  FailedReconciliation,
  IamportReconciliationRepository,
  StaleOrder,
  StaleOrderClaim,
} from './ports/reconciliation.repository.js';

// Events
export {
  OnIamportCancelled,
  OnIamportEvent,
  OnIamportFailed,
  OnIamportForgery,
  OnIamportPaid,
  OnIamportVbankIssued,
} from './events/iamport-event.decorators.js';
export type {
  IamportEventType,
  IamportPaymentEvent,
} from './events/iamport-event.js';
export { IamportEventDelivery } from './events/iamport-event-delivery.js';

// HTTP answers
export type { RedirectAnswer } from './http/redirect-reply.js';
export type { RedirectOutcome } from './http/redirect-answer.js';
export type { WebhookAnswer } from './http/webhook.controller.js';

// Operating it: health and telemetry
export {
  type IamportHealthDetails,
  IamportHealthIndicator,
  type IamportHealthOptions,
  type IamportHealthResult,
} from './health/iamport.health.js';
export {
  IAMPORT_METRICS,
  IAMPORT_SPANS,
  IAMPORT_TELEMETRY_SCOPE,
} from './observability/iamport-telemetry.js';

// The REST client
export {
  IamportClient,
  MAX_IDS_PER_BATCH,
  type LookupOptions,
  type MerchantUidLookupOptions,
  type PageOptions,
  type StatusLookupOptions,
} from './client/iamport.client.js';
export * from './client/iamport.errors.js';
export type * from './client/iamport.types.js';

// PortOne V2
export type {
  PortOneV2Options,
  ResolvedPortOneV2Options,
} from './v2/portone-v2.options.js';
export { PORTONE_V2_DEFAULTS } from './v2/portone-v2.options.js';
export {
  PortOneV2VerificationService,
  type PortOneV2VerificationRequest,
} from './v2/portone-v2-verification.service.js';
export { fromPortOneV2 } from './v2/portone-v2-payment.adapter.js';
export { PortOneV2PreparationService } from './v2/portone-v2-preparation.service.js';
export {
  PortOneV2HealthIndicator,
  type PortOneV2HealthDetails,
} from './v2/portone-v2.health.js';
export {
  PortOneV2Client,
  type CancelPaymentRequest as PortOneV2CancelRequest,
  type ListPaymentsRequest as PortOneV2ListRequest,
  type PortOneV2ClientSettings,
  type PreRegisterPaymentRequest as PortOneV2PreRegisterRequest,
} from './v2/client/portone-v2.client.js';
export {
  PortOneV2AuthError,
  PortOneV2BadAnswerError,
  PortOneV2ConflictError,
  PortOneV2Error,
  PortOneV2InvalidRequestError,
  PortOneV2NotFoundError,
  PortOneV2PgProviderError,
  PortOneV2TimeoutError,
  PortOneV2TransportError,
  type PortOneV2Operation,
} from './v2/client/portone-v2.errors.js';
export type * from './v2/client/portone-v2.types.js';
export type { PortOneV2WebhookAnswer } from './v2/http/portone-v2-webhook.controller.js';
