/**
 * @module Standard Schema detection: recognise `StandardSchemaV1` (valibot, zod 4, arktype, ...)
 * and the optional Standard JSON Schema converter some of them carry.
 */

import type { StandardJSONSchemaV1, StandardSchemaV1 } from '@standard-schema/spec';

/** The `~standard` props of a value, or `undefined` when it has none (read once: zod's is a getter). */
function standardProps(x: unknown): Record<string, unknown> | undefined {
  if ((typeof x !== 'object' && typeof x !== 'function') || x === null) return undefined;
  const props = (x as Record<string, unknown>)['~standard'];
  return typeof props === 'object' && props !== null ? (props as Record<string, unknown>) : undefined;
}

/**
 * Whether `x` is a Standard Schema: an object or function (arktype types are functions) with a
 * `~standard` property holding `version: 1` and a `validate` function.
 * @param x Anything.
 * @returns Whether `x` implements `StandardSchemaV1`.
 */
export function isStandardSchema(x: unknown): x is StandardSchemaV1 {
  const props = standardProps(x);
  return props !== undefined && props['version'] === 1 && typeof props['validate'] === 'function';
}

/**
 * Whether `x` carries a Standard JSON Schema converter (`~standard.jsonSchema.input/output`),
 * as zod 4 and arktype do. It need not be a full Standard Schema (no `validate` required).
 * @param x Anything.
 * @returns Whether `x` implements `StandardJSONSchemaV1`.
 */
export function hasStandardJsonSchema(x: unknown): x is StandardJSONSchemaV1 {
  const props = standardProps(x);
  if (props === undefined || props['version'] !== 1) return false;
  const converter = props['jsonSchema'];
  return (
    typeof converter === 'object' &&
    converter !== null &&
    typeof (converter as Record<string, unknown>)['input'] === 'function' &&
    typeof (converter as Record<string, unknown>)['output'] === 'function'
  );
}

/**
 * The `~standard.vendor` of a value (`'zod'`, `'valibot'`, `'arktype'`, ...), or `undefined`
 * when it has no `~standard` property or no string vendor.
 * @param x Anything.
 * @returns The vendor name, if any.
 */
export function standardVendor(x: unknown): string | undefined {
  const vendor = standardProps(x)?.['vendor'];
  return typeof vendor === 'string' ? vendor : undefined;
}

/**
 * Whether `x` has a `~standard` property at all (a valid Standard Schema or a broken one).
 * Such a value is never taken as a raw JSON Schema.
 * @param x Anything.
 * @returns Whether `x` claims to be a Standard Schema.
 */
export function hasStandardProps(x: unknown): boolean {
  return standardProps(x) !== undefined;
}
