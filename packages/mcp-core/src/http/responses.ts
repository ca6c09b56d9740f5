/**
 * Building HTTP responses that carry JSON-RPC messages. No hop-by-hop headers, ever.
 */
import { errorText } from '../jsonrpc/serialize';
import type { JsonRpcId } from '../jsonrpc/messages';
import { textResponse } from './text-response';

const JSON_FIELDS: Record<string, string> = Object.freeze({ 'content-type': 'application/json' }) as Record<string, string>;
const NO_FIELDS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** The HTTP status and header fields a lone JSON answer takes: an error's status, a refused scope's challenge. */
export interface JsonHead {
  readonly status: number;
  readonly headers?: Record<string, string>;
}

/**
 * A JSON response from already-serialised text. Lazy (see {@link textResponse}): the native Response is only built
 * when something other than an adapter that asked for lazy responses reads it.
 * @param text JSON text.
 * @param status HTTP status (default 200).
 * @param headers Extra headers, lower-case names.
 * @returns The Response.
 */
export function jsonResponse(text: string, status = 200, headers?: Record<string, string>): Response {
  return textResponse(text, status, headers === undefined ? JSON_FIELDS : { ...JSON_FIELDS, ...headers });
}

/**
 * An HTTP error whose body is a JSON-RPC error (an id-less one unless the id is known).
 * @param status HTTP status.
 * @param code JSON-RPC error code.
 * @param message One short sentence naming the problem.
 * @param options The request id, error data, extra headers.
 * @returns The Response.
 */
export function errorResponse(
  status: number,
  code: number,
  message: string,
  options: { id?: JsonRpcId; data?: unknown; headers?: Record<string, string>; nullId?: boolean } = {},
): Response {
  return jsonResponse(errorText(options.id, { code, message, data: options.data }, options.nullId ?? true), status, options.headers);
}

/**
 * Whether an id-less error carries `"id":null` (clients up to 2025-06-18, whose schemas require an id) or omits
 * it (2025-11-25 and later), TRAP-02. Without a version header, 2025-03-26 is assumed (PVH-02).
 * @param request The request.
 * @returns True for `"id":null`.
 */
export function nullIdFor(request: Request): boolean {
  return (request.headers.get('mcp-protocol-version') ?? '2025-03-26') < '2025-11-25';
}

/**
 * A response with no body and no header fields.
 * @param status HTTP status: 200 (DELETE), 202 (SH-03), 204.
 * @returns The Response.
 */
export function emptyResponse(status: number): Response {
  return textResponse(null, status, NO_FIELDS);
}

/** 202 Accepted with no body, for notifications and responses (SH-03). */
export function acceptedResponse(): Response {
  return emptyResponse(202);
}
