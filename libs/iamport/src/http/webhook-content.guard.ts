import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';

// iamport's webhook is three short fields; anything much larger is not iamport.
export const MAX_WEBHOOK_BYTES = 8 * 1024;
const ACCEPTED_TYPES = [
  'application/json',
  'application/x-www-form-urlencoded',
];

/** iamport sends JSON or a form, depending on a console setting; nothing else is a webhook. Runs before validation. */
@Injectable()
export class WebhookContentGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{
      headers: Record<string, string | string[] | undefined>;
      body?: unknown;
    }>();
    const headers = request.headers;
    const type = String(headers['content-type'] ?? '')
      .split(';')[0]
      .trim()
      .toLowerCase();
    if (!ACCEPTED_TYPES.includes(type)) {
      throw new UnsupportedMediaTypeException(
        'the webhook must be application/json or application/x-www-form-urlencoded',
      );
    }
    const declared = Number(headers['content-length'] ?? 0);
    // A chunked body has no Content-Length: then what the body parser read is measured instead.
    const size =
      declared > 0
        ? declared
        : Buffer.byteLength(JSON.stringify(request.body ?? {}));
    if (size > MAX_WEBHOOK_BYTES) {
      throw new PayloadTooLargeException(
        `the webhook must be at most ${MAX_WEBHOOK_BYTES} bytes`,
      );
    }
    return true;
  }
}
