/** The parameters as received, for the audit trail: strings only, bounded, so a log row cannot be used to store junk. */
export function receivedParams(source: unknown): Record<string, string> {
  const params: Record<string, string> = {};
  if (typeof source !== 'object' || source === null) return params;
  for (const [key, value] of Object.entries(source).slice(0, 20)) {
    params[key.slice(0, 64)] = (
      typeof value === 'string' ? value : JSON.stringify(value)
    ).slice(0, 500);
  }
  return params;
}
