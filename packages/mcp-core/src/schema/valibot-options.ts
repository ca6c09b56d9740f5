/**
 * @module Options for `@valibot/to-json-schema`: keep going past what JSON Schema cannot express,
 * and do not describe a pipe's output with the type it had before a type-changing transformation.
 */

import type { ConversionConfig, JsonSchema } from '@valibot/to-json-schema';

/**
 * Output type of valibot transformations that change the type. In `typeMode: 'output'` the
 * converter starts at the pipe's last schema, so `v.pipe(v.string(), v.transform(Number))` would
 * otherwise come out as `{ type: "string" }`. `{}` means "unknown". Type-preserving ones
 * (`trim`, `to_lower_case`, `brand`, ...) are left alone.
 */
const TRANSFORMATION_OUTPUT: Readonly<Record<string, JsonSchema>> = {
  to_number: { type: 'number' },
  to_string: { type: 'string' },
  stringify_json: { type: 'string' },
  to_boolean: { type: 'boolean' },
  parse_boolean: { type: 'boolean' },
  transform: {},
  raw_transform: {},
  parse_json: {},
  find_item: {},
  map_items: {},
  reduce_items: {},
  to_date: {},
  to_bigint: {},
  await: {},
  args: {},
  returns: {},
};

/** `overrideAction` for output mode: a type-changing transformation resets the schema. */
const overrideOutputAction: NonNullable<ConversionConfig['overrideAction']> = ({ valibotAction }) => {
  if (valibotAction.kind !== 'transformation') return undefined;
  const output = TRANSFORMATION_OUTPUT[valibotAction.type];
  return output === undefined ? undefined : { ...output };
};

/**
 * The `@valibot/to-json-schema` config used for tool schemas: the given side (`typeMode`),
 * unsupported schemas and actions skipped (`errorMode: 'ignore'`: a `v.date()` becomes `{}`, a
 * `v.check()` is dropped), and in output mode type-changing transformations described as unknown.
 * @param io `'input'` or `'output'`.
 * @returns The conversion config (target is set by the caller).
 */
export function valibotConversionConfig(io: 'input' | 'output'): ConversionConfig {
  return io === 'output'
    ? { typeMode: 'output', errorMode: 'ignore', overrideAction: overrideOutputAction }
    : { typeMode: 'input', errorMode: 'ignore' };
}
