/** Checks of what goes into a request, shared by the V1 and V2 clients (a bad call never leaves). */
/** A path or body value that must be given. */
export function required(value: string, name: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new TypeError(`${name} must be a non-empty string`);
  return value;
}

/** A path segment, encoded. */
export function segment(value: string, name: string): string {
  return encodeURIComponent(required(value, name));
}
