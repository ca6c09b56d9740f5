/**
 * `notifications/tasks` on `subscriptions/listen` (checklist §8.2 TKX-08, TKX-09; §6.3 SUB-03, SUB-04), end to end
 * through createMcp + handle: the task runtime publishes on the bus, the hub delivers to the owner's streams only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMcp } from '../create-mcp';
import type { Mcp } from '../mcp';
import { ErrorCode } from '../jsonrpc/codes';
import type { RequestContext } from '../types';
import { SUBSCRIPTION_ID_META_KEY } from './listen';

const URL_ = 'http://localhost/mcp';
const V = '2026-07-28';
const TASKS = 'io.modelcontextprotocol/tasks';
const KEY = SUBSCRIPTION_ID_META_KEY;
const SERVER_INFO = 'io.modelcontextprotocol/serverInfo';
/** Declares the tasks extension and elicitation. */
const TASK_CAPS = { elicitation: {}, extensions: { [TASKS]: {} } };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const servers: Mcp[] = [];
afterEach(async () => {
  for (const m of servers.splice(0)) await m.close();
});

const as = (subject: string): RequestContext => ({ authInfo: { subject } });

/** A server with one task tool that asks a question before it completes. */
function server(): Mcp {
  const mcp = createMcp({ name: 'test', version: '1.0.0', keepAliveMs: 0, onError: () => {} });
  servers.push(mcp);
  mcp.tool('approve', { task: { support: 'optional' } }, async (_args, ctx) => {
    const answer = await ctx.elicit({ message: 'Go on?', requestedSchema: { type: 'object', properties: {} } }, { key: 'go' });
    return { content: [{ type: 'text', text: `answer: ${answer.action}` }] };
  });
  return mcp;
}

/** A well-formed 2026-07-28 request with its mirrored headers. */
function request(method: string, params: Record<string, unknown>, caps: Record<string, unknown>, id: string | number = 1): Request {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': V,
    'mcp-method': method,
  };
  const name = method === 'tools/call' ? params.name : method.startsWith('tasks/') ? params.taskId : undefined;
  if (typeof name === 'string') headers['mcp-name'] = name;
  const _meta = { 'io.modelcontextprotocol/protocolVersion': V, 'io.modelcontextprotocol/clientCapabilities': caps, 'io.modelcontextprotocol/clientInfo': { name: 'c', version: '1' } };
  return new Request(URL_, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id, method, params: { ...params, _meta } }) });
}

async function rpc(mcp: Mcp, method: string, params: Record<string, unknown>, rctx: RequestContext, caps: Record<string, unknown> = TASK_CAPS): Promise<Json> {
  const res = await mcp.handle(request(method, params, caps), rctx);
  return res.json();
}

/** Reads the JSON `data:` frames of an SSE body one at a time (comments skipped). */
function frames(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  const next = async (): Promise<Json | undefined> => {
    for (;;) {
      const at = buf.indexOf('\n\n');
      if (at !== -1) {
        const frame = buf.slice(0, at);
        buf = buf.slice(at + 2);
        const data = frame.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(l.startsWith('data: ') ? 6 : 5));
        if (data.length === 0) continue;
        return JSON.parse(data.join('\n'));
      }
      const { value, done } = await reader.read();
      if (done) return undefined;
      buf += decoder.decode(value, { stream: true });
    }
  };
  const rest = async (): Promise<Json[]> => {
    const out: Json[] = [];
    for (let m = await next(); m !== undefined; m = await next()) out.push(m);
    return out;
  };
  return { next, rest, cancel: () => reader.cancel() };
}

/** Fails instead of hanging when a message never comes. */
function within<T>(p: Promise<T>, ms = 2000): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`nothing within ${ms} ms`)), ms))]);
}

async function waitForStatus(mcp: Mcp, taskId: string, rctx: RequestContext, status: string): Promise<Json> {
  for (let i = 0; i < 200; i++) {
    const got = await rpc(mcp, 'tasks/get', { taskId }, rctx);
    if (got.result?.status === status) return got.result;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`task ${taskId} never reached ${status}`);
}

/** The task state of a tasks/get result: what notifications/tasks carries besides its _meta. */
const stateOf = (result: Json): Json => {
  const { resultType: _rt, _meta: _m, ...state } = result;
  return state;
};

describe('subscriptions/listen with notifications.taskIds (TKX-08, TKX-09)', () => {
  it("delivers the owner's task status changes, tagged, as the full task state; another principal gets nothing", async () => {
    const mcp = server();
    const alice = as('alice');
    const bob = as('bob');
    const created = await rpc(mcp, 'tools/call', { name: 'approve', arguments: {} }, alice);
    expect(created.result).toMatchObject({ resultType: 'task', status: 'working' });
    const taskId: string = created.result.taskId;
    const parked = await waitForStatus(mcp, taskId, alice, 'input_required');

    const aliceListen = await mcp.handle(request('subscriptions/listen', { notifications: { taskIds: [taskId, 'unknown-task'] } }, TASK_CAPS, 'alice-listen'), alice);
    expect(aliceListen.status).toBe(200);
    expect(aliceListen.headers.get('content-type')).toBe('text/event-stream');
    const a = frames(aliceListen);
    // SUB-03: the ack lists the ids it accepted (an unknown one is harmless: nothing of it can ever be delivered).
    expect(await within(a.next())).toEqual({
      jsonrpc: '2.0',
      method: 'notifications/subscriptions/acknowledged',
      params: { notifications: { taskIds: [taskId, 'unknown-task'] }, _meta: { [KEY]: 'alice-listen' } },
    });
    // Bob knows the id but not the task: accepted, never delivered (TK1-10).
    const b = frames(await mcp.handle(request('subscriptions/listen', { notifications: { taskIds: [taskId] } }, TASK_CAPS, 7), bob));
    expect((await within(b.next())).params).toEqual({ notifications: { taskIds: [taskId] }, _meta: { [KEY]: 7 } });
    // Alice again, without tasks: a plain stream never sees a task.
    const plain = frames(await mcp.handle(request('subscriptions/listen', { notifications: { toolsListChanged: true } }, TASK_CAPS, 'plain'), alice));
    await within(plain.next());
    // Bob's answer to Alice's task is refused like any foreign task.
    expect((await rpc(mcp, 'tasks/update', { taskId, inputResponses: { go: { action: 'accept', content: {} } } }, bob)).error.code).toBe(ErrorCode.InvalidParams);
    expect(parked.inputRequests).toEqual({ go: { method: 'elicitation/create', params: { message: 'Go on?', requestedSchema: { type: 'object', properties: {} } } } });

    // The answer: input_required → working → completed.
    const ack = await rpc(mcp, 'tasks/update', { taskId, inputResponses: { go: { action: 'accept', content: {} } } }, alice);
    expect(ack.result.resultType).toBe('complete');
    const working = await within(a.next());
    expect(working).toMatchObject({ jsonrpc: '2.0', method: 'notifications/tasks', params: { taskId, status: 'working', _meta: { [KEY]: 'alice-listen' } } });
    expect(working.params).not.toHaveProperty('inputRequests');
    const completed = await within(a.next());
    expect(completed.method).toBe('notifications/tasks');
    // TKX-09: the full task state, exactly as tasks/get shows it (without its resultType and the server's _meta).
    const got = await rpc(mcp, 'tasks/get', { taskId }, alice);
    expect(got.result._meta).toEqual({ [SERVER_INFO]: { name: 'test', version: '1.0.0' } });
    expect(completed.params).toEqual({ ...stateOf(got.result), _meta: { [KEY]: 'alice-listen' } });
    expect(completed.params).toMatchObject({ taskId, status: 'completed', result: { resultType: 'complete', content: [{ type: 'text', text: 'answer: accept' }] } });

    // Graceful end: each stream gets only its final result after what it was owed (SUB-06).
    await mcp.close();
    expect(await within(a.rest())).toEqual([{ jsonrpc: '2.0', id: 'alice-listen', result: expect.objectContaining({ resultType: 'complete' }) }]);
    expect(await within(b.rest())).toEqual([{ jsonrpc: '2.0', id: 7, result: expect.objectContaining({ resultType: 'complete' }) }]);
    expect(await within(plain.rest())).toEqual([{ jsonrpc: '2.0', id: 'plain', result: expect.objectContaining({ resultType: 'complete' }) }]);
  });

  it('announces a cancellation, and never puts a task on a 2025 session stream', async () => {
    const mcp = server();
    const anon: RequestContext = {};
    const created = await rpc(mcp, 'tools/call', { name: 'approve', arguments: {} }, anon);
    const taskId: string = created.result.taskId;
    await waitForStatus(mcp, taskId, anon, 'input_required');

    // A 2025 session with its GET stream open.
    const init = await mcp.handle(
      new Request(URL_, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'c', version: '1' } } }),
      }),
    );
    const sid = init.headers.get('mcp-session-id')!;
    const session = { 'mcp-session-id': sid, 'mcp-protocol-version': '2025-06-18' };
    await mcp.handle(new Request(URL_, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...session }, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) }));
    const legacy = frames(await mcp.handle(new Request(URL_, { method: 'GET', headers: { accept: 'text/event-stream', ...session } })));

    const listen = frames(await mcp.handle(request('subscriptions/listen', { notifications: { taskIds: [taskId] } }, TASK_CAPS, 1), anon));
    await within(listen.next());
    expect((await rpc(mcp, 'tasks/cancel', { taskId }, anon)).result.resultType).toBe('complete');
    expect(await within(listen.next())).toMatchObject({ method: 'notifications/tasks', params: { taskId, status: 'cancelled', statusMessage: 'Cancelled by the client', _meta: { [KEY]: 1 } } });

    // The session's next message is the list change published after the cancel: no notifications/tasks before it.
    await mcp.publish({ type: 'tools/list_changed' });
    expect(await within(legacy.next())).toEqual({ jsonrpc: '2.0', method: 'notifications/tools/list_changed', params: {} });
    await legacy.cancel();
  });

  it('TKX-08: taskIds without the declared extension → 400 -32021 with data.requiredCapabilities; bad taskIds → -32602', async () => {
    const mcp = server();
    for (const taskIds of [['t1'], [], 'not-an-array']) {
      const res = await mcp.handle(request('subscriptions/listen', { notifications: { toolsListChanged: true, taskIds } }, { elicitation: {} }), as('alice'));
      expect(res.status, JSON.stringify(taskIds)).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/json');
      const body = await res.json();
      expect(body.id).toBe(1);
      expect(body.error.code).toBe(ErrorCode.MissingRequiredClientCapability);
      expect(body.error.data).toEqual({ requiredCapabilities: { extensions: { [TASKS]: {} } } });
    }
    for (const taskIds of ['t1', [1], [null], { 0: 't1' }]) {
      const res = await mcp.handle(request('subscriptions/listen', { notifications: { taskIds } }, TASK_CAPS), as('alice'));
      const body = await res.json();
      expect(body.error.code, JSON.stringify(taskIds)).toBe(ErrorCode.InvalidParams);
    }
    expect(mcp.stats().listenStreams).toBe(0);
    // Without taskIds the extension is not needed.
    const ok = frames(await mcp.handle(request('subscriptions/listen', { notifications: { toolsListChanged: true } }, {}), as('alice')));
    expect((await within(ok.next())).params.notifications).toEqual({ toolsListChanged: true });
    await ok.cancel();
  });
});
