/** What a merchant passes to `IamportModule.forRoot()` / `forRootAsync()`. */
export interface IamportModuleOptions {
  /** REST API key (console: 결제 연동 > 식별코드・API Keys > V1 API). */
  impKey: string;
  /** REST API secret. Never logged, never part of an error. */
  impSecret: string;
  /** Default `https://api.iamport.kr`; point it at the simulator in tests. */
  apiBaseUrl?: string;
  /** Per attempt, in milliseconds. Default 5000. */
  timeoutMs?: number;
  /** Retries of a call that is safe to repeat (reads, getToken, a cancel with checksum). Default 2. */
  maxRetries?: number;
  /** First backoff window; it doubles with each retry. Default 100. */
  retryBaseDelayMs?: number;
  /** Largest backoff window. Default 2000. */
  retryMaxDelayMs?: number;
  /** Refresh the token this long before it expires. Default 60000. */
  tokenRefreshMarginMs?: number;
  /** Accept payments made on a test channel (`sandbox: true`). Default false. */
  includeSandbox?: boolean;
  /** Sub-merchant code sent as the `Tier` header. */
  tierCode?: string;
}

export type ResolvedIamportOptions = Required<
  Omit<IamportModuleOptions, 'tierCode'>
> &
  Pick<IamportModuleOptions, 'tierCode'>;

export const IAMPORT_DEFAULTS = {
  apiBaseUrl: 'https://api.iamport.kr',
  timeoutMs: 5000,
  maxRetries: 2,
  retryBaseDelayMs: 100,
  retryMaxDelayMs: 2000,
  tokenRefreshMarginMs: 60_000,
  includeSandbox: false,
} as const satisfies Partial<IamportModuleOptions>;
