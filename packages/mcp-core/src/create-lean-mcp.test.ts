/**
 * createLeanMcp: the base serves both eras; each optional part is there only when its feature is given, and an
 * option or registration that needs a missing one fails loudly (in-process, no sockets).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { modernPost, openSession, post, sessionHeaders } from '../test-support/http';
import { createLeanMcp } from './create-lean-mcp';
import type { LeanMcpOptions } from './create-lean-mcp';
import { withLegacySse, withListen, withObserve, withResourceTemplates, withScopes, withTasks, withValibotJsonSchema } from './features/index';
import { InsufficientScopeError } from './errors';
import type { McpFeature } from './features/index';
import { ErrorCode } from './jsonrpc/codes';
import type { Mcp } from './mcp';

const servers: Mcp[] = [];
afterEach(async () => {
  for (const m of servers.splice(0)) await m.close();
});

function lean(options: Partial<LeanMcpOptions> = {}): Mcp {
  const mcp = createLeanMcp({ name: 'lean', version: '1.0.0', keepAliveMs: 0, onError: () => {}, ...options });
  mcp.tool('echo', { inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } }, ({ text }) => ({
    content: [{ type: 'text', text: String(text) }],
  }));
  servers.push(mcp);
  return mcp;
}

const modern = modernPost;

const TASKS_EXT = { extensions: { 'io.modelcontextprotocol/tasks': {} } };

describe('createLeanMcp without features', () => {
  it('answers a 2026-07-28 tools/call as JSON', async () => {
    const res = await lean().handle(modern('tools/call', { name: 'echo', arguments: { text: 'hi' } }));
    expect(res.status).toBe(200);
    expect((await res.json()).result.content).toEqual([{ type: 'text', text: 'hi' }]);
  });

  it('serves a 2025-11-25 session whose initialize declares no tasks', async () => {
    const mcp = lean();
    const init = await mcp.handle(
      post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } } }),
    );
    const caps = (await init.json()).result.capabilities;
    expect(caps.tasks).toBeUndefined();
    expect(caps.tools).toEqual({ listChanged: true });
    const s = await openSession(mcp);
    const call = await mcp.handle(post({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { text: 'x' } } }, sessionHeaders(s)));
    expect((await call.json()).result.content[0].text).toBe('x');
  });

  it('declares neither the tasks extension nor change notifications in server/discover (DISC-02)', async () => {
    const caps = (await (await lean().handle(modern('server/discover'))).json()).result.capabilities;
    expect(caps.extensions).toBeUndefined();
    expect(caps.tools).toEqual({});
    expect(caps.resources).toEqual({});
    expect(caps.prompts).toEqual({});
    expect(caps.tasks).toBeUndefined();
  });

  it.each([
    ['subscriptions/listen', { notifications: { toolsListChanged: true } }],
    ['tasks/get', { taskId: 't1' }],
    ['tasks/cancel', { taskId: 't1' }],
  ])('answers %s with -32601 and 404', async (method, params) => {
    const res = await lean().handle(modern(method, params, TASKS_EXT));
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body.error.code).toBe(ErrorCode.MethodNotFound);
    expect(body.error.message).toContain(method);
  });

  it('has no HTTP+SSE transport: /sse is not an endpoint', async () => {
    const res = await lean().handle(new Request('http://localhost/sse', { headers: { accept: 'text/event-stream' } }));
    expect(res.status).toBe(404);
  });

  it('counts no listen streams or tasks in stats and closes cleanly', async () => {
    const mcp = lean();
    expect(mcp.stats()).toMatchObject({ listenStreams: 0, tasks: 0, timers: 0 });
    await mcp.close();
    expect((await mcp.handle(modern('tools/list'))).status).toBe(503);
  });

  it.each([
    [{ tasks: { ttlMs: 1000 } }, /tasks option needs the withTasks feature/],
    [{ maxListenStreams: 5 }, /maxListenStreams option needs the withListen feature/],
    [{ legacySse: { ssePath: '/events' } }, /legacySse option needs the withLegacySse feature/],
    [{ observe: () => undefined }, /observe option needs the withObserve feature/],
    [{ auth: { resourceMetadata: 'https://x.example/prm' } }, /auth option needs the withScopes feature/],
  ] as const)('refuses an option whose feature is missing: %o', (options, message) => {
    expect(() => createLeanMcp({ name: 'x', version: '1', ...options })).toThrow(message);
  });

  it('accepts legacySse: false without the feature', () => {
    expect(() => createLeanMcp({ name: 'x', version: '1', legacySse: false })).not.toThrow();
  });

  it.each([[[{}]], [[null]], [['withTasks']]])('refuses features that are not the core features: %o', (features) => {
    expect(() => createLeanMcp({ name: 'x', version: '1', features: features as unknown as McpFeature[] })).toThrow(/features\[0\] is not a feature/);
  });

  it('refuses a features value that is not an array', () => {
    expect(() => createLeanMcp({ name: 'x', version: '1', features: withTasks as unknown as McpFeature[] })).toThrow(/features must be an array/);
  });
});

describe('createLeanMcp with features', () => {
  it('withTasks: the 2026 extension is declared and a task-augmented tool runs as a task (TKX-03)', async () => {
    const mcp = lean({ features: [withTasks] });
    mcp.tool('slow', { task: { support: 'required' } }, () => ({ content: [{ type: 'text', text: 'done' }] }));
    const caps = (await (await mcp.handle(modern('server/discover'))).json()).result.capabilities;
    expect(caps.extensions).toEqual({ 'io.modelcontextprotocol/tasks': {} });
    const started = await (await mcp.handle(modern('tools/call', { name: 'slow' }, TASKS_EXT))).json();
    expect(started.result.resultType).toBe('task');
    const got = await mcp.handle(modern('tasks/get', { taskId: started.result.taskId }, TASKS_EXT));
    expect(got.status).toBe(200);
  });

  it('withTasks: a 2025-11-25 session is offered tasks', async () => {
    const mcp = lean({ features: [withTasks] });
    const init = await mcp.handle(
      post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } } }),
    );
    expect((await init.json()).result.capabilities.tasks).toBeDefined();
  });

  it('withListen: discover declares listChanged and subscribe, and a listen stream opens', async () => {
    const mcp = lean({ features: [withListen] });
    const caps = (await (await mcp.handle(modern('server/discover'))).json()).result.capabilities;
    expect(caps.tools).toEqual({ listChanged: true });
    expect(caps.resources).toEqual({ subscribe: true, listChanged: true });
    const controller = new AbortController();
    const res = await mcp.handle(modern('subscriptions/listen', { notifications: { toolsListChanged: true } }), { signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(mcp.stats().listenStreams).toBe(1);
    await res.body?.cancel();
    controller.abort();
  });

  it('withLegacySse: /sse opens the 2024-11-05 stream', async () => {
    const mcp = lean({ features: [withLegacySse] });
    const res = await mcp.handle(new Request('http://localhost/sse', { headers: { accept: 'text/event-stream' } }));
    expect(res.status).toBe(200);
    const first = await res.body!.getReader().read();
    expect(new TextDecoder().decode(first.value)).toContain('event: endpoint');
    await mcp.close();
  });

  it('withResourceTemplates: a template registers and reads', async () => {
    const mcp = lean({ features: [withResourceTemplates] });
    mcp.resourceTemplate('file', 'file:///{name}', {}, (uri, { name }) => ({ contents: [{ uri, text: `file ${String(name)}` }] }));
    const res = await mcp.handle(modern('resources/read', { uri: 'file:///a' }));
    expect((await res.json()).result.contents[0].text).toBe('file a');
  });

  it('withValibotJsonSchema: a plain valibot schema is listed as JSON Schema', async () => {
    const v = await import('valibot');
    const mcp = lean({ features: [withValibotJsonSchema] });
    mcp.tool('v', { inputSchema: v.object({ n: v.number() }) }, () => ({ content: [] }));
    const list = await (await mcp.handle(modern('tools/list'))).json();
    const tool = list.result.tools.find((t: { name: string }) => t.name === 'v');
    expect(tool.inputSchema).toMatchObject({ type: 'object', properties: { n: { type: 'number' } } });
  });

  it('withObserve: the observe option hears each handler run', async () => {
    const seen: string[] = [];
    const mcp = lean({ features: [withObserve], observe: (request) => ({ end: (outcome) => seen.push(`${request.method} ${JSON.stringify(outcome)}`) }) });
    await (await mcp.handle(modern('tools/list'))).json();
    expect(seen).toEqual(['tools/list {}']);
    expect(() => lean({ features: [withObserve], observe: 'yes' as never })).toThrow(/observe option must be a function/);
  });

  it('registrations that need a missing feature name it', () => {
    const mcp = lean();
    expect(() => mcp.resourceTemplate('f', 'file:///{x}', {}, (uri) => ({ contents: [{ uri, text: '' }] }))).toThrow(/withResourceTemplates/);
    expect(() => mcp.tool('t', { task: { support: 'optional' } }, () => ({ content: [] }))).toThrow(/withTasks/);
    expect(() => mcp.tool('s', { scopes: ['files:write'] }, () => ({ content: [] }))).toThrow(/Tool "s" has scopes.*withScopes/);
  });

  it('withScopes: the scopes of a tool are checked; without the feature a thrown InsufficientScopeError is a plain JSON-RPC error', async () => {
    const gated = lean({ features: [withScopes] });
    gated.tool('s', { scopes: ['files:write'] }, () => ({ content: [] }));
    const refused = await gated.handle(modern('tools/call', { name: 's', arguments: {} }), { authInfo: { scopes: [] } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope", scope="files:write"/);
    const plain = lean();
    plain.tool('t', {}, () => {
      throw new InsufficientScopeError(['x']);
    });
    const answered = await plain.handle(modern('tools/call', { name: 't', arguments: {} }), { authInfo: { scopes: [] } });
    // -32600 on the 2026-07-28 path is a 400 (MH-08), with no challenge.
    expect(answered.status).toBe(400);
    expect(answered.headers.get('www-authenticate')).toBeNull();
    expect((await answered.json()).error).toMatchObject({ code: -32600, data: { requiredScopes: ['x'] } });
  });
});

