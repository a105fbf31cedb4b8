import type { IamportNotificationLog } from './ports/notification-log.js';
import type { IamportOrderRepository } from './ports/order.repository.js';
import type { IamportPaymentLedger } from './ports/payment-ledger.js';
import type { IamportOutbox } from './ports/outbox.js';
import type { IamportReconciliationRepository } from './ports/reconciliation.repository.js';
import type { ForgeryPolicy } from './verification/verification-outcome.js';
import type {
  PortOneV2Options,
  ResolvedPortOneV2Options,
} from './v2/portone-v2.options.js';

/** Pages the buyer is sent to (HTTP 303) after the redirect was verified; `merchant_uid` and `outcome` are added to the query. */
export interface IamportResultPages {
  /** paid, vbank_issued */
  success: string;
  /** still pending, or being confirmed because iamport could not be reached */
  pending: string;
  /** every other outcome */
  failure: string;
}

/** What a merchant passes to `IamportModule.forRoot()` / `forRootAsync()`. */
export interface IamportModuleOptions {
  /**
   * REST API key (console: 결제 연동 > 식별코드・API Keys > V1 API). Required
   * unless only `v2` is given: V1 is then off and its routes answer 404.
   */
  impKey?: string;
  /** REST API secret. Never logged, never part of an error. */
  impSecret?: string;
  /**
   * PortOne V2 (`PortOne.requestPayment`, signed webhooks): its routes verify
   * V2 payments through the same rules, records and handlers. Omit it for V1 only.
   */
  v2?: PortOneV2Options;
  /** The merchant's orders, behind which verification works (see `IamportOrderRepository`). */
  orderRepository: IamportOrderRepository;
  /** Audit trail of every redirect and webhook. Default: a log line each (not durable). */
  notificationLog?: IamportNotificationLog;
  /**
   * The transactional outbox (see `IamportOutbox`): handlers then run at least
   * once, even if the process dies right after a commit. Without it they run at
   * most once, right after the commit.
   */
  outbox?: IamportOutbox;
  /**
   * Reads of the payment records the order repository writes: reconciliation
   * skips payments already recorded as iamport has them, and reports payments
   * that hold money no order or person accounts for.
   */
  paymentLedger?: IamportPaymentLedger;
  /** What `ReconciliationService` needs to find and claim stale orders. */
  reconciliationRepository?: IamportReconciliationRepository;
  /** How often undelivered outbox events are looked for; 0 turns the sweep off. Default 5000. */
  outboxPollIntervalMs?: number;
  /** Events younger than this are left to the instance that wrote them. Default 30000. */
  outboxRedeliveryDelayMs?: number;
  /** Default `https://api.iamport.kr`; point it at the simulator in tests. */
  apiBaseUrl?: string;
  /** Per attempt, in milliseconds. Default 5000. */
  timeoutMs?: number;
  /**
   * The most the buyer-facing redirect waits for verification, retries
   * included. Past it the buyer is answered "being confirmed" (`unconfirmed`)
   * at once, while the verification goes on; the webhook, a revisit or
   * reconciliation settles the payment. Webhooks keep the full retries.
   * Default 3000.
   */
  redirectTimeBudgetMs?: number;
  /** Retries of a call that is safe to repeat (reads, getToken, a cancel with checksum). Default 2. */
  maxRetries?: number;
  /** First backoff window; it doubles with each retry. Default 100. */
  retryBaseDelayMs?: number;
  /** Largest backoff window. Default 2000. */
  retryMaxDelayMs?: number;
  /** Refresh the token this long before it expires. Default 60000. */
  tokenRefreshMarginMs?: number;
  /** Accept payments made on a test channel (`sandbox: true`). Default false: refused as `sandbox_rejected`. */
  includeSandbox?: boolean;
  /** Forged and duplicate payments: refund them (`cancel`, default) or only record them (`flag`). */
  forgeryPolicy?: ForgeryPolicy;
  /**
   * A payment for an order the shop does not know (the order row was lost, or
   * the payment was made outside the checkout): flag it for a person (`flag`,
   * default) or refund it (`cancel`: only where every order is stored before
   * its payment window opens, as in the sample's checkout).
   */
  unknownOrderPolicy?: ForgeryPolicy;
  /** Without them the redirect route answers JSON; with them it answers 303 to one of these. */
  resultPages?: IamportResultPages;
  /**
   * Accept webhooks only from these addresses (`IAMPORT_WEBHOOK_IPS` are iamport's).
   * Compared with `req.ip`: behind a proxy, set the app's `trust proxy` so that
   * it is the client's address. Default: no allow-list.
   */
  webhookAllowList?: readonly string[];
  /** Sub-merchant code sent as the `Tier` header. */
  tierCode?: string;
}

type OptionalOptions =
  | 'v2'
  | 'tierCode'
  | 'resultPages'
  | 'webhookAllowList'
  | 'notificationLog'
  | 'outbox'
  | 'paymentLedger'
  | 'reconciliationRepository';

export type ResolvedIamportOptions = Required<
  Omit<IamportModuleOptions, OptionalOptions>
> &
  Pick<
    IamportModuleOptions,
    Exclude<OptionalOptions, 'webhookAllowList' | 'v2'>
  > & {
    webhookAllowList: ReadonlySet<string> | null;
    /** Whether V1 is configured (`impKey`, `impSecret`); '' for both when it is not. */
    v1: boolean;
    v2: ResolvedPortOneV2Options | null;
  };

export const IAMPORT_DEFAULTS = {
  apiBaseUrl: 'https://api.iamport.kr',
  timeoutMs: 5000,
  redirectTimeBudgetMs: 3000,
  maxRetries: 2,
  retryBaseDelayMs: 100,
  retryMaxDelayMs: 2000,
  tokenRefreshMarginMs: 60_000,
  includeSandbox: false,
  forgeryPolicy: 'cancel',
  unknownOrderPolicy: 'flag',
  outboxPollIntervalMs: 5000,
  outboxRedeliveryDelayMs: 30_000,
} as const satisfies Partial<IamportModuleOptions>;

/**
 * The addresses iamport sends webhooks from (its documentation; they have
 * changed before, so an allow-list is defence in depth, not the proof: the
 * proof is fetching the payment).
 */
export const IAMPORT_WEBHOOK_IPS: readonly string[] = [
  '52.78.100.19',
  '52.78.48.223',
  '52.78.5.241',
];
