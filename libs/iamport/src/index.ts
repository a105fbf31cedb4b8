export { IamportModule } from './iamport.module.js';
export { IAMPORT_OPTIONS } from './iamport.tokens.js';
export type {
  IamportModuleOptions,
  ResolvedIamportOptions,
} from './iamport.options.js';
export { IamportConfigurationError } from './iamport-options.validation.js';
export {
  IamportClient,
  MAX_IDS_PER_BATCH,
  type LookupOptions,
  type MerchantUidLookupOptions,
  type PageOptions,
  type StatusLookupOptions,
} from './client/iamport.client.js';
export * from './client/iamport.errors.js';
export type * from './client/iamport.types.js';
