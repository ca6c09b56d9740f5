/**
 * @module Tool and prompt schemas: Standard Schema detection, conversion to JSON Schema for
 * `tools/list`, and validation with JSON Pointer issue paths (eval-free for raw JSON Schema).
 */

export { hasStandardJsonSchema, hasStandardProps, isStandardSchema, standardVendor } from './standard';
export { toJsonSchema } from './to-json-schema';
export type { SchemaIo } from './to-json-schema';
export { ensureObjectSchema } from './object-schema';
export { validateWithSchema } from './validate';
export type { SchemaIssue, ValidationResult } from './validate';
export { validateJsonSchema } from './json-schema-validator';
export { appendPointer, escapePointerToken, resolveLocalRef, toJsonPointer, unescapePointerToken } from './json-pointer';
export type { PathSegment } from './json-pointer';
export { deepEqual } from './deep-equal';
