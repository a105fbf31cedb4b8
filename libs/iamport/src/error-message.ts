/** What a caught value says, for a log line (IamportError messages carry no secret). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
