// One payment, settled through the shop's redirect route and (twice) its
// webhook route, the simulator making the payment and sending the webhooks.
// Plain fetch, no package: the consumers run it, and so does the consumer spec
// against a shop and a simulator started as commands.

export interface SettledPayment {
  merchantUid: string;
  impUid: string;
  redirect: { status: number; body: Record<string, unknown> };
  webhookStatuses: (number | null)[];
  order: Record<string, unknown>;
  transitions: string[];
  paidHandlerRuns: number;
}

async function call(
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method,
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: kept as text for the error message
  }
  return { status: response.status, body: parsed };
}

async function expectStatus(
  what: string,
  expected: number,
  answer: Promise<{ status: number; body: any }>,
): Promise<any> {
  const { status, body } = await answer;
  if (status !== expected)
    throw new Error(
      `${what}: expected HTTP ${expected}, got ${status} ${JSON.stringify(body)}`,
    );
  return body;
}

export async function settleOnePayment(
  shopUrl: string,
  simulatorUrl: string,
): Promise<SettledPayment> {
  const merchantUid = `order-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const amount = 15000;
  await expectStatus(
    'POST /orders',
    201,
    call('POST', `${shopUrl}/orders`, { merchantUid, amount }),
  );
  const payment = await expectStatus(
    'POST /_sim/payments',
    201,
    call('POST', `${simulatorUrl}/_sim/payments`, {
      merchant_uid: merchantUid,
      amount,
      status: 'paid',
    }),
  );
  const impUid = String(payment.imp_uid);

  const query = new URLSearchParams({
    imp_uid: impUid,
    merchant_uid: merchantUid,
    imp_success: 'true',
  });
  const redirect = await call(
    'GET',
    `${shopUrl}/payments/complete?${query.toString()}`,
  );

  const webhooks = await expectStatus(
    'POST /_sim/webhooks',
    200,
    call('POST', `${simulatorUrl}/_sim/webhooks`, {
      imp_uid: impUid,
      times: 2,
      url: `${shopUrl}/payments/webhook`,
    }),
  );
  const webhookStatuses = (
    webhooks.deliveries as { status: number | null }[]
  ).map((d) => d.status);

  const state = await expectStatus(
    `GET /orders/${merchantUid}`,
    200,
    call('GET', `${shopUrl}/orders/${encodeURIComponent(merchantUid)}`),
  );
  return {
    merchantUid,
    impUid,
    redirect,
    webhookStatuses,
    order: state.order,
    transitions: state.transitions,
    paidHandlerRuns: state.paidHandlerRuns,
  };
}

/**
 * The same through PortOne V2: the simulator makes the payment (its paymentId
 * is the order's merchant_uid), the buyer lands on the V2 redirect, and the
 * simulator sends the signed `Transaction.Paid` webhook twice.
 */
export async function settleOneV2Payment(
  shopUrl: string,
  simulatorUrl: string,
): Promise<SettledPayment> {
  const merchantUid = `order-v2-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const amount = 21000;
  await expectStatus(
    'POST /orders',
    201,
    call('POST', `${shopUrl}/orders`, { merchantUid, amount }),
  );
  const payment = await expectStatus(
    'POST /_sim/v2/payments',
    201,
    call('POST', `${simulatorUrl}/_sim/v2/payments`, {
      paymentId: merchantUid,
      status: 'PAID',
      totalAmount: amount,
    }),
  );
  const transactionId = String(payment.transactionId);
  const query = new URLSearchParams({
    paymentId: merchantUid,
    txId: transactionId,
    transactionType: 'PAYMENT',
  });
  const redirect = await call(
    'GET',
    `${shopUrl}/payments/v2/complete?${query.toString()}`,
  );
  const webhooks = await expectStatus(
    'POST /_sim/v2/webhooks',
    200,
    call('POST', `${simulatorUrl}/_sim/v2/webhooks`, {
      paymentId: merchantUid,
      transactionId,
      type: 'Transaction.Paid',
      fault: 'duplicate',
      url: `${shopUrl}/payments/v2/webhook`,
    }),
  );
  const state = await expectStatus(
    `GET /orders/${merchantUid}`,
    200,
    call('GET', `${shopUrl}/orders/${encodeURIComponent(merchantUid)}`),
  );
  return {
    merchantUid,
    impUid: transactionId,
    redirect,
    webhookStatuses: (webhooks.deliveries as { status: number | null }[]).map(
      (d) => d.status,
    ),
    order: state.order,
    transitions: state.transitions,
    paidHandlerRuns: state.paidHandlerRuns,
  };
}

/** Throws unless the payment settled its order as `paid`, by exactly one transition. */
export function assertSettledOnce(result: SettledPayment): void {
  const problems: string[] = [];
  if (
    result.redirect.status !== 200 ||
    result.redirect.body['outcome'] !== 'paid'
  )
    problems.push(`redirect answered ${JSON.stringify(result.redirect)}`);
  if (
    result.webhookStatuses.length !== 2 ||
    result.webhookStatuses.some((s) => s !== 200)
  )
    problems.push(
      `webhook deliveries answered ${JSON.stringify(result.webhookStatuses)}`,
    );
  if (
    result.order['status'] !== 'paid' ||
    result.order['impUid'] !== result.impUid
  )
    problems.push(`the order is ${JSON.stringify(result.order)}`);
  if (result.order['version'] !== 1 || result.transitions.join() !== 'paid')
    problems.push(
      `the order moved ${JSON.stringify(result.transitions)} (version ${String(result.order['version'])})`,
    );
  if (result.paidHandlerRuns !== 1)
    problems.push(`the paid handler ran ${result.paidHandlerRuns} times`);
  if (problems.length > 0)
    throw new Error(
      `payment ${result.impUid} of ${result.merchantUid} not settled exactly once:\n- ${problems.join('\n- ')}`,
    );
}
