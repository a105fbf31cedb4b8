import { isHttpUrl } from '../config.js';
import { invalidRequest } from './errors.js';
import type { V2Customer } from './payment.js';

/** The SDK's `customer` ({customerId, fullName, email, phoneNumber, …}) as Payment.customer. */
export function customerOf(value: unknown): V2Customer {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalidRequest('customer must be an object');
  const raw = value as Record<string, unknown>;
  const text = (...names: string[]) => {
    for (const name of names)
      if (typeof raw[name] === 'string' && raw[name] !== '') return raw[name];
    return undefined;
  };
  const joined = [text('lastName'), text('firstName')].filter(Boolean).join('');
  const customer: V2Customer = {
    id: text('customerId', 'id'),
    name: text('fullName', 'name') ?? (joined || undefined),
    email: text('email'),
    phoneNumber: text('phoneNumber'),
  };
  return Object.fromEntries(
    Object.entries(customer).filter(([, v]) => v !== undefined),
  ) as V2Customer;
}

/** customData goes in as an object and comes back as a JSON string. */
export function customDataOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function noticeUrlsOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const urls = Array.isArray(value) ? value : [value];
  for (const url of urls)
    if (!isHttpUrl(url))
      throw invalidRequest('noticeUrls must be absolute http(s) URLs');
  return urls as string[];
}
