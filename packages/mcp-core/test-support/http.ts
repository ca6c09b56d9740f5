/**
 * Requests for the core's unit tests: a JSON-RPC POST to the endpoint, and a 2025 session opened through it.
 */
import { expect } from 'vitest';
import type { Mcp } from '../src/mcp';

/** The endpoint the tests call. */
export const URL_ = 'http://localhost/mcp';
/** What a 2025 client accepts on a POST. */
export const ACCEPT_BOTH = 'application/json, text/event-stream';

/**
 * A POST of `body` as JSON that accepts both JSON and SSE.
 * @param body The JSON-RPC message (or anything to serialise).
 * @param headers Extra headers.
 * @returns The request.
 */
export function post(body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(URL_, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: ACCEPT_BOTH, ...headers },
    body: JSON.stringify(body),
  });
}

/** An open 2025 session. */
export interface Session {
  sid: string;
  version: string;
}

/**
 * The two headers every request of `s` carries.
 * @param s The session.
 * @param extra More headers.
 * @returns The headers.
 */
export const sessionHeaders = (s: Session, extra: Record<string, string> = {}): Record<string, string> => ({
  'mcp-session-id': s.sid,
  'mcp-protocol-version': s.version,
  ...extra,
});

/**
 * Opens a session: initialize (checked 200 with a session id) and notifications/initialized (checked 202).
 * @param mcp The server.
 * @param version The protocol version the client asks for.
 * @param capabilities The client's capabilities.
 * @returns The session.
 */
export async function openSession(mcp: Mcp, version = '2025-11-25', capabilities: Record<string, unknown> = {}): Promise<Session> {
  const res = await mcp.handle(
    post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: version, capabilities, clientInfo: { name: 'c', version: '1' } } }),
  );
  expect(res.status).toBe(200);
  const sid = res.headers.get('mcp-session-id')!;
  expect(sid).toBeTruthy();
  const ack = await mcp.handle(post({ jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': sid, 'mcp-protocol-version': version }));
  expect(ack.status).toBe(202);
  return { sid, version };
}

/** The 2026-07-28 revision, the one the `modernPost` requests carry. */
export const MODERN_VERSION = '2026-07-28';

/**
 * A well-formed 2026-07-28 POST: the `_meta` envelope (version, capabilities, client info) and the mirrored headers
 * (HDR-01, HDR-03: `Mcp-Name` from `params.name`, `params.uri` or `params.taskId`).
 * @param method The JSON-RPC method.
 * @param params Its params, without `_meta`.
 * @param caps The client capabilities it declares.
 * @returns The request, with id 7.
 */
export function modernPost(method: string, params: Record<string, unknown> = {}, caps: Record<string, unknown> = {}): Request {
  const meta = {
    'io.modelcontextprotocol/protocolVersion': MODERN_VERSION,
    'io.modelcontextprotocol/clientCapabilities': caps,
    'io.modelcontextprotocol/clientInfo': { name: 'c', version: '1' },
  };
  const headers: Record<string, string> = { 'mcp-protocol-version': MODERN_VERSION, 'mcp-method': method };
  const name = params.name ?? params.uri ?? params.taskId;
  if (typeof name === 'string') headers['mcp-name'] = name;
  return post({ jsonrpc: '2.0', id: 7, method, params: { ...params, _meta: meta } }, headers);
}
