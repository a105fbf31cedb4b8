export interface BackoffPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Delay before retry number `attempt` (0 for the first retry): exponential,
 * capped, with "equal jitter" (half fixed, half random) so that instances that
 * failed together do not retry together.
 */
export function backoffDelayMs(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(
    policy.maxDelayMs,
    policy.baseDelayMs * 2 ** attempt,
  );
  return exponential / 2 + random() * (exponential / 2);
}
