/**
 * createStatelessMcp: the modern-only server (DUAL-08) in process. It refuses what configures sessions, serves the
 * 2026 path with the features it is given, and answers legacy traffic with the errors the spec names.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MODERN_VERSION, modernPost, post } from '../test-support/http';
import { createStatelessMcp } from './create-stateless-mcp';
import type { StatelessMcpOptions } from './create-stateless-mcp';
import { withLegacySse, withListen, withTasks } from './features/index';
import { ErrorCode } from './jsonrpc/codes';
import type { Mcp, McpOptions } from './mcp';

const servers: Mcp[] = [];
afterEach(async () => {
  for (const m of servers.splice(0)) await m.close();
});

function stateless(options: Partial<StatelessMcpOptions> = {}): Mcp {
  const mcp = createStatelessMcp({ name: 'edge', version: '1.0.0', keepAliveMs: 0, onError: () => {}, ...options });
  mcp.tool('echo', { inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } }, ({ text }) => ({
    content: [{ type: 'text', text: String(text) }],
  }));
  servers.push(mcp);
  return mcp;
}

const V = MODERN_VERSION;
const modern = modernPost;

const initialize = (protocolVersion: unknown, headers: Record<string, string> = {}) =>
  post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion, capabilities: {}, clientInfo: { name: 'c', version: '1' } } }, headers);

describe('createStatelessMcp', () => {
  it('answers a 2026-07-28 tools/call and keeps no session', async () => {
    const mcp = stateless();
    const res = await mcp.handle(modern('tools/call', { name: 'echo', arguments: { text: 'hi' } }));
    expect(res.status).toBe(200);
    expect((await res.json()).result.content).toEqual([{ type: 'text', text: 'hi' }]);
    expect(mcp.stats()).toMatchObject({ sessions: 0, connections: 0, inflight: 0, timers: 0, bufferedEvents: 0 });
  });

  it('server/discover names 2026-07-28 alone (DUAL-05) and no change notifications without withListen', async () => {
    const result = (await (await stateless().handle(modern('server/discover'))).json()).result;
    expect(result.supportedVersions).toEqual([V]);
    expect(result.capabilities.tools).toEqual({});
    expect(result.capabilities.extensions).toBeUndefined();
  });

  it('with withTasks and withListen, server/discover declares both', async () => {
    const result = (await (await stateless({ features: [withTasks, withListen] }).handle(modern('server/discover'))).json()).result;
    expect(result.capabilities.extensions).toEqual({ 'io.modelcontextprotocol/tasks': {} });
    expect(result.capabilities.tools).toEqual({ listChanged: true });
  });

  it.each([
    ['2025-11-25', {}, '2025-11-25'],
    [undefined, {}, ''],
    [42, { 'mcp-protocol-version': '2025-06-18' }, '2025-06-18'],
  ])('initialize asking for %s → 400 with -32022, supported [2026-07-28] (DUAL-08)', async (asked, headers, requested) => {
    const res = await stateless().handle(initialize(asked, headers));
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.id).toBe(0);
    expect(body.error.code).toBe(ErrorCode.UnsupportedProtocolVersion);
    expect(body.error.data).toEqual({ supported: [V], requested });
    expect(body.error.message).toMatch(/serves 2026-07-28 only, per request, with no initialize or sessions/);
    expect(res.headers.get('mcp-session-id')).toBeNull();
  });

  it('a request with neither the header nor _meta → 400 with -32020 (HDR-02)', async () => {
    const res = await stateless().handle(post({ jsonrpc: '2.0', id: 1, method: 'tools/list' }));
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe(ErrorCode.HeaderMismatch);
    expect(body.error.message).toMatch(/Missing MCP-Protocol-Version header.*HDR-02, DUAL-08/);
  });

  it('a 2025 header version → 400 with -32022 that does not send the client to initialize', async () => {
    const res = await stateless().handle(post({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, { 'mcp-protocol-version': '2025-03-26', 'mcp-session-id': 's' }));
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.data).toEqual({ supported: [V], requested: '2025-03-26' });
    expect(body.error.message).not.toMatch(/initialize and a session/);
  });

  it('a modern header without _meta still gets -32602 for the missing envelope (M-01)', async () => {
    const res = await stateless().handle(post({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, { 'mcp-protocol-version': V, 'mcp-method': 'tools/list' }));
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe(ErrorCode.InvalidParams);
  });

  it.each(['GET', 'DELETE', 'PATCH'])('%s → 405 with Allow: POST (DUAL-08)', async (method) => {
    const res = await stateless().handle(new Request('http://localhost/mcp', { method, headers: { 'mcp-session-id': 's', 'mcp-protocol-version': '2025-11-25' } }));
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    await res.body?.cancel();
  });

  it('the HTTP+SSE paths are not endpoints (404)', async () => {
    const res = await stateless().handle(new Request('http://localhost/sse', { headers: { accept: 'text/event-stream' } }));
    expect(res.status).toBe(404);
  });

  it.each<[keyof McpOptions, unknown]>([
    ['sessions', { maxSessions: 10 }],
    ['retryMs', 500],
    ['clientRequestTimeoutMs', 1000],
    ['eventStore', { append: () => '1', replay: async () => undefined }],
    ['legacySse', { ssePath: '/events' }],
  ])('refuses the session option %s with a TypeError naming it', (option, value) => {
    expect(() => createStatelessMcp({ name: 'x', version: '1', [option]: value } as StatelessMcpOptions)).toThrow(
      new TypeError(`The ${option} option configures 2025 sessions, and a stateless server (createStatelessMcp) has none: build it with createMcp or createLeanMcp`),
    );
  });

  it('accepts eventStore: false and legacySse: false, which say what it is anyway', () => {
    expect(() => stateless({ eventStore: false, legacySse: false } as Partial<StatelessMcpOptions>)).not.toThrow();
  });

  it('refuses withLegacySse', () => {
    expect(() => createStatelessMcp({ name: 'x', version: '1', features: [withLegacySse] })).toThrow(/withLegacySse serves 2024-11-05 clients through sessions/);
  });

  it('refuses the tasks option without withTasks, as createLeanMcp does', () => {
    expect(() => createStatelessMcp({ name: 'x', version: '1', tasks: { ttlMs: 10 } })).toThrow(/needs the withTasks feature/);
  });
});
