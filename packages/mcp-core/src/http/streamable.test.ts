/**
 * Legacy Streamable HTTP, driven in-process through createMcp + handle (no sockets).
 */
import { describe, expect, it, vi } from 'vitest';
import { ACCEPT_BOTH, URL_, openSession, post, sessionHeaders } from '../../test-support/http';
import type { Session } from '../../test-support/http';
import { deferred } from '../../test-support/timing';
import { testServers } from '../../test-support/servers';
import { sse } from '../../test-support/sse';
import type { Mcp } from '../mcp';
import { McpError } from '../errors';
import { ErrorCode } from '../jsonrpc/codes';
import { createMemorySessionStore } from '../session/index';
import type { HandlerContext } from '../server/types';

const server = testServers();


function initializeRequest(version: string, capabilities: Record<string, unknown> = {}): Request {
  return post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: version, capabilities, clientInfo: { name: 'c', version: '1' } } });
}

const open = openSession;

const call = (mcp: Mcp, s: Session, id: number | string, name: string, meta?: Record<string, unknown>, headers: Record<string, string> = {}) =>
  mcp.handle(
    post(
      { jsonrpc: '2.0', id, method: 'tools/call', params: meta === undefined ? { name } : { name, _meta: meta } },
      sessionHeaders(s, headers),
    ),
  );

const getStream = (mcp: Mcp, s: Session, headers: Record<string, string> = {}) =>
  mcp.handle(new Request(URL_, { method: 'GET', headers: { accept: 'text/event-stream', ...sessionHeaders(s), ...headers } }));

const del = (mcp: Mcp, s: Session) => mcp.handle(new Request(URL_, { method: 'DELETE', headers: sessionHeaders(s) }));

const text = (t: string) => ({ content: [{ type: 'text' as const, text: t }] });

/** A tool that reports progress 1, waits for the gate, reports progress 2 and returns. */
function gatedTool(mcp: Mcp, name = 'steps') {
  const gate = deferred();
  const finished = deferred();
  mcp.tool(name, {}, async (_a, ctx) => {
    ctx.progress(1, 2, 'first');
    await gate.promise;
    ctx.progress(2, 2, 'second');
    finished.resolve();
    return text('finished');
  });
  return { gate, finished };
}

describe('initialize and the session (LC-01..04, SES-01..07)', () => {
  it('answers initialize with JSON and a visible-ASCII Mcp-Session-Id header (SES-01, SES-02)', async () => {
    const mcp = server({ instructions: 'Be nice' });
    const res = await mcp.handle(initializeRequest('2025-06-18'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const sid = res.headers.get('mcp-session-id');
    expect(sid).toMatch(/^[\x21-\x7e]+$/);
    const body = await res.json();
    expect(body.id).toBe(0);
    expect(body.result.protocolVersion).toBe('2025-06-18');
    expect(body.result.serverInfo).toEqual({ name: 'test', version: '1.0.0' });
    expect(body.result.instructions).toBe('Be nice');
    expect(body.result.capabilities).toMatchObject({ tools: { listChanged: true }, resources: { subscribe: true, listChanged: true }, logging: {} });
  });

  it('gives every session a different id', async () => {
    const mcp = server();
    const a = (await mcp.handle(initializeRequest('2025-11-25'))).headers.get('mcp-session-id');
    const b = (await mcp.handle(initializeRequest('2025-11-25'))).headers.get('mcp-session-id');
    expect(a).not.toBe(b);
  });

  it('negotiates an unknown version to 2025-11-25, never 2026-07-28 (LC-03, TRAP-18)', async () => {
    const mcp = server();
    for (const requested of ['2099-01-01', '2026-07-28']) {
      const body = await (await mcp.handle(initializeRequest(requested))).json();
      expect(body.result.protocolVersion).toBe('2025-11-25');
    }
  });

  it('answers notifications/initialized with 202 and no body (LC-04, SH-03)', async () => {
    const mcp = server();
    const sid = (await mcp.handle(initializeRequest('2025-11-25'))).headers.get('mcp-session-id')!;
    const res = await mcp.handle(post({ jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': sid }));
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('');
  });

  it('moves the stored session state initializing → ready, and forgets it on DELETE', async () => {
    const store = createMemorySessionStore();
    const mcp = server({ sessions: { store } });
    const sid = (await mcp.handle(initializeRequest('2025-11-25'))).headers.get('mcp-session-id')!;
    expect((await store.get(sid))?.state).toBe('initializing');
    // ping is served before initialized (LC-05, LC-07) without leaving initializing.
    const ping = await mcp.handle(post({ jsonrpc: '2.0', id: 1, method: 'ping' }, { 'mcp-session-id': sid }));
    expect(await ping.json()).toEqual({ jsonrpc: '2.0', id: 1, result: {} });
    expect((await store.get(sid))?.state).toBe('initializing');
    await mcp.handle(post({ jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': sid }));
    expect((await store.get(sid))?.state).toBe('ready');
    expect((await del(mcp, { sid, version: '2025-11-25' })).status).toBe(200);
    expect(await store.get(sid)).toBeUndefined();
  });

  it('DELETE closes the session; every later use answers 404 (SES-05, SES-07)', async () => {
    const mcp = server();
    const s = await open(mcp);
    const res = await del(mcp, s);
    expect(res.status).toBe(200);
    const after = await mcp.handle(post({ jsonrpc: '2.0', id: 1, method: 'ping' }, sessionHeaders(s)));
    expect(after.status).toBe(404);
    expect((await after.json()).error.code).toBe(ErrorCode.InvalidRequest);
    expect((await getStream(mcp, s)).status).toBe(404);
    expect((await del(mcp, s)).status).toBe(404);
  });

  it('answers a request without a session header with 400 and an unknown session with 404 (SES-04, SES-05)', async () => {
    const mcp = server();
    expect((await mcp.handle(post({ jsonrpc: '2.0', id: 1, method: 'ping' }))).status).toBe(400);
    expect((await mcp.handle(post({ jsonrpc: '2.0', id: 1, method: 'ping' }, { 'mcp-session-id': 'never-issued' }))).status).toBe(404);
  });
});

describe('notifications/cancelled (CAN-01)', () => {
  function cancellable(mcp: Mcp) {
    const started = deferred<HandlerContext>();
    const aborted = deferred<unknown>();
    mcp.tool('slow', {}, (_a, ctx) => {
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

  it("aborts the running tool's ctx.signal with the reason, and the POST answers no JSON-RPC result", async () => {
    const mcp = server();
    const { started, aborted } = cancellable(mcp);
    const s = await open(mcp);
    const pending = call(mcp, s, 7, 'slow');
    await started.promise;
    expect(mcp.stats().inflight).toBe(1);
    const ack = await mcp.handle(post({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7, reason: 'User pressed stop' } }, sessionHeaders(s)));
    expect(ack.status).toBe(202);
    expect(await aborted.promise).toBe('User pressed stop');
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(await res.text()).toBe('');
    expect(mcp.stats().inflight).toBe(0);
  });

  it('answers 202 with no body when the client accepts only JSON', async () => {
    const mcp = server();
    const { started } = cancellable(mcp);
    const s = await open(mcp);
    const pending = call(mcp, s, 8, 'slow', undefined, { accept: 'application/json' });
    await started.promise;
    await mcp.handle(post({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 8 } }, sessionHeaders(s)));
    const res = await pending;
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('');
  });

  it('uses a default reason when none is given', async () => {
    const mcp = server();
    const { started, aborted } = cancellable(mcp);
    const s = await open(mcp);
    const pending = call(mcp, s, 9, 'slow');
    await started.promise;
    await mcp.handle(post({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 9 } }, sessionHeaders(s)));
    expect(typeof (await aborted.promise)).toBe('string');
    await pending;
  });

  it('matches the request id with its type: "10" does not cancel 10 (JR-03)', async () => {
    const mcp = server();
    const { started, aborted } = cancellable(mcp);
    const s = await open(mcp);
    const pending = call(mcp, s, 10, 'slow');
    const ctx = await started.promise;
    await mcp.handle(post({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: '10' } }, sessionHeaders(s)));
    expect(ctx.signal.aborted).toBe(false);
    await mcp.handle(post({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 10 } }, sessionHeaders(s)));
    await aborted.promise;
    expect(await (await pending).text()).toBe('');
  });

  it('ignores unknown request ids and malformed params with 202 (JR-05)', async () => {
    const mcp = server();
    const s = await open(mcp);
    for (const params of [{ requestId: 999 }, { nope: true }, undefined]) {
      const res = await mcp.handle(post({ jsonrpc: '2.0', method: 'notifications/cancelled', params }, sessionHeaders(s)));
      expect(res.status).toBe(202);
    }
  });
});

describe('server-to-client requests (S2C-02, LC-08)', () => {
  it('times out after clientRequestTimeoutMs with -32001 and sends notifications/cancelled on the stream', async () => {
    vi.useFakeTimers();
    const mcp = server({ clientRequestTimeoutMs: 1000 });
    let caught: unknown;
    mcp.tool('ask', {}, async (_a, ctx) => {
      try {
        await ctx.listRoots();
      } catch (e) {
        caught = e;
      }
      return text('gave up');
    });
    const s = await open(mcp, '2025-06-18', { roots: {} });
    const res = await call(mcp, s, 5, 'ask');
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = sse(res.body);
    const req = await events.message();
    expect(req.method).toBe('roots/list');
    expect(typeof req.id).toBe('number');
    expect(mcp.stats().pendingClientRequests).toBe(1);

    await vi.advanceTimersByTimeAsync(999);
    expect(caught).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);

    expect(await events.message()).toEqual({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: req.id, reason: 'Timed out' } });
    expect(await events.message()).toEqual({ jsonrpc: '2.0', id: 5, result: text('gave up') });
    expect(await events.next()).toBeUndefined();
    expect(caught).toBeInstanceOf(McpError);
    expect((caught as McpError).code).toBe(ErrorCode.RequestTimeout);
    expect((caught as McpError).code).toBe(-32001);
    expect(mcp.stats().pendingClientRequests).toBe(0);
  });

  it("delivers the client's answer POSTed later (202) to the waiting handler", async () => {
    const mcp = server();
    mcp.tool('ask', {}, async (_a, ctx) => text(JSON.stringify(await ctx.listRoots())));
    const s = await open(mcp, '2025-06-18', { roots: {} });
    const res = await call(mcp, s, 6, 'ask');
    const events = sse(res.body);
    const req = await events.message();
    const answer = await mcp.handle(post({ jsonrpc: '2.0', id: req.id, result: { roots: [{ uri: 'file:///r' }] } }, sessionHeaders(s)));
    expect(answer.status).toBe(202);
    const final = await events.message();
    expect(final.id).toBe(6);
    expect(JSON.parse(final.result.content[0].text)).toEqual({ roots: [{ uri: 'file:///r' }] });
    expect(mcp.stats().pendingClientRequests).toBe(0);
  });

  it('refuses a server-to-client request the client did not declare (S2C-01)', async () => {
    const mcp = server();
    let caught: unknown;
    mcp.tool('ask', {}, async (_a, ctx) => {
      try {
        await ctx.listRoots();
      } catch (e) {
        caught = e;
      }
      return text('no roots');
    });
    const s = await open(mcp, '2025-06-18', {});
    const res = await call(mcp, s, 7, 'ask');
    expect(res.headers.get('content-type')).toBe('application/json');
    expect((await res.json()).result).toEqual(text('no roots'));
    expect(caught).toBeInstanceOf(McpError);
    expect(mcp.stats().pendingClientRequests).toBe(0);
  });
});

describe('resumability (RSM-01..07, TRAP-05, TRAP-06)', () => {
  it('a 2025-11-25 POST stream starts with a priming event (id, retry, empty data) (RSM-05)', async () => {
    const mcp = server({ retryMs: 2500 });
    const { gate } = gatedTool(mcp);
    const s = await open(mcp, '2025-11-25');
    const res = await call(mcp, s, 1, 'steps', { progressToken: 'tok' });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = sse(res.body);
    const priming = await events.event();
    expect(priming.data).toBe('');
    expect(priming.id).toBeTruthy();
    expect(priming.retry).toBe(2500);
    gate.resolve();
    const rest = await events.rest();
    expect(rest.map((e) => JSON.parse(e.data).method ?? 'result')).toEqual(['notifications/progress', 'notifications/progress', 'result']);
    // Every event has an id, unique within the session (RSM-01).
    const ids = [priming.id, ...rest.map((e) => e.id)];
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never sends the priming event to a 2025-06-18 session (RSM-05, TRAP-05)', async () => {
    const mcp = server();
    const { gate } = gatedTool(mcp);
    const s = await open(mcp, '2025-06-18');
    const res = await call(mcp, s, 1, 'steps', { progressToken: 'tok' });
    gate.resolve();
    const all = await sse(res.body).rest();
    expect(all).toHaveLength(3);
    for (const e of all) {
      expect(e.data).not.toBe('');
      expect(e.retry).toBeUndefined();
      expect(e.id).toBeTruthy(); // ids are still attached for resumption (RSM-01)
    }
    expect(JSON.parse(all[0]!.data)).toEqual({
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { progressToken: 'tok', progress: 1, total: 2, message: 'first' },
    });
  });

  it('resumes a dropped POST stream with GET + Last-Event-ID: the rest and the final result (RSM-03, RSM-04)', async () => {
    const mcp = server();
    const { gate, finished } = gatedTool(mcp);
    const s = await open(mcp, '2025-11-25');
    const res = await call(mcp, s, 42, 'steps', { progressToken: 'tok' });
    const events = sse(res.body);
    const priming = await events.event();
    expect(priming.data).toBe('');
    const first = await events.event();
    expect(JSON.parse(first.data).params.progress).toBe(1);
    await events.cancel(); // the client's connection drops

    gate.resolve();
    await finished.promise;
    await vi.waitFor(() => expect(mcp.stats().inflight).toBe(0));
    expect(mcp.stats().connections).toBe(0);

    const resumed = await getStream(mcp, s, { 'last-event-id': first.id! });
    expect(resumed.status).toBe(200);
    expect(resumed.headers.get('content-type')).toBe('text/event-stream');
    const rest = await sse(resumed.body).rest();
    expect(rest.map((e) => JSON.parse(e.data))).toEqual([
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'tok', progress: 2, total: 2, message: 'second' } },
      { jsonrpc: '2.0', id: 42, result: text('finished') },
    ]);
    expect(rest.every((e) => e.id !== undefined && e.id !== first.id)).toBe(true);
  });

  it('resuming from the priming event id replays everything after it, never the empty priming data', async () => {
    const mcp = server();
    const { gate, finished } = gatedTool(mcp);
    const s = await open(mcp, '2025-11-25');
    const events = sse((await call(mcp, s, 1, 'steps', { progressToken: 'tok' })).body);
    const priming = await events.event();
    await events.cancel();
    gate.resolve();
    await finished.promise;
    await vi.waitFor(() => expect(mcp.stats().inflight).toBe(0));
    const rest = await sse((await getStream(mcp, s, { 'last-event-id': priming.id! })).body).rest();
    expect(rest.map((e) => JSON.parse(e.data).params?.progress ?? 'result')).toEqual([1, 2, 'result']);
  });

  it("never replays another session's stream, and a delivered stream is forgotten (RSM-03, RSM-07)", async () => {
    const mcp = server();
    const { gate, finished } = gatedTool(mcp);
    const s1 = await open(mcp, '2025-11-25');
    const s2 = await open(mcp, '2025-11-25');
    const events = sse((await call(mcp, s1, 1, 'steps', { progressToken: 'tok' })).body);
    await events.event(); // priming
    const first = await events.event();
    await events.cancel();
    gate.resolve();
    await finished.promise;
    await vi.waitFor(() => expect(mcp.stats().inflight).toBe(0));

    // Session 2 presents session 1's event id: it gets a fresh GET stream of its own, nothing replayed.
    const foreign = sse((await getStream(mcp, s2, { 'last-event-id': first.id! })).body);
    const primingOfNew = await foreign.event();
    expect(primingOfNew.data).toBe('');
    const streamOf = (id: string) => id.slice(0, id.lastIndexOf('.'));
    expect(streamOf(primingOfNew.id!)).not.toBe(streamOf(first.id!));
    mcp.tool('sentinel', {}, () => text(''));
    expect((await foreign.message()).method).toBe('notifications/tools/list_changed');
    await foreign.cancel();

    // Session 1 still gets its own messages.
    const own = await sse((await getStream(mcp, s1, { 'last-event-id': first.id! })).body).rest();
    expect(own.map((e) => JSON.parse(e.data).params?.progress ?? JSON.parse(e.data).id)).toEqual([2, 1]);

    // Delivered: the same id now opens a plain GET stream with no replay.
    const again = sse((await getStream(mcp, s1, { 'last-event-id': first.id! })).body);
    const primingAgain = await again.event();
    expect(primingAgain.data).toBe('');
    expect(streamOf(primingAgain.id!)).not.toBe(streamOf(first.id!));
    await again.cancel();
  });

  it('a garbage Last-Event-ID opens the standalone stream instead of replaying anything', async () => {
    const mcp = server();
    const s = await open(mcp, '2025-11-25');
    const res = await getStream(mcp, s, { 'last-event-id': 'not-an-event-id' });
    expect(res.status).toBe(200);
    const events = sse(res.body);
    expect((await events.event()).data).toBe('');
    await events.cancel();
  });

  it('eventStore: false disables event ids, priming and replay', async () => {
    const mcp = server({ eventStore: false });
    const { gate } = gatedTool(mcp);
    const s = await open(mcp, '2025-11-25');
    const res = await call(mcp, s, 3, 'steps', { progressToken: 'tok' });
    gate.resolve();
    const all = await sse(res.body).rest();
    expect(all).toHaveLength(3);
    for (const e of all) {
      expect(e.id).toBeUndefined();
      expect(e.retry).toBeUndefined();
      expect(e.data).not.toBe('');
    }
    // Last-Event-ID is ignored: a plain GET stream opens, without a priming event.
    const get = sse((await getStream(mcp, s, { 'last-event-id': 'x.1' })).body);
    mcp.tool('sentinel', {}, () => text(''));
    const first = await get.event();
    expect(first.id).toBeUndefined();
    expect(JSON.parse(first.data).method).toBe('notifications/tools/list_changed');
    await get.cancel();
    expect(mcp.stats().bufferedEvents).toBe(0);
  });
});

describe('progress (PROG-01, PROG-02)', () => {
  it('sends only strictly increasing progress values, on the request\'s own stream', async () => {
    const mcp = server();
    mcp.tool('p', {}, (_a, ctx) => {
      ctx.progress(1);
      ctx.progress(1);
      ctx.progress(0.5);
      ctx.progress(3, 4);
      return text('ok');
    });
    const s = await open(mcp, '2025-06-18');
    const all = (await sse((await call(mcp, s, 1, 'p', { progressToken: 7 })).body).rest()).map((e) => JSON.parse(e.data));
    expect(all).toEqual([
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 7, progress: 1 } },
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 7, progress: 3, total: 4 } },
      { jsonrpc: '2.0', id: 1, result: text('ok') },
    ]);
  });

  it('sends no progress without a progressToken, so the answer stays JSON', async () => {
    const mcp = server();
    mcp.tool('p', {}, (_a, ctx) => {
      ctx.progress(1);
      return text('ok');
    });
    const s = await open(mcp, '2025-06-18');
    const res = await call(mcp, s, 1, 'p');
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ jsonrpc: '2.0', id: 1, result: text('ok') });
  });

  it('drops progress reported after the response went out (the token is no longer active)', async () => {
    const mcp = server();
    const later = deferred<HandlerContext>();
    mcp.tool('p', {}, (_a, ctx) => {
      later.resolve(ctx);
      return text('ok');
    });
    const s = await open(mcp, '2025-06-18');
    const get = sse((await getStream(mcp, s)).body);
    const res = await call(mcp, s, 1, 'p', { progressToken: 'tok' });
    expect(await res.json()).toEqual({ jsonrpc: '2.0', id: 1, result: text('ok') });
    (await later.promise).progress(10);
    mcp.tool('sentinel', {}, () => text(''));
    // The first GET event is the sentinel: the late progress went nowhere.
    expect((await get.message()).method).toBe('notifications/tools/list_changed');
    await get.cancel();
  });
});

describe('id-less errors (JR-07, TRAP-02)', () => {
  it('omits the id of a parse error for 2025-11-25 clients and writes id:null for older ones', async () => {
    const mcp = server();
    const bad = (headers: Record<string, string>) =>
      mcp.handle(new Request(URL_, { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT_BOTH, ...headers }, body: '{"jsonrpc":' }));
    const modern = await bad({ 'mcp-protocol-version': '2025-11-25' });
    expect(modern.status).toBe(400);
    const m = await modern.json();
    expect(m.error.code).toBe(ErrorCode.ParseError);
    expect('id' in m).toBe(false);
    const legacy = await bad({});
    expect(legacy.status).toBe(400);
    expect(await legacy.json()).toMatchObject({ id: null, error: { code: -32700 } });
  });

  it('answers an id:null request with -32600 (JR-02)', async () => {
    const mcp = server();
    const res = await mcp.handle(post({ jsonrpc: '2.0', id: null, method: 'ping' }, { 'mcp-protocol-version': '2025-06-18' }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ id: null, error: { code: ErrorCode.InvalidRequest } });
  });
});

describe('list_changed notifications (TOOL-06, SH-09)', () => {
  it('coalesces 3 tool registrations in one tick into one tools/list_changed on the GET stream only', async () => {
    const mcp = server();
    const { gate } = gatedTool(mcp);
    const s = await open(mcp, '2025-11-25');
    const get = sse((await getStream(mcp, s)).body);
    expect((await get.event()).data).toBe(''); // priming

    // A POST stream is open at the same time.
    const postEvents = sse((await call(mcp, s, 1, 'steps', { progressToken: 'tok' })).body);
    expect((await postEvents.event()).data).toBe('');
    expect((await postEvents.message()).method).toBe('notifications/progress');

    mcp.tool('a', {}, () => text(''));
    mcp.tool('b', {}, () => text(''));
    mcp.tool('c', {}, () => text(''));
    expect(await get.message()).toEqual({ jsonrpc: '2.0', method: 'notifications/tools/list_changed', params: {} });

    // The next GET event is the prompt's: no second tools/list_changed was sent.
    mcp.prompt('p', {}, () => ({ messages: [] }));
    expect((await get.message()).method).toBe('notifications/prompts/list_changed');

    // One resources/list_changed for a resource and a template in the same tick.
    mcp.resource('r', 'file:///r', {}, (uri) => ({ contents: [{ uri, text: '' }] }));
    mcp.resourceTemplate('t', 'file:///t/{x}', {}, (uri) => ({ contents: [{ uri, text: '' }] }));
    expect((await get.message()).method).toBe('notifications/resources/list_changed');
    mcp.prompt('q', {}, () => ({ messages: [] }));
    expect((await get.message()).method).toBe('notifications/prompts/list_changed');

    // SH-09: the POST stream carried none of them.
    gate.resolve();
    const rest = (await postEvents.rest()).map((e) => JSON.parse(e.data));
    expect(rest.map((m) => m.method ?? 'result')).toEqual(['notifications/progress', 'result']);
    await get.cancel();
  });

  it('sends list_changed after remove() too', async () => {
    const mcp = server();
    const reg = mcp.tool('gone', {}, () => text(''));
    const s = await open(mcp, '2025-06-18');
    const get = sse((await getStream(mcp, s)).body);
    reg.remove();
    expect((await get.message()).method).toBe('notifications/tools/list_changed');
    await get.cancel();
  });

  it('answers a second GET stream with 409 while one is open (SH-10)', async () => {
    const mcp = server();
    const s = await open(mcp, '2025-06-18');
    const first = await getStream(mcp, s);
    expect(first.status).toBe(200);
    expect((await getStream(mcp, s)).status).toBe(409);
    await first.body!.cancel();
  });
});

describe('stats() (leak checks)', () => {
  it('goes back to zero after DELETE, with a GET stream and a request in flight', async () => {
    const mcp = server();
    const started = deferred<HandlerContext>();
    const gate = deferred();
    mcp.tool('hold', {}, async (_a, ctx) => {
      ctx.progress(1);
      started.resolve(ctx);
      await gate.promise;
      return text('done');
    });
    const s = await open(mcp, '2025-11-25');
    const get = await getStream(mcp, s);
    const res = await call(mcp, s, 1, 'hold', { progressToken: 'p' });
    const ctx = await started.promise;
    const busy = mcp.stats();
    expect(busy.sessions).toBe(1);
    expect(busy.connections).toBe(2);
    expect(busy.inflight).toBe(1);
    expect(busy.timers).toBe(1); // the expiry sweeper (keep-alives are off)
    expect(busy.bufferedEvents).toBeGreaterThan(0);

    expect((await del(mcp, s)).status).toBe(200);
    const zero = { sessions: 0, connections: 0, inflight: 0, pendingClientRequests: 0, listenStreams: 0, tasks: 0, timers: 0, bufferedEvents: 0 };
    expect(mcp.stats()).toEqual(zero);
    expect(ctx.signal.aborted).toBe(true);
    // Both bodies end.
    await sse(res.body).rest();
    await sse(get.body).rest();

    gate.resolve();
    await vi.waitFor(() => expect(mcp.stats()).toEqual(zero));
  });

  it('counts keep-alive timers per connection when enabled', async () => {
    const mcp = server({ keepAliveMs: 10_000 });
    const s = await open(mcp, '2025-06-18');
    const get = await getStream(mcp, s);
    expect(mcp.stats().timers).toBe(2);
    await get.body!.cancel();
    expect(mcp.stats().connections).toBe(0);
    expect(mcp.stats().timers).toBe(1);
    await del(mcp, s);
    expect(mcp.stats().timers).toBe(0);
  });
});

describe('2025-03-26 batches never answer notifications (JR-05, JR-11)', () => {
  it('a batch holding only a malformed notification gets 202 and no body', async () => {
    const mcp = server();
    const s = await open(mcp, '2025-03-26');
    const res = await mcp.handle(post([{ jsonrpc: '2.0', method: 'notifications/x', params: [1] }], sessionHeaders(s)));
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('');
  });

  it('a malformed notification beside a request: only the request is answered', async () => {
    const mcp = server();
    const s = await open(mcp, '2025-03-26');
    const res = await mcp.handle(
      post([{ jsonrpc: '2.0', method: 'notifications/x', params: [1] }, { jsonrpc: '2.0', id: 7, method: 'ping' }], sessionHeaders(s)),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([{ jsonrpc: '2.0', id: 7, result: {} }]);
  });
});
