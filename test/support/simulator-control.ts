import {
  startSimulator,
  type RunningSimulator,
  type SimulatorConfig,
} from '../../apps/iamport-simulator/src/index.js';

export type FaultKind =
  | 'latency'
  | 'http_error'
  | 'timeout'
  | 'reset'
  | 'malformed'
  | 'error_code'
  | 'expired_token'
  | 'drop_webhook'
  | 'malformed_payment';

export interface FaultRequest {
  kind: FaultKind;
  operation?: string;
  times?: number;
  ratio?: number;
  latency_ms?: number;
  status?: number;
  /** malformed_payment: the timestamp to spoil (paid_at by default). */
  field?:
    | 'paid_at'
    | 'cancelled_at'
    | 'failed_at'
    | 'started_at'
    | 'vbank_date'
    | 'vbank_issued_at';
  /** malformed_payment: what to put there (by default the field's date as a 'YYYY-MM-DD' string). */
  value?: string | number | boolean | null;
}

export interface SimulatorStats {
  calls: Record<string, number>;
  total: number;
  tokens_issued: number;
  webhooks: {
    sent: number;
    delivered: number;
    failed: number;
    dropped: number;
  };
}

/** Drives a simulator through its `/_sim` control endpoints, as a test on another machine would. */
export class SimulatorControl {
  private constructor(readonly simulator: RunningSimulator) {}

  static async start(
    config: Partial<SimulatorConfig> = {},
  ): Promise<SimulatorControl> {
    return new SimulatorControl(await startSimulator({ port: 0, ...config }));
  }

  get url(): string {
    return this.simulator.url;
  }

  get impKey(): string {
    return this.simulator.config.impKey;
  }

  get impSecret(): string {
    return this.simulator.config.impSecret;
  }

  createPayment(
    payment: Record<string, unknown>,
  ): Promise<Record<string, any>> {
    return this.control('POST', '/_sim/payments', payment, 201);
  }

  /** A payment as the simulator holds it, read through a control route (not counted as an iamport call). */
  async payment(impUid: string): Promise<Record<string, any>> {
    const payments = await this.control<Array<Record<string, any>>>(
      'GET',
      '/_sim/payments',
    );
    const payment = payments.find((candidate) => candidate.imp_uid === impUid);
    if (!payment) throw new Error(`the simulator has no payment ${impUid}`);
    return payment;
  }

  /**
   * A refund made in iamport's console: all that is left, or `amount`; the
   * `cancelled` webhook unless `webhook` is false. Answers the payment.
   */
  cancelInConsole(
    impUid: string,
    options: { amount?: number; reason?: string; webhook?: boolean } = {},
  ): Promise<Record<string, any>> {
    return this.control(
      'POST',
      `/_sim/payments/${encodeURIComponent(impUid)}/cancel`,
      options,
    );
  }

  /**
   * The merchant revokes an unpaid virtual account in the console: status cancelled, and the
   * `cancelled` webhook unless `webhook` is false. Answers the payment.
   */
  revokeVbank(
    impUid: string,
    options: { webhook?: boolean } = {},
  ): Promise<Record<string, any>> {
    return this.control(
      'POST',
      `/_sim/payments/${encodeURIComponent(impUid)}/revoke`,
      options,
    );
  }

  fault(fault: FaultRequest): Promise<{ id: string }> {
    return this.control('POST', '/_sim/faults', fault, 201);
  }

  stats(): Promise<SimulatorStats> {
    return this.control('GET', '/_sim/stats');
  }

  /** How many times an iamport operation (by the schema's operationId) was called. */
  async calls(operation: string): Promise<number> {
    return (await this.stats()).calls[operation] ?? 0;
  }

  expireTokens(): Promise<unknown> {
    return this.control('POST', '/_sim/tokens/expire');
  }

  configure(config: Record<string, unknown>): Promise<unknown> {
    return this.control('PATCH', '/_sim/config', config);
  }

  reset(): Promise<unknown> {
    return this.control('POST', '/_sim/reset');
  }

  close(): Promise<void> {
    return this.simulator.close();
  }

  async control<T = any>(
    method: string,
    path: string,
    body?: unknown,
    expectedStatus = 200,
  ): Promise<T> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== expectedStatus) {
      throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
