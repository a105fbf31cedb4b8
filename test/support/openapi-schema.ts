import { readFileSync } from 'node:fs';

/**
 * Checks values against the official iamport (PortOne V1) Swagger 2.0 schema in
 * test/fixtures/iamport-v1.openapi.json, field by field, types included.
 */

interface SchemaNode {
  $ref?: string;
  allOf?: SchemaNode[];
  type?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  /** The schema gives most maxLengths as strings ("32") and a few as numbers. */
  maxLength?: string | number;
}

interface Operation {
  operationId?: string;
  responses?: Record<string, { schema?: SchemaNode }>;
}

interface Spec {
  definitions: Record<string, SchemaNode>;
  paths: Record<string, Record<string, Operation>>;
}

const spec = JSON.parse(
  readFileSync(
    new URL('../fixtures/iamport-v1.openapi.json', import.meta.url),
    'utf8',
  ),
) as Spec;

/**
 * The schema's own defects, handled explicitly: names listed as required that the definition
 * does not declare. Any other undeclared required name is reported, so a new defect shows up.
 * - PaymentPrepareAnnotation lists `required: [total, previous, next]`, copied from
 *   PagedPaymentAnnotation; it declares merchant_uid, amount and currency.
 * - VbankDepositAnnotation lists `reason` as required but declares no such property.
 * Other defects: maxLength is mostly a string ("32"), once a number (buyer_name: 16); both are read.
 */
const REQUIRED_BUT_UNDECLARED: Record<string, string[]> = {
  PaymentPrepareAnnotation: ['total', 'previous', 'next'],
  VbankDepositAnnotation: ['reason'],
};

interface ObjectSchema {
  name: string;
  properties: Record<string, SchemaNode>;
  required: string[];
}

const refName = (ref: string): string => ref.replace('#/definitions/', '');

/** A definition with its $ref and allOf parts merged. */
function resolve(node: SchemaNode, name = ''): ObjectSchema {
  if (node.$ref) return resolveDefinition(refName(node.$ref));
  const merged: ObjectSchema = { name, properties: {}, required: [] };
  for (const part of node.allOf ?? []) {
    const resolved = resolve(part, name);
    Object.assign(merged.properties, resolved.properties);
    merged.required.push(...resolved.required);
  }
  Object.assign(merged.properties, node.properties ?? {});
  merged.required.push(...(node.required ?? []));
  return merged;
}

function resolveDefinition(name: string): ObjectSchema {
  const node = spec.definitions[name];
  if (!node) throw new Error(`No definition ${name} in the iamport schema`);
  return resolve(node, name);
}

/** Property names of a definition, in the schema's order. */
export function definitionProperties(definitionName: string): string[] {
  return Object.keys(resolveDefinition(definitionName).properties);
}

/** The definition an operation documents for an HTTP status, e.g. getToken 200 → AuthResponse. */
export function responseDefinition(
  operationId: string,
  status: number,
): string | undefined {
  for (const methods of Object.values(spec.paths)) {
    for (const operation of Object.values(methods)) {
      if (operation.operationId !== operationId) continue;
      const ref = operation.responses?.[String(status)]?.schema?.$ref;
      return ref ? refName(ref) : undefined;
    }
  }
  throw new Error(`No operation ${operationId} in the iamport schema`);
}

const typeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

function checkObject(
  value: unknown,
  schema: ObjectSchema,
  path: string,
  out: string[],
): void {
  if (typeOf(value) !== 'object') {
    out.push(
      `${path || '(root)'}: expected object ${schema.name}, got ${typeOf(value)}`,
    );
    return;
  }
  const record = value as Record<string, unknown>;
  const known = REQUIRED_BUT_UNDECLARED[schema.name] ?? [];
  const at = (key: string) => (path ? `${path}.${key}` : key);
  for (const key of schema.required) {
    if (!(key in schema.properties)) {
      if (!known.includes(key))
        out.push(`${at(key)}: required by ${schema.name} but not declared`);
      continue;
    }
    if (record[key] === undefined || record[key] === null)
      out.push(`${at(key)}: required, missing`);
  }
  for (const [key, child] of Object.entries(record)) {
    const node = schema.properties[key];
    if (!node) {
      out.push(`${at(key)}: not declared in ${schema.name || 'the schema'}`);
      continue;
    }
    // Real iamport sends null for fields that do not apply (fail_reason, vbank_*, card_*, …):
    // null is accepted for every non-required field; required ones were checked above.
    if (child !== null) checkValue(child, node, at(key), out);
  }
}

function checkValue(
  value: unknown,
  node: SchemaNode,
  path: string,
  out: string[],
): void {
  if (node.$ref || node.allOf || node.properties || node.type === 'object') {
    checkObject(value, resolve(node), path, out);
    return;
  }
  const actual = typeOf(value);
  switch (node.type) {
    case 'string':
      if (actual !== 'string')
        out.push(`${path}: expected string, got ${actual}`);
      else if (
        node.maxLength !== undefined &&
        (value as string).length > Number(node.maxLength)
      ) {
        out.push(`${path}: longer than maxLength ${node.maxLength}`);
      }
      return;
    case 'integer':
      if (!Number.isInteger(value))
        out.push(`${path}: expected integer, got ${JSON.stringify(value)}`);
      return;
    case 'number':
      if (actual !== 'number' || !Number.isFinite(value)) {
        out.push(`${path}: expected number, got ${JSON.stringify(value)}`);
      }
      return;
    case 'boolean':
      if (actual !== 'boolean')
        out.push(`${path}: expected boolean, got ${actual}`);
      return;
    case 'array':
      if (actual !== 'array')
        out.push(`${path}: expected array, got ${actual}`);
      else if (node.items) {
        (value as unknown[]).forEach((item, i) => {
          if (item === null) out.push(`${path}[${i}]: null item`);
          else checkValue(item, node.items as SchemaNode, `${path}[${i}]`, out);
        });
      }
      return;
    default:
      out.push(`${path}: the schema gives no type (${JSON.stringify(node)})`);
  }
}

/** Every way `value` departs from the named definition; empty when it conforms. */
export function schemaViolations(
  value: unknown,
  definitionName: string,
): string[] {
  const out: string[] = [];
  checkObject(value, resolveDefinition(definitionName), '', out);
  return out;
}
