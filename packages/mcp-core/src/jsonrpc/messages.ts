/**
 * JSON-RPC 2.0 message shapes and a one-pass classifier (checklist §1).
 */
import { ErrorCode } from './codes';

/** A request id: a string or an integer, never null (JR-02). */
export type JsonRpcId = string | number;

/** Params of MCP messages are always objects (JR-01). */
export type JsonRpcParams = Record<string, unknown>;

/** A request: expects a response. */
export interface JsonRpcRequest {
  jsonrpc: '2.0';
  id: JsonRpcId;
  method: string;
  params?: JsonRpcParams;
}

/** A notification: never answered (JR-05). */
export interface JsonRpcNotification {
  jsonrpc: '2.0';
  method: string;
  params?: JsonRpcParams;
}

/** The error member of an error response (JR-04). */
export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/** A response from the peer: exactly one of result or error (JR-03). */
export interface JsonRpcResponse {
  jsonrpc: '2.0';
  id: JsonRpcId;
  result?: unknown;
  error?: JsonRpcErrorObject;
}

/** What one parsed element turned out to be. */
export type Classified =
  | { kind: 'request'; message: JsonRpcRequest }
  | { kind: 'notification'; message: JsonRpcNotification }
  | { kind: 'response'; message: JsonRpcResponse }
  | { kind: 'invalid'; id: JsonRpcId | undefined; code: number; reason: string };

const isId = (v: unknown): v is JsonRpcId =>
  typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));

/**
 * Classifies one decoded JSON value as a request, notification or response, or says why it is none.
 * No allocation beyond the result object; never throws.
 * @param value One element of a parsed body.
 * @returns The classification.
 */
export function classify(value: unknown): Classified {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'invalid', id: undefined, code: ErrorCode.InvalidRequest, reason: 'A JSON-RPC message must be an object' };
  }
  const m = value as Record<string, unknown>;
  const rawId = m.id;
  const hasId = rawId !== undefined;
  const id = isId(rawId) ? rawId : undefined;
  if (m.jsonrpc !== '2.0') {
    return { kind: 'invalid', id, code: ErrorCode.InvalidRequest, reason: 'The "jsonrpc" member must be exactly "2.0"' };
  }
  if (hasId && id === undefined) {
    return { kind: 'invalid', id: undefined, code: ErrorCode.InvalidRequest, reason: 'The "id" member must be a string or an integer (null is not allowed)' };
  }
  if ('method' in m) {
    if (typeof m.method !== 'string' || m.method.length === 0) {
      return { kind: 'invalid', id, code: ErrorCode.InvalidRequest, reason: 'The "method" member must be a non-empty string' };
    }
    const p = m.params;
    if (p !== undefined && (typeof p !== 'object' || p === null || Array.isArray(p))) {
      return { kind: 'invalid', id, code: ErrorCode.InvalidParams, reason: 'The "params" member must be an object' };
    }
    return id === undefined
      ? { kind: 'notification', message: value as JsonRpcNotification }
      : { kind: 'request', message: value as JsonRpcRequest };
  }
  if (id !== undefined && (('result' in m) !== ('error' in m))) {
    return { kind: 'response', message: value as JsonRpcResponse };
  }
  return { kind: 'invalid', id, code: ErrorCode.InvalidRequest, reason: 'Not a request, notification or response' };
}

/**
 * Parses a body once. Returns `undefined` for malformed JSON (the caller answers -32700).
 * @param text The request body.
 * @returns The decoded value, or undefined.
 */
export function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}
