export const CHECKOUT_CONFIG = Symbol('CHECKOUT_CONFIG');

/** What the pages need to open the payment window. */
export interface CheckoutConfig {
  /** The merchant code for `IMP.init`. */
  impCode: string;
  /** The iamport browser SDK: the simulator's stand-in, or cdn.iamport.kr with real keys. */
  sdkUrl: string;
  /** This app as buyers' browsers reach it. */
  publicUrl: string;
}

/** The products the sample shop sells; prices in won. */
export const PRODUCTS = [
  { id: 'tea', name: 'Jeju green tea, 100 g', amount: 12_000 },
  { id: 'mug', name: 'Celadon mug', amount: 35_000 },
  { id: 'set', name: 'Tea ceremony set', amount: 129_000 },
] as const;
