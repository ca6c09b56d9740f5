/**
 * Step-up authorization (checklist AUTH-04, AUTH-06) over a real socket: a tool's `scopes` and a handler's
 * `InsufficientScopeError` become HTTP 403 with `WWW-Authenticate: Bearer error="insufficient_scope", scope="..."`
 * (401 with the scopes when the request carried no `authInfo`), on the 2026-07-28 path, in 2025 sessions and on
 * the HTTP+SSE transport, before the tool runs or becomes a task. The embedder authenticates, as docs/security.md
 * shows: here a test token `Bearer <scope>,<scope>` becomes `authInfo.scopes`. @x/mcp-node-http at 127.0.0.1:0,
 * raw HTTP through undici and the official SDK client.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InsufficientScopeError, createMcp, isInsufficientScopeError } from '@x/mcp-core';
import type { AuthInfo, Mcp } from '@x/mcp-core';
import { serve } from '@x/mcp-node-http';
import type { NodeServer } from '@x/mcp-node-http';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectIdle } from '../support/idle.ts';
import { assertSchema } from '../support/schema.ts';
import { SseReader } from '../support/sse-reader.ts';

const PRM = 'https://mcp.example/.well-known/oauth-protected-resource/mcp';
const ACCEPT = 'application/json, text/event-stream';
const TASKS = 'io.modelcontextprotocol/tasks';

let mcp: Mcp;
let server: NodeServer;
let url: string;
const ran: string[] = [];
const errors: unknown[] = [];

/** The embedder's authentication, reduced to a test token: `Bearer a,b` grants scopes a and b. */
const authOf = (req: Request): AuthInfo | undefined => {
  const token = req.headers.get('authorization')?.match(/^Bearer (.*)$/)?.[1];
  return token === undefined ? undefined : { subject: 'alice', scopes: token === '' ? [] : token.split(',') };
};

beforeAll(async () => {
  mcp = createMcp({
    name: 'scoped',
    version: '1.0.0',
    onError: (e) => errors.push(e),
    // `files` covers `files:read` and `files:write` (a scope hierarchy, AUTH-06).
    auth: { resourceMetadata: PRM, covers: (granted, required) => required.startsWith(`${granted}:`) },
  });
  mcp.tool('write_file', { scopes: ['files:write'] }, () => (ran.push('write_file'), { content: [{ type: 'text', text: 'written' }] }));
  mcp.tool('admin_op', { scopes: ['admin', 'files:write'] }, () => (ran.push('admin_op'), { content: [] }));
  mcp.tool('report', {}, (_a, ctx) => {
    ran.push('report');
    if (!ctx.authInfo?.scopes?.includes('reports')) throw new InsufficientScopeError(['reports']);
    return { content: [{ type: 'text', text: 'report' }] };
  });
  mcp.tool('late', {}, async (_a, ctx) => {
    ctx.progress(1, 2);
    await new Promise((r) => setTimeout(r, 10));
    throw new InsufficientScopeError(['late:scope']);
  });
  mcp.tool('task_write', { scopes: ['files:write'], task: { support: 'optional' } }, () => (ran.push('task_write'), { content: [] }));
  server = await serve({ fetch: (req, ctx) => mcp.handle(req, { ...ctx, authInfo: authOf(req) }), port: 0, hostname: '127.0.0.1' });
  url = `${server.url}/mcp`;
});
afterAll(async () => {
  await mcp?.close();
  await server?.close();
});
beforeEach(() => {
  ran.length = 0;
});

interface Answer {
  status: number;
  challenge: string | undefined;
  contentType: string | undefined;
  text: string;
}

async function post(body: unknown, headers: Record<string, string>, target = url): Promise<Answer> {
  const r = await request(target, { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT, ...headers }, body: JSON.stringify(body) });
  const text = await r.body.text();
  const h = (k: string) => {
    const v = r.headers[k];
    return Array.isArray(v) ? v[0] : v;
  };
  return { status: r.statusCode, challenge: h('www-authenticate'), contentType: h('content-type'), text };
}

const meta = (tasks = false) => ({
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': tasks ? { extensions: { [TASKS]: {} } } : {},
});
const call2026 = (name: string, token?: string, tasks = false) =>
  post(
    { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name, arguments: {}, _meta: meta(tasks) } },
    { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': name, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
  );

/** A refusal's JSON-RPC body: -32600 naming every scope the operation needs, valid for the revision. */
function refusalBody(a: Answer, revision: string, scopes: string[], id: number | string = 7): void {
  expect(a.contentType).toBe('application/json');
  const msg = JSON.parse(a.text);
  assertSchema(revision, 'JSONRPCMessage', msg);
  expect(msg.id).toBe(id);
  expect(msg.error.code).toBe(-32600);
  expect(msg.error.message).toMatch(/Insufficient scope/);
  expect(msg.error.data).toEqual({ requiredScopes: scopes });
}

describe('the 2026-07-28 path', () => {
  it('AUTH-04: no authInfo at all → 401 naming the scopes and the resource metadata, and the tool does not run', async () => {
    const a = await call2026('write_file');
    expect(a.status).toBe(401);
    expect(a.challenge).toBe(`Bearer scope="files:write", resource_metadata="${PRM}"`);
    refusalBody(a, '2026-07-28', ['files:write']);
    expect(ran).toEqual([]);
  });

  it('AUTH-06: a token without the scope → 403 insufficient_scope naming every scope the tool needs, not the granted ones', async () => {
    const a = await call2026('admin_op', 'files:read,profile');
    expect(a.status).toBe(403);
    expect(a.challenge).toBe(
      `Bearer error="insufficient_scope", scope="admin files:write", resource_metadata="${PRM}", error_description="Insufficient scope: tool 'admin_op' needs admin files:write"`,
    );
    refusalBody(a, '2026-07-28', ['admin', 'files:write']);
    expect(ran).toEqual([]);
  });

  it('AUTH-06: the token holds the scope, or one that covers it (hierarchy) → the tool runs', async () => {
    for (const token of ['files:write', 'files']) {
      const a = await call2026('write_file', token);
      expect(a.status).toBe(200);
      expect(a.challenge).toBeUndefined();
      expect(JSON.parse(a.text).result.content[0].text).toBe('written');
    }
    expect(ran).toEqual(['write_file', 'write_file']);
  });

  it('a handler that throws InsufficientScopeError → 403 with its scopes', async () => {
    const a = await call2026('report', 'profile');
    expect(a.status).toBe(403);
    expect(a.challenge).toMatch(/^Bearer error="insufficient_scope", scope="reports", resource_metadata="/);
    refusalBody(a, '2026-07-28', ['reports']);
    expect((await call2026('report', 'reports')).status).toBe(200);
  });

  it('after the answer started streaming, the refusal is a JSON-RPC error event (the status was sent)', async () => {
    const body = { jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'late', arguments: {}, _meta: { ...meta(), progressToken: 'p' } } };
    const a = await post(body, { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'late', authorization: 'Bearer x' });
    expect(a.status).toBe(200);
    expect(a.contentType).toBe('text/event-stream');
    const last = JSON.parse(a.text.trim().split('\n').filter((l) => l.startsWith('data:')).at(-1)!.slice(5));
    expect(last).toMatchObject({ id: 9, error: { code: -32600, data: { requiredScopes: ['late:scope'] } } });
  });

  it('a task tool is refused before a task exists (tasks extension declared)', async () => {
    const a = await call2026('task_write', 'profile', true);
    expect(a.status).toBe(403);
    refusalBody(a, '2026-07-28', ['files:write']);
    expect(ran).toEqual([]);
    expect(mcp.stats().tasks).toBe(0);
    const ok = await call2026('task_write', 'files:write', true);
    expect(JSON.parse(ok.text).result.resultType).toBe('task');
  });
});

describe('2025 sessions', () => {
  const open = async (version: string, token: string) => {
    const init = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: ACCEPT, authorization: `Bearer ${token}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 't', version: '0' } } }),
    });
    await init.body.text();
    const sid = init.headers['mcp-session-id'] as string;
    const h: Record<string, string> = { 'mcp-session-id': sid, authorization: `Bearer ${token}` };
    if (version >= '2025-06-18') h['mcp-protocol-version'] = version;
    expect((await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, h)).status).toBe(202);
    return h;
  };
  const close = (h: Record<string, string>) => request(url, { method: 'DELETE', headers: h }).then((r) => r.body.text());

  it('AUTH-06 (2025-11-25): 403 whose scope adds the granted scopes, so a client that replaces its scopes keeps them; the session serves on', async () => {
    const h = await open('2025-11-25', 'profile,email');
    const a = await post({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'write_file', arguments: {} } }, h);
    expect(a.status).toBe(403);
    expect(a.challenge).toBe(
      `Bearer error="insufficient_scope", scope="profile email files:write", resource_metadata="${PRM}", error_description="Insufficient scope: tool 'write_file' needs files:write"`,
    );
    refusalBody(a, '2025-11-25', ['files:write'], 3);
    expect(ran).toEqual([]);
    // The same session with a token that has the scope (the client stepped up).
    const ok = await post({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'write_file', arguments: {} } }, { ...h, authorization: 'Bearer profile,email,files:write' });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text).result.content[0].text).toBe('written');
    await close(h);
  });

  it('a client that accepts only text/event-stream still gets the 403 as JSON; a thrown InsufficientScopeError too', async () => {
    const h = await open('2025-11-25', 'profile');
    const a = await post({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'write_file', arguments: {} } }, { ...h, accept: 'text/event-stream' });
    expect(a.status).toBe(403);
    refusalBody(a, '2025-11-25', ['files:write'], 5);
    const b = await post({ jsonrpc: '2.0', id: 6, method: 'tools/call', params: { name: 'report', arguments: {} } }, h);
    expect(b.status).toBe(403);
    expect(b.challenge).toMatch(/scope="profile reports"/);
    refusalBody(b, '2025-11-25', ['reports'], 6);
    await close(h);
  });

  it('a task-augmented call (2025-11-25) is refused before a task exists', async () => {
    const h = await open('2025-11-25', 'profile');
    const a = await post({ jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'task_write', arguments: {}, task: {} } }, h);
    expect(a.status).toBe(403);
    refusalBody(a, '2025-11-25', ['files:write'], 8);
    expect(ran).toEqual([]);
    expect(mcp.stats().tasks).toBe(0);
    await close(h);
  });

  it('in a 2025-03-26 batch the refused call is a JSON-RPC error among the answers (the batch is not refused)', async () => {
    const h = await open('2025-03-26', 'profile');
    const a = await post(
      [
        { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'write_file', arguments: {} } },
        { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      ],
      h,
    );
    expect(a.status).toBe(200);
    expect(a.challenge).toBeUndefined();
    const answers = JSON.parse(a.text) as { id: number; error?: { code: number; data: unknown } }[];
    expect(answers.find((m) => m.id === 1)?.error).toMatchObject({ code: -32600, data: { requiredScopes: ['files:write'] } });
    expect(answers.find((m) => m.id === 2)).toHaveProperty('result');
    await close(h);
  });

  it('the official SDK client sees the 403 as the error of that call, and its session serves on', async () => {
    const client = new Client({ name: 'sdk', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: 'Bearer profile' } } });
    await client.connect(transport);
    try {
      // StreamableHTTPError carries the HTTP status as its code, and the body names the scope.
      await expect(client.callTool({ name: 'write_file', arguments: {} })).rejects.toMatchObject({ code: 403, message: /files:write/ });
      await expect(client.callTool({ name: 'report', arguments: {} })).rejects.toMatchObject({ code: 403, message: /reports/ });
      // The session serves on.
      expect((await client.listTools()).tools.map((t) => t.name)).toContain('write_file');
    } finally {
      await transport.terminateSession().catch(() => {});
      await client.close();
    }
  });
});

describe('the HTTP+SSE transport', () => {
  it('the POST is refused with the challenge, and the request it waits for is answered on the stream', async () => {
    const controller = new AbortController();
    const get = await fetch(`${server.url}/sse`, { headers: { accept: 'text/event-stream', authorization: 'Bearer profile' }, signal: controller.signal });
    const reader = new SseReader(get.body!);
    try {
      const endpoint = (await reader.next())!;
      expect(endpoint.event).toBe('endpoint');
      const target = new URL(endpoint.data, server.url).href;
      const h = { authorization: 'Bearer profile' };
      const init = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 't', version: '0' } } };
      expect((await post(init, h, target)).status).toBe(202);
      await reader.next();
      expect((await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, h, target)).status).toBe(202);
      const a = await post({ jsonrpc: '2.0', id: 11, method: 'tools/call', params: { name: 'write_file', arguments: {} } }, h, target);
      expect(a.status).toBe(403);
      expect(a.challenge).toMatch(/^Bearer error="insufficient_scope", scope="profile files:write", resource_metadata="/);
      refusalBody(a, '2024-11-05', ['files:write'], 11);
      const onStream = JSON.parse((await reader.next())!.data);
      expect(onStream).toMatchObject({ id: 11, error: { code: -32600, data: { requiredScopes: ['files:write'] } } });
      expect(ran).toEqual([]);
    } finally {
      controller.abort();
      await reader.cancel().catch(() => {});
    }
  });
});

describe('configuration', () => {
  it('scopes must be scope tokens; auth.resourceMetadata an http(s) URL; auth.covers a function', () => {
    const m = createMcp({ name: 'c', version: '0' });
    for (const scopes of [[], ['a b'], ['x"y'], ['back\\slash'], [''], [1], 'files']) {
      expect(() => m.tool(`t${Math.random().toString(36).slice(2, 8)}`, { scopes: scopes as never }, () => ({ content: [] }))).toThrow(TypeError);
    }
    expect(() => createMcp({ name: 'c', version: '0', auth: { resourceMetadata: 'ftp://x' } })).toThrow(/resourceMetadata/);
    expect(() => createMcp({ name: 'c', version: '0', auth: { resourceMetadata: 'https://x/"' } })).toThrow(/resourceMetadata/);
    expect(() => createMcp({ name: 'c', version: '0', auth: { covers: 'yes' as never } })).toThrow(/covers/);
    expect(() => new InsufficientScopeError([])).toThrow(TypeError);
    expect(() => new InsufficientScopeError(['a b'])).toThrow(TypeError);
    const e = new InsufficientScopeError(['a', 'b'], 'Needs a and b');
    expect(isInsufficientScopeError(e)).toBe(true);
    expect(e).toMatchObject({ code: -32600, message: 'Needs a and b', data: { requiredScopes: ['a', 'b'] }, scopes: ['a', 'b'] });
    return m.close();
  });

  it('nothing was left behind and nothing reached onError', async () => {
    await expectIdle(mcp);
    expect(errors).toEqual([]);
  });
});
