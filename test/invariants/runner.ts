import { createHmac, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppClient } from '../reliability/harness.js';
import type { SimulatorControl } from '../support/simulator-control.js';
import {
  type Channel,
  FORGED_SIGNATURES,
  forgedAmount,
  type NotePlan,
  type RunPlan,
  type Scenario,
  type Step,
  type V2Step,
  type V2WebhookFault,
} from './scenario.js';

/** What the harness's console refunds say (never "forged" or "duplicate": those are the module's). */
export const CONSOLE_REFUND_REASON = 'console refund (invariants test)';

/** A notification gets this long to be answered before the run is declared not quiescent. */
const ANSWER_TIMEOUT_MS = 60_000;

/** Where the harness reaches PortOne V2 as the apps know it (the simulator's `GET /_sim/v2/config`). */
export interface V2Settings {
  webhookSecret: string;
  storeId: string;
}

/**
 * A payment as this scenario knows it: from the simulator's answers to its
 * own control calls. A V2 one is an attempt of the order's paymentId:
 * `impUid` is its transactionId, `status` V2's (`PAID`, `PARTIAL_CANCELLED`, …).
 */
export interface ModelPayment {
  impUid: string;
  api: 'v1' | 'v2';
  method: 'card' | 'vbank';
  amount: number;
  forged: boolean;
  status: string;
  cancelAmount: number;
  paidAt: number;
  /** V2: the attempt's channel (V1: always LIVE). */
  channel: Channel;
  /** V2: the id of its last cancellation (the `cancellationId` of its cancel webhook). */
  cancellationId: string | null;
}

/** One V2 webhook message (one webhook-id): every copy and re-send of it carries the same id and bytes. */
export interface V2Message {
  webhookId: string;
  type: string;
  impUid: string;
  /** The exact bytes sent (and signed, unless `signedBody` is given). */
  body: string;
  /** `tampered`: the body PortOne's signature was made for (not the one sent). */
  signedBody: string | null;
}

/** One notification, as planned and as it went. */
export interface NoteRecord {
  /** The step it belongs to (index into the scenario's steps). */
  step: number;
  route: 'redirect' | 'webhook';
  api: 'v1' | 'v2';
  impUid: string;
  /** `imp_success` of a redirect, `status` of a webhook; V2: `code` or `no code`, the webhook's type. */
  flag: string;
  /** V2: a webhook spoilt on purpose (see V2WebhookFault); null: PortOne's plain delivery. */
  fault: V2WebhookFault | null;
  /** V2: the message the harness signs and sends (null: a redirect, or sent by the simulator). */
  message: V2Message | null;
  /** HTTP status of each request this notification made (a simulator fault may make two). */
  statuses: Array<number | null>;
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
  action: Step['kind'] | V2Step['kind'];
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
  /** V2: every webhook message made for the order (re-sends pick one of them). */
  messages: V2Message[];
}

export interface RunFigures {
  /** Of the scenarios, those paid through PortOne V2. */
  v2Scenarios: number;
  /** V2 webhooks with a forged signature sent (each must be answered 401). */
  forgedWebhooks: number;
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

/** A V2 attempt as the simulator's control API answers it (the fields the harness reads). */
export interface V2PaymentAnswer {
  status: string;
  id: string;
  transactionId: string;
  amount: { total: number; cancelled: number; paid: number };
  channel?: { type: string };
  paidAt?: string;
  cancellations?: Array<{ id: string; totalAmount: number; reason: string }>;
}

interface V2Delivery {
  status: number | null;
  error?: string;
}

const V2_EVENT: Readonly<Record<string, string>> = {
  READY: 'Transaction.Ready',
  PAY_PENDING: 'Transaction.PayPending',
  VIRTUAL_ACCOUNT_ISSUED: 'Transaction.VirtualAccountIssued',
  PAID: 'Transaction.Paid',
  FAILED: 'Transaction.Failed',
  PARTIAL_CANCELLED: 'Transaction.PartialCancelled',
  CANCELLED: 'Transaction.Cancelled',
};

/** What V2's redirect carries on failure (`code`, `message`). */
const FAILURE_CODE = 'FAILURE_TYPE_PG';

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
    private readonly v2: V2Settings,
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
          messages: [],
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
    action: StepRecord['action'],
    impUid: string | null,
    done: boolean,
    text: string,
  ): void {
    log.steps.push({ index, atMs: this.now(), action, impUid, done, text });
  }

  private async runStep(
    log: ScenarioLog,
    index: number,
    step: Step | V2Step,
  ): Promise<void> {
    if (log.scenario.api === 'v2')
      return this.runV2Step(log, index, step as V2Step);
    return this.runV1Step(log, index, step as Step);
  }

  private async runV1Step(
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

  /** A simulator control call that may be refused (answered with its error instead of throwing). */
  private attempt<T>(
    method: string,
    path: string,
    body: unknown,
    expectedStatus = 200,
  ): Promise<{ value: T; error: null } | { value: null; error: string }> {
    return this.sim.control<T>(method, path, body, expectedStatus).then(
      (value) => ({ value, error: null }),
      (error: unknown) => ({ value: null, error: String(error) }),
    );
  }

  /** A V2 webhook message about one attempt, as PortOne would sign and send it. */
  private v2Message(
    log: ScenarioLog,
    payment: ModelPayment,
    type: string,
    cancellationId: string | null = null,
  ): V2Message {
    const message: V2Message = {
      webhookId: `msg_${randomUUID().replaceAll('-', '')}`,
      type,
      impUid: payment.impUid,
      body: v2Body(
        type,
        log.merchantUid,
        this.v2.storeId,
        payment.impUid,
        cancellationId,
      ),
      signedBody: null,
    };
    log.messages.push(message);
    return message;
  }

  /** PortOne's webhook of the attempt's status now (with the cancellationId of a cancel). */
  private notifyV2Status(
    log: ScenarioLog,
    index: number,
    payment: ModelPayment,
    plan: NotePlan,
  ): void {
    const type = V2_EVENT[payment.status] ?? `Transaction.${payment.status}`;
    const cancelled =
      payment.status === 'CANCELLED' || payment.status === 'PARTIAL_CANCELLED';
    const message = this.v2Message(
      log,
      payment,
      type,
      cancelled ? payment.cancellationId : null,
    );
    this.notify(log, index, 'webhook', payment.impUid, plan, {
      flag: type,
      message,
    });
  }

  private async runV2Step(
    log: ScenarioLog,
    index: number,
    step: V2Step,
  ): Promise<void> {
    const order = log.scenario;
    const paymentId = log.merchantUid;
    const path = `/_sim/v2/payments/${encodeURIComponent(paymentId)}`;
    switch (step.kind) {
      case 'card':
      case 'vbank': {
        const amount =
          step.forged === null
            ? order.amount
            : forgedAmount(order.amount, step.forged);
        const status =
          step.kind === 'vbank'
            ? 'VIRTUAL_ACCOUNT_ISSUED'
            : step.outcome === 'paid'
              ? 'PAID'
              : 'FAILED';
        const what = `V2 ${step.kind} attempt ${status} ${amount} on a ${step.channel} channel${step.forged !== null ? ` (forged: the order is ${order.amount})` : ''}`;
        const answer = await this.attempt<V2PaymentAnswer>(
          'POST',
          '/_sim/v2/payments',
          {
            paymentId,
            status,
            method: step.kind === 'vbank' ? 'VIRTUAL_ACCOUNT' : 'CARD',
            totalAmount: amount,
            currency: 'KRW',
            channelType: step.channel,
            orderName: `Invariants ${log.index}`,
            webhook: false,
          },
          201,
        );
        if (answer.value === null) {
          // Another attempt of this paymentId is paid: PortOne lets only one succeed (409).
          this.record(
            log,
            index,
            step.kind,
            null,
            false,
            `${what}: refused (${answer.error})`,
          );
          return;
        }
        const payment = toV2Model(answer.value, step.kind);
        payment.forged = step.forged !== null;
        log.payments.push(payment);
        this.record(
          log,
          index,
          step.kind,
          payment.impUid,
          true,
          `${what} → ${payment.impUid}`,
        );
        const lies = step.kind === 'card' && step.codeLies;
        const code = (status === 'FAILED') !== lies;
        this.notify(log, index, 'redirect', payment.impUid, step.redirect, {
          flag: code ? 'code' : 'no code',
        });
        this.notifyV2Status(log, index, payment, step.webhook);
        return;
      }
      case 'deposit': {
        if (
          !log.payments.some(
            (payment) => payment.status === 'VIRTUAL_ACCOUNT_ISSUED',
          )
        ) {
          this.record(
            log,
            index,
            'deposit',
            null,
            false,
            'deposit: skipped (no virtual account awaiting a deposit)',
          );
          return;
        }
        const answer = await this.attempt<V2PaymentAnswer>(
          'POST',
          `${path}/deposit`,
          { webhook: false },
        );
        if (answer.value === null) {
          this.record(
            log,
            index,
            'deposit',
            null,
            false,
            `deposit into the last virtual account of ${paymentId}: refused (${answer.error})`,
          );
          return;
        }
        const deposited = answer.value;
        const payment = log.payments.find(
          (candidate) => candidate.impUid === deposited.transactionId,
        );
        if (!payment)
          throw new Error(
            `the simulator deposited ${deposited.transactionId}, which the harness did not make`,
          );
        updateV2(payment, deposited);
        this.record(
          log,
          index,
          'deposit',
          payment.impUid,
          true,
          `deposit into ${payment.impUid} → ${payment.status}`,
        );
        this.notifyV2Status(log, index, payment, step.webhook);
        return;
      }
      case 'refund': {
        // Only one attempt of a paymentId holds money; the console cancels it by paymentId.
        const payment = log.payments.find(
          (candidate) =>
            candidate.paidAt > 0 &&
            candidate.amount - candidate.cancelAmount > 0,
        );
        if (!payment) {
          this.record(
            log,
            index,
            'refund',
            null,
            false,
            'refund: skipped (no attempt holds money)',
          );
          return;
        }
        const left = payment.amount - payment.cancelAmount;
        const planned =
          step.tenths === null
            ? null
            : Math.max(1, Math.floor((payment.amount * step.tenths) / 10));
        const amount = planned !== null && planned < left ? planned : null;
        const answer = await this.attempt<V2PaymentAnswer>(
          'POST',
          `${path}/cancel`,
          {
            ...(amount === null ? {} : { amount }),
            reason: CONSOLE_REFUND_REASON,
            webhook: false,
          },
        );
        const what = `console cancel of ${amount ?? 'the rest'} of ${payment.impUid} (webhook ${step.webhook ? 'on' : 'off'})`;
        if (answer.value === null) {
          // The module refunded it meanwhile (a forged amount): PortOne refuses.
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
        if (answer.value.transactionId !== payment.impUid)
          throw new Error(
            `the console cancelled ${answer.value.transactionId}, not the paid attempt ${payment.impUid}`,
          );
        updateV2(payment, answer.value);
        this.record(
          log,
          index,
          'refund',
          payment.impUid,
          true,
          `${what} → ${payment.status}, cancelled ${payment.cancelAmount} of ${payment.amount}`,
        );
        if (step.webhook)
          this.notifyV2Status(log, index, payment, step.webhook);
        return;
      }
      case 'resend': {
        if (step.route === 'webhook') {
          if (log.messages.length === 0) {
            this.record(
              log,
              index,
              'resend',
              null,
              false,
              'resend webhook: skipped (no message sent yet)',
            );
            return;
          }
          // The very message again (its webhook-id and bytes): a retry that arrives after later ones.
          const message = log.messages[step.pick % log.messages.length];
          this.record(
            log,
            index,
            'resend',
            message.impUid,
            true,
            `resend the ${message.type} webhook ${message.webhookId} of ${message.impUid}`,
          );
          this.notify(log, index, 'webhook', message.impUid, step.note, {
            flag: `${message.type} (again)`,
            message,
          });
          return;
        }
        if (log.payments.length === 0) {
          this.record(
            log,
            index,
            'resend',
            null,
            false,
            'resend redirect: skipped (no attempt)',
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
          `resend the redirect of ${payment.impUid} (as of now: ${payment.status})`,
        );
        this.notify(log, index, 'redirect', payment.impUid, step.note, {
          flag: payment.status === 'FAILED' ? 'code' : 'no code',
        });
        return;
      }
      case 'fault': {
        const payment =
          log.payments.length === 0
            ? null
            : log.payments[step.pick % log.payments.length];
        const forged = FORGED_SIGNATURES.has(step.fault);
        if (!payment && !forged) {
          this.record(
            log,
            index,
            'fault',
            null,
            false,
            `${step.fault} webhook: skipped (no attempt)`,
          );
          return;
        }
        // A forgery about no attempt names one of its own: a claim that the order was paid.
        const impUid = payment?.impUid ?? randomUUID();
        let message: V2Message | null = null;
        if (step.fault === 'tampered') {
          const genuine = v2Body(
            'Transaction.Failed',
            paymentId,
            this.v2.storeId,
            impUid,
            null,
          );
          message = {
            webhookId: `msg_${randomUUID().replaceAll('-', '')}`,
            type: 'Transaction.Paid',
            impUid,
            body: v2Body(
              'Transaction.Paid',
              paymentId,
              this.v2.storeId,
              impUid,
              null,
            ),
            signedBody: genuine,
          };
        }
        this.record(
          log,
          index,
          'fault',
          impUid,
          true,
          `${step.fault} webhook of ${payment ? impUid : `a made-up transaction ${impUid}`}${forged ? ' (must be answered 401)' : ''}`,
        );
        this.notify(log, index, 'webhook', impUid, step.note, {
          flag: step.fault,
          fault: step.fault,
          message,
        });
        return;
      }
    }
  }

  /** A V2 redirect or webhook: signed by the harness, or sent by the simulator with a fault. */
  private async sendV2(log: ScenarioLog, record: NoteRecord): Promise<void> {
    const client = this.clients[record.target];
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`)),
        ANSWER_TIMEOUT_MS,
      );
    });
    try {
      if (record.route === 'redirect') {
        const query = new URLSearchParams({
          paymentId: log.merchantUid,
          txId: record.impUid,
        });
        if (record.flag === 'code') {
          query.set('code', FAILURE_CODE);
          query.set('message', 'card declined (invariants test)');
        }
        const answer = await Promise.race([
          client.send('GET', `/payments/v2/complete?${query}`, {
            headers: { accept: 'application/json' },
          }),
          timeout,
        ]);
        record.statuses.push(answer.status);
        record.answer = `${answer.status} ${outcomeOf(answer.body)}`;
      } else if (record.message) {
        const { message } = record;
        const headers = signedHeaders(
          this.v2.webhookSecret,
          message.webhookId,
          message.signedBody ?? message.body,
        );
        const answer = await Promise.race([
          postRaw(`${client.url}/payments/v2/webhook`, message.body, headers),
          timeout,
        ]);
        record.statuses.push(answer.status);
        record.answer = `${answer.status} ${outcomeOf(answer.body)}`;
      } else {
        // The simulator signs (or spoils) and delivers it, and says how the app answered.
        const { deliveries } = await Promise.race([
          this.sim.control<{ deliveries: V2Delivery[] }>(
            'POST',
            '/_sim/v2/webhooks',
            {
              paymentId: log.merchantUid,
              transactionId: record.impUid,
              ...(log.payments.some((p) => p.impUid === record.impUid)
                ? {}
                : { type: 'Transaction.Paid' }),
              fault: record.fault,
              url: `${client.url}/payments/v2/webhook`,
            },
          ),
          timeout,
        ]);
        record.statuses.push(...deliveries.map((delivery) => delivery.status));
        const statuses = [...new Set(record.statuses)];
        record.answer = `${statuses.join('/')} ${record.fault} (${deliveries.length} by the simulator)`;
        const failed = deliveries.find((delivery) => delivery.status === null);
        if (failed) record.error = failed.error ?? 'no HTTP answer';
      }
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(timer);
      record.answeredAtMs = this.now();
    }
  }

  private notify(
    log: ScenarioLog,
    step: number,
    route: 'redirect' | 'webhook',
    impUid: string,
    plan: NotePlan,
    {
      flag,
      fault = null,
      message = null,
    }: {
      flag: string;
      fault?: V2WebhookFault | null;
      message?: V2Message | null;
    },
  ): void {
    for (const [copy, { target, delayMs }] of plan.copies.entries()) {
      const record: NoteRecord = {
        step,
        route,
        api: log.scenario.api,
        impUid,
        flag,
        fault,
        message,
        statuses: [],
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
    if (record.api === 'v2') return this.sendV2(log, record);
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
      record.answer = `${answer.status} ${outcomeOf(answer.body)}`;
      record.statuses.push(answer.status);
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
    api: 'v1',
    method,
    amount: answer.amount,
    forged: false,
    status: answer.status,
    cancelAmount: answer.cancel_amount,
    paidAt: answer.paid_at,
    channel: 'LIVE',
    cancellationId: null,
  };
}

function toV2Model(
  answer: V2PaymentAnswer,
  method: 'card' | 'vbank',
): ModelPayment {
  const payment: ModelPayment = {
    impUid: answer.transactionId,
    api: 'v2',
    method,
    amount: answer.amount.total,
    forged: false,
    status: answer.status,
    cancelAmount: 0,
    paidAt: 0,
    channel: answer.channel?.type === 'TEST' ? 'TEST' : 'LIVE',
    cancellationId: null,
  };
  updateV2(payment, answer);
  return payment;
}

function updateV2(payment: ModelPayment, answer: V2PaymentAnswer): void {
  payment.status = answer.status;
  payment.cancelAmount = answer.amount.cancelled;
  payment.paidAt = answer.paidAt ? Date.parse(answer.paidAt) : 0;
  payment.cancellationId = answer.cancellations?.at(-1)?.id ?? null;
}

/** A V2 webhook body (2024-04-25), as the simulator writes it. */
function v2Body(
  type: string,
  paymentId: string,
  storeId: string,
  transactionId: string,
  cancellationId: string | null,
): string {
  return JSON.stringify({
    type,
    timestamp: new Date().toISOString(),
    data: {
      paymentId,
      storeId,
      transactionId,
      ...(cancellationId ? { cancellationId } : {}),
    },
  });
}

/** Standard Webhooks headers: `v1,` HMAC-SHA256 of `id.timestamp.body` with the key in `whsec_<base64>`. */
function signedHeaders(
  secret: string,
  webhookId: string,
  body: string,
): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key)
    .update(`${webhookId}.${timestamp}.${body}`)
    .digest('base64');
  return {
    'content-type': 'application/json',
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': `v1,${signature}`,
  };
}

/** A POST of exactly these bytes (a signature covers the bytes, so no JSON re-serialising), no keep-alive. */
function postRaw(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: {
          ...headers,
          connection: 'close',
          'content-length': String(Buffer.byteLength(body)),
        },
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // Not JSON: kept as text.
          }
          resolve({ status: incoming.statusCode ?? 0, body: parsed });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** `outcome` of a JSON answer, else the start of the body. */
function outcomeOf(body: unknown): string {
  return typeof body === 'string'
    ? body.slice(0, 80)
    : typeof body === 'object' &&
        body !== null &&
        'outcome' in body &&
        typeof body.outcome === 'string'
      ? body.outcome
      : JSON.stringify(body).slice(0, 80);
}

function update(payment: ModelPayment, answer: SimPaymentAnswer): void {
  payment.status = answer.status;
  payment.cancelAmount = answer.cancel_amount;
  payment.paidAt = answer.paid_at;
}

export function figuresOf(logs: ScenarioLog[]): RunFigures {
  const notes = logs.flatMap((log) => log.notes);
  return {
    v2Scenarios: logs.filter((log) => log.scenario.api === 'v2').length,
    forgedWebhooks: notes.filter(
      (note) =>
        note.seq !== null &&
        note.fault !== null &&
        FORGED_SIGNATURES.has(note.fault),
    ).length,
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

/** What the harness sent an order through PortOne V2's webhook route: the checks of invariant S read it. */
export interface V2WebhookTally {
  /** Requests with PortOne's valid signature that reached the app (answered or not): the most the notification log may hold. */
  authentic: number;
  /** The forged ones (bad or stale signature, tampered body), as they were answered. */
  forged: Array<{
    impUid: string;
    fault: V2WebhookFault;
    target: number;
    statuses: Array<number | null>;
    error: string | null;
  }>;
}

export function v2WebhooksOf(logs: ScenarioLog[]): Map<string, V2WebhookTally> {
  const tallies = new Map<string, V2WebhookTally>();
  for (const log of logs) {
    if (log.scenario.api !== 'v2') continue;
    const tally: V2WebhookTally = { authentic: 0, forged: [] };
    for (const note of log.notes) {
      if (note.route !== 'webhook' || note.seq === null) continue;
      if (note.fault !== null && FORGED_SIGNATURES.has(note.fault))
        tally.forged.push({
          impUid: note.impUid,
          fault: note.fault,
          target: note.target,
          statuses: note.statuses,
          error: note.error,
        });
      else
        tally.authentic += Math.max(
          note.statuses.length,
          note.fault === 'duplicate' || note.fault === 'out_of_order' ? 2 : 1,
        );
    }
    tallies.set(log.merchantUid, tally);
  }
  return tallies;
}
