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
