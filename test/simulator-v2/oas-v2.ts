import { readFileSync } from 'node:fs';

/**
 * Checks values against the official PortOne V2 OpenAPI 3.0.3 schema in
 * test/fixtures/portone-v2.openapi.json: $ref, allOf, oneOf by discriminator, required and
 * undeclared properties, types, enums and date-time formats.
 */

interface Node {
  $ref?: string;
  allOf?: Node[];
  oneOf?: Node[];
  discriminator?: { propertyName: string; mapping?: Record<string, string> };
  type?: string;
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Node>;
  required?: string[];
  items?: Node;
  additionalProperties?: boolean | Node;
}

interface Operation {
  operationId?: string;
  responses?: Record<string, { content?: Record<string, { schema?: Node }> }>;
}

const spec = JSON.parse(
  readFileSync(
    new URL('../fixtures/portone-v2.openapi.json', import.meta.url),
    'utf8',
  ),
) as {
  components: { schemas: Record<string, Node> };
  paths: Record<string, Record<string, Operation>>;
};

const refName = (ref: string) => ref.replace('#/components/schemas/', '');

function schema(name: string): Node {
  const node = spec.components.schemas[name];
  if (!node) throw new Error(`No schema ${name} in the V2 OAS`);
  return node;
}

/** The schema an operation documents for a status, e.g. getPayment 200 → Payment. */
export function responseSchema(operationId: string, status: number): string {
  for (const methods of Object.values(spec.paths))
    for (const operation of Object.values(methods)) {
      if (operation.operationId !== operationId) continue;
      const ref =
        operation.responses?.[String(status)]?.content?.['application/json']
          ?.schema?.$ref;
      if (!ref) throw new Error(`${operationId} documents no ${status} schema`);
      return refName(ref);
    }
  throw new Error(`No operation ${operationId} in the V2 OAS`);
}

const RFC3339 =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

const typeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

/** allOf parts merged into one object node. */
function flatten(node: Node): Node {
  if (node.$ref) return flatten(schema(refName(node.$ref)));
  if (!node.allOf) return node;
  const merged: Node = {
    type: 'object',
    properties: { ...node.properties },
    required: [...(node.required ?? [])],
  };
  for (const part of node.allOf.map(flatten)) {
    Object.assign(merged.properties!, part.properties);
    merged.required!.push(...(part.required ?? []));
  }
  return merged;
}

function check(value: unknown, node: Node, path: string, out: string[]) {
  const at = path || '(root)';
  if (node.$ref) {
    check(value, schema(refName(node.$ref)), path, out);
    return;
  }
  if (node.allOf) {
    check(value, flatten(node), path, out);
    return;
  }
  if (node.oneOf) {
    const property = node.discriminator?.propertyName;
    if (!property || typeOf(value) !== 'object') {
      out.push(`${at}: oneOf without a discriminator, or not an object`);
      return;
    }
    const tag = (value as Record<string, unknown>)[property];
    const ref =
      node.discriminator?.mapping?.[String(tag)] ??
      node.oneOf.find((o) => o.$ref && refName(o.$ref) === tag)?.$ref;
    if (!ref) {
      out.push(
        `${path ? `${path}.` : ''}${property}: ${JSON.stringify(tag)} is no variant`,
      );
      return;
    }
    check(value, { $ref: ref }, path, out);
    return;
  }
  const actual = typeOf(value);
  if (node.enum && !node.enum.includes(value)) {
    out.push(`${at}: ${JSON.stringify(value)} not in enum`);
    return;
  }
  switch (node.type ?? (node.properties ? 'object' : undefined)) {
    case 'object': {
      if (actual !== 'object') {
        out.push(`${at}: expected object, got ${actual}`);
        return;
      }
      const record = value as Record<string, unknown>;
      for (const key of node.required ?? [])
        if (record[key] === undefined || record[key] === null)
          out.push(`${path ? `${path}.` : ''}${key}: required, missing`);
      for (const [key, child] of Object.entries(record)) {
        const declared = node.properties?.[key];
        const childPath = path ? `${path}.${key}` : key;
        if (declared) check(child, declared, childPath, out);
        else if (typeof node.additionalProperties === 'object')
          check(child, node.additionalProperties, childPath, out);
        else if (node.additionalProperties !== true)
          out.push(`${childPath}: not declared`);
      }
      return;
    }
    case 'string':
      if (actual !== 'string')
        out.push(`${at}: expected string, got ${actual}`);
      else if (node.format === 'date-time' && !RFC3339.test(value as string))
        out.push(`${at}: not an RFC 3339 date-time: ${value as string}`);
      return;
    case 'integer':
      if (!Number.isInteger(value))
        out.push(`${at}: expected integer, got ${JSON.stringify(value)}`);
      return;
    case 'number':
      if (actual !== 'number')
        out.push(`${at}: expected number, got ${actual}`);
      return;
    case 'boolean':
      if (actual !== 'boolean')
        out.push(`${at}: expected boolean, got ${actual}`);
      return;
    case 'array':
      if (actual !== 'array') out.push(`${at}: expected array, got ${actual}`);
      else
        (value as unknown[]).forEach((item, i) =>
          check(item, node.items ?? {}, `${path}[${i}]`, out),
        );
      return;
    default:
      out.push(`${at}: the schema gives no type (${JSON.stringify(node)})`);
  }
}

/** Every way `value` departs from the named schema; empty when it conforms. */
export function v2Violations(value: unknown, schemaName: string): string[] {
  const out: string[] = [];
  check(value, schema(schemaName), '', out);
  return out;
}

/** An answer checked against what the operation documents for its status. */
export const answerViolations = (
  operationId: string,
  status: number,
  body: unknown,
): string[] => v2Violations(body, responseSchema(operationId, status));
