import { Inject, Injectable } from '@nestjs/common';
import { IamportClient } from '../client/iamport.client.js';
import type { ResolvedIamportOptions } from '../iamport.options.js';
import { IAMPORT_OPTIONS } from '../iamport.tokens.js';
import { OUT_OF_TIME, withinTime } from '../within-time.js';

/** What the indicator says of iamport, under its key. */
export interface IamportHealthDetails {
  status: 'up' | 'down';
  /** How long it took to have a token (0–1 ms when one is cached). */
  responseTimeMs: number;
  /** Why iamport is down: the client's error message (it never carries the secret or a token). */
  lastError?: string;
}

/**
 * The shape of `@nestjs/terminus`'s `HealthIndicatorResult` (11 and 12),
 * declared here so that the module never imports terminus.
 */
export type IamportHealthResult<Key extends string = 'iamport'> = Record<
  Key,
  IamportHealthDetails
>;

export interface IamportHealthOptions {
  /** Give up after this long and report down (default 3000 ms; the client's own timeout and retries go on). */
  timeoutMs?: number;
}

/**
 * A health indicator for `@nestjs/terminus` that needs no terminus: iamport
 * is up when a token can be had with the configured keys
 * (`IamportClient.checkAccess()`: a cached token counts, so a probe costs
 * iamport nothing while the token lives; once it expires, or iamport refused
 * it, a new one is asked for).
 *
 * Down is reported by **resolving** `{ [key]: { status: 'down', … } }`, never
 * by throwing: terminus 11 and 12 both put a resolved `down` into the
 * check's `error` and `HealthCheckService.check` answers 503, whereas a
 * thrown error that is not terminus' own `HealthCheckError` (which 12 no
 * longer knows) is rethrown and becomes a 500.
 *
 * ```ts
 * @Get('ready') @HealthCheck()
 * ready() {
 *   return this.health.check([() => this.iamport.isHealthy('iamport')]);
 * }
 * ```
 */
@Injectable()
export class IamportHealthIndicator {
  constructor(
    private readonly client: IamportClient,
    @Inject(IAMPORT_OPTIONS) private readonly options: ResolvedIamportOptions,
  ) {}

  async isHealthy<const Key extends string = 'iamport'>(
    key: Key = 'iamport' as Key,
    { timeoutMs = 3000 }: IamportHealthOptions = {},
  ): Promise<IamportHealthResult<Key>> {
    const startedAt = performance.now();
    const took = () => Math.round(performance.now() - startedAt);
    try {
      if (
        (await withinTime(this.client.checkAccess(), timeoutMs)) === OUT_OF_TIME
      )
        throw new Error(`no token from iamport within ${timeoutMs} ms`);
      return { [key]: { status: 'up', responseTimeMs: took() } } as Record<
        Key,
        IamportHealthDetails
      >;
    } catch (error) {
      return {
        [key]: {
          status: 'down',
          responseTimeMs: took(),
          lastError: this.describe(error),
        },
      } as Record<Key, IamportHealthDetails>;
    }
  }

  /** The error's message, with the keys blanked out should iamport ever echo one. */
  private describe(error: unknown): string {
    let message = error instanceof Error ? error.message : String(error);
    for (const secret of [this.options.impSecret, this.options.impKey])
      if (secret) message = message.split(secret).join('[redacted]');
    return message;
  }
}
