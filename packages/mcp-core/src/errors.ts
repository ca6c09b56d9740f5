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

/**
 * Thrown by a handler (or by the core for a tool's `scopes`) when the caller's token lacks a scope the operation
 * needs. Before anything streamed, the answer is HTTP 403 with `WWW-Authenticate: Bearer error="insufficient_scope",
 * scope="..."` (or 401 with the scopes when the request carried no `authInfo` at all), so that the client can ask
 * for the scopes and retry (step-up authorization, checklist AUTH-06). After the answer started streaming, and on
 * the HTTP+SSE stream, it is a JSON-RPC error (-32600) whose `data.requiredScopes` names them.
 *
 * @example
 * ```ts
 * if (!ctx.authInfo?.scopes?.includes('files:write')) throw new InsufficientScopeError(['files:write']);
 * ```
 */
export class InsufficientScopeError extends McpError {
  /** Every scope the operation needs (not only the missing ones). */
  readonly scopes: readonly string[];

  /**
   * @param scopes Every scope the operation needs: each an RFC 6749 scope token (printable ASCII, no space,
   *   quote or backslash).
   * @param message What the client is told (`error_description` too); default: the scopes needed.
   */
  constructor(scopes: readonly string[], message?: string) {
    if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every(isScopeToken)) {
      throw new TypeError('InsufficientScopeError needs a non-empty array of scope tokens (printable ASCII without space, " or \\)');
    }
    super(-32600, message ?? `Insufficient scope: this operation needs ${scopes.join(' ')}`, { requiredScopes: [...scopes] });
    this.name = 'InsufficientScopeError';
    this.scopes = Object.freeze([...scopes]);
  }
}

/**
 * Whether a value is an RFC 6749 §3.3 scope token (%x21 / %x23-5B / %x5D-7E): safe inside a quoted
 * `WWW-Authenticate` parameter as it is.
 * @param value Anything.
 * @returns True for a scope token.
 */
export function isScopeToken(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x21 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

/**
 * Recognises an {@link InsufficientScopeError}, also one thrown by another copy of this package.
 * @param value Anything thrown.
 * @returns Whether it is one.
 */
export function isInsufficientScopeError(value: unknown): value is InsufficientScopeError {
  return isMcpError(value) && value.name === 'InsufficientScopeError' && Array.isArray((value as InsufficientScopeError).scopes);
}
