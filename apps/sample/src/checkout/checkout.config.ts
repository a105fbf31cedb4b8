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

/**
 * @deprecated Products live in the database now (`ProductsService`, seeded
 * by the products migration); the checkout no longer reads this. Kept only
 * until test/sample/http-interface.e2e-spec.ts stops importing it.
 */
export const PRODUCTS = [
  { id: 'tea', name: '제주 녹차 100g', amount: 12_000 },
  { id: 'mug', name: '청자 머그잔', amount: 35_000 },
  { id: 'set', name: '다도 세트', amount: 129_000 },
] as const;
