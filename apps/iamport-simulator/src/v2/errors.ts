import { SimError, type SimResponse } from '../http/types.js';

/** A V2 failure: its HTTP status and `{type, message}` (OAS error schemas). */
export class V2Error extends SimError {
  constructor(
    status: number,
    readonly type: string,
    message: string,
  ) {
    super(status, message);
  }
}

const TYPE_FOR_STATUS: Record<number, string> = {
  400: 'INVALID_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'INVALID_REQUEST',
};

export const invalidRequest = (message: string): V2Error =>
  new V2Error(400, 'INVALID_REQUEST', message);

export const paymentNotFound = (paymentId: string): V2Error =>
  new V2Error(
    404,
    'PAYMENT_NOT_FOUND',
    `결제 건이 존재하지 않습니다: ${paymentId}`,
  );

/** Any error thrown on a /v2 route, in V2's shape; a SimError keeps its status. */
export function v2ErrorResponse(error: unknown): SimResponse {
  if (error instanceof V2Error)
    return {
      status: error.status,
      body: { type: error.type, message: error.message },
    };
  if (error instanceof SimError)
    return {
      status: error.status,
      body: {
        type: TYPE_FOR_STATUS[error.status] ?? 'INVALID_REQUEST',
        message: error.message,
      },
    };
  console.error('iamport simulator (V2): unexpected error', error);
  return {
    status: 500,
    body: {
      type: 'INTERNAL_SERVER_ERROR',
      message: 'Internal simulator error',
    },
  };
}
