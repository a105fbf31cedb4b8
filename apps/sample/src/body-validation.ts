import {
  BadRequestException,
  type Type,
  ValidationPipe,
  type ValidationError,
} from '@nestjs/common';

/** Fields a buyer might send to set a price; the server computes them from the product. */
const PRICED_BY_THE_SERVER = new Set(['amount', 'price', 'currency']);

/**
 * A validation pipe for a JSON body: unknown fields are refused (400) with the
 * field named, and a price the client tried to set is refused with the reason.
 */
export function bodyValidation(expectedType: Type<unknown>): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    expectedType,
    exceptionFactory: (errors: ValidationError[]) =>
      new BadRequestException(errors.flatMap(messagesOf)),
  });
}

function messagesOf(error: ValidationError): string[] {
  const constraints = Object.entries(error.constraints ?? {}).map(
    ([kind, message]) =>
      kind === 'whitelistValidation' && PRICED_BY_THE_SERVER.has(error.property)
        ? `${error.property} must not be sent: the server prices the order from product_id and quantity`
        : message,
  );
  return [...constraints, ...(error.children ?? []).flatMap(messagesOf)];
}
