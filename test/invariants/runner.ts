import { setTimeout as sleep } from 'node:timers/promises';
import type { AppClient } from '../reliability/harness.js';
import type { SimulatorControl } from '../support/simulator-control.js';
import {
  forgedAmount,
  type NotePlan,
  type RunPlan,
  type Scenario,
  type Step,
} from './scenario.js';

/** What the harness's console refunds say (never "forged" or "duplicate": those are the module's). */
export const CONSOLE_REFUND_REASON = 'console refund (invariants test)';

/** A notification gets this long to be answered before the run is declared not quiescent. */
const ANSWER_TIMEOUT_MS = 60_000;

/** A payment as this scenario knows it: from the simulator's answers to its own control calls. */
export interface ModelPayment {
  impUid: string;
  method: 'card' | 'vbank';
  amount: number;
  forged: boolean;
  status: string;
  cancelAmount: number;
  paidAt: number;
}

/** One notification, as planned and as it went. */
export interface NoteRecord {
  /** The step it belongs to (index into the scenario's steps). */
  step: number;
  route: 'redirect' | 'webhook';
  impUid: string;
  /** `imp_success` of a redirect, `status` of a webhook. */
  flag: string;
  /** Copy number and count (duplicates). */
  copy: number;
  copies: number;
  target: number;
  lost: boolean;
  /** Order in which the scenario's notifications were actually sent (null: lost). */
  seq: number | null;
  /** When it was sent and answered, in ms since the run started. */
  sentAtMs: number | null;
  answeredAtMs: number | null;
  /** `200 paid`, `503 …`, or the network error. */
  answer: string | null;
  /** The request failed without an HTTP answer (or none came in time). */
  error: string | null;
}

export interface StepRecord {
  index: number;
  atMs: number;
  action: Step['kind'];
  /** The payment it made or acted on (none when skipped). */
  impUid: string | null;
  /** The simulator did it (false: skipped, or refused). */
  done: boolean;
  /** What the harness did (or why it skipped the step), in words. */
  text: string;
}

export interface ScenarioLog {
  index: number;
  scenario: Scenario;
  merchantUid: string;
  creator: number;
  payments: ModelPayment[];
  steps: StepRecord[];
  notes: NoteRecord[];
  nextSeq: number;
}

export interface RunFigures {
  payments: number;
  notificationsPlanned: number;
  notificationsSent: number;
  notificationsLost: number;
  notificationsUnanswered: number;
  skippedSteps: number;
}

interface SimPaymentAnswer {
  imp_uid: string;
  amount: number;
  status: string;
  cancel_amount: number;
  paid_at: number;
}

/**
 * Runs one generated plan's action phase: creates the orders, then every
 * scenario at once, each step in turn, with its notifications sent
 * concurrently after their delays (or not at all). Resolves when every
 * request the harness made has been answered.
 */
export class PlanRunner {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly started = performance.now();

  constructor(
    private readonly sim: SimulatorControl,
    private readonly clients: AppClient[],
  ) {}

  private now(): number {
    return Math.round(performance.now() - this.started);
  }

  async createOrders(plan: RunPlan): Promise<ScenarioLog[]> {
    return Promise.all(
      plan.scenarios.map(async (scenario, index): Promise<ScenarioLog> => {
        const merchantUid = await this.clients[scenario.creator].createOrder(
          `Invariants ${index}`,
          scenario.amount,
        );
        return {
          index,
          scenario,
          merchantUid,
          creator: scenario.creator,
          payments: [],
          steps: [],
          notes: [],
          nextSeq: 0,
        };
      }),
    );
  }

  /** The scenarios' steps, all scenarios at once; then waits for every notification's answer. */
  async act(logs: ScenarioLog[]): Promise<void> {
    await Promise.all(logs.map((log) => this.runScenario(log)));
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  private async runScenario(log: ScenarioLog): Promise<void> {
    for (const [index, { pauseMs, step }] of log.scenario.steps.entries()) {
      if (pauseMs > 0) await sleep(pauseMs);
      await this.runStep(log, index, step);
    }
  }

  private record(
    log: ScenarioLog,
    index: number,
    action: Step['kind'],
    impUid: string | null,
    done: boolean,
    text: string,
  ): void {
    log.steps.push({ index, atMs: this.now(), action, impUid, done, text });
  }

  private async runStep(
    log: ScenarioLog,
    index: number,
    step: Step,
  ): Promise<void> {
    const order = log.scenario;
    switch (step.kind) {
      case 'card':
      case 'vbank': {
        const amount =
          step.forged === null
            ? order.amount
            : forgedAmount(order.amount, step.forged);
        const status =
          step.kind === 'vbank'
            ? 'ready'
            : step.outcome === 'paid'
              ? 'paid'
              : 'failed';
        const created = await this.sim.createPayment({
          merchant_uid: log.merchantUid,
          amount,
          status,
          pay_method: step.kind,
          webhook: false,
        });
        const payment = toModel(created as SimPaymentAnswer, step.kind);
        payment.forged = step.forged !== null;
        log.payments.push(payment);
        this.record(
          log,
          index,
          step.kind,
          payment.impUid,
          true,
          `${step.kind} ${status} ${amount}${payment.forged ? ` (forged: the order is ${order.amount})` : ''} → ${payment.impUid}`,
        );
        this.notify(log, index, 'redirect', payment.impUid, step.redirect, {
          flag: status === 'failed' ? 'false' : 'true',
        });
        // iamport sends no webhook for a failure.
        if (status !== 'failed')
          this.notify(log, index, 'webhook', payment.impUid, step.webhook, {
            flag: status,
          });
        return;
      }
      case 'deposit':
      case 'revoke': {
        const candidates = log.payments.filter(
          (payment) => payment.method === 'vbank' && payment.status === 'ready',
        );
        if (candidates.length === 0) {
          this.record(
            log,
            index,
            step.kind,
            null,
            false,
            `${step.kind}: skipped (no virtual account awaiting a deposit)`,
          );
          return;
        }
        const payment = candidates[step.pick % candidates.length];
        const answer = await this.sim
          .control<SimPaymentAnswer>(
            'POST',
            `/_sim/payments/${payment.impUid}/${step.kind}`,
            { webhook: false },
          )
          .then(
            (value) => ({ value, error: null }),
            (error: unknown) => ({ value: null, error: String(error) }),
          );
        if (answer.value === null) {
          this.record(
            log,
            index,
            step.kind,
            payment.impUid,
            false,
            `${step.kind} ${payment.impUid}: refused (${answer.error})`,
          );
          return;
        }
        update(payment, answer.value);
        this.record(
          log,
          index,
          step.kind,
          payment.impUid,
          true,
          `${step.kind} ${payment.impUid} → ${payment.status}`,
        );
        this.notify(log, index, 'webhook', payment.impUid, step.webhook, {
          flag: payment.status,
        });
        return;
      }
      case 'refund': {
        const candidates = log.payments.filter(
          (payment) =>
            payment.paidAt > 0 && payment.amount - payment.cancelAmount > 0,
        );
        if (candidates.length === 0) {
          this.record(
            log,
            index,
            'refund',
            null,
            false,
            'refund: skipped (no payment holds money)',
          );
          return;
        }
        const payment = candidates[step.pick % candidates.length];
        const left = payment.amount - payment.cancelAmount;
        const planned =
          step.tenths === null
            ? null
            : Math.max(1, Math.floor((payment.amount * step.tenths) / 10));
        // More than is left (as far as this scenario knows): a full refund instead.
        const amount = planned !== null && planned < left ? planned : null;
        const answer = await this.sim
          .cancelInConsole(payment.impUid, {
            ...(amount === null ? {} : { amount }),
            reason: CONSOLE_REFUND_REASON,
            webhook: false,
          })
          .then(
            (value) => ({ value: value as SimPaymentAnswer, error: null }),
            (error: unknown) => ({ value: null, error: String(error) }),
          );
        const what = `console refund of ${amount ?? 'the rest'} of ${payment.impUid} (webhook ${step.webhook ? 'on' : 'off'})`;
        if (answer.value === null) {
          // The module refunded it meanwhile (a forged or duplicate payment): iamport refuses.
          this.record(
            log,
            index,
            'refund',
            payment.impUid,
            false,
            `${what}: refused (${answer.error})`,
          );
          return;
        }
        update(payment, answer.value);
        this.record(
          log,
          index,
          'refund',
          payment.impUid,
          true,
          `${what} → ${payment.status}, cancel_amount ${payment.cancelAmount} of ${payment.amount}`,
        );
        if (step.webhook)
          this.notify(log, index, 'webhook', payment.impUid, step.webhook, {
            flag: 'cancelled',
          });
        return;
      }
      case 'resend': {
        if (log.payments.length === 0) {
          this.record(
            log,
            index,
            'resend',
            null,
            false,
            `resend ${step.route}: skipped (no payment)`,
          );
          return;
        }
        const payment = log.payments[step.pick % log.payments.length];
        this.record(
          log,
          index,
          'resend',
          payment.impUid,
          true,
          `resend the ${step.route} of ${payment.impUid} (as of now: ${payment.status})`,
        );
        const flag =
          step.route === 'redirect'
            ? payment.status === 'failed'
              ? 'false'
              : 'true'
            : payment.status;
        this.notify(log, index, step.route, payment.impUid, step.note, {
          flag,
        });
        return;
      }
    }
  }

  private notify(
    log: ScenarioLog,
    step: number,
    route: 'redirect' | 'webhook',
    impUid: string,
    plan: NotePlan,
    { flag }: { flag: string },
  ): void {
    for (const [copy, { target, delayMs }] of plan.copies.entries()) {
      const record: NoteRecord = {
        step,
        route,
        impUid,
        flag,
        copy: copy + 1,
        copies: plan.copies.length,
        target,
        lost: plan.lost,
        seq: null,
        sentAtMs: null,
        answeredAtMs: null,
        answer: null,
        error: null,
      };
      log.notes.push(record);
      if (plan.lost) continue;
      const sending = this.send(log, record, delayMs);
      this.inFlight.add(sending);
      void sending.finally(() => this.inFlight.delete(sending));
    }
  }

  private async send(
    log: ScenarioLog,
    record: NoteRecord,
    delayMs: number,
  ): Promise<void> {
    if (delayMs > 0) await sleep(delayMs);
    record.seq = log.nextSeq++;
    record.sentAtMs = this.now();
    const client = this.clients[record.target];
    const request =
      record.route === 'redirect'
        ? client.send(
            'GET',
            `/payments/complete?${new URLSearchParams({
              imp_uid: record.impUid,
              merchant_uid: log.merchantUid,
              imp_success: record.flag,
            })}`,
            { headers: { accept: 'application/json' } },
          )
        : client.send('POST', '/payments/webhook', {
            body: {
              imp_uid: record.impUid,
              merchant_uid: log.merchantUid,
              status: record.flag,
            },
          });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`)),
        ANSWER_TIMEOUT_MS,
      );
    });
    try {
      const answer = await Promise.race([request, timeout]);
      const body = answer.body;
      const outcome =
        typeof body === 'string'
          ? body.slice(0, 80)
          : typeof body === 'object' &&
              body !== null &&
              'outcome' in body &&
              typeof body.outcome === 'string'
            ? body.outcome
            : JSON.stringify(body).slice(0, 80);
      record.answer = `${answer.status} ${outcome}`;
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(timer);
      record.answeredAtMs = this.now();
    }
  }
}

function toModel(
  answer: SimPaymentAnswer,
  method: 'card' | 'vbank',
): ModelPayment {
  return {
    impUid: answer.imp_uid,
    method,
    amount: answer.amount,
    forged: false,
    status: answer.status,
    cancelAmount: answer.cancel_amount,
    paidAt: answer.paid_at,
  };
}

function update(payment: ModelPayment, answer: SimPaymentAnswer): void {
  payment.status = answer.status;
  payment.cancelAmount = answer.cancel_amount;
  payment.paidAt = answer.paid_at;
}

export function figuresOf(logs: ScenarioLog[]): RunFigures {
  const notes = logs.flatMap((log) => log.notes);
  return {
    payments: logs.reduce((sum, log) => sum + log.payments.length, 0),
    notificationsPlanned: notes.length,
    notificationsSent: notes.filter((note) => !note.lost).length,
    notificationsLost: notes.filter((note) => note.lost).length,
    notificationsUnanswered: notes.filter((note) => note.error !== null).length,
    skippedSteps: logs.reduce(
      (sum, log) => sum + log.steps.filter((step) => !step.done).length,
      0,
    ),
  };
}

/** What the harness knows of each payment: how the apps answered its notifications, whether its refunds were notified. */
export interface PaymentHistory {
  /** Outcomes of the notifications about it that were answered 200, in the order sent. */
  answered: string[];
  /** Whether a notification of it was answered after its last console refund (null: no console refund). */
  refundNotified: boolean | null;
}

export function historiesOf(logs: ScenarioLog[]): Map<string, PaymentHistory> {
  const histories = new Map<string, PaymentHistory>();
  for (const log of logs) {
    for (const payment of log.payments) {
      const notes = log.notes
        .filter(
          (note) =>
            note.impUid === payment.impUid &&
            note.seq !== null &&
            note.answer?.startsWith('200 '),
        )
        .sort((a, b) => a.seq! - b.seq!);
      const refunds = log.steps.filter(
        (step) =>
          step.action === 'refund' &&
          step.done &&
          step.impUid === payment.impUid,
      );
      const lastRefund = refunds.at(-1);
      histories.set(payment.impUid, {
        answered: notes.map((note) => note.answer!.slice(4)),
        refundNotified: lastRefund
          ? notes.some((note) => note.sentAtMs! > lastRefund.atMs)
          : null,
      });
    }
  }
  return histories;
}
