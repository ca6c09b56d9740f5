/**
 * Lifecycle and sessions over real sockets (checklist §4.1, §4.2, §5): initialize with the official SDK client for
 * each revision, version negotiation, session ids, idle expiry, DELETE, and the one-GET-stream rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetch as undiciFetch } from 'undici';
import { createEverything } from '../../examples/everything/everything.ts';
import {
  REVISIONS,
  checkServerMessage,
  connect,
  expectIdle,
  nextId,
  rawSession,
  readAnswer,
  startEverything,
  startServer,
  waitFor,
} from './harness.ts';
import type { Served } from './harness.ts';

const violations: string[] = [];
const serverErrors: unknown[] = [];
let s: Served;

beforeAll(async () => {
  s = await startEverything({}, serverErrors);
});
afterAll(async () => {
  await s?.close();
});

const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

describe.each(REVISIONS)('initialize with the SDK client, %s', (version) => {
  it(`negotiates ${version} with capabilities, serverInfo and instructions (LC-01, LC-02, LC-06)`, async () => {
    const c = await connect(s.url, { version, violations });
    try {
      expect(c.transport.protocolVersion).toBe(version);
      expect(c.wire.revision).toBe(version);
      const caps = c.client.getServerCapabilities()!;
      expect(caps.tools).toEqual({ listChanged: true });
      expect(caps.resources).toEqual({ subscribe: true, listChanged: true });
      expect(caps.prompts).toEqual({ listChanged: true });
      expect(caps.logging).toEqual({});
      expect(caps.completions).toEqual({}); // 2025-03-26+
      expect(c.client.getServerVersion()).toEqual({ name: 'x-mcp-everything', version: '0.1.0', title: '@x/mcp everything example' });
      expect(c.client.getInstructions()).toBe('A test server exposing every MCP feature the conformance suite checks.');
      // SES-01/SES-02: the session id comes with the InitializeResult and is visible ASCII.
      const init = c.wire.exchanges.find((e) => e.body?.method === 'initialize')!;
      expect(init.status).toBe(200);
      expect(init.headers.get('mcp-session-id')).toBe(c.sessionId);
      expect(c.sessionId).toMatch(VISIBLE_ASCII);
      expect(c.sessionId.length).toBeGreaterThanOrEqual(16);
      // PVH-01: the SDK repeats the negotiated version on later requests, and the server accepts it.
      const later = c.wire.exchanges.filter((e) => e.body?.method !== 'initialize');
      expect(later.length).toBeGreaterThan(0);
      for (const e of later) {
        expect(e.requestHeaders.get('mcp-protocol-version')).toBe(version);
        expect(e.status).toBeLessThan(300);
      }
      expect(await c.client.ping()).toEqual({});
      // The recorder saw (and schema-checked) the initialize result and the ping result.
      expect(c.wire.received.some((r) => r.message.result?.protocolVersion === version)).toBe(true);
      expect(c.wire.received.some((r) => c.wire.methodOf(r.message.id) === 'ping')).toBe(true);
    } finally {
      await c.close();
    }
  });
});

describe('the wire checker', () => {
  it('is not vacuous: it flags a malformed result and a malformed notification', () => {
    expect(checkServerMessage('2025-11-25', { jsonrpc: '2.0', id: 7, result: { content: 'nope' } }, () => 'tools/call')).not.toEqual([]);
    expect(checkServerMessage('2025-06-18', { jsonrpc: '2.0', method: 'notifications/progress', params: { progress: 1 } }, () => undefined)).not.toEqual([]);
    expect(checkServerMessage('2025-03-26', { jsonrpc: '2.0', id: 1, result: { tools: [{ name: 'x' }] } }, () => 'tools/list')).not.toEqual([]);
    expect(checkServerMessage('2025-11-25', { jsonrpc: '2.0', id: 7, result: { content: [] } }, () => 'tools/call')).toEqual([]);
  });
});

describe('initialize over raw HTTP', () => {
  it('an unknown requested version negotiates 2025-11-25 (LC-03, ERR-06)', async () => {
    const r = await rawSession(s.url, '1999-01-01');
    try {
      expect(r.initializeResult.protocolVersion).toBe('2025-11-25');
      expect(checkServerMessage('2025-11-25', { jsonrpc: '2.0', id: 1, result: r.initializeResult }, () => 'initialize')).toEqual([]);
    } finally {
      await r.delete();
    }
  });

  it('session ids are distinct visible ASCII (SES-02)', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const r = await rawSession(s.url, '2025-11-25');
      expect(r.sessionId).toMatch(VISIBLE_ASCII);
      ids.add(r.sessionId);
      expect((await r.delete()).status).toBe(200);
    }
    expect(ids.size).toBe(5);
  });

  it('2025-03-26 smoke without MCP-Protocol-Version: list, call, and a batch (JR-10, PVH-04)', async () => {
    const r = await rawSession(s.url, '2025-03-26');
    try {
      expect(r.version).toBe('2025-03-26');
      const methods = new Map<unknown, string>();
      const call = async (method: string, params?: unknown) => {
        const id = nextId();
        methods.set(id, method);
        const res = await r.post({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });
        expect(res.status).toBe(200);
        const { response, before } = await readAnswer(res);
        for (const m of [...before, response]) violations.push(...checkServerMessage('2025-03-26', m, (x) => methods.get(x)));
        expect(response.id).toBe(id);
        return response;
      };
      const list = await call('tools/list');
      expect(list.result.tools.map((t: { name: string }) => t.name)).toContain('test_simple_text');
      const text = await call('tools/call', { name: 'test_simple_text', arguments: {} });
      expect(text.result.content).toEqual([{ type: 'text', text: 'This is a simple text response for testing.' }]);
      // A batch of two requests gets a JSON array of two responses (25-03 only).
      const a = nextId();
      const b = nextId();
      methods.set(a, 'ping');
      methods.set(b, 'prompts/list');
      const batch = await r.post([
        { jsonrpc: '2.0', id: a, method: 'ping' },
        { jsonrpc: '2.0', id: b, method: 'prompts/list' },
      ]);
      expect(batch.status).toBe(200);
      expect(batch.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await batch.json()) as any[];
      violations.push(...checkServerMessage('2025-03-26', body, (x) => methods.get(x)));
      expect(body.map((m) => m.id).sort()).toEqual([a, b].sort());
      expect(body.find((m) => m.id === a).result).toEqual({});
    } finally {
      await r.delete();
    }
  });
});

describe('sessions', () => {
  it('DELETE ends the session; its id then gets 404 (SES-05, SES-07)', async () => {
    const c = await connect(s.url, { violations });
    const sid = c.sessionId;
    expect(s.mcp.stats().sessions).toBe(1);
    await c.transport.terminateSession();
    const del = c.wire.exchanges.find((e) => e.method === 'DELETE')!;
    expect(del.status).toBe(200);
    await c.close();
    for (const method of ['POST', 'GET', 'DELETE'] as const) {
      const res = await undiciFetch(s.url, {
        method,
        headers: {
          'content-type': 'application/json',
          accept: method === 'GET' ? 'text/event-stream' : 'application/json, text/event-stream',
          'mcp-session-id': sid,
          'mcp-protocol-version': '2025-11-25',
        },
        body: method === 'POST' ? JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) : undefined,
      });
      expect(res.status, method).toBe(404);
      await res.body?.cancel();
    }
    await expectIdle(s.mcp);
  });

  it('a second GET stream on one session gets 409 (SH-10)', async () => {
    const c = await connect(s.url, { violations });
    try {
      await waitFor(() => s.mcp.stats().connections === 1, 'the GET stream to be attached');
      const res = await undiciFetch(s.url, {
        headers: { accept: 'text/event-stream', 'mcp-session-id': c.sessionId, 'mcp-protocol-version': '2025-11-25' },
      });
      expect(res.status).toBe(409);
      await res.body?.cancel();
      // The first stream still works.
      expect(s.mcp.stats().connections).toBe(1);
      expect(await c.client.ping()).toEqual({});
    } finally {
      await c.close();
    }
    await expectIdle(s.mcp);
  });

  it('requests without a session id get 400; unknown ids get 404 (SES-04, SES-05)', async () => {
    const post = (headers: Record<string, string>) =>
      undiciFetch(s.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
    const none = await post({});
    expect(none.status).toBe(400);
    await none.body?.cancel();
    const unknown = await post({ 'mcp-session-id': 'never-issued' });
    expect(unknown.status).toBe(404);
    await unknown.body?.cancel();
  });
});

describe('idle expiry', () => {
  let idle: Served;
  const idleErrors: unknown[] = [];
  beforeAll(async () => {
    idle = await startServer(createEverything({ sessions: { idleTimeoutMs: 200 }, onError: (e) => idleErrors.push(e) }));
  });
  afterAll(async () => {
    await idle?.close();
  });

  it('an idle session expires: its id then gets 404 and stats().sessions is 0 (SES-05)', async () => {
    // Close the SDK client without DELETE: the GET stream drops, then the session sits idle.
    const c = await connect(idle.url, { violations });
    const sid = c.sessionId;
    expect(idle.mcp.stats().sessions).toBe(1);
    await c.client.close();
    violations.push(...c.wire.violations);
    await waitFor(() => idle.mcp.stats().connections === 0, 'the GET stream to drop');
    // A session with no stream and no request for 200 ms is swept (sweeper every 100 ms): gone by ~500 ms.
    await new Promise((r) => setTimeout(r, 500));
    // Normally already 0 here; the bound only absorbs timer jitter on a loaded machine.
    await waitFor(() => idle.mcp.stats().sessions === 0, 'the idle session to expire', 1500);
    const res = await undiciFetch(idle.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': sid, 'mcp-protocol-version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(res.status).toBe(404);
    await res.body?.cancel();
    // SES-06: a fresh initialize works after the 404.
    const again = await rawSession(idle.url, '2025-11-25');
    expect(again.sessionId).not.toBe(sid);
    expect((await again.delete()).status).toBe(200);
    await expectIdle(idle.mcp);
    expect(idleErrors).toEqual([]);
  });

  it('a session with an open GET stream does not expire while idle', async () => {
    const c = await connect(idle.url, { violations });
    try {
      await waitFor(() => idle.mcp.stats().connections === 1, 'the GET stream');
      await new Promise((r) => setTimeout(r, 500));
      expect(idle.mcp.stats().sessions).toBe(1);
      expect(await c.client.ping()).toEqual({});
    } finally {
      await c.close();
    }
    await expectIdle(idle.mcp);
  });
});

describe('after every client closed', () => {
  it('the server holds nothing and every server message matched the schema', async () => {
    await expectIdle(s.mcp);
    expect(violations).toEqual([]);
    expect(serverErrors).toEqual([]);
  });
});
