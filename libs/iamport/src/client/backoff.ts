import type { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';

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

export interface RetryPolicy {
  maxRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
}

/**
 * Runs `attemptOnce` until it succeeds, or fails with an error `retryable`
 * refuses, or `maxRetries` retries are spent, waiting `backoffDelayMs` before
 * each retry. Each retry is logged (the error's message: the clients' errors
 * never carry a secret) and counted by `onRetry`.
 */
export async function withRetries<T>(
  attemptOnce: () => Promise<T>,
  policy: RetryPolicy,
  retryable: (error: unknown) => error is Error,
  logger: Logger,
  onRetry: () => void,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await attemptOnce();
    } catch (error) {
      if (!retryable(error) || attempt >= policy.maxRetries) throw error;
      const delayMs = backoffDelayMs(attempt, {
        baseDelayMs: policy.retryBaseDelayMs,
        maxDelayMs: policy.retryMaxDelayMs,
      });
      logger.warn(
        `${error.message}; retry ${attempt + 1} of ${policy.maxRetries} in ${Math.round(delayMs)} ms`,
      );
      await sleep(delayMs);
      onRetry();
    }
  }
}
