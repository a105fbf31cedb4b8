/** The PortOne V2 calls this client makes, named by the official schema's operationIds. */
export type PortOneV2Operation =
  'getPayment' | 'cancelPayment' | 'preRegisterPayment' | 'getPayments';

export interface PortOneV2ErrorDetails {
  operation: PortOneV2Operation;
  /** HTTP status, or null when no answer came (timeout, connection reset). */
  httpStatus: number | null;
  /** The error envelope's `type` (e.g. `PAYMENT_NOT_FOUND`), when there was one. */
  type: string | null;
  /** The error envelope's `message`, when there was one. */
  portOneMessage: string | null;
  /** Whether repeating the same call could succeed and is safe. */
  retryable: boolean;
}

/**
 * Base of every error the V2 client throws. It carries only what is safe to
 * log: never the API secret, the Authorization header, or a request or answer
 * body (no HTTP client error is ever attached as `cause`: it could carry them).
 */
export class PortOneV2Error extends Error implements PortOneV2ErrorDetails {
  readonly operation: PortOneV2Operation;
  readonly httpStatus: number | null;
  readonly type: string | null;
  readonly portOneMessage: string | null;
  readonly retryable: boolean;

  constructor(summary: string, details: PortOneV2ErrorDetails) {
    const where =
      details.httpStatus === null ? 'no answer' : `HTTP ${details.httpStatus}`;
    const said =
      details.type === null
        ? ''
        : `, ${details.type}${details.portOneMessage === null ? '' : `: ${details.portOneMessage}`}`;
    super(
      `PortOne V2 ${details.operation} failed: ${summary} (${where}${said})`,
    );
    this.name = new.target.name;
    this.operation = details.operation;
    this.httpStatus = details.httpStatus;
    this.type = details.type;
    this.portOneMessage = details.portOneMessage;
    this.retryable = details.retryable;
  }

  toJSON(): PortOneV2ErrorDetails & { name: string; message: string } {
    return {
      name: this.name,
      message: this.message,
      operation: this.operation,
      httpStatus: this.httpStatus,
      type: this.type,
      portOneMessage: this.portOneMessage,
      retryable: this.retryable,
    };
  }
}

/** HTTP 404 (`PAYMENT_NOT_FOUND`): no payment with this paymentId in the store. */
export class PortOneV2NotFoundError extends PortOneV2Error {}

/**
 * HTTP 409: the request contradicts the payment's state. `type` says which:
 * `CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN` (the balance moved since it was
 * read), `PAYMENT_ALREADY_CANCELLED`, `PAYMENT_NOT_PAID`, `ALREADY_PAID`,
 * `CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT`, …
 */
export class PortOneV2ConflictError extends PortOneV2Error {}

/** HTTP 401 or 403: the API secret was refused, or it may not act on this store. */
export class PortOneV2AuthError extends PortOneV2Error {}

/** HTTP 400, or another 4xx not covered above: PortOne refused the request as sent. */
export class PortOneV2InvalidRequestError extends PortOneV2Error {}

/** HTTP 502 `PG_PROVIDER`: the PG refused; its own code and message are kept. */
export class PortOneV2PgProviderError extends PortOneV2Error {
  readonly pgCode: string | null;
  readonly pgMessage: string | null;

  constructor(
    summary: string,
    details: PortOneV2ErrorDetails,
    pg: { pgCode: string | null; pgMessage: string | null },
  ) {
    super(summary, details);
    this.pgCode = pg.pgCode;
    this.pgMessage = pg.pgMessage;
  }

  override toJSON(): ReturnType<PortOneV2Error['toJSON']> & {
    pgCode: string | null;
    pgMessage: string | null;
  } {
    return {
      ...super.toJSON(),
      pgCode: this.pgCode,
      pgMessage: this.pgMessage,
    };
  }
}

/**
 * No usable answer: the connection failed, PortOne (or a gateway in front of
 * it) answered 5xx or 429, or an error answer was not PortOne's JSON envelope.
 */
export class PortOneV2TransportError extends PortOneV2Error {}

/** No complete answer within the configured timeout (a kind of transport error). */
export class PortOneV2TimeoutError extends PortOneV2TransportError {}

/** A 2xx answer that is not JSON, or not the expected shape (e.g. a payment without `amount.total`). */
export class PortOneV2BadAnswerError extends PortOneV2Error {}
