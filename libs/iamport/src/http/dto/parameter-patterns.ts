/** `imp_` and an id; the schema bounds imp_uid at 32 characters. */
export const IMP_UID_PATTERN = /^imp_[0-9A-Za-z]{1,28}$/;
/** The merchant's own id: visible ASCII, no spaces (the schema bounds it at 40). */
export const MERCHANT_UID_PATTERN = /^[\x21-\x7e]{1,40}$/;
/** PG error codes and cancellation ids: visible ASCII. */
export const CODE_PATTERN = /^[\x21-\x7e]{1,64}$/;
/** Free text (iamport's error messages are Korean): anything but control characters. */
export const TEXT_PATTERN = /^\P{Cc}*$/u;
export const FLAG_VALUES = ['true', 'false'] as const;
