/**
 * @module The TypeError thrown when a schema library fails to convert a schema to JSON Schema.
 */

/** The error message of anything thrown. */
function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * A TypeError for a schema library that failed to convert.
 * @param vendor The schema library (`~standard.vendor`).
 * @param io Which side was being described.
 * @param cause What the library threw.
 * @returns The error, with `cause` set.
 */
export function conversionError(vendor: string, io: 'input' | 'output', cause: unknown): TypeError {
  return new TypeError(
    `Could not convert the ${vendor} ${io} schema to JSON Schema: ${messageOf(cause)}. ` +
      'Pass a raw JSON Schema object for this schema instead.',
    { cause },
  );
}
