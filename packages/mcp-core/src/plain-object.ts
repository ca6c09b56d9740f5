/**
 * @module The one JSON-object test the core uses: MCP params, `_meta`, capabilities and answers are objects, never
 * arrays or null (JR-01).
 */

/**
 * Whether a value is a non-null, non-array object.
 * @param value Anything.
 * @returns True for a plain JSON object.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
