/**
 * The HTTP+SSE transport on the wire, with raw undici requests (checklist SSE-01..05, SSE-08): the endpoint event and
 * its relative URI, both query spellings of the session id, mount prefixes (path suffix routing and
 * `RequestContext.mountPath`), custom paths, turning the transport off, `event: message` framing, `202 Accepted` POSTs
 * and keep-alive comments.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetch, request } from 'undici';
import { OLD, StreamChecker, expectIdle, nextId, openRaw, startLegacy } from './harness';
import type { LegacyServed } from './harness';

const INIT = (version = OLD) => ({
  jsonrpc: '2.0',
  id: nextId(),
  method: 'initialize',
  params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

/** A Streamable HTTP initialize on /mcp, to show both transports are served side by side. */
async function mcpInitialize(origin: string, path = '/mcp'): Promise<{ status: number; sid: string | null }> {
  const r = await fetch(`${origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify(INIT('2025-06-18')),
  });
  await r.text();
  return { status: r.status, sid: r.headers.get('mcp-session-id') };
}

describe('default paths, served beside /mcp', () => {
  let s: LegacyServed;
  beforeAll(async () => {
    s = await startLegacy({ keepAliveMs: 50 });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('SSE-01/SSE-02: GET /sse is text/event-stream and its first event is `event: endpoint` with a relative /messages?sessionId=<id>', async () => {
    const r = await openRaw(s.sseUrl, { initialize: undefined });
    try {
      expect(r.response.status).toBe(200);
      expect(r.response.headers.get('content-type')).toBe('text/event-stream');
      expect(r.response.headers.get('cache-control')).toMatch(/no-cache/);
      expect(r.stream.raw).toMatch(/^event: endpoint\ndata: \/messages\?sessionId=[0-9a-f]+\n\n/);
      expect(r.endpoint).toBe(`/messages?sessionId=${r.sessionId}`);
      // Relative: no scheme, no authority; a client resolves it against the SSE URL.
      expect(r.endpoint.startsWith('/') && !r.endpoint.startsWith('//')).toBe(true);
      expect(r.postUrl.origin).toBe(s.origin);
      // The GET opened the session; it is live before initialize.
      expect(s.mcp.stats()).toMatchObject({ sessions: 1, connections: 1 });
    } finally {
      r.abort();
    }
    await expectIdle(s.mcp);
  });

  it('SSE-02: a GET without Accept, or with */*, is served too (old clients)', async () => {
    for (const headers of [{}, { accept: '*/*' }]) {
      // undici `request` adds no Accept header of its own (fetch would add */*).
      const r = await request(s.sseUrl, { headers });
      try {
        expect(r.statusCode).toBe(200);
        const checker = new StreamChecker(OLD);
        for await (const chunk of r.body) {
          checker.push(Buffer.from(chunk as Buffer).toString('utf8'));
          if (checker.endpoint !== undefined) break;
        }
        expect(checker.endpoint).toMatch(/^\/messages\?sessionId=/);
      } finally {
        r.body.destroy();
      }
      await expectIdle(s.mcp);
    }
    // An Accept that rules the stream out is refused.
    const no = await request(s.sseUrl, { headers: { accept: 'application/json' } });
    expect(no.statusCode).toBe(406);
    expect(((await no.body.json()) as any).error.code).toBe(-32600);
    expect(s.mcp.stats().sessions).toBe(0);
  });

  it('SSE-03/SSE-04/SSE-05: every POST is 202 "Accepted" with no JSON-RPC in it; every answer is an `event: message` on the stream', async () => {
    const r = await openRaw(s.sseUrl, { initialize: undefined });
    try {
      const init = INIT();
      const a = await r.post(init);
      expect(a).toMatchObject({ status: 202, text: 'Accepted' });
      expect(a.headers.get('content-type')).toMatch(/^text\/plain/);
      const result = await r.stream.waitMessage(() => r.stream.response(init.id), 'the initialize result');
      expect(result.result).toMatchObject({ protocolVersion: OLD, serverInfo: { name: 'x-mcp-everything' } });
      expect(result.result.capabilities).not.toHaveProperty('completions'); // 2025-03-26+
      const ack = await r.post({ jsonrpc: '2.0', method: 'notifications/initialized' });
      expect(ack).toMatchObject({ status: 202, text: 'Accepted' });
      const call = { jsonrpc: '2.0', id: nextId(), method: 'tools/call', params: { name: 'test_simple_text' } };
      const c = await r.post(call);
      expect(c).toMatchObject({ status: 202, text: 'Accepted' });
      expect((await r.stream.waitMessage(() => r.stream.response(call.id), 'the call result')).result.content[0].text).toBe(
        'This is a simple text response for testing.',
      );
      // A response to a request the server never sent is dropped (JR-12), still 202.
      expect(await r.post({ jsonrpc: '2.0', id: 999, result: {} })).toMatchObject({ status: 202, text: 'Accepted' });
      // An unknown method is answered on the stream with -32601, the POST still 202.
      const unknown = { jsonrpc: '2.0', id: nextId(), method: 'no/such/method' };
      expect(await r.post(unknown)).toMatchObject({ status: 202, text: 'Accepted' });
      expect((await r.stream.waitMessage(() => r.stream.response(unknown.id), 'the -32601')).error.code).toBe(-32601);
      // The raw frames: `event: message`, then the JSON in one data line.
      const frames = r.stream.raw.split('\n\n').filter((f) => f !== '' && !f.startsWith(':'));
      expect(frames.length).toBeGreaterThanOrEqual(4);
      expect(frames[0]).toMatch(/^event: endpoint\ndata: /);
      for (const f of frames.slice(1)) expect(f).toMatch(/^event: message\ndata: \{"jsonrpc":"2\.0",[^\n]*\}$/);
      expect(r.stream.violations).toEqual([]);
    } finally {
      r.abort();
    }
    await expectIdle(s.mcp);
  });

  it('SSE-04: `session_id=` is accepted as well as `sessionId=`', async () => {
    const r = await openRaw(s.sseUrl);
    try {
      const url = new URL(`/messages?session_id=${r.sessionId}`, s.origin);
      const msg = { jsonrpc: '2.0', id: nextId(), method: 'tools/list' };
      r.stream.sent(msg);
      const p = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(msg) });
      expect(p.status).toBe(202);
      expect(await p.text()).toBe('Accepted');
      const answer = await r.stream.waitMessage(() => r.stream.response(msg.id), 'the tools/list result');
      expect(answer.result.tools.length).toBeGreaterThan(10);
      expect(r.stream.violations).toEqual([]);
    } finally {
      r.abort();
    }
    await expectIdle(s.mcp);
  });

  it('SSE-08: the transport is served beside /mcp by default, with one session table', async () => {
    const r = await openRaw(s.sseUrl);
    try {
      const m = await mcpInitialize(s.origin);
      expect(m.status).toBe(200);
      expect(m.sid).toMatch(/^[0-9a-f]+$/);
      expect(m.sid).not.toBe(r.sessionId);
      expect(s.mcp.stats().sessions).toBe(2);
      // A Streamable HTTP session id is no HTTP+SSE session: it has no stream to answer on.
      const p = await fetch(new URL(`/messages?sessionId=${m.sid}`, s.origin), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      });
      expect(p.status).toBe(404);
      expect(((await p.json()) as any).error.code).toBe(-32600);
      const d = await fetch(`${s.origin}/mcp`, { method: 'DELETE', headers: { 'mcp-session-id': m.sid! } });
      expect(d.status).toBe(200);
      expect((await r.call('ping')).result).toEqual({});
    } finally {
      r.abort();
    }
    await expectIdle(s.mcp);
  });

  it('keep-alive comments arrive on an idle stream (keepAliveMs: 50), and only on open connections', async () => {
    const r = await openRaw(s.sseUrl, { initialize: undefined });
    try {
      await r.stream.until((x) => (x.comments >= 3 ? true : undefined), 'three keep-alive comments', 3000);
      expect(r.stream.raw).toMatch(/\n\n:\n\n/);
      // The expiry sweeper and this connection's keep-alive.
      expect(s.mcp.stats().timers).toBe(2);
      expect(r.stream.violations).toEqual([]);
    } finally {
      r.abort();
    }
    await expectIdle(s.mcp);
  });
});

describe('mount prefixes', () => {
  let s: LegacyServed;
  beforeAll(async () => {
    s = await startLegacy();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('a request to /api/sse gets `data: /api/messages?sessionId=...`, and POSTing there works', async () => {
    const r = await openRaw(`${s.origin}/api/sse`);
    try {
      expect(r.endpoint).toBe(`/api/messages?sessionId=${r.sessionId}`);
      expect(r.stream.messages[0].result.protocolVersion).toBe(OLD);
      expect((await r.call('tools/call', { name: 'test_simple_text' })).result.content[0].text).toBe('This is a simple text response for testing.');
      expect(r.stream.violations).toEqual([]);
    } finally {
      r.abort();
    }
    // Deeper prefixes too.
    const deep = await openRaw(`${s.origin}/a/b/c/sse`);
    try {
      expect(deep.endpoint).toBe(`/a/b/c/messages?sessionId=${deep.sessionId}`);
      expect((await deep.call('ping')).result).toEqual({});
    } finally {
      deep.abort();
    }
    await expectIdle(s.mcp);
  });

  it('RequestContext.mountPath (in process) goes before the POST path, percent-encoded', async () => {
    const mcp = s.mcp;
    const get = await mcp.handle(new Request('http://127.0.0.1/sse', { headers: { accept: 'text/event-stream' } }), { mountPath: '/my space' });
    expect(get.status).toBe(200);
    const checker = new StreamChecker(OLD);
    const reader = get.body!.getReader();
    const decoder = new TextDecoder();
    const pump = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        checker.push(decoder.decode(value, { stream: true }));
      }
    })().catch(() => {});
    try {
      await checker.until((c) => c.endpoint, 'the endpoint event');
      const sid = new URL(checker.endpoint!, 'http://x').searchParams.get('sessionId');
      expect(checker.endpoint).toBe(`/my%20space/messages?sessionId=${sid}`);
      // POSTing to it (as the framework would forward it) reaches the session.
      const init = INIT();
      checker.sent(init);
      const post = await mcp.handle(
        new Request(`http://127.0.0.1${checker.endpoint}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(init) }),
        { mountPath: '/my space' },
      );
      expect(post.status).toBe(202);
      expect(await post.text()).toBe('Accepted');
      expect((await checker.waitMessage(() => checker.response(init.id), 'the initialize result')).result.protocolVersion).toBe(OLD);
      expect(checker.violations).toEqual([]);
    } finally {
      await reader.cancel();
      await pump;
    }
    // Cancelling the body is the client going away: the session ends.
    await expectIdle(mcp);
  });
});

describe('custom paths and turning the transport off', () => {
  it('legacySse: { ssePath: "/events", messagesPath: "/rpc" }', async () => {
    const s = await startLegacy({ legacySse: { ssePath: '/events', messagesPath: '/rpc' } });
    try {
      const r = await openRaw(`${s.origin}/events`);
      try {
        expect(r.endpoint).toBe(`/rpc?sessionId=${r.sessionId}`);
        expect((await r.call('tools/call', { name: 'test_simple_text' })).result.content).toHaveLength(1);
        expect(r.stream.violations).toEqual([]);
      } finally {
        r.abort();
      }
      // The default paths are not served any more; /mcp is.
      const old = await fetch(`${s.origin}/sse`, { headers: { accept: 'text/event-stream' } });
      expect(old.status).toBe(404);
      expect(((await old.json()) as any).error.code).toBe(-32600);
      const oldPost = await fetch(`${s.origin}/messages?sessionId=${r.sessionId}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(oldPost.status).toBe(404);
      await oldPost.text();
      expect((await mcpInitialize(s.origin)).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('legacySse: false → GET /sse and POST /messages are 404; /mcp still serves', async () => {
    const s = await startLegacy({ legacySse: false });
    try {
      const get = await fetch(`${s.origin}/sse`, { headers: { accept: 'text/event-stream' } });
      expect(get.status).toBe(404);
      expect(get.headers.get('content-type')).toBe('application/json');
      expect(((await get.json()) as any).error).toMatchObject({ code: -32600, message: expect.stringMatching(/No MCP endpoint at \/sse/) });
      const post = await fetch(`${s.origin}/messages?sessionId=abc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(post.status).toBe(404);
      await post.text();
      expect((await mcpInitialize(s.origin)).status).toBe(200);
      expect(s.mcp.stats().connections).toBe(0);
    } finally {
      await s.close();
    }
  });
});

describe('a 2025-11-25 task on an HTTP+SSE session (TK1-08, TK1-09)', () => {
  it("the task's progress and logs go on the session's one stream, tagged with the task, on the tools/call token", async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const s = await startLegacy({ tasks: { pollIntervalMs: 20 } }, (mcp) =>
      mcp.tool('legacy_report', { task: { support: 'optional' } }, async (_args, ctx) => {
        ctx.progress(1, 2, 'one');
        ctx.log.notice('started');
        await released;
        ctx.progress(2, 2, 'two');
        return { content: [{ type: 'text', text: 'reported' }] };
      }),
    );
    const r = await openRaw(s.sseUrl, { initialize: '2025-11-25' });
    try {
      const created = await r.call('tools/call', { name: 'legacy_report', arguments: {}, task: {}, _meta: { progressToken: 'legacy-tok' } });
      const taskId: string = created.result.task.taskId;
      const first = await r.stream.waitMessage((m) => m.find((x) => x.method === 'notifications/progress'), 'progress 1');
      expect(first.params).toEqual({ progressToken: 'legacy-tok', progress: 1, total: 2, message: 'one', _meta: { 'io.modelcontextprotocol/related-task': { taskId } } });
      const log = await r.stream.waitMessage((m) => m.find((x) => x.method === 'notifications/message'), 'the log line');
      expect(log.params).toMatchObject({ level: 'notice', data: 'started', _meta: { 'io.modelcontextprotocol/related-task': { taskId } } });
      release();
      const result = await r.call('tasks/result', { taskId });
      expect(result.result.content).toEqual([{ type: 'text', text: 'reported' }]);
      expect(r.stream.byMethod('notifications/progress').map((m) => m.params.progress)).toEqual([1, 2]);
      expect(r.stream.violations).toEqual([]);
    } finally {
      release();
      r.abort();
      await r.done;
      await s.close();
    }
  });
});
