import { isHttpUrl } from '../config.js';
import { SimError } from '../http/types.js';

/** The request_pay parameters the window honours, plus what the SDK adds (origin, imp_code). */
export interface CheckoutParams {
  merchant_uid: string;
  amount: number;
  currency: string;
  name: string | null;
  pay_method: string | null;
  pg: string | null;
  buyer_name: string | null;
  buyer_email: string | null;
  buyer_tel: string | null;
  buyer_addr: string | null;
  buyer_postcode: string | null;
  custom_data: unknown;
  m_redirect_url: string | null;
  notice_url: string[];
  /** The merchant page's origin, for postMessage. */
  origin: string | null;
  imp_code: string | null;
}

/** base64url JSON, as the SDK puts it in /window?params=… */
export const encodeParams = (params: Record<string, unknown>): string =>
  Buffer.from(JSON.stringify(params), 'utf8').toString('base64url');

function text(
  raw: Record<string, unknown>,
  name: string,
  max = 200,
): string | null {
  const value = raw[name];
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new SimError(400, `${name} must be a string`);
  }
  const result = String(value);
  if (result.length > max)
    throw new SimError(400, `${name} is longer than ${max}`);
  return result;
}

function url(raw: Record<string, unknown>, name: string): string | null {
  const value = text(raw, name, 2000);
  if (value !== null && !isHttpUrl(value))
    throw new SimError(400, `${name} must be an absolute http(s) URL`);
  return value;
}

export function decodeParams(encoded: string | null): CheckoutParams {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(encoded ?? '', 'base64url').toString('utf8'));
  } catch {
    throw new SimError(400, 'params must be base64url-encoded JSON');
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new SimError(400, 'params must encode a JSON object');
  }
  const params = raw as Record<string, unknown>;
  const merchantUid = text(params, 'merchant_uid', 40);
  if (merchantUid === null) throw new SimError(400, 'merchant_uid is required');
  const amount =
    typeof params.amount === 'string' ? Number(params.amount) : params.amount;
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
    throw new SimError(400, 'amount must be a number ≥ 0');
  }
  const noticeUrls = Array.isArray(params.notice_url)
    ? params.notice_url
    : [params.notice_url];
  return {
    merchant_uid: merchantUid,
    amount,
    currency: text(params, 'currency', 3) ?? 'KRW',
    name: text(params, 'name', 40),
    pay_method: text(params, 'pay_method', 20),
    pg: text(params, 'pg', 100),
    buyer_name: text(params, 'buyer_name', 16),
    buyer_email: text(params, 'buyer_email', 64),
    buyer_tel: text(params, 'buyer_tel', 16),
    buyer_addr: text(params, 'buyer_addr', 128),
    buyer_postcode: text(params, 'buyer_postcode', 8),
    custom_data: params.custom_data ?? null,
    m_redirect_url: url(params, 'm_redirect_url'),
    notice_url: noticeUrls
      .map((value, i) =>
        url({ [`notice_url[${i}]`]: value }, `notice_url[${i}]`),
      )
      .filter((value): value is string => value !== null),
    origin: url(params, 'origin'),
    imp_code: text(params, 'imp_code', 100),
  };
}
