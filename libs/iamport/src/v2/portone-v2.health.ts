import { Inject, Injectable } from '@nestjs/common';
import type { IamportHealthOptions } from '../health/iamport.health.js';
import type { ResolvedIamportOptions } from '../iamport.options.js';
import { IAMPORT_OPTIONS } from '../iamport.tokens.js';
import { OUT_OF_TIME, withinTime } from '../within-time.js';
import { PortOneV2Client } from './client/portone-v2.client.js';
import { PortOneV2NotFoundError } from './client/portone-v2.errors.js';

/** What the indicator says of PortOne V2, under its key. */
export interface PortOneV2HealthDetails {
  status: 'up' | 'down';
  responseTimeMs: number;
  /** Why V2 is down: the client's error message (it never carries the secret). */
  lastError?: string;
}

// A paymentId no shop issues: V2 has no token to ask for, so a lookup that PortOne answers
// 404 PAYMENT_NOT_FOUND proves the address and the API secret (a wrong secret is 401).
const PROBE_PAYMENT_ID = 'nestjs-iamport-health-probe';

/**
 * A health indicator of PortOne V2 for `@nestjs/terminus` (the same shape as
 * `IamportHealthIndicator`, resolving `down` instead of throwing). Each probe
 * is one lookup of a payment that does not exist.
 */
@Injectable()
export class PortOneV2HealthIndicator {
  constructor(
    private readonly client: PortOneV2Client,
    @Inject(IAMPORT_OPTIONS) private readonly options: ResolvedIamportOptions,
  ) {}

  async isHealthy<const Key extends string = 'portoneV2'>(
    key: Key = 'portoneV2' as Key,
    { timeoutMs = 3000 }: IamportHealthOptions = {},
  ): Promise<Record<Key, PortOneV2HealthDetails>> {
    const startedAt = performance.now();
    const result = (details: Omit<PortOneV2HealthDetails, 'responseTimeMs'>) =>
      ({
        [key]: {
          ...details,
          responseTimeMs: Math.round(performance.now() - startedAt),
        },
      }) as Record<Key, PortOneV2HealthDetails>;
    if (this.options.v2 === null)
      return result({
        status: 'down',
        lastError: 'PortOne V2 is not configured',
      });
    try {
      const probe = this.client.getPayment(PROBE_PAYMENT_ID).then(
        () => null,
        (error: unknown) =>
          error instanceof PortOneV2NotFoundError ? null : error,
      );
      const failure = await withinTime(probe, timeoutMs);
      if (failure === OUT_OF_TIME)
        return result({
          status: 'down',
          lastError: `no answer from PortOne V2 within ${timeoutMs} ms`,
        });
      if (failure) throw failure;
      return result({ status: 'up' });
    } catch (error) {
      let message = error instanceof Error ? error.message : String(error);
      message = message.split(this.options.v2.apiSecret).join('[redacted]');
      return result({ status: 'down', lastError: message });
    }
  }
}
