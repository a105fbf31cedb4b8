import {
  FAULT_KINDS,
  MALFORMABLE_FIELDS,
  type Fault,
  type FaultKind,
  type FaultSpec,
  type MalformableField,
  type MalformedValue,
} from '../faults.js';
import {
  optionalInteger,
  optionalNumber,
  optionalString,
  rejectUnknownKeys,
  requiredString,
} from '../http/fields.js';
import { json } from '../http/respond.js';
import { SimError, type Route } from '../http/types.js';
import {
  API_OPERATIONS,
  PAYMENT_OPERATIONS,
  isApiOperation,
  type ApiOperation,
  isV2Operation,
  V2_FAULT_KINDS,
  V2_OPERATIONS,
} from '../operations.js';
import { controlRoute } from './route.js';

const FIELDS = [
  'kind',
  'operation',
  'times',
  'ratio',
  'latency_ms',
  'status',
  'field',
  'value',
];

/** malformed_payment's own options: which timestamp, and what to put there. */
function parseMalformed(
  body: Record<string, unknown>,
  kind: FaultKind,
  operation: string,
): Pick<FaultSpec, 'field' | 'value'> {
  if (kind !== 'malformed_payment') {
    if (body.field !== undefined || body.value !== undefined)
      throw new SimError(
        400,
        'field and value apply to malformed_payment only',
      );
    return { field: null };
  }
  if (
    operation !== '*' &&
    !PAYMENT_OPERATIONS.includes(operation as ApiOperation)
  ) {
    throw new SimError(
      400,
      `malformed_payment applies to '*' or an operation that answers payments: ${PAYMENT_OPERATIONS.join(', ')}`,
    );
  }
  const field = (optionalString(body, 'field') ??
    'paid_at') as MalformableField;
  if (!MALFORMABLE_FIELDS.includes(field)) {
    throw new SimError(
      400,
      `field must be one of ${MALFORMABLE_FIELDS.join(', ')}`,
    );
  }
  const { value } = body;
  if (value === undefined) return { field };
  if (
    value !== null &&
    !['string', 'number', 'boolean'].includes(typeof value)
  ) {
    throw new SimError(
      400,
      'value must be a string, a number, a boolean or null',
    );
  }
  return { field, value: value as MalformedValue };
}

function parseFault(body: Record<string, unknown>): FaultSpec {
  rejectUnknownKeys(body, FIELDS);
  const kind = requiredString(body, 'kind') as FaultKind;
  if (!FAULT_KINDS.includes(kind))
    throw new SimError(400, `kind must be one of ${FAULT_KINDS.join(', ')}`);
  const operation = optionalString(body, 'operation') ?? '*';
  if (
    operation !== '*' &&
    !isApiOperation(operation) &&
    !isV2Operation(operation)
  ) {
    throw new SimError(
      400,
      `operation must be '*' or one of ${[...API_OPERATIONS, ...V2_OPERATIONS].join(', ')}`,
    );
  }
  if (
    isV2Operation(operation) &&
    !(V2_FAULT_KINDS as readonly string[]).includes(kind)
  )
    throw new SimError(
      400,
      `a V2 operation takes one of ${V2_FAULT_KINDS.join(', ')}`,
    );
  const ratio = optionalNumber(body, 'ratio') ?? null;
  if (ratio !== null && ratio > 1)
    throw new SimError(400, 'ratio must be from 0 to 1');
  const times = optionalInteger(body, 'times', 1, 1_000_000) ?? null;
  if (ratio !== null && times !== null)
    throw new SimError(400, 'Give times or ratio, not both');
  return {
    kind,
    operation,
    times: ratio === null ? (times ?? 1) : null,
    ratio,
    latencyMs:
      optionalInteger(body, 'latency_ms', 0, 600_000) ??
      (kind === 'latency' ? 1000 : 0),
    status: optionalInteger(body, 'status', 500, 599) ?? 500,
    ...parseMalformed(body, kind, operation),
  };
}

const toJson = (fault: Fault) => ({
  id: fault.id,
  kind: fault.kind,
  operation: fault.operation,
  times: fault.times,
  ratio: fault.ratio,
  latency_ms: fault.latencyMs,
  status: fault.status,
  ...(fault.kind === 'malformed_payment' && {
    field: fault.field,
    ...(fault.value !== undefined && { value: fault.value }),
  }),
  hits: fault.hits,
});

export const controlFaultRoutes: Route[] = [
  controlRoute('POST', '/_sim/faults', (ctx, { body }) => {
    const fault = ctx.faults.add(parseFault(body));
    return json({ id: fault.id }, 201);
  }),
  controlRoute('GET', '/_sim/faults', (ctx) =>
    json({ faults: ctx.faults.list().map(toJson) }),
  ),
  controlRoute('DELETE', '/_sim/faults', (ctx) =>
    json({ cleared: ctx.faults.clear() }),
  ),
  controlRoute('DELETE', '/_sim/faults/:id', (ctx, { params }) => {
    if (!ctx.faults.remove(params.id))
      throw new SimError(404, `No fault ${params.id}`);
    return json({ removed: params.id });
  }),
];
