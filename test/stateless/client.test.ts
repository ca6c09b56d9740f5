/**
 * The stateless 2026-07-28 path over a real socket with the official 2026 client (`@modelcontextprotocol/client`,
 * pinned to 2026-07-28): discover, tools, MRTR through the client's input handlers, subscriptions/listen, related
 * progress and logs, cancellation by closing the response stream. Every message the server sends is validated
 * against the 2026-07-28 schema, and after every test the server holds nothing (stats() all zero, no session).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProtocolError } from '@modelcontextprotocol/client';
import type { Connected } from './harness.ts';
import { FIXTURE_INFO, META_LOG_LEVEL, META_SERVER_INFO, META_SUBSCRIPTION_ID, V, connect, expectIdle, startFixture, trackClients, waitFor, within } from './harness.ts';
import type { Served } from './harness.ts';

let s: Served;
const clients = trackClients(() => s.url);

beforeAll(async () => {
  s = await startFixture();
});
afterAll(async () => {
  await s?.close();
});

/** Connects and remembers the client, so that afterEach closes it and checks the wire. */
const client = clients.connect;

afterEach(async () => {
  // MH-01, DUAL-06: the client never needed GET or DELETE, and nothing of a session exists.
  await clients.closeAll();
  await expectIdle(s.mcp);
  expect(s.errors).toEqual([]);
  s.observed.stateRuns.length = 0;
  s.observed.elicitRuns.length = 0;
  s.observed.started.length = 0;
  s.observed.aborted.length = 0;
  s.observed.returnedAfterAbort = 0;
});

/** The answers to the tools/call POSTs of a flow, in order. */
const callExchanges = (c: Connected) => c.wire.posts('tools/call');
const responseOf = (e: { messages: any[] }) => e.messages.find((m) => 'result' in m || 'error' in m);

describe('server/discover (DISC-01, DISC-02, M-06, CACHE-01, DUAL-05)', () => {
  it('DISC-01/DISC-02: the pinned client connects by probing server/discover; serverInfo in _meta, caching fields, every served version', async () => {
    const c = await client();
    expect(c.client.getProtocolEra()).toBe('modern');
    expect(c.client.getNegotiatedProtocolVersion()).toBe(V);
    expect(c.client.getServerVersion()).toMatchObject(FIXTURE_INFO);

    const [probe] = c.wire.posts('server/discover');
    expect(probe).toBeDefined();
    expect(probe!.requestHeaders.get('mcp-protocol-version')).toBe(V);
    expect(probe!.requestHeaders.get('mcp-method')).toBe('server/discover');
    expect(probe!.status).toBe(200);
    expect(probe!.contentType).toBe('application/json');
    const result = responseOf(probe!).result;
    expect(result.resultType).toBe('complete');
    // DUAL-05: every version served, the legacy ones included.
    expect(result.supportedVersions).toEqual(expect.arrayContaining([V, '2025-11-25', '2025-06-18', '2025-03-26']));
    expect(result.capabilities).toMatchObject({ tools: { listChanged: true }, resources: { subscribe: true, listChanged: true }, prompts: { listChanged: true } });
    // M-06/DISC-02: serverInfo lives in _meta, not at the top level.
    expect(result._meta[META_SERVER_INFO]).toMatchObject(FIXTURE_INFO);
    expect(result).not.toHaveProperty('serverInfo');
    // CACHE-01
    expect(Number.isInteger(result.ttlMs) && result.ttlMs >= 0).toBe(true);
    expect(['public', 'private']).toContain(result.cacheScope);

    // An explicit discover later stands alone and gives the same answer.
    const again = await c.client.discover();
    expect(again.supportedVersions).toEqual(result.supportedVersions);
    expect(c.wire.posts('server/discover')).toHaveLength(2);
  });
});

describe('tools (TOOL, JR-14, M-06, HDR-03, HDR-06, CACHE-01)', () => {
  it('CACHE-01/M-06: tools/list carries resultType, ttlMs, cacheScope and serverInfo; tools/call answers with one JSON body', async () => {
    const c = await client();
    const { tools } = await c.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(['echo', 'elicit_name', 'state_machine', 'state_only', 'needs_sampling', 'chatty', 'wait_for_abort', 'region_tool']),
    );
    const list = responseOf(c.wire.posts('tools/list')[0]!).result;
    expect(list).toMatchObject({ resultType: 'complete', cacheScope: expect.stringMatching(/^(public|private)$/) });
    expect(Number.isInteger(list.ttlMs)).toBe(true);
    expect(list._meta[META_SERVER_INFO]).toMatchObject(FIXTURE_INFO);

    const r = await c.client.callTool({ name: 'echo', arguments: { text: 'héllo' } });
    expect(r.content).toEqual([{ type: 'text', text: 'héllo' }]);
    const [call] = callExchanges(c);
    // HDR-01, HDR-03: the client mirrored the version, the method and the name; the server answered JSON (MH-03).
    expect(call!.requestHeaders.get('mcp-method')).toBe('tools/call');
    expect(call!.requestHeaders.get('mcp-name')).toBe('echo');
    expect(call!.status).toBe(200);
    expect(call!.contentType).toBe('application/json');
    expect(call!.messages).toHaveLength(1);
    const res = responseOf(call!).result;
    expect(res.resultType).toBe('complete');
    expect(res._meta[META_SERVER_INFO]).toMatchObject(FIXTURE_INFO);
    // MRTR-07 spirit: a tools/call result is not cacheable.
    expect(res).not.toHaveProperty('ttlMs');
  });

  it('HDR-06: the client mirrors an x-mcp-header argument as Mcp-Param-Region and the server accepts it', async () => {
    const c = await client();
    const { tools } = await c.client.listTools();
    const region = tools.find((t) => t.name === 'region_tool')!;
    expect((region.inputSchema.properties as any).region['x-mcp-header']).toBe('Region');
    const r = await c.client.callTool({ name: 'region_tool', arguments: { region: 'eu-west-1' } });
    expect(r.content).toEqual([{ type: 'text', text: 'region eu-west-1' }]);
    const call = callExchanges(c).at(-1)!;
    expect(call.requestHeaders.get('mcp-param-region')).toBe('eu-west-1');
    expect(call.status).toBe(200);
  });

  it('M-04/MH-08: a tool that needs an undeclared capability → -32021 with data.requiredCapabilities (HTTP 400), surfaced by the client', async () => {
    const c = await client({ capabilities: {} });
    const error = await c.client.callTool({ name: 'needs_sampling', arguments: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe(-32021);
    const call = callExchanges(c).at(-1)!;
    expect(call.status).toBe(400);
    expect(responseOf(call).error).toMatchObject({ code: -32021, data: { requiredCapabilities: { sampling: {} } } });
  });

  it('RES-02/PROMPT: resources/read (with caching fields) and prompts/get through the client; an unknown uri → -32602 with data.uri', async () => {
    const c = await client();
    const read = await c.client.readResource({ uri: 'test://static' });
    expect(read.contents).toEqual([{ uri: 'test://static', mimeType: 'text/plain', text: 'static text' }]);
    const readEx = c.wire.posts('resources/read')[0]!;
    expect(readEx.requestHeaders.get('mcp-name')).toBe('test://static');
    const readResult = responseOf(readEx).result;
    expect(Number.isInteger(readResult.ttlMs)).toBe(true);
    expect(['public', 'private']).toContain(readResult.cacheScope);

    const prompt = await c.client.getPrompt({ name: 'greeting' });
    expect(prompt.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Hello' } }]);

    const error = await c.client.readResource({ uri: 'test://missing' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as ProtocolError).code).toBe(-32602);
    const missing = c.wire.posts('resources/read').at(-1)!;
    expect(responseOf(missing).error.data).toEqual({ uri: 'test://missing' });
  });
});

describe('MRTR through the official client (MRTR-01..07)', () => {
  it('MRTR-02/MRTR-04: ctx.elicit with a key → input_required; the client answers through its elicitation/create handler and retries with a new id and the same requestState', async () => {
    const asked: any[] = [];
    const c = await client({
      capabilities: { elicitation: {} },
      setup: (cl) =>
        cl.setRequestHandler('elicitation/create', async (req) => {
          asked.push(req.params);
          return { action: 'accept', content: { name: 'Alice' } };
        }),
    });
    const r = await c.client.callTool({ name: 'elicit_name', arguments: {} });
    expect(r.content).toEqual([{ type: 'text', text: 'Hello, Alice' }]);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ message: 'What is your name?', requestedSchema: { type: 'object' } });

    const [first, retry] = callExchanges(c);
    expect(callExchanges(c)).toHaveLength(2);
    const ir = responseOf(first!).result;
    expect(ir.resultType).toBe('input_required');
    expect(ir.inputRequests).toEqual({ user_name: { method: 'elicitation/create', params: expect.objectContaining({ message: 'What is your name?' }) } });
    expect(typeof ir.requestState).toBe('string');
    // MRTR-07: no caching fields on an input_required result.
    expect(ir).not.toHaveProperty('ttlMs');
    expect(ir).not.toHaveProperty('cacheScope');
    // MRTR-04: a new request with a new id, the answers by key, the state echoed byte for byte.
    expect(retry!.body.id).not.toEqual(first!.body.id);
    expect(retry!.body.params.inputResponses).toEqual({ user_name: { action: 'accept', content: { name: 'Alice' } } });
    expect(retry!.body.params.requestState).toBe(ir.requestState);
    expect(responseOf(retry!).result.resultType).toBe('complete');
    // The handler ran twice: without answers, then with them (M-03: nothing kept between the two).
    expect(s.observed.elicitRuns).toEqual([undefined, { user_name: { action: 'accept', content: { name: 'Alice' } } }]);
  });

  it('MRTR-04/MRTR-05: inputRequired({ requests, state }) over two rounds; the retry sees ctx.requestState and ctx.inputResponses, each round a new sealed state', async () => {
    const c = await client({
      capabilities: { elicitation: {} },
      setup: (cl) =>
        cl.setRequestHandler('elicitation/create', async (req) => {
          const content: Record<string, string> = req.params.message === 'What is your name?' ? { name: 'Alice' } : { color: 'blue' };
          return { action: 'accept', content };
        }),
    });
    const r = await c.client.callTool({ name: 'state_machine', arguments: {} });
    expect(r.content).toEqual([{ type: 'text', text: 'Alice likes blue' }]);

    const rounds = callExchanges(c);
    expect(rounds).toHaveLength(3);
    expect(new Set(rounds.map((e) => JSON.stringify(e.body.id))).size).toBe(3);
    const r1 = responseOf(rounds[0]!).result;
    const r2 = responseOf(rounds[1]!).result;
    expect(r1).toMatchObject({ resultType: 'input_required', inputRequests: { step1: { method: 'elicitation/create' } } });
    expect(r2).toMatchObject({ resultType: 'input_required', inputRequests: { step2: { method: 'elicitation/create' } } });
    expect(r2.requestState).not.toBe(r1.requestState);
    expect(rounds[1]!.body.params.requestState).toBe(r1.requestState);
    expect(rounds[2]!.body.params.requestState).toBe(r2.requestState);
    // The third request brings only the second answer: the name travels in the sealed state.
    expect(Object.keys(rounds[2]!.body.params.inputResponses)).toEqual(['step2']);

    expect(s.observed.stateRuns).toHaveLength(3);
    expect(s.observed.stateRuns[0]).toEqual({ requestState: undefined, inputResponses: undefined });
    expect(s.observed.stateRuns[1]).toEqual({ requestState: { step: 1 }, inputResponses: { step1: { action: 'accept', content: { name: 'Alice' } } } });
    expect(s.observed.stateRuns[2]!.requestState).toEqual({ step: 2, name: 'Alice' });
    expect(s.observed.stateRuns[2]!.inputResponses).toMatchObject({ step2: { action: 'accept', content: { color: 'blue' } } });
  });

  it('MRTR-02: an input_required with requestState only; the client retries with the state and no questions asked', async () => {
    const c = await client();
    const r = await c.client.callTool({ name: 'state_only', arguments: {} });
    expect(r.content).toEqual([{ type: 'text', text: 'state {"n":1}' }]);
    const [first, retry] = callExchanges(c);
    const ir = responseOf(first!).result;
    expect(ir.resultType).toBe('input_required');
    expect(ir).not.toHaveProperty('inputRequests');
    expect(retry!.body.params.requestState).toBe(ir.requestState);
  });
});

describe('subscriptions/listen (SUB-01..07, MH-04)', () => {
  it('SUB-03/SUB-04/SUB-07: listen → acknowledged first, then tools/list_changed after a tool is registered, tagged with the subscription id; a prompts-only subscription gets nothing', async () => {
    const changed: any[] = [];
    const c = await client({ setup: (cl) => cl.setNotificationHandler('notifications/tools/list_changed', (n) => void changed.push(n)) });
    const tools = await within(c.client.listen({ toolsListChanged: true }), 3000, 'listen (tools)');
    const prompts = await within(c.client.listen({ promptsListChanged: true }), 3000, 'listen (prompts)');
    expect(tools.honoredFilter).toEqual({ toolsListChanged: true });
    expect(prompts.honoredFilter).toEqual({ promptsListChanged: true });
    await waitFor(() => s.mcp.stats().listenStreams === 2, 'two listen streams');

    const reg = s.mcp.tool('added_later', { description: 'Registered while listening' }, () => ({ content: [] }));
    try {
      await waitFor(() => changed.length >= 1, 'notifications/tools/list_changed');
    } finally {
      reg.remove();
    }
    await waitFor(() => changed.length >= 2, 'the second list_changed (removal)');

    const [toolsEx, promptsEx] = c.wire.posts('subscriptions/listen');
    for (const ex of [toolsEx!, promptsEx!]) {
      expect(ex.status).toBe(200);
      expect(ex.contentType).toBe('text/event-stream');
      expect(ex.headers.get('x-accel-buffering')).toBe('no'); // MH-04
      const ack = ex.messages[0];
      expect(ack.method).toBe('notifications/subscriptions/acknowledged');
      // SUB-03: the subscription id is the listen request's id, JSON type kept.
      expect(ack.params._meta[META_SUBSCRIPTION_ID]).toStrictEqual(ex.body.id);
      // SUB-04: every message on the stream carries it.
      for (const m of ex.messages) expect(m.params._meta[META_SUBSCRIPTION_ID]).toStrictEqual(ex.body.id);
      // SUB-05: no progress or log on a listen stream.
      expect(ex.messages.filter((m) => m.method === 'notifications/progress' || m.method === 'notifications/message')).toEqual([]);
    }
    expect(toolsEx!.messages.map((m) => m.method)).toEqual([
      'notifications/subscriptions/acknowledged',
      'notifications/tools/list_changed',
      'notifications/tools/list_changed',
    ]);
    // SUB-04: never a type that was not asked for.
    expect(promptsEx!.messages.map((m) => m.method)).toEqual(['notifications/subscriptions/acknowledged']);

    // SUB-07: closing the stream ends the subscription; nothing survives it.
    await tools.close();
    await prompts.close();
    expect(await within(tools.closed, 3000, 'tools.closed')).toBe('local');
    expect(await within(prompts.closed, 3000, 'prompts.closed')).toBe('local');
    await waitFor(() => s.mcp.stats().listenStreams === 0, 'listen streams closed');
    // Whatever the client POSTs to say so (a notifications/cancelled) is accepted with 202 (MH-02).
    for (const n of c.wire.posts('notifications/cancelled')) expect(n.status).toBe(202);
  });

  it('SUB-06: closing the server ends an open subscription gracefully (final listen result), and the client sees "graceful"', async () => {
    const own = await startFixture();
    try {
      const c = await connect(own.url);
      try {
        const sub = await within(c.client.listen({ resourcesListChanged: true }), 3000, 'listen');
        await waitFor(() => own.mcp.stats().listenStreams === 1, 'one listen stream');
        await own.mcp.close();
        expect(await within(sub.closed, 3000, 'sub.closed')).toBe('graceful');
        const ex = c.wire.posts('subscriptions/listen')[0]!;
        await within(ex.ended, 3000, 'the listen stream to end');
        const last = ex.messages.at(-1);
        expect(last).toMatchObject({ id: ex.body.id, result: { resultType: 'complete', _meta: { [META_SUBSCRIPTION_ID]: ex.body.id } } });
        expect(c.wire.violations).toEqual([]);
      } finally {
        await c.close();
      }
      expect(own.mcp.stats()).toMatchObject({ listenStreams: 0, timers: 0, sessions: 0, inflight: 0 });
    } finally {
      await own.server.close();
    }
  });
});

describe('related messages on the request stream (MH-03, LOG-02, PROG-01, PROG-02)', () => {
  it('MH-03/LOG-02: without a progressToken or logLevel nothing related is sent and the answer is one JSON body', async () => {
    const c = await client();
    const logs: any[] = [];
    c.client.setNotificationHandler('notifications/message', (n) => void logs.push(n));
    const r = await c.client.callTool({ name: 'chatty', arguments: {} });
    expect(r.content).toEqual([{ type: 'text', text: 'done' }]);
    const call = callExchanges(c).at(-1)!;
    expect(call.contentType).toBe('application/json');
    expect(call.messages).toHaveLength(1);
    expect(logs).toEqual([]);
  });

  it('PROG-02/LOG-02: with onprogress and logLevel "info" the progress and the info+ logs come first on the SSE stream, then the response ends it', async () => {
    const c = await client();
    const logs: any[] = [];
    const progress: any[] = [];
    c.client.setNotificationHandler('notifications/message', (n) => void logs.push(n.params));
    const r = await c.client.callTool({ name: 'chatty', arguments: {}, _meta: { [META_LOG_LEVEL]: 'info' } }, { onprogress: (p) => void progress.push(p) });
    expect(r.content).toEqual([{ type: 'text', text: 'done' }]);
    const call = callExchanges(c).at(-1)!;
    expect(call.requestHeaders.get('mcp-method')).toBe('tools/call');
    expect(call.body.params._meta[META_LOG_LEVEL]).toBe('info');
    const token = call.body.params._meta.progressToken;
    expect(token).toBeDefined();
    expect(call.contentType).toBe('text/event-stream');
    expect(call.headers.get('x-accel-buffering')).toBe('no');
    await within(call.ended, 3000, 'the request stream to end');
    const methods = call.messages.map((m) => m.method ?? 'response');
    expect(methods).toEqual([
      'notifications/progress',
      'notifications/message',
      'notifications/progress',
      'notifications/message',
      'notifications/progress',
      'response',
    ]);
    const prog = call.messages.filter((m) => m.method === 'notifications/progress').map((m) => m.params);
    expect(prog.map((p) => p.progressToken)).toEqual([token, token, token]);
    expect(prog.map((p) => p.progress)).toEqual([1, 2, 3]);
    const levels = call.messages.filter((m) => m.method === 'notifications/message').map((m) => m.params.level);
    expect(levels).toEqual(['info', 'warning']); // debug is below the requested level
    expect(progress.map((p) => p.progress)).toEqual([1, 2, 3]);
    expect(logs.map((l) => l.level)).toEqual(['info', 'warning']);
    expect(logs[0]).toMatchObject({ level: 'info', logger: 'chatty', data: { step: 2 } });
  });

  it('LOG-02: logLevel "debug" without a progressToken gives every log line and no progress', async () => {
    const c = await client();
    await c.client.callTool({ name: 'chatty', arguments: {}, _meta: { [META_LOG_LEVEL]: 'debug' } });
    const call = callExchanges(c).at(-1)!;
    expect(call.contentType).toBe('text/event-stream');
    await within(call.ended, 3000, 'the request stream to end');
    expect(call.messages.map((m) => m.method ?? 'response')).toEqual(['notifications/message', 'notifications/message', 'notifications/message', 'response']);
    expect(call.messages.slice(0, 3).map((m) => m.params.level)).toEqual(['debug', 'info', 'warning']);
  });
});

describe('cancellation by closing the response stream (MH-05)', () => {
  it('MH-05: the client aborts the call while its SSE stream is open → the handler signal aborts, nothing more is sent, stats() back to zero', async () => {
    const c = await client();
    const progress: any[] = [];
    const ac = new AbortController();
    const call = c.client.callTool({ name: 'wait_for_abort', arguments: { stream: true } }, { signal: ac.signal, onprogress: (p) => void progress.push(p) });
    const settled = call.then(
      () => 'resolved',
      () => 'rejected',
    );
    await waitFor(() => progress.length === 1, 'the first progress event');
    expect(s.mcp.stats().inflight).toBe(1);
    ac.abort();
    expect(await within(settled, 3000, 'the aborted call')).toBe('rejected');
    await waitFor(() => s.observed.aborted.length === 1, 'the handler signal to abort');
    await waitFor(() => s.observed.returnedAfterAbort === 1, 'the handler to return');
    const ex = callExchanges(c).at(-1)!;
    await within(ex.ended, 3000, 'the request stream to end');
    // Only the progress sent before the abort: no later progress, log or response.
    expect(ex.messages.map((m) => m.method ?? 'response')).toEqual(['notifications/progress']);
    expect(progress).toHaveLength(1);
    await expectIdle(s.mcp);
  });

  it('MH-05: the client aborts before the first byte → the handler signal aborts and stats() returns to zero', async () => {
    const c = await client();
    const ac = new AbortController();
    const call = c.client.callTool({ name: 'wait_for_abort', arguments: { stream: false } }, { signal: ac.signal });
    const settled = call.then(
      () => 'resolved',
      () => 'rejected',
    );
    await waitFor(() => s.observed.started.length === 1, 'the handler to start');
    expect(s.mcp.stats().inflight).toBe(1);
    ac.abort();
    expect(await within(settled, 3000, 'the aborted call')).toBe('rejected');
    await waitFor(() => s.observed.aborted.length === 1, 'the handler signal to abort');
    expect(s.observed.aborted[0]).toBeDefined();
    await expectIdle(s.mcp);
  });
});
