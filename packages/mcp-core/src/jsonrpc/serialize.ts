/**
 * Serialising outgoing JSON-RPC messages, with pre-serialised results spliced in as text.
 */
import type { JsonRpcErrorObject, JsonRpcId } from './messages';

/**
 * A result that is already JSON text (a precomputed `tools/list` page, say).
 * The serialiser splices it in without stringifying it again.
 */
export class RawJson {
  /** @param json Valid JSON text of the result object. */
  constructor(readonly json: string) {}
}

/**
 * The text of a success response.
 * @param id The request id, echoed with its type (JR-03).
 * @param result The result object, or RawJson.
 * @returns JSON text.
 */
export function resultText(id: JsonRpcId, result: unknown): string {
  const idText = typeof id === 'number' ? String(id) : JSON.stringify(id);
  const body = result instanceof RawJson ? result.json : JSON.stringify(result);
  return `{"jsonrpc":"2.0","id":${idText},"result":${body}}`;
}

/**
 * The text of an error response. Without an id, `id` is omitted (2025-11-25+) or null (older revisions) per TRAP-02.
 * @param id The request id when it could be read.
 * @param error The error object.
 * @param nullId Emit `"id":null` when there is no id (for clients of 2025-06-18 and older).
 * @returns JSON text.
 */
export function errorText(id: JsonRpcId | undefined, error: JsonRpcErrorObject, nullId = true): string {
  const e = error.data === undefined ? { code: error.code, message: error.message } : error;
  if (id === undefined) {
    return nullId ? `{"jsonrpc":"2.0","id":null,"error":${JSON.stringify(e)}}` : `{"jsonrpc":"2.0","error":${JSON.stringify(e)}}`;
  }
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"error":${JSON.stringify(e)}}`;
}

/**
 * The text of a notification or request the server sends.
 * @param method Method name.
 * @param params Params object.
 * @param id When given, a request.
 * @returns JSON text.
 */
export function messageText(method: string, params: unknown, id?: JsonRpcId): string {
  return JSON.stringify(
    id === undefined ? { jsonrpc: '2.0', method, params } : { jsonrpc: '2.0', id, method, params },
  );
}
