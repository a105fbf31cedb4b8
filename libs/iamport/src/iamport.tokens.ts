/** The validated options with defaults applied (`ResolvedIamportOptions`). */
export const IAMPORT_OPTIONS = Symbol('IAMPORT_OPTIONS');
