import { fc } from '@fast-check/vitest';

/**
 * What fast-check generates: per run, some simulator faults and a number of
 * scenarios, each one order and what happens to it. Steps refer to earlier
 * payments by a number (`pick`) that the runner resolves, modulo the payments
 * that fit, against its model of the order's payments at that moment: every
 * generated (or shrunk) plan can be run, and the same seed gives the same plan.
 */

/** One copy of a notification: to which process, after how long. */
export interface NoteCopy {
  /** Index of the app process it goes to. */
  target: number;
  /** Wait this long after the step, then send (copies of one step race each other). */
  delayMs: number;
}

/** A redirect or webhook that iamport (or the buyer's browser) would send for a step. */
export interface NotePlan {
  /** Never sent: the browser closed, the webhook was lost. */
  lost: boolean;
  /** Duplicates: the same notification sent again, each to its own process. */
  copies: NoteCopy[];
}

/** How far off a forged amount is, in percent of the order's amount (never 100). */
export type ForgedPercent = 1 | 10 | 50 | 99 | 101 | 150 | 300;

export type Step =
  | {
      kind: 'card';
      outcome: 'paid' | 'failed';
      /** Paid with another amount for this merchant_uid (null: the order's own amount). */
      forged: ForgedPercent | null;
      redirect: NotePlan;
      /** iamport sends no webhook for a failed payment: ignored then. */
      webhook: NotePlan;
    }
  | {
      kind: 'vbank';
      forged: ForgedPercent | null;
      redirect: NotePlan;
      webhook: NotePlan;
    }
  | { kind: 'deposit'; pick: number; webhook: NotePlan }
  | { kind: 'revoke'; pick: number; webhook: NotePlan }
  | {
      kind: 'refund';
      pick: number;
      /** Tenths of the payment's amount; null: whatever is left (a full refund). */
      tenths: number | null;
      /** The `cancelled` webhook; null: the merchant refunded with the webhook off. */
      webhook: NotePlan | null;
    }
  | {
      /** A late re-send of an earlier payment's redirect or webhook (reordered after later steps). */
      kind: 'resend';
      pick: number;
      route: 'redirect' | 'webhook';
      note: NotePlan;
    };

export interface ScenarioStep {
  /** Pause before the step (lets the other scenarios' requests interleave). */
  pauseMs: number;
  step: Step;
}

/** A V2 attempt's channel: `TEST` payments must be refused (the sample does not allow test channels). */
export type Channel = 'LIVE' | 'TEST';

/**
 * Webhooks that are not PortOne's own plain delivery. Sent by the simulator
 * (`POST /_sim/v2/webhooks` with `fault`): `bad_signature` (signed with
 * another key), `stale_timestamp` (a replay 600 s old), `duplicate` (one
 * message twice), `out_of_order` (`Transaction.Paid`, then
 * `Transaction.Ready`). Sent by the harness: `tampered` (PortOne's signature
 * of one body, on another). The first two and the last must be answered 401
 * and change nothing.
 */
export type V2WebhookFault =
  | 'bad_signature'
  | 'stale_timestamp'
  | 'tampered'
  | 'duplicate'
  | 'out_of_order';

export const FORGED_SIGNATURES: ReadonlySet<V2WebhookFault> = new Set([
  'bad_signature',
  'stale_timestamp',
  'tampered',
]);

/**
 * What happens to a V2 order (its paymentId is its merchant_uid): attempts of
 * that one paymentId (only one of them can be paid), the console's deposits
 * and cancels, and PortOne's redirect (`code` on failure) and signed
 * webhooks, all re-fetched by the module by paymentId.
 */
export type V2Step =
  | {
      kind: 'card';
      outcome: 'paid' | 'failed';
      forged: ForgedPercent | null;
      channel: Channel;
      /** The redirect says the opposite of the truth (`code` on a paid attempt, none on a failed one). */
      codeLies: boolean;
      redirect: NotePlan;
      /** `Transaction.Paid` or `Transaction.Failed`. */
      webhook: NotePlan;
    }
  | {
      /** A virtual account issued (`VIRTUAL_ACCOUNT_ISSUED`), awaiting a deposit. */
      kind: 'vbank';
      forged: ForgedPercent | null;
      channel: Channel;
      redirect: NotePlan;
      webhook: NotePlan;
    }
  | { kind: 'deposit'; webhook: NotePlan }
  | {
      /** A console cancel of the paid attempt: part of it, or the rest. */
      kind: 'refund';
      tenths: number | null;
      webhook: NotePlan | null;
    }
  | {
      /** A late re-send: of an earlier webhook message as it was (out of order), or a redirect as of now. */
      kind: 'resend';
      pick: number;
      route: 'redirect' | 'webhook';
      note: NotePlan;
    }
  | {
      kind: 'fault';
      pick: number;
      fault: V2WebhookFault;
      note: NotePlan;
    };

export interface V2ScenarioStep {
  pauseMs: number;
  step: V2Step;
}

export type Scenario =
  | {
      api: 'v1';
      /** The order's amount in won. */
      amount: number;
      /** The process that creates the order. */
      creator: number;
      steps: ScenarioStep[];
    }
  | {
      /** Paid through PortOne V2. */
      api: 'v2';
      amount: number;
      creator: number;
      steps: V2ScenarioStep[];
    };

export type V1Scenario = Extract<Scenario, { api: 'v1' }>;
export type V2Scenario = Extract<Scenario, { api: 'v2' }>;

export type FaultKindPlanned = 'http_error' | 'reset' | 'timeout' | 'latency';

export interface FaultPlan {
  kind: FaultKindPlanned;
  /** '*' or an iamport operationId. */
  operation: string;
  /** Share of matching calls hit, until the faults are cleared. */
  ratio: number;
}

export interface RunPlan {
  faults: FaultPlan[];
  scenarios: Scenario[];
}

export interface PlanOptions {
  processes: number;
  scenarios: number;
  /** Whether the simulator has `POST /_sim/payments/:imp_uid/revoke`. */
  revoke: boolean;
  /** Whether `timeout` faults may be drawn (each hit costs the module's 5 s client timeout). */
  timeouts: boolean;
  /** Share of the scenarios paid through PortOne V2, in percent (0: V1 only). */
  v2Percent: number;
}

function notePlan(processes: number): fc.Arbitrary<NotePlan> {
  const delay = fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 40 }) },
    { weight: 3, arbitrary: fc.integer({ min: 40, max: 400 }) },
    { weight: 1, arbitrary: fc.integer({ min: 400, max: 1_200 }) },
  );
  const copy = fc.record({
    target: fc.integer({ min: 0, max: processes - 1 }),
    delayMs: delay,
  });
  return fc.record({
    lost: fc.oneof(
      { weight: 4, arbitrary: fc.constant(false) },
      { weight: 1, arbitrary: fc.constant(true) },
    ),
    copies: fc.oneof(
      { weight: 3, arbitrary: fc.array(copy, { minLength: 1, maxLength: 1 }) },
      { weight: 2, arbitrary: fc.array(copy, { minLength: 2, maxLength: 3 }) },
    ),
  });
}

const forged: fc.Arbitrary<ForgedPercent | null> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<ForgedPercent>(1, 10, 50, 99, 101, 150, 300),
  },
);

function step(options: PlanOptions): fc.Arbitrary<Step> {
  const note = notePlan(options.processes);
  const pick = fc.nat({ max: 7 });
  const kinds: Array<fc.WeightedArbitrary<Step>> = [
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('card' as const),
        outcome: fc.constant('paid' as const),
        forged,
        redirect: note,
        webhook: note,
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('card' as const),
        outcome: fc.constant('failed' as const),
        forged,
        redirect: note,
        webhook: note,
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('vbank' as const),
        forged,
        redirect: note,
        webhook: note,
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('deposit' as const),
        pick,
        webhook: note,
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('refund' as const),
        pick,
        tenths: fc.oneof(
          { weight: 1, arbitrary: fc.constant(null) },
          { weight: 2, arbitrary: fc.integer({ min: 1, max: 9 }) },
        ),
        webhook: fc.oneof(
          { weight: 1, arbitrary: fc.constant(null) },
          { weight: 3, arbitrary: note },
        ),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('resend' as const),
        pick,
        route: fc.constantFrom('redirect' as const, 'webhook' as const),
        note,
      }),
    },
  ];
  if (options.revoke)
    kinds.push({
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('revoke' as const),
        pick,
        webhook: note,
      }),
    });
  return fc.oneof(...kinds);
}

const pauseMs = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: 20, max: 300 }) },
);

/** A V1 scenario, as generated before V2 was added (plus `api`). */
export function v1ScenarioArbitrary(
  options: PlanOptions,
): fc.Arbitrary<V1Scenario> {
  return fc
    .record({
      amount: fc
        .integer({ min: 10, max: 500 })
        .map((hundreds) => hundreds * 100),
      creator: fc.integer({ min: 0, max: options.processes - 1 }),
      steps: fc.array(fc.record({ pauseMs, step: step(options) }), {
        minLength: 1,
        maxLength: 6,
      }),
    })
    .map((scenario) => ({ api: 'v1' as const, ...scenario }));
}

const channel: fc.Arbitrary<Channel> = fc.oneof(
  { weight: 5, arbitrary: fc.constant('LIVE' as const) },
  { weight: 1, arbitrary: fc.constant('TEST' as const) },
);

function v2Step(options: PlanOptions): fc.Arbitrary<V2Step> {
  const note = notePlan(options.processes);
  const pick = fc.nat({ max: 7 });
  const card = (outcome: 'paid' | 'failed') =>
    fc.record({
      kind: fc.constant('card' as const),
      outcome: fc.constant(outcome),
      forged,
      channel,
      codeLies: fc.oneof(
        { weight: 5, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
      redirect: note,
      webhook: note,
    });
  return fc.oneof(
    { weight: 6, arbitrary: card('paid') },
    // Several attempts of one paymentId: declined ones before (or after) the one that pays.
    { weight: 3, arbitrary: card('failed') },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('vbank' as const),
        forged,
        channel,
        redirect: note,
        webhook: note,
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('deposit' as const),
        webhook: note,
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('refund' as const),
        tenths: fc.oneof(
          { weight: 1, arbitrary: fc.constant(null) },
          { weight: 2, arbitrary: fc.integer({ min: 1, max: 9 }) },
        ),
        webhook: fc.oneof(
          { weight: 1, arbitrary: fc.constant(null) },
          { weight: 3, arbitrary: note },
        ),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('resend' as const),
        pick,
        route: fc.constantFrom('redirect' as const, 'webhook' as const),
        note,
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('fault' as const),
        pick,
        fault: fc.constantFrom<V2WebhookFault>(
          'bad_signature',
          'stale_timestamp',
          'tampered',
          'duplicate',
          'out_of_order',
        ),
        // Always sent: a lost attack proves nothing.
        note: note.map((plan) => ({ ...plan, lost: false })),
      }),
    },
  );
}

export function v2ScenarioArbitrary(
  options: PlanOptions,
): fc.Arbitrary<V2Scenario> {
  return fc
    .record({
      amount: fc
        .integer({ min: 10, max: 500 })
        .map((hundreds) => hundreds * 100),
      creator: fc.integer({ min: 0, max: options.processes - 1 }),
      steps: fc.array(fc.record({ pauseMs, step: v2Step(options) }), {
        minLength: 1,
        maxLength: 6,
      }),
    })
    .map((scenario) => ({ api: 'v2' as const, ...scenario }));
}

/** A V1 or (v2Percent of the time) a V2 scenario. */
export function scenarioArbitrary(
  options: PlanOptions,
): fc.Arbitrary<Scenario> {
  if (options.v2Percent <= 0) return v1ScenarioArbitrary(options);
  if (options.v2Percent >= 100) return v2ScenarioArbitrary(options);
  return fc.oneof(
    {
      weight: 100 - options.v2Percent,
      arbitrary: v1ScenarioArbitrary(options),
    },
    { weight: options.v2Percent, arbitrary: v2ScenarioArbitrary(options) },
  );
}

function faultArbitrary(options: PlanOptions): fc.Arbitrary<FaultPlan> {
  const kinds: Array<fc.WeightedArbitrary<FaultKindPlanned>> = [
    { weight: 3, arbitrary: fc.constant('http_error' as const) },
    { weight: 2, arbitrary: fc.constant('reset' as const) },
    { weight: 2, arbitrary: fc.constant('latency' as const) },
  ];
  if (options.timeouts)
    kinds.push({ weight: 1, arbitrary: fc.constant('timeout' as const) });
  return fc
    .record({
      kind: fc.oneof(...kinds),
      operation: fc.constantFrom(
        '*',
        'getPaymentByImpUid',
        'cancelPayment',
        'getToken',
      ),
      ratio: fc.constantFrom(0.05, 0.1, 0.2, 0.3),
    })
    .map((fault) =>
      // Each timeout holds a call for the client's 5 s: keep them rare enough for the run time.
      fault.kind === 'timeout'
        ? { ...fault, ratio: Math.min(fault.ratio, 0.05) }
        : fault,
    );
}

export function runPlanArbitrary(options: PlanOptions): fc.Arbitrary<RunPlan> {
  return fc.record({
    faults: fc.oneof(
      { weight: 1, arbitrary: fc.constant<FaultPlan[]>([]) },
      {
        weight: 2,
        arbitrary: fc.array(faultArbitrary(options), {
          minLength: 1,
          maxLength: 2,
        }),
      },
    ),
    scenarios: fc.array(scenarioArbitrary(options), {
      minLength: options.scenarios,
      maxLength: options.scenarios,
    }),
  });
}

/** A forged amount: `percent` of the order's, in hundreds of won, never the order's own. */
export function forgedAmount(orderAmount: number, percent: number): number {
  const amount = Math.max(
    100,
    Math.round((orderAmount * percent) / 100 / 100) * 100,
  );
  return amount === orderAmount
    ? orderAmount + (percent < 100 ? -100 : 100)
    : amount;
}
