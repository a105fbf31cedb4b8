import { SimError } from './types.js';

/** Body fields arrive typed (JSON) or as strings (form): read both the same way. */
type Body = Record<string, unknown>;

const absent = (value: unknown): boolean =>
  value === undefined || value === null || value === '';

export function optionalString(
  body: Body,
  name: string,
  maxLength = 1000,
): string | undefined {
  const value = body[name];
  if (absent(value)) return undefined;
  if (typeof value !== 'string')
    throw new SimError(400, `${name} must be a string`);
  if (value.length > maxLength)
    throw new SimError(400, `${name} is longer than ${maxLength}`);
  return value;
}

export function requiredString(
  body: Body,
  name: string,
  maxLength = 1000,
): string {
  const value = optionalString(body, name, maxLength);
  if (value === undefined) throw new SimError(400, `${name} is required`);
  return value;
}

export function optionalNumber(
  body: Body,
  name: string,
  min = 0,
): number | undefined {
  const value = body[name];
  if (absent(value)) return undefined;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number < min) {
    throw new SimError(
      400,
      `${name} must be a number ≥ ${min}, got ${JSON.stringify(value)}`,
    );
  }
  return number;
}

export function requiredNumber(body: Body, name: string, min = 0): number {
  const value = optionalNumber(body, name, min);
  if (value === undefined) throw new SimError(400, `${name} is required`);
  return value;
}

export function optionalInteger(
  body: Body,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const value = optionalNumber(body, name, min);
  if (value !== undefined && (!Number.isInteger(value) || value > max)) {
    throw new SimError(400, `${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

export function optionalBoolean(body: Body, name: string): boolean | undefined {
  const value = body[name];
  if (absent(value)) return undefined;
  if (value === true || value === 'true' || value === '1') return true;
  if (value === false || value === 'false' || value === '0') return false;
  throw new SimError(400, `${name} must be true or false`);
}

/** Rejects keys a control endpoint does not know: a typo should not pass silently. */
export function rejectUnknownKeys(body: Body, known: readonly string[]): void {
  const unknown = Object.keys(body).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw new SimError(
      400,
      `Unknown field(s): ${unknown.join(', ')}; known: ${known.join(', ')}`,
    );
  }
}
