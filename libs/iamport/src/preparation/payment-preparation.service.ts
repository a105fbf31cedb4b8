import { Inject, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelayMs } from '../client/backoff.js';
import { IamportClient } from '../client/iamport.client.js';
import {
  IamportError,
  IamportHttpError,
  IamportMalformedResponseError,
  IamportNetworkError,
  IamportTimeoutError,
} from '../client/iamport.errors.js';
import type { PreparedPayment } from '../client/iamport.types.js';
import type { ResolvedIamportOptions } from '../iamport.options.js';
import { IAMPORT_OPTIONS } from '../iamport.tokens.js';

/** The amount an order will be paid with, as the merchant's server computed it. */
export interface PaymentToPrepare {
  merchantUid: string;
  /** In the currency's smallest unit (won for KRW). */
  amount: number;
  /** Registered too when given, so the window also refuses another currency. */
  currency?: string;
}

/**
 * iamport's "사전 검증": registers an order's amount (`POST /payments/prepare`)
 * before its payment window opens, so that the PG window itself refuses any
 * other amount. It narrows forgery; the verification after payment stays the
 * authority, so a failed registration must never stop an order from being paid.
 *
 * A POST is not safe to repeat blindly (a second one is refused as "already
 * prepared", and one that timed out may have been applied), so after a failed
 * POST the service reads what iamport holds (`GET`, retried) and, when it holds
 * another amount, corrects it with `PUT` (retried: setting an amount twice is
 * harmless). Errors are the client's typed `IamportError`s.
 */
@Injectable()
export class PaymentPreparationService {
  constructor(
    private readonly client: IamportClient,
    @Inject(IAMPORT_OPTIONS) private readonly options: ResolvedIamportOptions,
  ) {}

  async register(payment: PaymentToPrepare): Promise<PreparedPayment> {
    const request = {
      merchant_uid: payment.merchantUid,
      amount: payment.amount,
      ...(payment.currency === undefined ? {} : { currency: payment.currency }),
    };
    for (let attempt = 0; ; attempt++) {
      let failure: IamportError;
      try {
        return await this.client.preparePayment(request);
      } catch (error) {
        if (!(error instanceof IamportError)) throw error;
        failure = error;
      }
      const held = await this.client.getPreparedPayment(payment.merchantUid);
      if (held !== null) {
        return held.amount === payment.amount && sameCurrency(held, payment)
          ? held
          : await this.client.updatePreparedPayment(request);
      }
      // Nothing is held, so sending the POST again cannot register twice; unless iamport refused its content.
      if (!inTransit(failure) || attempt >= this.options.maxRetries)
        throw failure;
      await sleep(
        backoffDelayMs(attempt, {
          baseDelayMs: this.options.retryBaseDelayMs,
          maxDelayMs: this.options.retryMaxDelayMs,
        }),
      );
    }
  }
}

/** The POST failed on the way (no answer, a 5xx or 429, a garbled answer), not because iamport refused it. */
function inTransit(error: IamportError): boolean {
  if (error instanceof IamportHttpError)
    return (
      error.httpStatus === null ||
      error.httpStatus >= 500 ||
      error.httpStatus === 429
    );
  return (
    error instanceof IamportTimeoutError ||
    error instanceof IamportNetworkError ||
    error instanceof IamportMalformedResponseError
  );
}

function sameCurrency(
  held: PreparedPayment,
  wanted: PaymentToPrepare,
): boolean {
  return wanted.currency === undefined || held.currency === wanted.currency;
}
