export const CHECKOUT_CONFIG = Symbol('CHECKOUT_CONFIG');

/** What the pages need to open the payment window. */
export interface CheckoutConfig {
  /** The merchant code for `IMP.init`. */
  impCode: string;
  /** The iamport browser SDK: the simulator's stand-in, or cdn.iamport.kr with real keys. */
  sdkUrl: string;
  /** This app as buyers' browsers reach it. */
  publicUrl: string;
  /**
   * PortOne V2's checkout: its browser SDK, the store and the channel
   * `PortOne.requestPayment` names; null when V2 is off (real iamport keys
   * without V2 secrets), and the checkout offers V1 only.
   */
  v2: {
    sdkUrl: string;
    storeId: string;
    channelKey: string;
  } | null;
}
