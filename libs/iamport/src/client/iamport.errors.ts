/** The iamport calls this client makes, named by the official schema's operationIds. */
export type IamportOperation =
  | 'getToken'
  | 'getPaymentByImpUid'
  | 'getPaymentListByImpUid'
  | 'getPaymentByMerchantUid'
  | 'getAllPaymentsByMerchantUid'
  | 'getPaymentsByStatus'
  | 'cancelPayment'
  | 'preparePayment'
  | 'editPreparePayment'
  | 'getPaymentPrepareByMerchantUid';

export interface IamportErrorDetails {
  operation: IamportOperation;
  /** HTTP status, or null when no answer came (timeout, connection reset). */
  httpStatus: number | null;
  /** iamport's `code` from the envelope, when there was one. */
  code: number | null;
  /** iamport's `message` from the envelope, when there was one. */
  iamportMessage: string | null;
  /** Whether repeating the same call could succeed and is safe. */
  retryable: boolean;
}

/**
 * Base of every error the client throws. It carries only what is safe to log:
 * never the secret, the token, request headers or bodies (no HTTP client error
 * is ever attached as `cause`: it could carry them).
 */
export class IamportError extends Error implements IamportErrorDetails {
  readonly operation: IamportOperation;
  readonly httpStatus: number | null;
  readonly code: number | null;
  readonly iamportMessage: string | null;
  readonly retryable: boolean;

  constructor(summary: string, details: IamportErrorDetails) {
    const where =
      details.httpStatus === null ? 'no answer' : `HTTP ${details.httpStatus}`;
    const said =
      details.code === null
        ? ''
        : `, code ${details.code}: ${details.iamportMessage ?? '(no message)'}`;
    super(`iamport ${details.operation} failed: ${summary} (${where}${said})`);
    this.name = new.target.name;
    this.operation = details.operation;
    this.httpStatus = details.httpStatus;
    this.code = details.code;
    this.iamportMessage = details.iamportMessage;
    this.retryable = details.retryable;
  }

  toJSON(): IamportErrorDetails & { name: string; message: string } {
    return {
      name: this.name,
      message: this.message,
      operation: this.operation,
      httpStatus: this.httpStatus,
      code: this.code,
      iamportMessage: this.iamportMessage,
      retryable: this.retryable,
    };
  }
}

/** The connection failed or was reset before an answer arrived. */
export class IamportNetworkError extends IamportError {}

/** No complete answer within the configured timeout. */
export class IamportTimeoutError extends IamportError {}

/** imp_key/imp_secret were refused, or a fresh token was refused again. */
export class IamportAuthError extends IamportError {}

/** HTTP 404: iamport knows no such payment or prepared amount. */
export class IamportNotFoundError extends IamportError {}

/** HTTP 5xx, or a 4xx other than 401/404. */
export class IamportHttpError extends IamportError {}

/** The envelope said `code != 0` (iamport answers HTTP 200 with code 1 for a refused cancel). */
export class IamportResponseError extends IamportError {}

/** The answer was not the JSON envelope, or its `response` was not the expected shape. */
export class IamportMalformedResponseError extends IamportError {}
