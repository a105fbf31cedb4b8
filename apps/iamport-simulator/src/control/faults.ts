import {
  FAULT_KINDS,
  type Fault,
  type FaultKind,
  type FaultSpec,
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
import { API_OPERATIONS, isApiOperation } from '../operations.js';
import { controlRoute } from './route.js';

const FIELDS = ['kind', 'operation', 'times', 'ratio', 'latency_ms', 'status'];

function parseFault(body: Record<string, unknown>): FaultSpec {
  rejectUnknownKeys(body, FIELDS);
  const kind = requiredString(body, 'kind') as FaultKind;
  if (!FAULT_KINDS.includes(kind))
    throw new SimError(400, `kind must be one of ${FAULT_KINDS.join(', ')}`);
  const operation = optionalString(body, 'operation') ?? '*';
  if (operation !== '*' && !isApiOperation(operation)) {
    throw new SimError(
      400,
      `operation must be '*' or one of ${API_OPERATIONS.join(', ')}`,
    );
  }
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
