/**
 * @module Object-schema check for converted tool input schemas: MCP requires
 * `inputSchema.type` to be `"object"`.
 */

import { resolveLocalRef } from './json-pointer';

type Schema = Record<string, unknown>;

/** Keywords that only constrain objects: a schema with them and no `type` is meant as an object. */
const OBJECT_KEYWORDS = ['properties', 'required', 'additionalProperties', 'patternProperties'] as const;

/** Whether `schema` (resolved against `root`) only accepts objects or is clearly meant to. */
function describesObject(schema: unknown, root: Schema, seenRefs: Set<string>): boolean {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return false;
  const s = schema as Schema;
  const type = s['type'];
  if (type === 'object') return true;
  if (Array.isArray(type)) return type.length > 0 && type.every((t) => t === 'object');
  if (type !== undefined) return false;
  const ref = s['$ref'];
  if (typeof ref === 'string' && !seenRefs.has(ref)) {
    seenRefs.add(ref);
    if (describesObject(resolveLocalRef(root, ref), root, seenRefs)) return true;
  }
  const { allOf, anyOf, oneOf } = s;
  if (Array.isArray(allOf) && allOf.some((sub) => describesObject(sub, root, seenRefs))) return true;
  for (const branches of [anyOf, oneOf]) {
    if (Array.isArray(branches) && branches.length > 0 && branches.every((sub) => describesObject(sub, root, seenRefs))) {
      return true;
    }
  }
  return OBJECT_KEYWORDS.some((k) => s[k] !== undefined);
}

/** A short description of what a non-object schema accepts, for the error message. */
function describeSchema(s: Schema): string {
  const type = s['type'];
  if (typeof type === 'string') return `of type "${type}"`;
  if (Array.isArray(type)) return `of type ${JSON.stringify(type)}`;
  if (s['anyOf'] !== undefined || s['oneOf'] !== undefined) return 'a union whose branches are not all objects';
  if (s['$ref'] !== undefined) return 'a "$ref" to a schema that is not an object';
  if (s['enum'] !== undefined || s['const'] !== undefined) return 'a fixed value ("enum" / "const")';
  return 'a schema without "type": "object"';
}

/**
 * Makes sure a converted input schema has `type: "object"` at the top, as MCP requires: returns it
 * unchanged when it has, adds `type: "object"` (first key) when the schema is an object in effect
 * (object keywords, or `anyOf` / `oneOf` / `allOf` / `$ref` of object schemas), else throws.
 * @param schema The converted JSON Schema.
 * @param vendor Library name for the error message.
 * @returns The schema with `type: "object"`.
 * @throws TypeError when the schema does not describe an object (a string, a nullable object, ...).
 */
export function ensureObjectSchema(schema: Record<string, unknown>, vendor: string): Record<string, unknown> {
  if (schema['type'] === 'object') return schema;
  if (describesObject(schema, schema, new Set())) {
    const { type: _type, ...rest } = schema;
    return { type: 'object', ...rest };
  }
  throw new TypeError(
    `The ${vendor} input schema must describe an object (MCP requires inputSchema.type "object") but it is ` +
      `${describeSchema(schema)}. Wrap the parameters in an object schema, e.g. z.object({ ... }) or v.object({ ... }).`,
  );
}
