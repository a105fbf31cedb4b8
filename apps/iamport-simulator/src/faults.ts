import {
  PAYMENT_OPERATIONS,
  type ApiOperation,
  type V2Operation,
} from './operations.js';

export const FAULT_KINDS = [
  'latency',
  'http_error',
  'timeout',
  'reset',
  'malformed',
  'error_code',
  'expired_token',
  'drop_webhook',
  'malformed_payment',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/** The payment timestamps a malformed_payment fault can spoil. */
export const MALFORMABLE_FIELDS = [
  'paid_at',
  'cancelled_at',
  'failed_at',
  'started_at',
  'vbank_date',
  'vbank_issued_at',
] as const;

export type MalformableField = (typeof MALFORMABLE_FIELDS)[number];

/** What a malformed_payment fault puts in the field (any JSON scalar). */
export type MalformedValue = string | number | boolean | null;

export interface FaultSpec {
  kind: FaultKind;
  /** '*' (every V1 operation) or an operationId; drop_webhook ignores it. */
  operation: ApiOperation | V2Operation | '*';
  /** How many matching calls it still hits; null when `ratio` decides. */
  times: number | null;
  /** Share of matching calls it hits, at random; null when `times` decides. */
  ratio: number | null;
  /** Delay before the fault acts (the whole point of `latency`). */
  latencyMs: number;
  /** HTTP status for http_error. */
  status: number;
  /** malformed_payment: the timestamp it spoils; null for the other kinds. */
  field: MalformableField | null;
  /**
   * malformed_payment: what it puts there; undefined = the field's own time (the API's now when
   * it is 0) as a 'YYYY-MM-DD' string.
   */
  value?: MalformedValue;
}

export interface Fault extends FaultSpec {
  id: string;
  hits: number;
}

export interface FaultDecision {
  /** Sum of the latency of every hit fault. */
  delayMs: number;
  /** The fault that decides the answer (anything but latency), if any. */
  fault: Fault | null;
}

export class FaultRegistry {
  private faults: Fault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, id: `fault_${this.nextId++}`, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  list(): readonly Fault[] {
    return this.faults;
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((fault) => fault.id !== id);
    return this.faults.length < before;
  }

  clear(): number {
    const count = this.faults.length;
    this.faults = [];
    return count;
  }

  /** Latency faults add up; the first other matching fault decides the answer. */
  forCall(operation: ApiOperation | V2Operation): FaultDecision {
    const decision: FaultDecision = { delayMs: 0, fault: null };
    if (this.faults.length === 0) return decision;
    // hit() may remove a fault: remove() builds a new array, this loop keeps the old one.
    for (const fault of this.faults) {
      if (fault.kind === 'drop_webhook' || fault.kind === 'malformed_payment')
        continue;
      const matches =
        fault.operation === '*'
          ? !operation.startsWith('v2.')
          : fault.operation === operation;
      if (!matches) continue;
      if (fault.kind !== 'latency' && decision.fault) continue;
      if (!this.hit(fault)) continue;
      decision.delayMs += fault.latencyMs;
      if (fault.kind !== 'latency') decision.fault = fault;
    }
    return decision;
  }

  /**
   * The malformed_payment fault that spoils this successful answer, if any. Asked only once an
   * operation that answers payments has succeeded, so that a refused call does not use it up.
   */
  malformsPayments(operation: ApiOperation): Fault | null {
    if (!PAYMENT_OPERATIONS.includes(operation)) return null;
    return (
      this.faults.find(
        (fault) =>
          fault.kind === 'malformed_payment' &&
          (fault.operation === '*' || fault.operation === operation) &&
          this.hit(fault),
      ) ?? null
    );
  }

  /** Whether a drop_webhook fault swallows the next webhook. */
  dropsWebhook(): boolean {
    return this.faults.some(
      (fault) => fault.kind === 'drop_webhook' && this.hit(fault),
    );
  }

  private hit(fault: Fault): boolean {
    if (fault.ratio !== null) {
      if (Math.random() >= fault.ratio) return false;
    } else if (fault.times !== null) {
      fault.times--;
      if (fault.times <= 0) this.remove(fault.id);
    }
    fault.hits++;
    return true;
  }
}
