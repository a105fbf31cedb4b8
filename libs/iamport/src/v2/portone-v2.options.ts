/** PortOne V2 settings, given as `v2` to `IamportModule.forRoot()`; V1 and V2 may run side by side. */
export interface PortOneV2Options {
  /** V2 API secret (console: 결제 연동 > 연동 정보 > 식별코드・API Keys > V2 API). Never logged, never part of an error. */
  apiSecret: string;
  /** The store (`store-…`): every call names it, as sub-stores need. */
  storeId: string;
  /**
   * The console's webhook secret, `whsec_…` or bare base64 (PortOne's docs show
   * no issued secret, so both forms are accepted). During a rotation the
   * console keeps two: give both, a webhook signed by either is accepted.
   */
  webhookSecret: string | readonly string[];
  /** Default `https://api.portone.io`; point it at the simulator (`…/v2`) in tests. */
  apiBaseUrl?: string;
  /**
   * Let payments made through a test channel (`channel.type` other than
   * `LIVE`) settle orders. Default false: refused as `sandbox_rejected`, as
   * PortOne's own samples do, so that a test-channel payment cannot be passed
   * off in production.
   */
  allowTestChannel?: boolean;
}

export interface ResolvedPortOneV2Options {
  apiSecret: string;
  storeId: string;
  webhookSecrets: readonly string[];
  apiBaseUrl: string;
  allowTestChannel: boolean;
}

export const PORTONE_V2_DEFAULTS = {
  apiBaseUrl: 'https://api.portone.io',
  allowTestChannel: false,
} as const;
