export {
  startSimulator,
  type RunningSimulator,
  type SimulatorHooks,
} from './simulator.js';
export {
  DEFAULT_CONFIG,
  type RedirectFlag,
  type SimulatorConfig,
  type VbankRevokeCancelAmount,
  type WebhookFormat,
} from './config.js';
export {
  PAYMENT_STATUSES,
  type IamportPayment,
  type PaymentCancelHistoryEntry,
  type PaymentStatus,
  type VbankDepositEntry,
} from './payment.js';
export type { PreparedPayment } from './state/prepared-store.js';
export type { WebhookDelivery, WebhookPayload } from './webhook-sender.js';
export { FAULT_KINDS, type FaultKind } from './faults.js';
export {
  API_OPERATIONS,
  BROWSER_OPERATIONS,
  type ApiOperation,
  type BrowserOperation,
} from './operations.js';
export {
  encodeParams,
  type CheckoutParams,
} from './browser/checkout-params.js';
export {
  V2_DEFAULT_CONFIG,
  type V2ChannelType,
  type V2Config,
} from './v2/config.js';
export {
  V2_PAYMENT_STATUSES,
  type V2PaymentStatus,
  type V2PaymentWebhook,
} from './v2/payment.js';
export type {
  V2WebhookDelivery,
  SigningFault as V2SigningFault,
} from './v2/webhooks/sender.js';
export { WEBHOOK_FAULTS as V2_WEBHOOK_FAULTS } from './v2/control/webhooks.js';
export {
  TRANSACTION_EVENTS as V2_TRANSACTION_EVENTS,
  type TransactionEvent as V2TransactionEvent,
} from './v2/webhooks/events.js';
export {
  encodeCheckoutRequest as encodeV2CheckoutRequest,
  type V2CheckoutRequest,
} from './v2/browser/request.js';
export {
  V2_DECLINED,
  V2_USER_CLOSED,
  type V2PaymentResponse,
} from './v2/browser/checkout.js';
