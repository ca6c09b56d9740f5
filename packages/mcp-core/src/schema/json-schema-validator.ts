/**
 * @module A small eval-free validator for raw JSON Schema objects (draft-07 / 2020-12 subset),
 * for tools and prompts declared with a plain JSON Schema instead of a Standard Schema.
 *
 * Covered: boolean schemas, `type` (incl. `integer`, arrays of types), `enum`, `const`,
 * `properties`, `required`, `additionalProperties`, `patternProperties`, `minProperties`,
 * `maxProperties`, `items` (schema, or draft-07 tuple array with `additionalItems`),
 * `prefixItems`, `minItems`, `maxItems`, `uniqueItems`, `minLength`, `maxLength`, `pattern`,
 * `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `multipleOf`, `allOf`, `anyOf`,
 * `oneOf`, `not`, `if`/`then`/`else`, and local `$ref` (`#`, `#/$defs/...`, `#/definitions/...`).
 * Every other keyword (`format`, `$anchor`, ...) is ignored: the validator is permissive.
 */

import { deepEqual } from './deep-equal';
import { appendPointer, resolveLocalRef } from './json-pointer';
import type { SchemaIssue } from './validate';

/** An issue while validating; a type mismatch also records what was expected, to merge `anyOf`. */
interface Issue extends SchemaIssue {
  expected?: string[];
  received?: string;
}

/** State shared by one validation run. */
interface Context {
  /** The document local `$ref`s resolve against. */
  readonly root: unknown;
  /** Current nesting of {@link check} calls. */
  depth: number;
  /** `$ref` targets being applied, each with the instance paths they are applied at. */
  readonly activeRefs: Map<object, Set<string>>;
}

type Schema = Record<string, unknown>;

/** Deepest nesting of subschemas applied before giving up (guards against runaway recursion). */
const MAX_DEPTH = 256;

/** Most compiled `pattern`s kept; the cache is emptied when it is full. */
const MAX_CACHED_PATTERNS = 512;

/** Compiled `pattern` / `patternProperties` regexes; `null` marks a pattern that does not compile. */
const patternCache = new Map<string, RegExp | null>();

/** The compiled regex for a pattern (Unicode mode), or `null` if it is not a valid regex. */
function compilePattern(pattern: string): RegExp | null {
  let re = patternCache.get(pattern);
  if (re !== undefined) return re;
  try {
    re = new RegExp(pattern, 'u');
  } catch {
    re = null;
  }
  if (patternCache.size >= MAX_CACHED_PATTERNS) patternCache.clear();
  patternCache.set(pattern, re);
  return re;
}

const hasOwn = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

/** The JSON type name of a value, as used in messages (`integer` counts as `number`). */
function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Whether `value` is of JSON Schema type `type`; unknown type names match nothing. */
function matchesType(type: unknown, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return false;
  }
}

/** A value for a message: JSON text, or `String()` for what JSON cannot show. */
function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** `n` followed by the singular or plural noun. */
function count(n: number, singular: string, plural: string): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** Length of a string in Unicode code points, as JSON Schema counts it. */
function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** Whether `value` is a multiple of `divisor`, tolerant of binary floating point (0.3 / 0.1). */
function isMultipleOf(value: number, divisor: number): boolean {
  if (Number.isSafeInteger(value) && Number.isSafeInteger(divisor)) return value % divisor === 0;
  const q = value / divisor;
  if (!Number.isFinite(q)) return false;
  return Math.abs(q - Math.round(q)) <= 1e-9 * Math.max(1, Math.abs(q));
}

/** Applies `schema` to `value` at `path`, appending issues to `out`. */
function check(schema: unknown, value: unknown, path: string, ctx: Context, out: Issue[]): void {
  if (schema === true) return;
  if (schema === false) {
    out.push({ path, message: 'Not allowed' });
    return;
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return;
  if (ctx.depth >= MAX_DEPTH) {
    out.push({ path, message: 'Schema nesting too deep' });
    return;
  }
  ctx.depth++;
  try {
    checkObjectSchema(schema as Schema, value, path, ctx, out);
  } finally {
    ctx.depth--;
  }
}

/** {@link check} for an object schema, keyword by keyword. */
function checkObjectSchema(s: Schema, value: unknown, path: string, ctx: Context, out: Issue[]): void {
  if (typeof s['$ref'] === 'string') checkRef(s['$ref'], value, path, ctx, out);

  const type = s['type'];
  if (typeof type === 'string' || Array.isArray(type)) {
    const types: unknown[] = typeof type === 'string' ? [type] : type;
    if (types.length > 0 && !types.some((t) => matchesType(t, value))) {
      const expected = types.map(String);
      const received = typeName(value);
      out.push({ path, message: `Expected ${expected.join(' or ')}, received ${received}`, expected, received });
      return;
    }
  }

  const allowed = s['enum'];
  if (Array.isArray(allowed) && !allowed.some((v) => deepEqual(v, value))) {
    out.push({ path, message: `Must be one of: ${allowed.map(show).join(', ')}` });
  }
  if (hasOwn(s, 'const') && !deepEqual(s['const'], value)) {
    out.push({ path, message: `Must be ${show(s['const'])}` });
  }

  if (typeof value === 'string') checkString(s, value, path, out);
  else if (typeof value === 'number') checkNumber(s, value, path, out);
  else if (Array.isArray(value)) checkArray(s, value, path, ctx, out);
  else if (typeof value === 'object' && value !== null) checkObject(s, value as Record<string, unknown>, path, ctx, out);

  checkCombinators(s, value, path, ctx, out);
}

/** `$ref` to a local target, skipping a cycle that would re-apply a target at the same place. */
function checkRef(ref: string, value: unknown, path: string, ctx: Context, out: Issue[]): void {
  const target = resolveLocalRef(ctx.root, ref);
  if (typeof target === 'boolean') {
    check(target, value, path, ctx, out);
    return;
  }
  if (typeof target !== 'object' || target === null) return; // unresolvable: permissive
  let paths = ctx.activeRefs.get(target);
  if (paths === undefined) {
    paths = new Set();
    ctx.activeRefs.set(target, paths);
  }
  if (paths.has(path)) return; // `$ref` loop that consumes no data: nothing more to check
  paths.add(path);
  try {
    check(target, value, path, ctx, out);
  } finally {
    paths.delete(path);
  }
}

/** `minLength`, `maxLength`, `pattern`. */
function checkString(s: Schema, value: string, path: string, out: Issue[]): void {
  const min = s['minLength'];
  const max = s['maxLength'];
  if (typeof min === 'number' || typeof max === 'number') {
    const length = codePointLength(value);
    if (typeof min === 'number' && length < min) {
      out.push({ path, message: `Must be at least ${count(min, 'character', 'characters')}` });
    }
    if (typeof max === 'number' && length > max) {
      out.push({ path, message: `Must be at most ${count(max, 'character', 'characters')}` });
    }
  }
  const pattern = s['pattern'];
  if (typeof pattern === 'string') {
    const re = compilePattern(pattern);
    if (re !== null && !re.test(value)) out.push({ path, message: `Must match pattern ${show(pattern)}` });
  }
}

/** `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum` (also draft-04 booleans), `multipleOf`. */
function checkNumber(s: Schema, value: number, path: string, out: Issue[]): void {
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = s;
  if (typeof minimum === 'number') {
    if (exclusiveMinimum === true ? value <= minimum : value < minimum) {
      out.push({ path, message: `Must be ${exclusiveMinimum === true ? '>' : '>='} ${minimum}` });
    }
  }
  if (typeof maximum === 'number') {
    if (exclusiveMaximum === true ? value >= maximum : value > maximum) {
      out.push({ path, message: `Must be ${exclusiveMaximum === true ? '<' : '<='} ${maximum}` });
    }
  }
  if (typeof exclusiveMinimum === 'number' && value <= exclusiveMinimum) {
    out.push({ path, message: `Must be > ${exclusiveMinimum}` });
  }
  if (typeof exclusiveMaximum === 'number' && value >= exclusiveMaximum) {
    out.push({ path, message: `Must be < ${exclusiveMaximum}` });
  }
  if (typeof multipleOf === 'number' && multipleOf > 0 && !isMultipleOf(value, multipleOf)) {
    out.push({ path, message: `Must be a multiple of ${multipleOf}` });
  }
}

/** `minItems`, `maxItems`, `uniqueItems`, `prefixItems`, `items`, `additionalItems`. */
function checkArray(s: Schema, value: unknown[], path: string, ctx: Context, out: Issue[]): void {
  const { minItems, maxItems } = s;
  if (typeof minItems === 'number' && value.length < minItems) {
    out.push({ path, message: `Must have at least ${count(minItems, 'item', 'items')}` });
  }
  if (typeof maxItems === 'number' && value.length > maxItems) {
    out.push({ path, message: `Must have at most ${count(maxItems, 'item', 'items')}` });
  }
  if (s['uniqueItems'] === true) {
    outer: for (let i = 1; i < value.length; i++) {
      for (let j = 0; j < i; j++) {
        if (deepEqual(value[i], value[j])) {
          out.push({ path, message: `Items must be unique (items ${j} and ${i} are equal)` });
          break outer;
        }
      }
    }
  }
  // 2020-12: prefixItems + items for the rest. draft-07: items as an array + additionalItems.
  const items = s['items'];
  const prefix = Array.isArray(s['prefixItems']) ? s['prefixItems'] : Array.isArray(items) ? items : undefined;
  const rest = Array.isArray(s['prefixItems']) ? items : Array.isArray(items) ? s['additionalItems'] : items;
  for (let i = 0; i < value.length; i++) {
    const itemPath = appendPointer(path, i);
    if (prefix !== undefined && i < prefix.length) check(prefix[i], value[i], itemPath, ctx, out);
    else if (rest === false) out.push({ path: itemPath, message: 'Unexpected item' });
    else if (rest !== undefined) check(rest, value[i], itemPath, ctx, out);
  }
}

/** `required`, `properties`, `patternProperties`, `additionalProperties`, `minProperties`, `maxProperties`. */
function checkObject(s: Schema, value: Record<string, unknown>, path: string, ctx: Context, out: Issue[]): void {
  const required = s['required'];
  if (Array.isArray(required)) {
    for (const key of required) {
      if (typeof key === 'string' && !hasOwn(value, key)) {
        out.push({ path: appendPointer(path, key), message: `Missing required property ${show(key)}` });
      }
    }
  }
  const rawProps = s['properties'];
  const props = typeof rawProps === 'object' && rawProps !== null ? (rawProps as Schema) : undefined;
  const rawPatterns = s['patternProperties'];
  const patternProps =
    typeof rawPatterns === 'object' && rawPatterns !== null ? (rawPatterns as Schema) : undefined;
  const patterns = patternProps === undefined ? [] : Object.keys(patternProps);
  const additional = s['additionalProperties'];
  const keys = Object.keys(value);

  const { minProperties, maxProperties } = s;
  if (typeof minProperties === 'number' && keys.length < minProperties) {
    out.push({ path, message: `Must have at least ${count(minProperties, 'property', 'properties')}` });
  }
  if (typeof maxProperties === 'number' && keys.length > maxProperties) {
    out.push({ path, message: `Must have at most ${count(maxProperties, 'property', 'properties')}` });
  }

  for (const key of keys) {
    const child = value[key];
    let known = false;
    if (props !== undefined && hasOwn(props, key)) {
      known = true;
      check(props[key], child, appendPointer(path, key), ctx, out);
    }
    if (patternProps !== undefined) {
      for (const p of patterns) {
        if (compilePattern(p)?.test(key) === true) {
          known = true;
          check(patternProps[p], child, appendPointer(path, key), ctx, out);
        }
      }
    }
    if (known || additional === undefined || additional === true) continue;
    if (additional === false) out.push({ path: appendPointer(path, key), message: `Unexpected property ${show(key)}` });
    else check(additional, child, appendPointer(path, key), ctx, out);
  }
}

/** Applies each branch on its own; returns the issues of each (an empty list is a match). */
function runBranches(branches: unknown[], value: unknown, path: string, ctx: Context, stopAtMatch: boolean): Issue[][] {
  const results: Issue[][] = [];
  for (const branch of branches) {
    const sub: Issue[] = [];
    check(branch, value, path, ctx, sub);
    results.push(sub);
    if (stopAtMatch && sub.length === 0) break;
  }
  return results;
}

/** Whether a branch failed only because the value has the wrong type at `path` itself. */
function isTypeMismatchOnly(issues: Issue[], path: string): boolean {
  return issues.length === 1 && issues[0]!.path === path && issues[0]!.expected !== undefined;
}

/**
 * Issues for a value that matched no branch of `anyOf` / `oneOf`: one merged type message when
 * every branch wants another type, the issues of the one branch of the right type, or a summary.
 */
function explainNoMatch(results: Issue[][], keyword: string, path: string): Issue[] {
  const sameType = results.filter((r) => !isTypeMismatchOnly(r, path));
  if (sameType.length === 1) return sameType[0]!;
  if (sameType.length === 0) {
    const expected = [...new Set(results.flatMap((r) => r[0]!.expected!))];
    const received = results[0]![0]!.received ?? 'unknown';
    return [{ path, message: `Expected ${expected.join(' or ')}, received ${received}`, expected, received }];
  }
  return [{ path, message: `Must match ${keyword === 'oneOf' ? 'exactly' : 'at least'} one schema in ${keyword}` }];
}

/** `allOf`, `anyOf`, `oneOf`, `not`, `if` / `then` / `else`. */
function checkCombinators(s: Schema, value: unknown, path: string, ctx: Context, out: Issue[]): void {
  const { allOf, anyOf, oneOf } = s;
  if (Array.isArray(allOf)) for (const sub of allOf) check(sub, value, path, ctx, out);

  if (Array.isArray(anyOf) && anyOf.length > 0) {
    const results = runBranches(anyOf, value, path, ctx, true);
    if (!results.some((r) => r.length === 0)) out.push(...explainNoMatch(results, 'anyOf', path));
  }

  if (Array.isArray(oneOf) && oneOf.length > 0) {
    const results = runBranches(oneOf, value, path, ctx, false);
    const matched = results.filter((r) => r.length === 0).length;
    if (matched === 0) out.push(...explainNoMatch(results, 'oneOf', path));
    else if (matched > 1) out.push({ path, message: `Must match exactly one schema in oneOf (matched ${matched})` });
  }

  if (hasOwn(s, 'not')) {
    const sub: Issue[] = [];
    check(s['not'], value, path, ctx, sub);
    if (sub.length === 0) out.push({ path, message: 'Must not match the schema in "not"' });
  }

  if (hasOwn(s, 'if')) {
    const sub: Issue[] = [];
    check(s['if'], value, path, ctx, sub);
    const branch = sub.length === 0 ? s['then'] : s['else'];
    if (branch !== undefined) check(branch, value, path, ctx, out);
  }
}

/**
 * Validates a value against a raw JSON Schema (object or boolean) without `eval`, so it runs on
 * Workers and Deno Deploy. A subset of draft-07 / 2020-12; unknown keywords are ignored.
 *
 * @param schema The JSON Schema; also the document local `$ref`s resolve against.
 * @param value The value to check.
 * @param pointerPrefix JSON Pointer of `value` in the message, prepended to every issue path
 *   (e.g. `/arguments`); default `''`.
 * @returns The issues found, empty when the value is valid.
 *
 * @example
 * ```ts
 * validateJsonSchema({ type: 'object', required: ['name'] }, {}, '/arguments');
 * // [{ path: '/arguments/name', message: 'Missing required property "name"' }]
 * ```
 */
export function validateJsonSchema(schema: unknown, value: unknown, pointerPrefix = ''): SchemaIssue[] {
  const out: Issue[] = [];
  check(schema, value, pointerPrefix, { root: schema, depth: 0, activeRefs: new Map() }, out);
  return out.map(({ path, message }) => ({ path, message }));
}
