import { isHttpUrl } from '../../config.js';
import { SimError } from '../../http/types.js';

/** `PortOne.requestPayment(request)` as the window gets it, plus what the SDK adds. */
export interface V2CheckoutRequest {
  storeId: string;
  paymentId: string;
  orderName: string;
  totalAmount: number;
  taxFreeAmount: number | null;
  currency: string;
  payMethod: 'CARD' | 'VIRTUAL_ACCOUNT';
  channelKey: string | null;
  channelGroupId: string | null;
  redirectUrl: string | null;
  forceRedirect: boolean;
  customer: unknown;
  customData: unknown;
  noticeUrls: string[];
  /** The SDK's choice: navigate to the window (redirect) or show it over the page (overlay). */
  windowMode: 'redirect' | 'overlay';
  /** The merchant page's origin (postMessage target) and URL (Payment.origin.url). */
  origin: string | null;
  url: string | null;
}

export const PAY_METHODS = ['CARD', 'VIRTUAL_ACCOUNT'] as const;

/** base64url JSON, as the SDK puts it in /v2/window?request=… */
export const encodeCheckoutRequest = (
  request: Record<string, unknown>,
): string => Buffer.from(JSON.stringify(request), 'utf8').toString('base64url');

function text(
  raw: Record<string, unknown>,
  name: string,
  max = 200,
): string | null {
  const value = raw[name];
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string')
    throw new SimError(400, `${name} must be a string`);
  if (value.length > max)
    throw new SimError(400, `${name} is longer than ${max}`);
  return value;
}

function required(
  raw: Record<string, unknown>,
  name: string,
  max = 200,
): string {
  const value = text(raw, name, max);
  if (value === null) throw new SimError(400, `${name} is required`);
  return value;
}

function url(raw: Record<string, unknown>, name: string): string | null {
  const value = text(raw, name, 2000);
  if (value !== null && !isHttpUrl(value))
    throw new SimError(400, `${name} must start with http:// or https://`);
  return value;
}

function amount(raw: Record<string, unknown>, name: string): number | null {
  const value = raw[name];
  if (value === undefined || value === null) return null;
  if (!Number.isInteger(value) || (value as number) < 0)
    throw new SimError(400, `${name} must be an integer ≥ 0`);
  return value as number;
}

export function decodeCheckoutRequest(
  encoded: string | null,
): V2CheckoutRequest {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(encoded ?? '', 'base64url').toString('utf8'));
  } catch {
    throw new SimError(400, 'request must be base64url-encoded JSON');
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new SimError(400, 'request must encode a JSON object');
  const request = raw as Record<string, unknown>;
  const totalAmount = amount(request, 'totalAmount');
  if (totalAmount === null) throw new SimError(400, 'totalAmount is required');
  const payMethod = required(request, 'payMethod', 40);
  if (!(PAY_METHODS as readonly string[]).includes(payMethod))
    throw new SimError(
      400,
      `payMethod must be one of ${PAY_METHODS.join(', ')} (the simulator's window)`,
    );
  const channelKey = text(request, 'channelKey');
  const channelGroupId = text(request, 'channelGroupId');
  if ((channelKey === null) === (channelGroupId === null))
    throw new SimError(
      400,
      'Give exactly one of channelKey and channelGroupId',
    );
  const noticeUrls = request.noticeUrls ?? [];
  if (!Array.isArray(noticeUrls))
    throw new SimError(400, 'noticeUrls must be an array');
  return {
    storeId: required(request, 'storeId'),
    paymentId: required(request, 'paymentId'),
    orderName: required(request, 'orderName'),
    totalAmount,
    taxFreeAmount: amount(request, 'taxFreeAmount'),
    // The SDK still takes the legacy CURRENCY_KRW form; the API answers KRW.
    currency: required(request, 'currency', 20).replace(/^CURRENCY_/, ''),
    payMethod: payMethod as V2CheckoutRequest['payMethod'],
    channelKey,
    channelGroupId,
    redirectUrl: url(request, 'redirectUrl'),
    forceRedirect: request.forceRedirect === true,
    customer: request.customer ?? null,
    customData: request.customData ?? null,
    noticeUrls: noticeUrls.map((value, i) => {
      const checked = url({ value }, 'value');
      if (checked === null)
        throw new SimError(400, `noticeUrls[${i}] is empty`);
      return checked;
    }),
    windowMode:
      request.windowMode === 'redirect' ||
      (request.windowMode === undefined &&
        request.forceRedirect === true &&
        request.redirectUrl)
        ? 'redirect'
        : 'overlay',
    origin: url(request, 'origin'),
    url: url(request, 'url'),
  };
}
