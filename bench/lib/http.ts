/** JSON over fetch, failing on an unexpected status (set-up only: nothing here is timed). */
export async function requestJson<T>(
  method: string,
  url: string,
  body?: unknown,
  expected: readonly number[] = [200, 201],
): Promise<T> {
  const answer = await fetch(url, {
    method,
    headers:
      body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await answer.text();
  if (!expected.includes(answer.status))
    throw new Error(`${method} ${url} answered ${answer.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** Runs `work(0…count-1)` with at most `concurrency` in flight. */
export async function inParallel(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < count; index = next++) await work(index);
  };
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, worker),
  );
}

export interface SimStats {
  calls: Record<string, number>;
  total: number;
  tokens_issued: number;
}

/** The simulator's control endpoints (`/_sim/…`). */
export class SimulatorControl {
  constructor(readonly url: string) {}

  stats(): Promise<SimStats> {
    return requestJson<SimStats>('GET', `${this.url}/_sim/stats`);
  }

  async setLatency(latencyMs: number): Promise<void> {
    await requestJson('PATCH', `${this.url}/_sim/config`, {
      latency_ms: latencyMs,
    });
  }

  /** A paid card payment of this order; returns its imp_uid. */
  async createPaidPayment(
    merchantUid: string,
    amount: number,
  ): Promise<string> {
    const payment = await requestJson<{ imp_uid: string }>(
      'POST',
      `${this.url}/_sim/payments`,
      { merchant_uid: merchantUid, amount },
    );
    return payment.imp_uid;
  }
}

/** iamport API calls between two readings of the stats (control calls are not counted). */
export function apiCallsBetween(before: SimStats, after: SimStats): number {
  return after.total - before.total;
}
