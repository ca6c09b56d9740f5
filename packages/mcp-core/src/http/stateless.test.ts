/**
 * The stateless 2026-07-28 path (checklist §6–7), driven in-process through createMcp + handle (no sockets).
 */
import { describe, expect, it, vi } from 'vitest';
import { testServers } from '../../test-support/servers';
import { URL_, openSession, post, sessionHeaders } from '../../test-support/http';
import { deferred, within } from '../../test-support/timing';
import { sse } from '../../test-support/sse';
import { createMcp } from '../create-mcp';
import type { Mcp, McpOptions } from '../mcp';
import { McpError } from '../errors';
import { ErrorCode } from '../jsonrpc/codes';
import { LEGACY_VERSIONS, SUPPORTED_VERSIONS } from '../protocol/versions';
import type { HandlerContext } from '../server/types';

const V = '2026-07-28';
const PV = 'io.modelcontextprotocol/protocolVersion';
const CAPS = 'io.modelcontextprotocol/clientCapabilities';
const INFO = 'io.modelcontextprotocol/clientInfo';
const LOG_LEVEL = 'io.modelcontextprotocol/logLevel';
const SERVER_INFO = 'io.modelcontextprotocol/serverInfo';
const SERVER = { name: 'test', version: '1.0.0' };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const server = testServers();

/** A full 2026-07-28 `_meta` envelope (M-01, M-02). */
const envelope = (caps: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  [PV]: V,
  [CAPS]: caps,
  [INFO]: { name: 'client', version: '1' },
  ...extra,
});

interface ModernOptions {
  id?: number | string;
  caps?: Record<string, unknown>;
  /** Extra `_meta` fields (progressToken, logLevel, ...). */
  meta?: Record<string, unknown>;
  /** Extra or overriding headers. */
  headers?: Record<string, string>;
}

/** The headers a well-behaved 2026-07-28 client mirrors (HDR-01, HDR-03). */
function mirrored(method: string, params: Record<string, unknown>): Record<string, string> {
  const h: Record<string, string> = { 'mcp-protocol-version': V, 'mcp-method': method };
  const name = method === 'resources/read' ? params.uri : method === 'tools/call' || method === 'prompts/get' ? params.name : undefined;
  if (typeof name === 'string') h['mcp-name'] = name;
  return h;
}

/** A well-formed 2026-07-28 request. */
function modernRequest(method: string, params: Record<string, unknown> = {}, o: ModernOptions = {}): Request {
  const full = { ...params, _meta: envelope(o.caps, o.meta) };
  return post({ jsonrpc: '2.0', id: o.id ?? 1, method, params: full }, { ...mirrored(method, params), ...o.headers });
}

const rpc = (mcp: Mcp, method: string, params: Record<string, unknown> = {}, o: ModernOptions = {}, rctx?: { signal?: AbortSignal }) =>
  mcp.handle(modernRequest(method, params, o), rctx);

const callTool = (mcp: Mcp, name: string, o: ModernOptions = {}, args?: Record<string, unknown>, rctx?: { signal?: AbortSignal }) =>
  rpc(mcp, 'tools/call', args === undefined ? { name } : { name, arguments: args }, o, rctx);


const text = (t: string) => ({ content: [{ type: 'text' as const, text: t }] });

/** A tool that waits for its signal to abort, then returns. */
function abortableTool(mcp: Mcp, name = 'wait', progressFirst = false) {
  const started = deferred<HandlerContext>();
  const aborted = deferred<unknown>();
  mcp.tool(name, {}, (_a, ctx) => {
    if (progressFirst) ctx.progress(1);
    started.resolve(ctx);
    return new Promise((resolve) => {
      ctx.signal.addEventListener('abort', () => {
        aborted.resolve(ctx.signal.reason);
        resolve(text('too late'));
      });
    });
  });
  return { started, aborted };
}

describe('era classification (DUAL-02, DUAL-03)', () => {
  it('DUAL-02: a request with a 2026 _meta is served statelessly: resultType, no session header', async () => {
    const mcp = server();
    mcp.tool('t', {}, () => text('ok'));
    const res = await callTool(mcp, 't');
    expect(res.status).toBe(200);
    expect(res.headers.get('mcp-session-id')).toBeNull();
    const body = await res.json();
    expect(body).toEqual({ jsonrpc: '2.0', id: 1, result: { ...text('ok'), resultType: 'complete', _meta: { [SERVER_INFO]: SERVER } } });
    expect(mcp.stats().sessions).toBe(0);
  });

  it('DUAL-02: initialize without _meta opens a legacy session', async () => {
    const mcp = server();
    const res = await mcp.handle(
      post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } } }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('mcp-session-id')).toBeTruthy();
    const body = await res.json();
    expect(body.result.protocolVersion).toBe('2025-11-25');
    expect(body.result.resultType).toBeUndefined();
    expect(mcp.stats().sessions).toBe(1);
  });

  it('DUAL-02, M-09, MH-07: initialize with a 2026 _meta is an unknown method: 404 + -32601, no session', async () => {
    const mcp = server();
    const res = await rpc(mcp, 'initialize', { protocolVersion: V, capabilities: {}, clientInfo: { name: 'c', version: '1' } }, { id: 'init' });
    expect(res.status).toBe(404);
    expect(res.headers.get('mcp-session-id')).toBeNull();
    const body = await res.json();
    expect(body.id).toBe('init');
    expect(body.error.code).toBe(ErrorCode.MethodNotFound);
    expect(mcp.stats().sessions).toBe(0);
  });

  it('DUAL-03, M-05, DUAL-05: an unknown non-legacy header version without _meta gets -32022 (400), not a session error', async () => {
    const mcp = server();
    const res = await mcp.handle(post({ jsonrpc: '2.0', id: 3, method: 'tools/list' }, { 'mcp-protocol-version': '2099-01-01', 'mcp-method': 'tools/list' }));
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.id).toBe(3);
    expect(body.error.code).toBe(ErrorCode.UnsupportedProtocolVersion);
    expect(body.error.data).toEqual({ supported: SUPPORTED_VERSIONS, requested: '2099-01-01' });
    expect(mcp.stats().sessions).toBe(0);
  });

  it('DUAL-03: a legacy header version without _meta stays on the session path (400 "no session" of the legacy era)', async () => {
    const mcp = server();
    const res = await mcp.handle(post({ jsonrpc: '2.0', id: 3, method: 'tools/list' }, { 'mcp-protocol-version': '2025-06-18' }));
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).not.toBe(ErrorCode.UnsupportedProtocolVersion);
  });

  it('DUAL-06, MH-01: a 2026 request never creates a session and ignores Mcp-Session-Id (unknown or live)', async () => {
    const mcp = server();
    mcp.tool('who', {}, (_a, ctx) => text(String(ctx.sessionId)));
    // An id that was never issued: the legacy path would answer 404; the stateless path ignores it.
    const unknown = await callTool(mcp, 'who', { headers: { 'mcp-session-id': 'never-issued' } });
    expect(unknown.status).toBe(200);
    expect(unknown.headers.get('mcp-session-id')).toBeNull();
    expect((await unknown.json()).result.content[0].text).toBe('undefined');
    for (let i = 0; i < 3; i++) expect((await rpc(mcp, 'tools/list', {}, { id: i })).status).toBe(200);
    expect((await rpc(mcp, 'server/discover')).status).toBe(200);
    expect(mcp.stats().sessions).toBe(0);

    // A live session's id on a 2026 request is ignored too: the handler sees no session.
    const s = await openSession(mcp);
    const live = await callTool(mcp, 'who', { headers: { 'mcp-session-id': s.sid } });
    expect(live.headers.get('mcp-session-id')).toBeNull();
    expect((await live.json()).result.content[0].text).toBe('undefined');
    expect(mcp.stats().sessions).toBe(1);
  });

  it('DUAL-06, LOG-02: a session that set logging/setLevel debug does not make a 2026 request log', async () => {
    const mcp = server();
    mcp.tool('chatty', {}, (_a, ctx) => {
      ctx.log.emergency('boom');
      return text('ok');
    });
    const s = await openSession(mcp, '2025-06-18');
    const set = await mcp.handle(post({ jsonrpc: '2.0', id: 1, method: 'logging/setLevel', params: { level: 'debug' } }, sessionHeaders(s)));
    expect((await set.json()).result).toEqual({});
    // The 2026 request carries the session's id but no logLevel: no notifications/message, so plain JSON.
    const res = await callTool(mcp, 'chatty', { headers: { 'mcp-session-id': s.sid } });
    expect(res.headers.get('content-type')).toBe('application/json');
    expect((await res.json()).result.content[0].text).toBe('ok');
  });

  it('DUAL-06, M-09: logging/setLevel and resources/subscribe do not exist on the 2026 path (404 + -32601)', async () => {
    const mcp = server();
    for (const [method, params] of [
      ['logging/setLevel', { level: 'debug' }],
      ['resources/subscribe', { uri: 'file:///r' }],
      ['resources/unsubscribe', { uri: 'file:///r' }],
      ['ping', {}],
    ] as const) {
      const res = await rpc(mcp, method, params);
      expect(res.status, method).toBe(404);
      expect((await res.json()).error.code, method).toBe(ErrorCode.MethodNotFound);
    }
  });

  it("DUAL-06: a session's resources/subscribe never puts resources/updated on a 2026 request's stream", async () => {
    const mcp = server();
    mcp.resource('r', 'file:///r', {}, (uri) => ({ contents: [{ uri, text: 'r' }] }));
    const gate = deferred();
    const progressed = deferred();
    mcp.tool('hold', {}, async (_a, ctx) => {
      ctx.progress(1);
      progressed.resolve();
      await gate.promise;
      return text('done');
    });
    const s = await openSession(mcp, '2025-06-18');
    const sub = await mcp.handle(post({ jsonrpc: '2.0', id: 2, method: 'resources/subscribe', params: { uri: 'file:///r' } }, sessionHeaders(s)));
    expect((await sub.json()).result).toEqual({});
    const get = await mcp.handle(new Request(URL_, { method: 'GET', headers: { accept: 'text/event-stream', ...sessionHeaders(s) } }));
    const getEvents = sse(get.body);

    const res = await callTool(mcp, 'hold', { meta: { progressToken: 'p' }, headers: { 'mcp-session-id': s.sid } });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    await within(progressed.promise);
    mcp.resourceUpdated('file:///r');
    // The session gets it on its GET stream ...
    expect(await within(getEvents.message())).toEqual({ jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri: 'file:///r' } });
    gate.resolve();
    // ... the 2026 stream carries only its own progress and result.
    const all = (await within(sse(res.body).rest())).map((e) => JSON.parse(e.data));
    expect(all.map((m) => m.method ?? 'result')).toEqual(['notifications/progress', 'result']);
    await getEvents.cancel();
  });
});

describe('check order (M-01, HDR-01, M-05, DISC-01)', () => {
  it('M-01, MH-08: missing clientCapabilities → -32602 with 400, even with a valid header', async () => {
    const mcp = server();
    const res = await mcp.handle(
      post({ jsonrpc: '2.0', id: 5, method: 'tools/list', params: { _meta: { [PV]: V } } }, { 'mcp-protocol-version': V, 'mcp-method': 'tools/list' }),
    );
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.id).toBe(5);
    expect(body.error.code).toBe(ErrorCode.InvalidParams);
    expect(body.error.message).toContain(CAPS);
  });

  it('M-01, MH-08: a modern header with no _meta at all (or no version in it) → -32602 with 400', async () => {
    const mcp = server();
    for (const params of [undefined, {}, { _meta: { [CAPS]: {} } }]) {
      const res = await mcp.handle(
        post({ jsonrpc: '2.0', id: 6, method: 'tools/list', params }, { 'mcp-protocol-version': V, 'mcp-method': 'tools/list' }),
      );
      expect(res.status, JSON.stringify(params)).toBe(400);
      const body = await res.json();
      expect(body.error.code, JSON.stringify(params)).toBe(ErrorCode.InvalidParams);
      expect(body.error.message).toContain(PV);
    }
  });

  it('M-01: clientCapabilities must be an object; clientInfo is optional (M-02)', async () => {
    const mcp = server();
    const bad = await mcp.handle(
      post({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: { [PV]: V, [CAPS]: 'all' } } }, { 'mcp-protocol-version': V, 'mcp-method': 'tools/list' }),
    );
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe(ErrorCode.InvalidParams);
    const noInfo = await mcp.handle(
      post({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: { [PV]: V, [CAPS]: {} } } }, { 'mcp-protocol-version': V, 'mcp-method': 'tools/list' }),
    );
    expect(noInfo.status).toBe(200);
    expect((await noInfo.json()).result.resultType).toBe('complete');
  });

  it('HDR-02: a 2026 _meta without MCP-Protocol-Version → -32020 (400)', async () => {
    const mcp = server();
    const res = await mcp.handle(post({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: envelope() } }, { 'mcp-method': 'tools/list' }));
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe(ErrorCode.HeaderMismatch);
  });

  it('HDR-01 before M-05: a header/_meta mismatch is -32020 even when the _meta version is unsupported', async () => {
    const mcp = server();
    const res = await mcp.handle(
      post({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: { ...envelope(), [PV]: '2099-01-01' } } }, { 'mcp-protocol-version': V, 'mcp-method': 'tools/list' }),
    );
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe(ErrorCode.HeaderMismatch);
  });

  it('M-05: a matching but unsupported version → -32022 (400) with data.supported and data.requested', async () => {
    const mcp = server();
    const res = await mcp.handle(
      post(
        { jsonrpc: '2.0', id: 'u', method: 'tools/list', params: { _meta: { ...envelope(), [PV]: '2099-01-01' } } },
        { 'mcp-protocol-version': '2099-01-01', 'mcp-method': 'tools/list' },
      ),
    );
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.id).toBe('u');
    expect(body.error.code).toBe(ErrorCode.UnsupportedProtocolVersion);
    expect(body.error.data).toEqual({ supported: SUPPORTED_VERSIONS, requested: '2099-01-01' });
  });

  it('DUAL-05, DISC-02: the -32022 supported list equals server/discover supportedVersions and names the legacy versions', async () => {
    const mcp = server();
    const discover = await (await rpc(mcp, 'server/discover')).json();
    const unsupported = await (
      await mcp.handle(
        post({ jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta: { ...envelope(), [PV]: '1999-01-01' } } }, { 'mcp-protocol-version': '1999-01-01', 'mcp-method': 'server/discover' }),
      )
    ).json();
    expect(unsupported.error.code).toBe(ErrorCode.UnsupportedProtocolVersion);
    expect(unsupported.error.data.supported).toEqual(discover.result.supportedVersions);
    expect(discover.result.supportedVersions).toContain(V);
    for (const legacy of LEGACY_VERSIONS) expect(discover.result.supportedVersions).toContain(legacy);
  });

  it('HDR-03: the Mcp-Method check runs after the envelope (a missing header is -32020 400)', async () => {
    const mcp = server();
    const res = await rpc(mcp, 'tools/list', {}, { headers: { 'mcp-method': 'tools/call' } });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe(ErrorCode.HeaderMismatch);
  });
});

describe('result shape (JR-14, M-06, DISC-02, CACHE-01, CACHE-02)', () => {
  function populated(options: Partial<McpOptions> = {}) {
    const mcp = server(options);
    mcp.tool('a', {}, () => text('a'));
    mcp.tool('b', {}, () => text('b'));
    mcp.tool('c', {}, () => text('c'));
    mcp.prompt('p1', {}, () => ({ messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }] }));
    mcp.prompt('p2', {}, () => ({ messages: [] }));
    mcp.resource('r1', 'file:///r1', {}, (uri) => ({ contents: [{ uri, text: 'one' }] }));
    mcp.resource('r2', 'file:///r2', { cache: { ttlMs: 5, scope: 'public' } }, (uri) => ({ contents: [{ uri, text: 'two' }] }));
    mcp.resource('r3', 'file:///r3', { cache: { ttlMs: 7 } }, (uri) => ({ contents: [{ uri, text: 'three' }] }));
    mcp.resourceTemplate('t1', 'file:///t/{x}', { cache: { ttlMs: 9, scope: 'public' } }, (uri) => ({ contents: [{ uri, text: 'tmpl' }] }));
    mcp.resourceTemplate('t2', 'file:///u/{x}', {}, (uri) => ({ contents: [{ uri, text: 'tmpl2' }] }));
    return mcp;
  }

  /** JR-14 + M-06 on one JSON-RPC answer. */
  function expectShaped(body: Json, what: string) {
    expect(body.error, what).toBeUndefined();
    expect(['complete', 'input_required'], what).toContain(body.result.resultType);
    expect(body.result._meta?.[SERVER_INFO], what).toEqual(SERVER);
  }

  it('DISC-01, DISC-02, CACHE-01: server/discover has versions, capabilities, instructions, serverInfo in _meta and caching fields', async () => {
    const mcp = server({ instructions: 'Be nice' });
    const res = await rpc(mcp, 'server/discover', {}, { id: 'd' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = await res.json();
    expect(body.id).toBe('d');
    expect(body.result).toMatchObject({
      resultType: 'complete',
      supportedVersions: SUPPORTED_VERSIONS,
      instructions: 'Be nice',
      ttlMs: 0,
      cacheScope: 'private',
      _meta: { [SERVER_INFO]: SERVER },
    });
    expect(body.result.capabilities).toMatchObject({ tools: {}, resources: {}, prompts: {} });
    expect(body.result.serverInfo).toBeUndefined(); // DISC-02: in _meta, not top level
  });

  it('JR-14, M-06: every kind of result carries resultType and _meta serverInfo', async () => {
    const mcp = populated();
    const calls: Array<[string, Record<string, unknown>]> = [
      ['server/discover', {}],
      ['tools/list', {}],
      ['prompts/list', {}],
      ['resources/list', {}],
      ['resources/templates/list', {}],
      ['tools/call', { name: 'a' }],
      ['prompts/get', { name: 'p1' }],
      ['resources/read', { uri: 'file:///r1' }],
      ['resources/read', { uri: 'file:///t/42' }],
      ['completion/complete', { ref: { type: 'ref/prompt', name: 'p1' }, argument: { name: 'x', value: '' } }],
    ];
    for (const [method, params] of calls) {
      const res = await rpc(mcp, method, params);
      expect(res.status, method).toBe(200);
      expectShaped(await res.json(), method);
    }
  });

  it('JR-14: a tool result cannot carry an extension resultType ("task") the request did not declare', async () => {
    const mcp = server();
    mcp.tool('sneaky', {}, () => ({ ...text('x'), resultType: 'task' }) as ReturnType<typeof text>);
    const body = await (await callTool(mcp, 'sneaky')).json();
    expect(body.result?.resultType).not.toBe('task');
  });

  it('M-06: a handler result with its own _meta keeps it beside serverInfo', async () => {
    const mcp = server();
    mcp.tool('m', {}, () => ({ ...text('x'), _meta: { 'example.com/k': 1 } }));
    const body = await (await callTool(mcp, 'm')).json();
    expect(body.result._meta).toEqual({ 'example.com/k': 1, [SERVER_INFO]: SERVER });
  });

  it('CACHE-01: every list carries ttlMs and cacheScope (defaults 0 / private)', async () => {
    const mcp = populated();
    for (const method of ['tools/list', 'prompts/list', 'resources/list', 'resources/templates/list']) {
      const body = await (await rpc(mcp, method)).json();
      expect(body.result.ttlMs, method).toBe(0);
      expect(body.result.cacheScope, method).toBe('private');
    }
  });

  it('CACHE-01: the server cache option sets discover, lists and resources/read without their own hint', async () => {
    const mcp = populated({ cache: { ttlMs: 60_000, scope: 'public' } });
    for (const [method, params] of [
      ['server/discover', {}],
      ['tools/list', {}],
      ['prompts/list', {}],
      ['resources/list', {}],
      ['resources/templates/list', {}],
      ['resources/read', { uri: 'file:///r1' }],
      ['resources/read', { uri: 'file:///u/1' }],
    ] as const) {
      const body = await (await rpc(mcp, method, params)).json();
      expect(body.result.ttlMs, method).toBe(60_000);
      expect(body.result.cacheScope, method).toBe('public');
    }
  });

  it('CACHE-01: a per-resource (and per-template) cache hint overrides the server default, field by field', async () => {
    const mcp = populated({ cache: { ttlMs: 1000, scope: 'private' } });
    const read = async (uri: string) => (await (await rpc(mcp, 'resources/read', { uri })).json()).result;
    expect(await read('file:///r2')).toMatchObject({ ttlMs: 5, cacheScope: 'public', contents: [{ uri: 'file:///r2', text: 'two' }] });
    expect(await read('file:///r3')).toMatchObject({ ttlMs: 7, cacheScope: 'private' }); // scope from the server
    expect(await read('file:///t/1')).toMatchObject({ ttlMs: 9, cacheScope: 'public' });
    expect(await read('file:///r1')).toMatchObject({ ttlMs: 1000, cacheScope: 'private' });
  });

  it('CACHE-01: the cache option rejects a negative or fractional ttlMs at construction', () => {
    expect(() => createMcp({ ...SERVER, cache: { ttlMs: -1 } })).toThrow(RangeError);
    expect(() => createMcp({ ...SERVER, cache: { ttlMs: 1.5 } })).toThrow(RangeError);
  });

  it('CACHE-02, PAG-01: with pageSize 1 every page of every list carries the same cacheScope, ttlMs, resultType and serverInfo', async () => {
    const mcp = populated({ pageSize: 1, cache: { ttlMs: 30, scope: 'public' } });
    const expected: Record<string, number> = { tools: 3, prompts: 2, resources: 3, resourceTemplates: 2 };
    for (const [method, key] of [
      ['tools/list', 'tools'],
      ['prompts/list', 'prompts'],
      ['resources/list', 'resources'],
      ['resources/templates/list', 'resourceTemplates'],
    ] as const) {
      const items: unknown[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const body = await (await rpc(mcp, method, cursor === undefined ? {} : { cursor })).json();
        expectShaped(body, `${method} page ${pages}`);
        expect(body.result.cacheScope, method).toBe('public');
        expect(body.result.ttlMs, method).toBe(30);
        expect(body.result[key]).toHaveLength(1);
        items.push(...body.result[key]);
        cursor = body.result.nextCursor;
        pages++;
        expect(pages).toBeLessThanOrEqual(10);
      } while (cursor !== undefined);
      expect(pages, method).toBe(expected[key]);
      expect(items, method).toHaveLength(expected[key]!);
    }
  });

  it('CACHE-01, JR-14, M-06: a resources/list built from template list() callbacks carries the caching fields too', async () => {
    const mcp = server({ cache: { ttlMs: 12, scope: 'public' } });
    mcp.resource('r1', 'file:///r1', {}, (uri) => ({ contents: [{ uri, text: 'one' }] }));
    mcp.resourceTemplate('t', 'file:///t/{x}', { list: () => [{ uri: 'file:///t/a', name: 'a' }] }, (uri) => ({ contents: [{ uri, text: '' }] }));
    const body = await (await rpc(mcp, 'resources/list')).json();
    expectShaped(body, 'resources/list (dynamic)');
    expect(body.result.resources.map((r: { uri: string }) => r.uri)).toEqual(['file:///r1', 'file:///t/a']);
    expect(body.result).toMatchObject({ ttlMs: 12, cacheScope: 'public' });
  });

  it('CACHE-01: a per-resource hint can never put a negative/fractional ttlMs or an unknown cacheScope on the wire', async () => {
    const mcp = server();
    try {
      mcp.resource('bad', 'file:///bad', { cache: { ttlMs: -5, scope: 'shared' as 'public' } }, (uri) => ({ contents: [{ uri, text: '' }] }));
    } catch (e) {
      expect(e).toBeInstanceOf(Error); // rejecting the registration is a fine fix
      expect(() => createMcp({ ...SERVER, cache: { scope: 'shared' as 'public' } })).toThrow();
      return;
    }
    const result = (await (await rpc(mcp, 'resources/read', { uri: 'file:///bad' })).json()).result;
    expect(Number.isSafeInteger(result.ttlMs) && result.ttlMs >= 0).toBe(true);
    expect(['public', 'private']).toContain(result.cacheScope);
  });

  it('CACHE-01: tools/call and prompts/get are not cacheable: no ttlMs, no cacheScope', async () => {
    const mcp = populated({ cache: { ttlMs: 60_000, scope: 'public' } });
    for (const [method, params] of [
      ['tools/call', { name: 'a' }],
      ['prompts/get', { name: 'p1' }],
      ['completion/complete', { ref: { type: 'ref/prompt', name: 'p1' }, argument: { name: 'x', value: '' } }],
    ] as const) {
      const body = await (await rpc(mcp, method, params)).json();
      expect(body.result.resultType, method).toBe('complete');
      expect('ttlMs' in body.result, method).toBe(false);
      expect('cacheScope' in body.result, method).toBe(false);
    }
  });

  it('MRTR-07: an input_required result carries no ttlMs/cacheScope, even for resources/read', async () => {
    const mcp = server({ cache: { ttlMs: 60_000, scope: 'public' } });
    mcp.resource('ask', 'file:///ask', { cache: { ttlMs: 5 } }, async (uri, ctx) => {
      const a = await ctx.elicit({ message: 'ok?', requestedSchema: { type: 'object', properties: {} } }, { key: 'q' });
      return { contents: [{ uri, text: a.action }] };
    });
    mcp.tool('askt', {}, async (_a, ctx) => {
      await ctx.elicit({ message: 'ok?', requestedSchema: { type: 'object', properties: {} } }, { key: 'q' });
      return text('x');
    });
    for (const res of [await rpc(mcp, 'resources/read', { uri: 'file:///ask' }, { caps: { elicitation: {} } }), await callTool(mcp, 'askt', { caps: { elicitation: {} } })]) {
      const body = await res.json();
      expectShaped(body, 'input_required');
      expect(body.result.resultType).toBe('input_required');
      expect('ttlMs' in body.result).toBe(false);
      expect('cacheScope' in body.result).toBe(false);
    }
  });

  it('ERR-02: resources/read of an unknown URI is -32602 (not -32002) with status 200', async () => {
    const mcp = populated();
    const res = await rpc(mcp, 'resources/read', { uri: 'file:///nope' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.error.code).toBe(ErrorCode.InvalidParams);
    expect(body.error.data).toEqual({ uri: 'file:///nope' });
  });
});

describe('HTTP statuses (MH-07, MH-08, M-04)', () => {
  it('MH-07, MH-08: an unknown method → 404 with a -32601 body', async () => {
    const mcp = server();
    const res = await rpc(mcp, 'nope/nothing', {}, { id: 9 });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toMatchObject({ jsonrpc: '2.0', id: 9, error: { code: ErrorCode.MethodNotFound } });
  });

  it('MH-08, TRAP-27: an unknown tool is -32602 with status 200; an unknown prompt too', async () => {
    const mcp = server();
    const res = await callTool(mcp, 'ghost');
    expect(res.status).toBe(200);
    expect((await res.json()).error).toMatchObject({ code: ErrorCode.InvalidParams, data: { name: 'ghost' } });
    const p = await rpc(mcp, 'prompts/get', { name: 'ghost' });
    expect(p.status).toBe(200);
    expect((await p.json()).error.code).toBe(ErrorCode.InvalidParams);
  });

  it('MH-08: an invalid cursor (-32602) and a handler McpError with an application code answer 200', async () => {
    const mcp = server();
    const res = await rpc(mcp, 'tools/list', { cursor: 'garbage' });
    expect(res.status).toBe(200);
    expect((await res.json()).error.code).toBe(ErrorCode.InvalidParams);
    mcp.tool('app', {}, () => {
      throw new McpError(1001, 'Quota exceeded', { retryAfter: 5 });
    });
    const app = await callTool(mcp, 'app');
    expect(app.status).toBe(200);
    expect((await app.json()).error).toEqual({ code: 1001, message: 'Quota exceeded', data: { retryAfter: 5 } });
  });

  it('JR-09, MH-08: a handler crash is -32603 with status 200 and reaches onError', async () => {
    const errors: unknown[] = [];
    const mcp = server({ onError: (e) => errors.push(e) });
    mcp.prompt('boom', {}, () => {
      throw new Error('kaput');
    });
    const res = await rpc(mcp, 'prompts/get', { name: 'boom' });
    expect(res.status).toBe(200);
    expect((await res.json()).error.code).toBe(ErrorCode.InternalError);
    expect(errors).toHaveLength(1);
  });

  it('M-04, MH-08, ERR-04: ctx.sample without sampling declared → -32021 with 400 and data.requiredCapabilities {sampling:{}}', async () => {
    const mcp = server();
    mcp.tool('s', {}, async (_a, ctx) => {
      const r = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }], maxTokens: 10 });
      return text(String(r.model));
    });
    const res = await callTool(mcp, 's', { id: 4 });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = await res.json();
    expect(body.id).toBe(4);
    expect(body.error.code).toBe(ErrorCode.MissingRequiredClientCapability);
    expect(body.error.data).toEqual({ requiredCapabilities: { sampling: {} } });
  });

  it('MRTR-03: sampling with tools needs sampling.tools: -32021 names {sampling:{tools:{}}}', async () => {
    const mcp = server();
    mcp.tool('s', {}, async (_a, ctx) => {
      await ctx.sample({ messages: [], maxTokens: 10, tools: [{ name: 'x' }] });
      return text('');
    });
    const body = await (await callTool(mcp, 's', { caps: { sampling: {} } })).json();
    expect(body.error.code).toBe(ErrorCode.MissingRequiredClientCapability);
    expect(body.error.data.requiredCapabilities).toEqual({ sampling: { tools: {} } });
  });

  it('MH-02, JR-12: a client JSON-RPC response on the 2026 path → 400; a notification → 202 with no body', async () => {
    const mcp = server();
    const resp = await mcp.handle(post({ jsonrpc: '2.0', id: 1, result: { _meta: envelope() } }, { 'mcp-protocol-version': V }));
    expect(resp.status).toBe(400);
    expect((await resp.json()).error.code).toBe(ErrorCode.InvalidRequest);
    const note = await mcp.handle(post({ jsonrpc: '2.0', method: 'notifications/whatever', params: { _meta: envelope() } }, { 'mcp-protocol-version': V }));
    expect(note.status).toBe(202);
    expect(await note.text()).toBe('');
  });

  it('JR-10: a batch on the 2026 path → 400 -32600', async () => {
    const mcp = server();
    const res = await mcp.handle(post([{ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: envelope() } }], { 'mcp-protocol-version': V }));
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe(ErrorCode.InvalidRequest);
  });
});

describe('JSON or SSE (MH-03, PROG-02, LOG-02, TRAP-09, TRAP-22)', () => {
  it('MH-03: a plain call answers application/json', async () => {
    const mcp = server();
    mcp.tool('t', {}, (_a, ctx) => {
      ctx.progress(1); // no progressToken: dropped
      ctx.log.emergency('x'); // no logLevel: dropped (LOG-02)
      return text('ok');
    });
    const res = await callTool(mcp, 't');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect((await res.json()).result.content).toEqual(text('ok').content);
    expect(mcp.stats().inflight).toBe(0);
  });

  it('PROG-02, MH-03, MH-04: a progressToken + ctx.progress upgrades to SSE, progress before the result, stream ends', async () => {
    const mcp = server();
    mcp.tool('p', {}, (_a, ctx) => {
      ctx.progress(1, 3, 'one');
      ctx.progress(1); // PROG-01: not increasing, dropped
      ctx.progress(2);
      return text('done');
    });
    const res = await callTool(mcp, 'p', { id: 'x', meta: { progressToken: 'tok' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    expect(res.headers.get('mcp-session-id')).toBeNull();
    const events = await within(sse(res.body).rest());
    for (const e of events) expect(e.id, 'not resumable: no event ids').toBeUndefined();
    expect(events.map((e) => JSON.parse(e.data))).toEqual([
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'tok', progress: 1, total: 3, message: 'one' } },
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'tok', progress: 2 } },
      { jsonrpc: '2.0', id: 'x', result: { ...text('done'), resultType: 'complete', _meta: { [SERVER_INFO]: SERVER } } },
    ]);
  });

  it('PROG-01: an integer progressToken is echoed with its type', async () => {
    const mcp = server();
    mcp.tool('p', {}, (_a, ctx) => {
      ctx.progress(1);
      return text('done');
    });
    const events = await within(sse((await callTool(mcp, 'p', { meta: { progressToken: 7 } })).body).rest());
    expect(JSON.parse(events[0]!.data).params.progressToken).toBe(7);
  });

  it('LOG-02: logs go out only when _meta logLevel is set, and only at or above it', async () => {
    const mcp = server();
    mcp.tool('l', {}, (_a, ctx) => {
      ctx.log.debug('d');
      ctx.log.info('i');
      ctx.log.warning('w', 'lg');
      ctx.log.log('error', { e: 1 });
      return text('ok');
    });
    const res = await callTool(mcp, 'l', { meta: { [LOG_LEVEL]: 'warning' } });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const all = (await within(sse(res.body).rest())).map((e) => JSON.parse(e.data));
    expect(all).toEqual([
      { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'warning', logger: 'lg', data: 'w' } },
      { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'error', data: { e: 1 } } },
      expect.objectContaining({ id: 1, result: expect.objectContaining({ resultType: 'complete' }) }),
    ]);

    // Without a logLevel nothing is sent and the answer stays JSON.
    const quiet = await callTool(mcp, 'l');
    expect(quiet.headers.get('content-type')).toBe('application/json');
  });

  it('LOG-02: an invalid logLevel is rejected with -32602', async () => {
    const mcp = server();
    mcp.tool('l', {}, () => text('ok'));
    const res = await callTool(mcp, 'l', { meta: { [LOG_LEVEL]: 'loud' } });
    expect((await res.json()).error.code).toBe(ErrorCode.InvalidParams);
  });

  it('TRAP-22, PROG-02: a client accepting only application/json gets no progress or logs, but a JSON result', async () => {
    const mcp = server();
    mcp.tool('p', {}, (_a, ctx) => {
      ctx.progress(1);
      ctx.log.error('e');
      return text('done');
    });
    const res = await callTool(mcp, 'p', { meta: { progressToken: 'tok', [LOG_LEVEL]: 'debug' }, headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = await res.json();
    expect(body.result.content).toEqual(text('done').content);
  });

  it('TRAP-22: a client accepting only text/event-stream gets the result as one SSE event', async () => {
    const mcp = server();
    mcp.tool('t', {}, () => text('ok'));
    const res = await callTool(mcp, 't', { headers: { accept: 'text/event-stream' } });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const all = await within(sse(res.body).rest());
    expect(all).toHaveLength(1);
    expect(JSON.parse(all[0]!.data).result.resultType).toBe('complete');
  });

  it('TRAP-09, M-04: a -32021 after a progress went out arrives as an SSE error event on a 200 stream', async () => {
    const mcp = server();
    mcp.tool('late', {}, async (_a, ctx) => {
      ctx.progress(1);
      await ctx.sample({ messages: [], maxTokens: 5 });
      return text('unreachable');
    });
    const res = await callTool(mcp, 'late', { id: 11, meta: { progressToken: 'tok' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const all = (await within(sse(res.body).rest())).map((e) => JSON.parse(e.data));
    expect(all).toHaveLength(2);
    expect(all[0].method).toBe('notifications/progress');
    expect(all[1]).toEqual({
      jsonrpc: '2.0',
      id: 11,
      error: expect.objectContaining({ code: ErrorCode.MissingRequiredClientCapability, data: { requiredCapabilities: { sampling: {} } } }),
    });
  });
});

describe('cancellation (MH-05, CAN-02, TRAP-04)', () => {
  it('MH-05: cancelling the SSE body aborts the handler signal and inflight returns to 0', async () => {
    const mcp = server();
    const { started, aborted } = abortableTool(mcp, 'wait', true);
    const res = await callTool(mcp, 'wait', { meta: { progressToken: 'tok' } });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = sse(res.body);
    expect((await within(events.message())).method).toBe('notifications/progress');
    const ctx = await within(started.promise);
    expect(mcp.stats().inflight).toBe(1);
    expect(ctx.signal.aborted).toBe(false);
    await events.cancel();
    expect(typeof (await within(aborted.promise, 2000, 'abort'))).toBe('string');
    expect(ctx.signal.aborted).toBe(true);
    await vi.waitFor(() => expect(mcp.stats().inflight).toBe(0), { timeout: 2000 });
  });

  it('MH-05: after the client closed the stream, later progress and logs go nowhere and nothing throws', async () => {
    const mcp = server();
    const gate = deferred();
    const done = deferred<void>();
    mcp.tool('t', {}, async (_a, ctx) => {
      ctx.progress(1);
      await gate.promise;
      ctx.progress(2);
      ctx.log.emergency('x');
      done.resolve();
      return text('late');
    });
    const res = await callTool(mcp, 't', { meta: { progressToken: 'tok', [LOG_LEVEL]: 'debug' } });
    const events = sse(res.body);
    await within(events.message());
    await events.cancel();
    gate.resolve();
    await within(done.promise);
    await vi.waitFor(() => expect(mcp.stats().inflight).toBe(0), { timeout: 2000 });
  });

  it('TRAP-04: an rctx.signal abort aborts the handler (JSON pending) and inflight returns to 0', async () => {
    const mcp = server();
    const { started, aborted } = abortableTool(mcp);
    const ac = new AbortController();
    const pending = callTool(mcp, 'wait', {}, undefined, { signal: ac.signal });
    const ctx = await within(started.promise);
    expect(mcp.stats().inflight).toBe(1);
    ac.abort();
    expect(typeof (await within(aborted.promise, 2000, 'abort'))).toBe('string');
    expect(ctx.signal.aborted).toBe(true);
    const res = await within(pending);
    // Nothing is owed to a client that went away: no JSON-RPC body.
    expect(await res.text()).toBe('');
    await vi.waitFor(() => expect(mcp.stats().inflight).toBe(0), { timeout: 2000 });
  });

  it('TRAP-04: an rctx.signal abort while streaming aborts the handler and ends the stream', async () => {
    const mcp = server();
    const { started, aborted } = abortableTool(mcp, 'wait', true);
    const ac = new AbortController();
    const res = await callTool(mcp, 'wait', { meta: { progressToken: 't' } }, undefined, { signal: ac.signal });
    const events = sse(res.body);
    expect((await within(events.message())).method).toBe('notifications/progress');
    await within(started.promise);
    ac.abort();
    await within(aborted.promise, 2000, 'abort');
    expect(await within(events.rest())).toEqual([]);
    await vi.waitFor(() => expect(mcp.stats().inflight).toBe(0), { timeout: 2000 });
  });

  it('TRAP-04: an already-aborted rctx.signal hands the handler an aborted signal', async () => {
    const mcp = server();
    let seen: boolean | undefined;
    mcp.tool('t', {}, (_a, ctx) => {
      seen = ctx.signal.aborted;
      return text('x');
    });
    const ac = new AbortController();
    ac.abort();
    const res = await within(callTool(mcp, 't', {}, undefined, { signal: ac.signal }));
    expect(await res.text()).toBe('');
    await vi.waitFor(() => expect(mcp.stats().inflight).toBe(0), { timeout: 2000 });
    // The handler may be skipped; if it runs, its signal is already aborted.
    expect(seen).not.toBe(false);
  });
});
