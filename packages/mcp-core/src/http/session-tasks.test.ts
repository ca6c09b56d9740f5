/**
 * The 2025-11-25 experimental core tasks on sessions (checklist §8.1), in process through createMcp + handle: the
 * wire shapes of the 2025 form (task2025, CreateTaskResult, tasks/get, tasks/cancel, tasks/result's _meta) and the
 * error answers (-32602 for a malformed params.task, an unknown task or a bad cursor, -32601 on older sessions).
 * The end-to-end flows with the official SDK client are in test/tasks/session-tasks.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMcp } from '../create-mcp';
import { createMemoryBus } from '../bus/bus';
import { createMemoryTaskStore } from '../tasks/memory-store';
import type { Mcp } from '../mcp';
import { ErrorCode } from '../jsonrpc/codes';
import type { TaskRecord, TaskStore } from '../tasks/store';
import type { RequestContext } from '../types';
import { META_RELATED_TASK, task2025, withRelatedTask } from './session-tasks';

const URL_ = 'http://localhost/mcp';
const V = '2025-11-25';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const SERVER_TTL = 30_000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const servers: Mcp[] = [];
const releases: (() => void)[] = [];
afterEach(async () => {
  for (const r of releases.splice(0)) r();
  for (const m of servers.splice(0)) await m.close();
});

/** A server with a task tool that waits for the test, one that returns its own _meta, and a plain tool. */
function server(): Mcp {
  const mcp = createMcp({ name: 'test', version: '1.0.0', keepAliveMs: 0, onError: () => {}, tasks: { ttlMs: SERVER_TTL, pollIntervalMs: 40 } });
  servers.push(mcp);
  mcp.tool('wait', { task: { support: 'optional', pollIntervalMs: 20 } }, async (_args, ctx) => {
    await new Promise<void>((resolve) => {
      releases.push(resolve);
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    return { content: [{ type: 'text', text: 'waited' }] };
  });
  mcp.tool('meta', { task: { support: 'required' } }, () => ({ content: [{ type: 'text', text: 'with meta' }], _meta: { 'x.example/own': 1 } }));
  mcp.tool('plain', {}, () => ({ content: [{ type: 'text', text: 'plain' }] }));
  mcp.tool('report', { task: { support: 'optional' } }, async (_args, ctx) => {
    await step();
    ctx.progress(1, 2, 'one');
    ctx.log.warning('halfway');
    await step();
    ctx.progress(2, 2, 'two');
    kept.push(ctx);
    return { content: [{ type: 'text', text: 'reported' }] };
  });
  return mcp;
}

/** The `report` tool waits at each step until the test lets it go on. */
const steps: (() => void)[] = [];
const step = () => new Promise<void>((resolve) => steps.push(resolve));
/** Lets the next waiting step go on (waits, bounded, for the tool to reach it). */
async function proceed(): Promise<void> {
  for (let i = 0; i < 400 && steps.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  const next = steps.shift();
  if (next === undefined) throw new Error('the tool never reached its next step');
  next();
}
/** Contexts the `report` tool kept after returning. */
const kept: { progress(p: number, total?: number, message?: string): void; log: { error(data: unknown): void } }[] = [];
afterEach(() => {
  for (const s of steps.splice(0)) s();
  kept.length = 0;
});

/** SSE `data:` payloads of a stream as JSON messages, collected as they arrive. */
function collectSse(res: Response): { messages: Json[]; done: Promise<void>; cancel(): Promise<void> } {
  const messages: Json[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const done = (async () => {
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) return;
      buffer += decoder.decode(value, { stream: true });
      for (let i = buffer.indexOf('\n\n'); i !== -1; i = buffer.indexOf('\n\n')) {
        const frame = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        const data = frame
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(l.startsWith('data: ') ? 6 : 5))
          .join('\n');
        if (data !== '') messages.push(JSON.parse(data));
      }
    }
  })();
  return {
    messages,
    done,
    cancel: async () => {
      await reader.cancel().catch(() => {});
      await done.catch(() => {});
    },
  };
}

/** Opens the session's GET stream. */
async function openGet(mcp: Mcp, s: Session): Promise<ReturnType<typeof collectSse>> {
  const res = await mcp.handle(new Request(URL_, { method: 'GET', headers: { accept: 'text/event-stream', 'mcp-session-id': s.sid, 'mcp-protocol-version': s.version } }), s.rctx);
  expect(res.status).toBe(200);
  return collectSse(res);
}

/** Waits (bounded) until `pick` finds something in `messages`. */
async function arrives(messages: Json[], pick: (m: Json) => boolean, what: string): Promise<Json> {
  for (let i = 0; i < 400; i++) {
    const m = messages.find(pick);
    if (m !== undefined) return m;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${what} never arrived; got ${JSON.stringify(messages)}`);
}

interface Session {
  sid: string;
  version: string;
  rctx: RequestContext | undefined;
}

const post = (body: unknown, headers: Record<string, string> = {}) =>
  new Request(URL_, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(body) });

async function open(mcp: Mcp, version = V, rctx?: RequestContext): Promise<{ session: Session; init: Json }> {
  const res = await mcp.handle(post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'c', version: '1' } } }), rctx);
  expect(res.status).toBe(200);
  const init = await res.json();
  const sid = res.headers.get('mcp-session-id')!;
  const session = { sid, version, rctx };
  const ack = await mcp.handle(post({ jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': sid, 'mcp-protocol-version': version }), rctx);
  expect(ack.status).toBe(202);
  return { session, init };
}

let nextId = 1;

/** Sends one request on the session and returns its JSON-RPC response (read from JSON or from the SSE stream). */
async function rpc(mcp: Mcp, s: Session, method: string, params?: Record<string, unknown>): Promise<Json> {
  const id = nextId++;
  const res = await mcp.handle(post({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }, { 'mcp-session-id': s.sid, 'mcp-protocol-version': s.version }), s.rctx);
  expect(res.status).toBe(200);
  const type = res.headers.get('content-type') ?? '';
  const text = await withTimeout(res.text(), `${method} answer`);
  const messages: Json[] = type.startsWith('text/event-stream')
    ? text
        .split('\n\n')
        .map((f) => f.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(l.startsWith('data: ') ? 6 : 5)).join('\n'))
        .filter((d) => d !== '')
        .map((d) => JSON.parse(d))
    : [JSON.parse(text)];
  const answer = messages.find((m) => m.id === id && ('result' in m || 'error' in m));
  expect(answer, `${method}: ${text}`).toBeDefined();
  return answer;
}

function withTimeout<T>(p: Promise<T>, what: string, ms = 3000): Promise<T> {
  let t: ReturnType<typeof setTimeout>;
  return Promise.race([p.finally(() => clearTimeout(t)), new Promise<never>((_, reject) => (t = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms)))]);
}

async function waitForStatus(mcp: Mcp, s: Session, taskId: string, status: string): Promise<Json> {
  for (let i = 0; i < 300; i++) {
    const got = await rpc(mcp, s, 'tasks/get', { taskId });
    if (got.result?.status === status) return got.result;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`task ${taskId} never reached ${status}`);
}

const record = (over: Partial<TaskRecord> = {}): TaskRecord => ({
  taskId: 'task-0123456789abcdefghijkl',
  owner: 'session:abc',
  status: 'working',
  createdAt: Date.UTC(2025, 10, 25, 12, 0, 0, 0),
  lastUpdatedAt: Date.UTC(2025, 10, 25, 12, 0, 1, 500),
  ttlMs: 60_000,
  expiresAt: Date.UTC(2025, 10, 25, 12, 1, 0, 0),
  version: 3,
  meta: { method: 'tools/call', tool: 'x', wire: '2025' },
  ...over,
});

describe('task2025: the 2025-11-25 Task (TK1-04, TRAP-13)', () => {
  it('ISO times, ttl in ms, and nothing of the store or of the 2026 form', () => {
    expect(task2025(record())).toEqual({
      taskId: 'task-0123456789abcdefghijkl',
      status: 'working',
      createdAt: '2025-11-25T12:00:00.000Z',
      lastUpdatedAt: '2025-11-25T12:00:01.500Z',
      ttl: 60_000,
    });
  });

  it('pollInterval and statusMessage when the record has them; result, error and inputRequests never', () => {
    const t = task2025(
      record({
        status: 'failed',
        pollIntervalMs: 250,
        statusMessage: 'went wrong',
        result: { content: [] },
        error: { code: -32603, message: 'x' },
        inputRequests: { a: { method: 'elicitation/create' } },
      }),
    );
    expect(t).toEqual({
      taskId: 'task-0123456789abcdefghijkl',
      status: 'failed',
      createdAt: '2025-11-25T12:00:00.000Z',
      lastUpdatedAt: '2025-11-25T12:00:01.500Z',
      ttl: 60_000,
      pollInterval: 250,
      statusMessage: 'went wrong',
    });
  });
});

describe('the 2025 wire through mcp.handle', () => {
  it('the tasks capability: list only for an authenticated session (TK1-01, TK1-10)', async () => {
    const mcp = server();
    const anon = await open(mcp);
    expect(anon.init.result.capabilities.tasks).toEqual({ cancel: {}, requests: { tools: { call: {} } } });
    const alice = await open(mcp, V, { authInfo: { subject: 'alice' } });
    expect(alice.init.result.capabilities.tasks).toEqual({ list: {}, cancel: {}, requests: { tools: { call: {} } } });
    const old = await open(mcp, '2025-06-18', { authInfo: { subject: 'alice' } });
    expect(old.init.result.capabilities).not.toHaveProperty('tasks');
    // The result text is built once per version and authentication: an anonymous session after alice's still gets
    // the anonymous answer.
    const anonAgain = await open(mcp);
    expect(anonAgain.init.result).toEqual(anon.init.result);
    expect(anonAgain.init.result.capabilities.tasks).not.toHaveProperty('list');
  });

  it('CreateTaskResult is exactly {task}; tasks/get and tasks/cancel answer the flat Task (TK1-03..05, TK1-07)', async () => {
    const mcp = server();
    const { session } = await open(mcp);
    const created = await rpc(mcp, session, 'tools/call', { name: 'wait', arguments: {}, task: { ttl: 5000 } });
    expect(Object.keys(created.result)).toEqual(['task']);
    const task = created.result.task;
    expect(task).toEqual({ taskId: expect.stringMatching(/^[A-Za-z0-9_-]{22,}$/), status: 'working', createdAt: expect.stringMatching(ISO), lastUpdatedAt: expect.stringMatching(ISO), ttl: 5000, pollInterval: 20 });
    const got = await rpc(mcp, session, 'tasks/get', { taskId: task.taskId });
    expect(got.result).toMatchObject({ taskId: task.taskId, status: 'working', createdAt: task.createdAt, ttl: 5000, pollInterval: 20 });
    for (const k of ['task', 'ttlMs', 'pollIntervalMs', 'resultType']) expect(got.result).not.toHaveProperty(k);
    const cancelled = await rpc(mcp, session, 'tasks/cancel', { taskId: task.taskId });
    expect(cancelled.result).toMatchObject({ taskId: task.taskId, status: 'cancelled', createdAt: task.createdAt, ttl: 5000 });
    expect(mcp.stats().tasks).toBe(0);
  });

  it('TK1-04: a requested ttl above the server maximum is capped', async () => {
    const mcp = server();
    const { session } = await open(mcp);
    const created = await rpc(mcp, session, 'tools/call', { name: 'meta', task: { ttl: 10 * SERVER_TTL } });
    expect(created.result.task.ttl).toBe(SERVER_TTL);
    await waitForStatus(mcp, session, created.result.task.taskId, 'completed');
  });

  it("tasks/result merges the tool's own _meta with related-task (TK1-06)", async () => {
    const mcp = server();
    const { session } = await open(mcp);
    const { taskId } = (await rpc(mcp, session, 'tools/call', { name: 'meta', task: {} })).result.task;
    const r = await rpc(mcp, session, 'tasks/result', { taskId });
    expect(r.result).toEqual({ content: [{ type: 'text', text: 'with meta' }], _meta: { 'x.example/own': 1, [META_RELATED_TASK]: { taskId } } });
  });

  it('a malformed params.task is -32602 and creates no task', async () => {
    const mcp = server();
    const { session } = await open(mcp, V, { authInfo: { subject: 'bad-task' } });
    for (const task of ['soon', null, [], 7, { ttl: -1 }, { ttl: '5000' }, { ttl: true }]) {
      const r = await rpc(mcp, session, 'tools/call', { name: 'wait', arguments: {}, task });
      expect(r.error?.code, JSON.stringify(task)).toBe(ErrorCode.InvalidParams);
      expect(r).not.toHaveProperty('result');
    }
    expect((await rpc(mcp, session, 'tasks/list')).result.tasks).toEqual([]);
    expect(mcp.stats().tasks).toBe(0);
  });

  it('tasks/get, tasks/result and tasks/cancel need a known taskId: -32602 otherwise; a bad tasks/list cursor is -32602', async () => {
    const mcp = server();
    const { session } = await open(mcp);
    for (const method of ['tasks/get', 'tasks/result', 'tasks/cancel']) {
      for (const params of [{ taskId: 'no-such-task' }, { taskId: '' }, { taskId: 42 }, {}]) {
        const r = await rpc(mcp, session, method, params);
        expect(r.error?.code, `${method} ${JSON.stringify(params)}`).toBe(ErrorCode.InvalidParams);
      }
    }
    for (const cursor of [12, 'not-a-cursor']) {
      expect((await rpc(mcp, session, 'tasks/list', { cursor })).error?.code, String(cursor)).toBe(ErrorCode.InvalidParams);
    }
  });

  it('tasks/result of a cancelled task is an error; cancelling it again is -32602 naming its status (TK1-07)', async () => {
    const mcp = server();
    const { session } = await open(mcp);
    const { taskId } = (await rpc(mcp, session, 'tools/call', { name: 'wait', arguments: {}, task: {} })).result.task;
    expect((await rpc(mcp, session, 'tasks/cancel', { taskId })).result.status).toBe('cancelled');
    const r = await rpc(mcp, session, 'tasks/result', { taskId });
    expect(r).not.toHaveProperty('result');
    expect(r.error.code).toBe(ErrorCode.InternalError);
    expect(r.error.message).toMatch(/cancelled/);
    const again = await rpc(mcp, session, 'tasks/cancel', { taskId });
    expect(again.error).toMatchObject({ code: ErrorCode.InvalidParams, data: { taskId, status: 'cancelled' } });
    expect((await rpc(mcp, session, 'tasks/get', { taskId })).result.status).toBe('cancelled');
  });

  it('another session cannot see the task; another session of the same subject can (TK1-10)', async () => {
    const mcp = server();
    const a = (await open(mcp)).session;
    const b = (await open(mcp)).session;
    const { taskId } = (await rpc(mcp, a, 'tools/call', { name: 'meta', task: {} })).result.task;
    expect((await rpc(mcp, b, 'tasks/get', { taskId })).error.code).toBe(ErrorCode.InvalidParams);
    const alice1 = (await open(mcp, V, { authInfo: { subject: 'alice' } })).session;
    const alice2 = (await open(mcp, V, { authInfo: { subject: 'alice' } })).session;
    const bob = (await open(mcp, V, { authInfo: { subject: 'bob' } })).session;
    const mine = (await rpc(mcp, alice1, 'tools/call', { name: 'meta', task: {} })).result.task.taskId;
    expect((await rpc(mcp, alice2, 'tasks/get', { taskId: mine })).result.taskId).toBe(mine);
    expect((await rpc(mcp, bob, 'tasks/get', { taskId: mine })).error.code).toBe(ErrorCode.InvalidParams);
    expect((await rpc(mcp, bob, 'tasks/list')).result.tasks).toEqual([]);
  });

  it('older sessions: params.task is ignored and tasks/* are -32601', async () => {
    const mcp = server();
    const { session } = await open(mcp, '2025-06-18');
    const r = await rpc(mcp, session, 'tools/call', { name: 'plain', task: { ttl: 1000 } });
    expect(r.result).toEqual({ content: [{ type: 'text', text: 'plain' }] });
    for (const method of ['tasks/get', 'tasks/result', 'tasks/cancel', 'tasks/list']) {
      expect((await rpc(mcp, session, method, { taskId: 'x' })).error.code, method).toBe(ErrorCode.MethodNotFound);
    }
  });

  it('taskSupport violations are -32601 (TK1-02, TRAP-17)', async () => {
    const mcp = server();
    const { session } = await open(mcp);
    expect((await rpc(mcp, session, 'tools/call', { name: 'meta' })).error.code).toBe(ErrorCode.MethodNotFound);
    expect((await rpc(mcp, session, 'tools/call', { name: 'plain', task: {} })).error.code).toBe(ErrorCode.MethodNotFound);
    expect(mcp.stats().tasks).toBe(0);
  });
});

describe("a task's progress and logs (TK1-06, TK1-08, TK1-09, PROG-02)", () => {
  const isProgress = (n: number) => (m: Json) => m.method === 'notifications/progress' && m.params.progress === n;

  it('withRelatedTask adds the tag to params._meta and keeps what was there', () => {
    const text = '{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"t","progress":1}}';
    expect(JSON.parse(withRelatedTask(text, 'abc'))).toEqual({
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { progressToken: 't', progress: 1, _meta: { [META_RELATED_TASK]: { taskId: 'abc' } } },
    });
    const own = '{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":1,"_meta":{"x":2}}}';
    expect(JSON.parse(withRelatedTask(own, 'abc')).params._meta).toEqual({ x: 2, [META_RELATED_TASK]: { taskId: 'abc' } });
  });

  it('with nobody waiting on tasks/result they go on the GET stream, tagged, on the tools/call token', async () => {
    const mcp = server();
    const { session } = await open(mcp);
    await rpc(mcp, session, 'logging/setLevel', { level: 'warning' });
    const get = await openGet(mcp, session);
    const { taskId } = (await rpc(mcp, session, 'tools/call', { name: 'report', task: {}, _meta: { progressToken: 'tok' } })).result.task;
    await proceed();
    const first = await arrives(get.messages, isProgress(1), 'progress 1');
    expect(first.params).toEqual({ progressToken: 'tok', progress: 1, total: 2, message: 'one', _meta: { [META_RELATED_TASK]: { taskId } } });
    const log = await arrives(get.messages, (m) => m.method === 'notifications/message', 'the log line');
    expect(log.params).toEqual({ level: 'warning', data: 'halfway', _meta: { [META_RELATED_TASK]: { taskId } } });
    await proceed();
    await arrives(get.messages, isProgress(2), 'progress 2');
    await waitForStatus(mcp, session, taskId, 'completed');
    // After the run returned, the context it kept sends nothing (the token died with the task, PROG-01).
    kept[0]!.progress(3, 3, 'late');
    kept[0]!.log.error('late');
    await new Promise((r) => setTimeout(r, 20));
    expect(get.messages.filter((m) => m.method === 'notifications/progress').map((m) => m.params.progress)).toEqual([1, 2]);
    expect(get.messages.filter((m) => m.method === 'notifications/message')).toHaveLength(1);
    await get.cancel();
  });

  it('below the session level a log line is not sent', async () => {
    const mcp = server();
    const { session } = await open(mcp);
    await rpc(mcp, session, 'logging/setLevel', { level: 'error' });
    const get = await openGet(mcp, session);
    const { taskId } = (await rpc(mcp, session, 'tools/call', { name: 'report', task: {}, _meta: { progressToken: 7 } })).result.task;
    await proceed();
    await arrives(get.messages, isProgress(1), 'progress 1');
    await proceed();
    await waitForStatus(mcp, session, taskId, 'completed');
    expect(get.messages.filter((m) => m.method === 'notifications/message')).toEqual([]);
    expect(get.messages.find(isProgress(1)).params.progressToken).toBe(7);
    await get.cancel();
  });

  it('while a tasks/result waits they go on its stream (upgraded to SSE) and not on the GET stream', async () => {
    const mcp = server();
    const { session } = await open(mcp);
    const get = await openGet(mcp, session);
    const { taskId } = (await rpc(mcp, session, 'tools/call', { name: 'report', task: {}, _meta: { progressToken: 'tok' } })).result.task;
    const pending = mcp.handle(post({ jsonrpc: '2.0', id: 'r', method: 'tasks/result', params: { taskId } }, { 'mcp-session-id': session.sid, 'mcp-protocol-version': V }));
    for (let i = 0; i < 400 && mcp.stats().inflight === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(mcp.stats().inflight).toBe(1);
    await proceed();
    const res = await withTimeout(pending, 'tasks/result');
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const stream = collectSse(res);
    await proceed();
    await withTimeout(stream.done, 'the tasks/result stream');
    const methods = stream.messages.map((m) => m.method ?? `answer ${String(m.id)}`);
    expect(methods).toEqual(['notifications/progress', 'notifications/message', 'notifications/progress', 'answer r']);
    for (const m of stream.messages) expect((m.params ?? m.result)._meta[META_RELATED_TASK]).toEqual({ taskId });
    expect(stream.messages.at(-1).result.content).toEqual([{ type: 'text', text: 'reported' }]);
    expect(get.messages.filter((m) => m.method === 'notifications/progress' || m.method === 'notifications/message')).toEqual([]);
    await get.cancel();
  });

  it("another principal's tasks/result never carries the task's progress, even while the store is slow to answer (TK1-10)", async () => {
    const inner = createMemoryTaskStore();
    // A store that takes a while to answer reads: the window in which a tasks/result does not yet know whose task it is.
    const slow: TaskStore = {
      create: (r) => inner.create(r),
      get: async (id, owner) => {
        await new Promise((r) => setTimeout(r, 40));
        return inner.get(id, owner);
      },
      update: (id, owner, version, patch) => inner.update(id, owner, version, patch),
      list: (owner, cursor, limit) => inner.list(owner, cursor, limit),
      delete: (id) => inner.delete(id),
    };
    const mcp = createMcp({ name: 'test', version: '1.0.0', keepAliveMs: 0, onError: () => {}, tasks: { store: slow, ttlMs: SERVER_TTL } });
    servers.push(mcp);
    mcp.tool('report', { task: { support: 'optional' } }, async (_args, ctx) => {
      await step();
      ctx.progress(1, 1, 'secret progress');
      await step();
      return { content: [{ type: 'text', text: 'reported' }] };
    });
    const alice = (await open(mcp, V, { authInfo: { subject: 'alice' } } as RequestContext)).session;
    const bob = (await open(mcp, V, { authInfo: { subject: 'bob' } } as RequestContext)).session;
    const getAlice = await openGet(mcp, alice);
    const { taskId } = (await rpc(mcp, alice, 'tools/call', { name: 'report', task: {}, _meta: { progressToken: 'tok' } })).result.task;
    const pending = mcp.handle(post({ jsonrpc: '2.0', id: 'spy', method: 'tasks/result', params: { taskId } }, { 'mcp-session-id': bob.sid, 'mcp-protocol-version': V }), bob.rctx);
    // While bob's tasks/result waits on the slow store, the task reports.
    for (let i = 0; i < 400 && mcp.stats().inflight === 0; i++) await new Promise((r) => setTimeout(r, 2));
    expect(mcp.stats().inflight).toBe(1);
    await proceed();
    await arrives(getAlice.messages, isProgress(1), "progress 1 on alice's stream");
    const res = await withTimeout(pending, 'tasks/result of bob');
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = await res.json();
    expect(body.error.code).toBe(ErrorCode.InvalidParams);
    await proceed();
    await getAlice.cancel();
  });

  it("a subject's task whose session ended: progress goes to the subject's other session waiting on tasks/result, else nowhere", async () => {
    const mcp = server();
    const rctx = { authInfo: { subject: 'alice' } } as RequestContext;
    const a = (await open(mcp, V, rctx)).session;
    const b = (await open(mcp, V, rctx)).session;
    const getB = await openGet(mcp, b);
    const { taskId } = (await rpc(mcp, a, 'tools/call', { name: 'report', task: {}, _meta: { progressToken: 'tok' } })).result.task;
    const del = await mcp.handle(new Request(URL_, { method: 'DELETE', headers: { 'mcp-session-id': a.sid, 'mcp-protocol-version': V } }), rctx);
    expect(del.status).toBe(200);
    // The creating session is gone and nobody waits: progress 1 goes nowhere, and nothing fails.
    await proceed();
    await waitForStatus(mcp, b, taskId, 'working');
    for (let i = 0; i < 400 && steps.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const pending = mcp.handle(post({ jsonrpc: '2.0', id: 'rb', method: 'tasks/result', params: { taskId } }, { 'mcp-session-id': b.sid, 'mcp-protocol-version': V }), rctx);
    for (let i = 0; i < 400 && mcp.stats().inflight === 0; i++) await new Promise((r) => setTimeout(r, 5));
    await proceed();
    const stream = collectSse(await withTimeout(pending, 'tasks/result'));
    await withTimeout(stream.done, 'the tasks/result stream');
    expect(stream.messages.filter((m) => m.method === 'notifications/progress').map((m) => m.params.progress)).toEqual([2]);
    expect(getB.messages.filter((m) => m.method === 'notifications/progress')).toEqual([]);
    await getB.cancel();
  });
});

describe('several processes sharing the task store and the bus', () => {
  it("a tasks/result waiting in another process answers as soon as the task completes there, not at its next poll", async () => {
    const store = createMemoryTaskStore();
    const bus = createMemoryBus();
    const make = () => {
      const mcp = createMcp({ name: 'test', version: '1.0.0', keepAliveMs: 0, onError: () => {}, tasks: { store, ttlMs: SERVER_TTL }, bus });
      servers.push(mcp);
      mcp.tool('wait', { task: { support: 'optional' } }, async (_args, ctx) => {
        await new Promise<void>((resolve) => {
          releases.push(resolve);
          ctx.signal.addEventListener('abort', () => resolve(), { once: true });
        });
        return { content: [{ type: 'text', text: 'waited' }] };
      });
      return mcp;
    };
    const one = make();
    const two = make();
    const rctx = { authInfo: { subject: 'alice' } } as RequestContext;
    const a = (await open(one, V, rctx)).session;
    const b = (await open(two, V, rctx)).session;
    const { taskId } = (await rpc(one, a, 'tools/call', { name: 'wait', task: {} })).result.task;
    for (let i = 0; i < 400 && releases.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const answer = rpc(two, b, 'tasks/result', { taskId });
    // Let the waiter in the other process settle into its wait (it reads the store at least once a second).
    await new Promise((r) => setTimeout(r, 100));
    const released = Date.now();
    releases.shift()!();
    const got = await answer;
    expect(got.result.content).toEqual([{ type: 'text', text: 'waited' }]);
    expect(Date.now() - released).toBeLessThan(500);
  });
});
