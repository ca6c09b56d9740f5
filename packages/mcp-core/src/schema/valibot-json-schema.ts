/**
 * @module valibot schemas (which do not implement Standard JSON Schema themselves) to JSON Schema, with
 * `@valibot/to-json-schema`. Kept apart so a lean server that never sees a plain valibot schema leaves it out.
 */

import { toJsonSchema as valibotToJsonSchema } from '@valibot/to-json-schema';
import { conversionError } from './conversion-error';
import { valibotConversionConfig } from './valibot-options';

/** Converts a valibot schema to JSON Schema (2020-12) for one side; throws a TypeError naming the schema on failure. */
export type ValibotConverter = (schema: unknown, io: 'input' | 'output') => unknown;

/**
 * Converts a valibot schema with `@valibot/to-json-schema`, skipping what it cannot express.
 * @param schema A valibot schema.
 * @param io Which side to describe.
 * @returns The converted JSON Schema, `$schema` still on it.
 */
export const fromValibot: ValibotConverter = (schema, io) => {
  try {
    return valibotToJsonSchema(schema as Parameters<typeof valibotToJsonSchema>[0], {
      ...valibotConversionConfig(io),
      target: 'draft-2020-12',
    });
  } catch (err) {
    throw conversionError('valibot', io, err);
  }
};
