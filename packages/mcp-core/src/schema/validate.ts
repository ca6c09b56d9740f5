/**
 * @module Validate a value with a tool's or prompt's schema (Standard Schema or raw JSON Schema),
 * reporting issues with JSON Pointer paths.
 */

import type { StandardSchemaV1 } from '@standard-schema/spec';
import { validateJsonSchema } from './json-schema-validator';
import { toJsonPointer } from './json-pointer';
import { hasStandardProps, isStandardSchema, standardVendor } from './standard';

/** One validation problem. */
export interface SchemaIssue {
  /** Where: a JSON Pointer (RFC 6901), e.g. `/arguments/user/name` or `/arguments/items/0`. */
  path: string;
  /** What: one short sentence, from the schema library when there is one. */
  message: string;
}

/** The outcome of {@link validateWithSchema}: the (possibly transformed) value, or the issues. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: SchemaIssue[] };

/** Message used when a library reports failure without any issue text. */
const FALLBACK_MESSAGE = 'Invalid value';

/** Maps a Standard Schema result to a {@link ValidationResult}. */
function fromStandardResult<T>(result: StandardSchemaV1.Result<unknown>, prefix: string): ValidationResult<T> {
  if (!result.issues) return { ok: true, value: (result as StandardSchemaV1.SuccessResult<unknown>).value as T };
  const issues: SchemaIssue[] = [];
  for (const issue of result.issues) {
    const message = typeof issue.message === 'string' && issue.message !== '' ? issue.message : FALLBACK_MESSAGE;
    issues.push({ path: toJsonPointer(issue.path, prefix), message });
  }
  if (issues.length === 0) issues.push({ path: prefix, message: FALLBACK_MESSAGE });
  return { ok: false, issues };
}

/** Whether a value is a promise-like (what an async `validate` returns). */
function isThenable(x: unknown): x is PromiseLike<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function';
}

/**
 * Validates `value` with a schema.
 *
 * - A Standard Schema (valibot, zod 4, arktype, ...): its own `validate`; on success the value is
 *   the library's output (transforms and defaults applied). Synchronous when the library's
 *   `validate` is, a Promise only when it returns one.
 * - A raw JSON Schema (object or boolean): the built-in eval-free validator; the value is returned
 *   unchanged (no defaults are filled in).
 *
 * @param schema A Standard Schema or a raw JSON Schema.
 * @param value The value to check (e.g. a tool call's `arguments`).
 * @param pointerPrefix JSON Pointer of `value` in the message, prepended to every issue path
 *   (the core passes `/arguments`); default `''`.
 * @returns The result, or a Promise of it for an async Standard Schema.
 * @throws TypeError when `schema` is neither a Standard Schema nor a JSON Schema.
 *
 * @example
 * ```ts
 * const r = validateWithSchema(z.object({ age: z.number() }), { age: 'x' }, '/arguments');
 * // { ok: false, issues: [{ path: '/arguments/age', message: 'Invalid input: expected number, received string' }] }
 * ```
 */
export function validateWithSchema<T>(
  schema: unknown,
  value: unknown,
  pointerPrefix = '',
): ValidationResult<T> | Promise<ValidationResult<T>> {
  if (isStandardSchema(schema)) {
    const result = schema['~standard'].validate(value);
    if (isThenable(result)) {
      return Promise.resolve(result).then((r) => fromStandardResult<T>(r, pointerPrefix));
    }
    return fromStandardResult<T>(result, pointerPrefix);
  }
  if (hasStandardProps(schema)) {
    throw new TypeError(
      `Schema from "${standardVendor(schema) ?? 'unknown vendor'}" has a "~standard" property but no ` +
        'Standard Schema v1 "validate" function; pass a Standard Schema or a raw JSON Schema object.',
    );
  }
  if (typeof schema === 'boolean' || (typeof schema === 'object' && schema !== null && !Array.isArray(schema))) {
    const issues = validateJsonSchema(schema, value, pointerPrefix);
    return issues.length === 0 ? { ok: true, value: value as T } : { ok: false, issues };
  }
  throw new TypeError(
    `Cannot validate with a schema of type ${schema === null ? 'null' : Array.isArray(schema) ? 'array' : typeof schema}; ` +
      'pass a Standard Schema (valibot, zod, arktype, ...) or a raw JSON Schema object.',
  );
}
