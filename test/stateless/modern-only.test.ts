/**
 * createStatelessMcp, the modern-only server (DUAL-08), over a real socket. The official 2026 client connects to it
 * pinned or probing ('auto'), and tools, MRTR, listen streams and cancellation work as on the dual-era server. Legacy
 * traffic gets the answers DUAL-08 asks for: the 2026 client in 'legacy' mode, the v1 SDK client, and hand-built
 * requests. Every message the server sends is checked against the 2026-07-28 schema, and the server holds nothing
 * after each test.
 */
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1Transport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createStatelessMcp, withListen, withResourceTemplates, withTasks, withValibotJsonSchema } from '@x/mcp-core';
import type { McpOptions } from '@x/mcp-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Raw } from './harness.ts';
import { V, connect, expectIdle, expectJsonRpcError, raw, rpc, startFixture, trackClients, waitFor, within } from './harness.ts';
import type { Served } from './harness.ts';

const FEATURES = [withTasks, withListen, withResourceTemplates, withValibotJsonSchema];
const createModernOnly = (options: McpOptions) => createStatelessMcp({ ...options, features: FEATURES });

let s: Served;
let http: Raw;
const clients = trackClients(() => s.url);
const client = clients.connect;

beforeAll(async () => {
  s = await startFixture({}, undefined, createModernOnly);
  http = raw(s.url);
});
afterAll(async () => {
  await http?.close();
  await s?.close();
});

afterEach(async () => {
  // DUAL-08: the modern-only server never needed GET or DELETE, and it holds no session.
  await clients.closeAll();
  await expectIdle(s.mcp);
  expect(s.errors).toEqual([]);
  s.observed.elicitRuns.length = 0;
});

/** A 2025 client's initialize, as it goes on the wire (no MCP-Protocol-Version: TRAP-07). */
const INITIALIZE = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'old', version: '1' } } };
const LEGACY_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

describe('the official 2026 client (DISC-01, DUAL-05, DUAL-08)', () => {
  it('pinned to 2026-07-28: server/discover names 2026-07-28 alone; tools, MRTR and progress work', async () => {
    const c = await client({
      capabilities: { elicitation: {} },
      setup: (cl) => cl.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { name: 'Ada' } })),
    });
    expect(c.client.getProtocolEra()).toBe('modern');
    const discover = c.wire.posts('server/discover')[0]!;
    // DUAL-05: supportedVersions names every version served, and this server serves one.
    expect(discover.messages[0].result.supportedVersions).toEqual([V]);

    expect((await c.client.callTool({ name: 'echo', arguments: { text: 'hi' } })).content).toEqual([{ type: 'text', text: 'hi' }]);
    expect((await c.client.callTool({ name: 'elicit_name', arguments: {} })).content).toEqual([{ type: 'text', text: 'Hello, Ada' }]);
    expect(s.observed.elicitRuns).toHaveLength(2);
    const progress: unknown[] = [];
    await c.client.callTool({ name: 'chatty', arguments: {} }, { onprogress: (p) => void progress.push(p) });
    expect(progress).toHaveLength(3);
    expect(s.mcp.stats().sessions).toBe(0);
  });

  it("'auto' negotiation probes with server/discover and settles on 2026-07-28 without an initialize", async () => {
    const c = await client({ mode: 'auto' });
    expect(c.client.getProtocolEra()).toBe('modern');
    expect(c.client.getNegotiatedProtocolVersion()).toBe(V);
    expect(c.wire.posts('initialize')).toEqual([]);
    expect((await c.client.listTools()).tools.map((t) => t.name)).toContain('echo');
  });

  it('listen streams carry list changes, since sessions cannot (SUB-03)', async () => {
    const changed: unknown[] = [];
    const c = await client({ setup: (cl) => cl.setNotificationHandler('notifications/tools/list_changed', (n) => void changed.push(n)) });
    const sub = await within(c.client.listen({ toolsListChanged: true }), 3000, 'listen');
    await waitFor(() => s.mcp.stats().listenStreams === 1, 'one listen stream');
    s.mcp.tool('late', { description: 'Registered while listening' }, () => ({ content: [] })).remove();
    await waitFor(() => changed.length >= 1, 'notifications/tools/list_changed');
    await sub.close();
    await waitFor(() => s.mcp.stats().listenStreams === 0, 'the listen stream to close');
  });

  it("in 'legacy' mode its initialize is refused with -32022 naming 2026-07-28 (DUAL-08)", async () => {
    await expect(connect(s.url, { mode: 'legacy' })).rejects.toThrow(/-32022.*serves 2026-07-28 only/);
  });
});

describe('a 2025 client: the v1 SDK (DUAL-08, TRAP-08)', () => {
  it('fails to connect, and the server keeps nothing of the attempt', async () => {
    const c = new V1Client({ name: 'v1', version: '1.0.0' });
    await expect(within(c.connect(new V1Transport(new URL(s.url))), 5000, 'v1 connect')).rejects.toThrow(/-32022.*serves 2026-07-28 only/);
    await c.close().catch(() => {});
    expect(s.mcp.stats().sessions).toBe(0);
  });
});

describe('legacy traffic, by hand (DUAL-08, HDR-02, M-05, MH-01)', () => {
  it('initialize → 400 with -32022, the supported versions and the requested one', async () => {
    const r = await http.send('POST', { headers: LEGACY_HEADERS, body: JSON.stringify(INITIALIZE) });
    const msg = expectJsonRpcError(r, 400, -32022, /serves 2026-07-28 only.*no initialize/, 0);
    expect(msg.error.data).toEqual({ supported: [V], requested: '2025-11-25' });
    expect(r.headers['mcp-session-id']).toBeUndefined();
  });

  it('a request without MCP-Protocol-Version → 400 with -32020 (HDR-02)', async () => {
    const r = await http.send('POST', { headers: LEGACY_HEADERS, body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list' }) });
    expectJsonRpcError(r, 400, -32020, /Missing MCP-Protocol-Version header/, 3);
  });

  it('a notification without it → 400 with -32020 too', async () => {
    const r = await http.send('POST', { headers: LEGACY_HEADERS, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
    expect(r.status).toBe(400);
    expect(r.json().error.code).toBe(-32020);
  });

  it('a 2025 version in the header → 400 with -32022 naming 2026-07-28 alone (M-05)', async () => {
    const body = { jsonrpc: '2.0', id: 4, method: 'tools/list' };
    const r = await http.send('POST', { headers: { ...LEGACY_HEADERS, 'mcp-protocol-version': '2025-06-18', 'mcp-session-id': 'abc' }, body: JSON.stringify(body) });
    const msg = expectJsonRpcError(r, 400, -32022, /"2025-06-18": this server serves 2026-07-28 only/, 4);
    expect(msg.error.data).toEqual({ supported: [V], requested: '2025-06-18' });
  });

  it.each(['GET', 'DELETE'])('%s → 405 with Allow: POST, whatever the client speaks (MH-01)', async (method) => {
    const r = await http.send(method, { headers: { accept: 'text/event-stream', 'mcp-session-id': 'abc', 'mcp-protocol-version': '2025-11-25', 'last-event-id': '1' } });
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('POST');
  });

  it('PUT → 405 with Allow: POST', async () => {
    const r = await http.send('PUT', { headers: LEGACY_HEADERS, body: '{}' });
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('POST');
  });

  it('a 2026 request that carries Mcp-Session-Id is served, and gets none back (DUAL-08)', async () => {
    const body = rpc('tools/call', { name: 'echo', arguments: { text: 'still here' } }, 5);
    const r = await http.post(body, { 'mcp-session-id': 'left-over' });
    expect(r.status).toBe(200);
    expect(r.json().result.content).toEqual([{ type: 'text', text: 'still here' }]);
    expect(r.headers['mcp-session-id']).toBeUndefined();
  });

  it('a 2025 batch → 400 naming 2026-07-28 (JR-10)', async () => {
    const r = await http.send('POST', { headers: LEGACY_HEADERS, body: JSON.stringify([INITIALIZE]) });
    expect(r.status).toBe(400);
    expect(r.json().error.message).toMatch(/Batches are not part of protocol 2026-07-28/);
  });
});
