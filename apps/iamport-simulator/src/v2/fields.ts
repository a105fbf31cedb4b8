import { invalidRequest } from './errors.js';

/** V2 bodies are typed JSON: a number given as a string is an invalid request. */
type Body = Record<string, unknown>;

export function optionalText(body: Body, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw invalidRequest(`${name} must be a string`);
  return value;
}

export function requiredText(body: Body, name: string): string {
  const value = optionalText(body, name);
  if (value === undefined || value === '')
    throw invalidRequest(`${name} is required`);
  return value;
}

export function optionalInt(
  body: Body,
  name: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (
    !Number.isInteger(value) ||
    (value as number) < min ||
    (value as number) > max
  )
    throw invalidRequest(`${name} must be an integer from ${min} to ${max}`);
  return value as number;
}

export function optionalFlag(body: Body, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean')
    throw invalidRequest(`${name} must be a boolean`);
  return value;
}

export function optionalObject(body: Body, name: string): Body | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalidRequest(`${name} must be an object`);
  return value as Body;
}

/** An RFC 3339 date-time as milliseconds. */
export function optionalDateTime(body: Body, name: string): number | undefined {
  const value = optionalText(body, name);
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(ms))
    throw invalidRequest(`${name} must be an RFC 3339 date-time`);
  return ms;
}
