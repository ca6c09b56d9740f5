/**
 * @module Errors: one wire error class carrying a JSON-RPC code.
 */

const BRAND = Symbol.for('x.mcp.McpError');

/**
 * An error that goes on the wire as a JSON-RPC error object.
 * Throw it from a handler to answer with that code instead of an `isError` tool result.
 *
 * @example
 * ```ts
 * throw new McpError(ErrorCode.InvalidParams, 'Unknown city "Atlantis"', { city: 'Atlantis' });
 * ```
 */
export class McpError extends Error {
  /** The JSON-RPC error code. */
  readonly code: number;
  /** Extra data for the error object's `data` member. */
  readonly data: unknown;
  /** @internal brand so copies of the package recognise each other's errors. */
  readonly [BRAND] = true;

  /**
   * @param code JSON-RPC error code.
   * @param message One short sentence (JR-04).
   * @param data Optional `data` member.
   */
  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = 'McpError';
    this.code = code;
    this.data = data;
  }
}

/**
 * Recognises an {@link McpError}, also one thrown by another copy of this package.
 * @param value Anything thrown.
 * @returns Whether it is an McpError.
 */
export function isMcpError(value: unknown): value is McpError {
  return (
    typeof value === 'object' &&
    value !== null &&
    ((value as Record<PropertyKey, unknown>)[BRAND] === true ||
      ((value as Error).name === 'McpError' && typeof (value as McpError).code === 'number'))
  );
}

/**
 * The JSON-RPC error object for anything a handler threw: an {@link McpError} as it is, anything else (a bug) as
 * -32603 "Internal error", reported to `onError` and never shown to the client.
 * @param error What was thrown.
 * @param onError Where unexpected errors go.
 * @returns The error object.
 */
export function toErrorObject(error: unknown, onError: (error: unknown) => void): { code: number; message: string; data?: unknown } {
  if (isMcpError(error)) return error.data === undefined ? { code: error.code, message: error.message } : { code: error.code, message: error.message, data: error.data };
  onError(error);
  return { code: -32603, message: 'Internal error' };
}
