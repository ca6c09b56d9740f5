/**
 * @module Tool and prompt schemas to JSON Schema, for `tools/list` (`inputSchema`, `outputSchema`).
 */

import type { StandardJSONSchemaV1 } from '@standard-schema/spec';
import { ensureObjectSchema } from './object-schema';
import { valibotConversionConfig } from './valibot-options';
import { conversionError } from './conversion-error';
import { fromValibot } from './valibot-json-schema';
import type { ValibotConverter } from './valibot-json-schema';
import { hasStandardJsonSchema, hasStandardProps, isStandardSchema, standardVendor } from './standard';

/** Which side of a schema with transforms to describe: what it accepts, or what it produces. */
export type SchemaIo = 'input' | 'output';

/** JSON Schema dialect asked for first (MCP's default); draft-07 is the fallback. */
const TARGETS = ['draft-2020-12', 'draft-07'] as const;

/**
 * Vendor-specific `libraryOptions` so a converter keeps going past parts JSON Schema cannot
 * express instead of throwing: zod throws on dates, transforms, bigints... unless told `"any"`
 * (then writes `{}` for them); valibot's `toStandardJsonSchema` wrapper throws unless told to ignore.
 */
function libraryOptionsFor(vendor: string, io: SchemaIo): Record<string, unknown> | undefined {
  if (vendor === 'zod') return { unrepresentable: 'any' };
  if (vendor === 'valibot') return { ...valibotConversionConfig(io) };
  return undefined;
}

/** Converts with the Standard JSON Schema interface, 2020-12 first, then draft-07. */
function fromStandardJsonSchema(schema: StandardJSONSchemaV1, io: SchemaIo, vendor: string): unknown {
  const convert = schema['~standard'].jsonSchema[io];
  const libraryOptions = libraryOptionsFor(vendor, io);
  let firstError: unknown;
  for (const target of TARGETS) {
    try {
      return convert(libraryOptions === undefined ? { target } : { target, libraryOptions });
    } catch (err) {
      firstError ??= err;
    }
  }
  throw conversionError(vendor, io, firstError);
}

/** Drops the top-level `$schema` of a converted schema and checks input schemas are objects. */
function finish(converted: unknown, io: SchemaIo, vendor: string): Record<string, unknown> {
  if (typeof converted !== 'object' || converted === null || Array.isArray(converted)) {
    throw conversionError(vendor, io, new Error('the converter did not return a JSON Schema object'));
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(converted)) if (key !== '$schema') out[key] = value;
  return io === 'input' ? ensureObjectSchema(out, vendor) : out;
}

/**
 * The JSON Schema for a tool's or prompt's schema, as sent in `tools/list`.
 *
 * - A Standard Schema implementing Standard JSON Schema (zod 4, arktype, valibot via
 *   `toStandardJsonSchema`): its `~standard.jsonSchema.input/output`, target draft 2020-12.
 * - A valibot schema: `@valibot/to-json-schema`, unsupported actions ignored.
 * - A plain object that is not a Standard Schema: taken as raw JSON Schema and returned as is
 *   (same object, nothing added or removed).
 *
 * A converted schema loses its top-level `$schema`; a converted input schema must describe an
 * object and gets `type: "object"` if it lacks it.
 *
 * @param schema A Standard Schema or a raw JSON Schema object.
 * @param io `'input'` for `inputSchema` (default), `'output'` for `outputSchema`.
 * @returns The JSON Schema object.
 * @throws TypeError when the library cannot convert the schema (pass a raw JSON Schema instead),
 *   when a converted input schema is not an object schema, or when `schema` is not a schema.
 *
 * @example
 * ```ts
 * toJsonSchema(v.object({ text: v.string() }));
 * // { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] }
 * ```
 */
export function toJsonSchema(schema: unknown, io: SchemaIo = 'input'): Record<string, unknown> {
  return convertSchema(schema, io, fromValibot);
}

/**
 * {@link toJsonSchema} with the valibot converter given, or left out: a lean server (`createLeanMcp` without
 * `withValibotJsonSchema`) converts what implements Standard JSON Schema and takes raw JSON Schema as is, and
 * refuses a plain valibot schema with a message that says how to get it converted.
 * @param schema A Standard Schema or a raw JSON Schema object.
 * @param io Which side to describe.
 * @param valibot The converter for valibot schemas without `~standard.jsonSchema`, if the server has it.
 * @returns The JSON Schema object.
 */
export function convertSchema(schema: unknown, io: SchemaIo, valibot: ValibotConverter | undefined): Record<string, unknown> {
  const vendor = standardVendor(schema) ?? 'unknown';
  if (hasStandardJsonSchema(schema)) return finish(fromStandardJsonSchema(schema, io, vendor), io, vendor);
  if (vendor === 'valibot' && isStandardSchema(schema)) {
    if (valibot === undefined) {
      throw new TypeError(
        'This server converts no plain valibot schemas to JSON Schema: build it with createMcp, or add withValibotJsonSchema ' +
          'to createLeanMcp, or wrap the schema with toStandardJsonSchema from @valibot/to-json-schema.',
      );
    }
    return finish(valibot(schema, io), io, vendor);
  }
  if (hasStandardProps(schema)) {
    throw new TypeError(
      `Cannot convert a schema from "${vendor}" to JSON Schema: it does not implement Standard JSON Schema ` +
        '("~standard.jsonSchema"). Pass a raw JSON Schema object instead, or use a library that implements it ' +
        '(zod 4, arktype, valibot).',
    );
  }
  if (typeof schema === 'object' && schema !== null && !Array.isArray(schema)) {
    return schema as Record<string, unknown>;
  }
  throw new TypeError(
    `Expected a Standard Schema or a JSON Schema object, received ${schema === null ? 'null' : Array.isArray(schema) ? 'an array' : typeof schema}.`,
  );
}
