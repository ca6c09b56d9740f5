/**
 * The 2026-07-28 tasks extension on the stateless path (checklist §8, TKX-01..11), driven in-process through
 * createMcp + mcp.handle (no sockets): when a tools/call becomes a task, the handle, tasks/get|update|cancel, MRTR
 * inside a task, explicit start after MRTR rounds, gating, owner scoping, retention, the store bound, shutdown and
 * stats().tasks.
 *
 * Every wait is bounded (`within`, `until`): a broken runtime fails a test instead of hanging it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { deferred, sleep, within } from '../../test-support/timing';
import { createMcp } from '../create-mcp';
import type { Mcp, McpOptions } from '../mcp';
import { McpError } from '../errors';
import { ErrorCode } from '../jsonrpc/codes';
import { inputRequired } from '../server/mrtr';
import type { ElicitResult, HandlerContext } from '../server/types';
import type { AuthInfo, RequestContext } from '../types';
import { createMemoryTaskStore } from './memory-store';
import { createMemoryBus } from '../bus/bus';
import { TASKS_EXTENSION } from './extension';

const URL_ = 'http://localhost/mcp';
const V = '2026-07-28';
const PV = 'io.modelcontextprotocol/protocolVersion';
const CAPS = 'io.modelcontextprotocol/clientCapabilities';
const INFO = 'io.modelcontextprotocol/clientInfo';
const SERVER_INFO = 'io.modelcontextprotocol/serverInfo';
const RELATED_TASK = 'io.modelcontextprotocol/related-task';
const SERVER = { name: 'tasks-test', version: '1.0.0' };

/** What the conformance client declares: the extension plus elicitation and sampling. */
const ALL = { elicitation: {}, sampling: {}, extensions: { [TASKS_EXTENSION]: {} } };
/** The extension only (per-request opt-in, no elicitation, no sampling). */
const EXT_ONLY = { extensions: { [TASKS_EXTENSION]: {} } };
/** No tasks extension. */
const NO_EXT = { elicitation: {}, sampling: {} };

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const servers: Mcp[] = [];
afterEach(async () => {
  for (const m of servers.splice(0)) await m.close();
});

interface Fixture {
  mcp: Mcp;
  errors: unknown[];
}

function server(options: Partial<McpOptions> = {}): Fixture {
  const errors: unknown[] = [];
  const mcp = createMcp({ ...SERVER, keepAliveMs: 0, onError: (e) => errors.push(e), ...options });
  servers.push(mcp);
  return { mcp, errors };
}

/** Polls until `cond` returns a truthy value, at most `ms`. */
async function until<T>(cond: () => T | Promise<T>, what: string, ms = 2000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await cond();
    if (last) return last as NonNullable<T>;
    await sleep(5);
  }
  throw new Error(`Timed out after ${ms} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
}

const text = (t: string) => ({ content: [{ type: 'text' as const, text: t }] });

/** The headers a well-behaved 2026 client mirrors (HDR-01, HDR-03; TKX-11: Mcp-Name = taskId on tasks/*). */
function mirrored(method: string, params: Record<string, unknown>): Record<string, string> {
  const h: Record<string, string> = { 'mcp-protocol-version': V, 'mcp-method': method };
  const name =
    method === 'tools/call' || method === 'prompts/get'
      ? params.name
      : method === 'tasks/get' || method === 'tasks/update' || method === 'tasks/cancel'
        ? params.taskId
        : undefined;
  if (typeof name === 'string') h['mcp-name'] = name;
  return h;
}

interface SendOptions {
  caps?: Record<string, unknown>;
  /** Extra or overriding headers; `null` removes one. */
  headers?: Record<string, string | null>;
  rctx?: RequestContext;
}

interface Answer {
  res: Response;
  /** The JSON-RPC response (the last message of an SSE body). */
  msg: Json;
}

async function read(res: Response): Promise<Json> {
  const type = res.headers.get('content-type') ?? '';
  const body = await within(res.text(), 3000, 'reading the response body');
  if (!type.startsWith('text/event-stream')) return JSON.parse(body);
  const messages = body
    .split(/\n\n/)
    .flatMap((frame) => frame.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6))));
  return messages.find((m) => 'result' in m || 'error' in m);
}

/** A raw 2026 client over mcp.handle. */
function client(mcp: Mcp, defaults: SendOptions = {}) {
  let id = 0;
  const send = async (method: string, params: Record<string, unknown>, o: SendOptions = {}): Promise<Answer> => {
    const caps = o.caps ?? defaults.caps ?? ALL;
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...mirrored(method, params) };
    for (const [k, v] of Object.entries({ ...defaults.headers, ...o.headers })) {
      if (v === null) delete headers[k];
      else headers[k] = v;
    }
    const body = { jsonrpc: '2.0', id: ++id, method, params: { ...params, _meta: { [PV]: V, [CAPS]: caps, [INFO]: { name: 'c', version: '1' } } } };
    const res = await within(mcp.handle(new Request(URL_, { method: 'POST', headers, body: JSON.stringify(body) }), o.rctx ?? defaults.rctx), 3000, `${method} response`);
    const msg = await read(res);
    expect(msg.id, JSON.stringify(msg)).toBe(body.id);
    return { res, msg };
  };
  const c = {
    send,
    call: (name: string, args: Record<string, unknown> = {}, o: SendOptions & { extra?: Record<string, unknown> } = {}) =>
      send('tools/call', { name, arguments: args, ...o.extra }, o),
    get: (taskId: string, o?: SendOptions) => send('tasks/get', { taskId }, o),
    update: (taskId: string, inputResponses: unknown, o?: SendOptions) => send('tasks/update', { taskId, inputResponses }, o),
    cancel: (taskId: string, o?: SendOptions) => send('tasks/cancel', { taskId }, o),
    /** Calls a tool that must answer with a task handle; returns the handle. */
    async start(name: string, args: Record<string, unknown> = {}, o?: SendOptions): Promise<Json> {
      const { res, msg } = await c.call(name, args, o);
      expect(res.status, JSON.stringify(msg)).toBe(200);
      expect(msg.result?.resultType, JSON.stringify(msg)).toBe('task');
      return msg.result;
    },
    /** tasks/get until `pred` holds (bounded). */
    async until(taskId: string, pred: (r: Json) => boolean, what = 'the task state', ms = 2000, o?: SendOptions): Promise<Json> {
      let last: Json;
      return until(async () => {
        const { msg } = await c.get(taskId, o);
        last = msg;
        return msg.result !== undefined && pred(msg.result) ? msg.result : undefined;
      }, what, ms).catch((e: Error) => {
        throw new Error(`${e.message}; last tasks/get: ${JSON.stringify(last)}`);
      });
    },
    terminal: (taskId: string, o?: SendOptions) => c.until(taskId, (r) => ['completed', 'failed', 'cancelled'].includes(r.status), 'a terminal status', 2000, o),
  };
  return c;
}

function expectError(a: Answer, status: number, code: number, message?: RegExp): Json {
  expect(a.res.status, JSON.stringify(a.msg)).toBe(status);
  expect(a.msg).not.toHaveProperty('result');
  expect(a.msg.error.code, JSON.stringify(a.msg)).toBe(code);
  if (message !== undefined) expect(a.msg.error.message).toMatch(message);
  return a.msg.error;
}

/** TKX-05, TKX-06: `{ resultType: "complete" }` and `_meta`, nothing about the task. */
function expectEmptyAck(a: Answer): void {
  expect(a.res.status, JSON.stringify(a.msg)).toBe(200);
  expect(a.msg.result).toEqual({ resultType: 'complete', _meta: { [SERVER_INFO]: SERVER } });
}

/** An elicitation form asking one thing. */
const ask = (message: string, prop = 'value') => ({ message, requestedSchema: { type: 'object' as const, properties: { [prop]: { type: 'string' as const } } } });
const accept = (content: Record<string, unknown> = {}) => ({ action: 'accept', content });

/** A tool that blocks until released (or its signal aborts); records its context. */
function heldTool(mcp: Mcp, name: string, task: Record<string, unknown> | undefined = { support: 'optional' }) {
  const started = deferred<HandlerContext>();
  const release = deferred<Json>();
  const aborted = deferred<unknown>();
  let runs = 0;
  mcp.tool(name, task === undefined ? {} : { task }, async (_a, ctx) => {
    runs++;
    started.resolve(ctx);
    ctx.signal.addEventListener('abort', () => aborted.resolve(ctx.signal.reason), { once: true });
    const r = await Promise.race([release.promise, new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve(text('after abort')), { once: true }))]);
    return r as Json;
  });
  return { started, release, aborted, runs: () => runs };
}

// ---------------------------------------------------------------------------------------------------------------

describe('whether a tools/call becomes a task (TKX-02)', () => {
  it('an optional-task tool is a task when the request declares the extension, a plain call when it does not', async () => {
    const { mcp } = server();
    let runs = 0;
    mcp.tool('opt', { task: { support: 'optional' } }, (_a, ctx) => {
      runs++;
      return text(`ran, taskId ${String(ctx.taskId)}`);
    });
    const c = client(mcp);
    const handle = await c.start('opt');
    expect(handle.taskId).toEqual(expect.any(String));
    const done = await c.terminal(handle.taskId);
    expect(done.status).toBe('completed');
    expect(done.result.content).toEqual([{ type: 'text', text: `ran, taskId ${handle.taskId}` }]);

    // Without the extension: a plain result, no task (conformance sep-2663-server-rejects-undeclared-client).
    const sync = await c.call('opt', {}, { caps: NO_EXT });
    expect(sync.res.status).toBe(200);
    expect(sync.msg.result.resultType).toBe('complete');
    expect(sync.msg.result.content).toEqual([{ type: 'text', text: 'ran, taskId undefined' }]);
    expect(sync.msg.result).not.toHaveProperty('taskId');
    // Empty capabilities too.
    const bare = await c.call('opt', {}, { caps: {} });
    expect(bare.msg.result.resultType).toBe('complete');
    expect(runs).toBe(3);
    expect(mcp.stats().tasks).toBe(0);
  });

  it('the extension alone (no elicitation, no sampling) is enough for a task (tasks-per-request-meta-opt-in)', async () => {
    const { mcp } = server();
    mcp.tool('opt', { task: { support: 'optional' } }, () => text('x'));
    const handle = await client(mcp, { caps: EXT_ONLY }).start('opt');
    expect(handle.taskId).toBeTruthy();
  });

  it('a required-task tool without the extension → 400 -32021 with requiredCapabilities.extensions; the handler never runs', async () => {
    const { mcp } = server();
    let runs = 0;
    mcp.tool('req', { task: { support: 'required' } }, () => {
      runs++;
      return text('x');
    });
    const c = client(mcp);
    for (const caps of [{}, NO_EXT, { extensions: {} }, { extensions: { 'other/ext': {} } }]) {
      const err = expectError(await c.call('req', {}, { caps }), 400, ErrorCode.MissingRequiredClientCapability, /io\.modelcontextprotocol\/tasks/);
      expect(err.data).toEqual({ requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } });
    }
    expect(runs).toBe(0);
    expect(mcp.stats()).toMatchObject({ tasks: 0, inflight: 0 });
    // With it: a task.
    expect((await c.start('req')).taskId).toBeTruthy();
  });

  it('a tool without task config (or support "forbidden") never becomes a task, even with the extension', async () => {
    const { mcp } = server();
    mcp.tool('plain', {}, (_a, ctx) => text(`plain ${String(ctx.taskId)}`));
    mcp.tool('forbidden', { task: { support: 'forbidden' } }, () => text('forbidden'));
    const c = client(mcp);
    for (const name of ['plain', 'forbidden']) {
      const { res, msg } = await c.call(name);
      expect(res.status).toBe(200);
      expect(msg.result.resultType, name).toBe('complete');
      expect(msg.result, name).not.toHaveProperty('taskId');
      expect(msg.result.content[0].text).toBe(name === 'plain' ? 'plain undefined' : 'forbidden');
    }
    expect(mcp.stats().tasks).toBe(0);
  });

  it('TKX-10: a legacy `task` param is ignored: no task for a forbidden tool, and it changes nothing for an optional one', async () => {
    const { mcp } = server();
    mcp.tool('plain', {}, () => text('plain'));
    mcp.tool('opt', { task: { support: 'optional', ttlMs: 5000 } }, () => text('opt'));
    const c = client(mcp);
    const legacy = await c.call('plain', {}, { extra: { task: { ttl: 60000, pollInterval: 100 } } });
    expect(legacy.msg.result.resultType).toBe('complete');
    expect(legacy.msg.result).not.toHaveProperty('taskId');
    const opt = await c.start('opt', {}, { caps: ALL });
    expect(opt.ttlMs).toBe(5000);
    const noExt = await c.call('opt', {}, { caps: {}, extra: { task: { ttl: 60000 } } });
    expect(noExt.msg.result.resultType).toBe('complete');
  });
});

describe('the task handle (TKX-03)', () => {
  it('is flat: resultType "task", ISO times, ttlMs, pollIntervalMs, content [] and nothing else of the task', async () => {
    const { mcp } = server({ tasks: { ttlMs: 120_000, pollIntervalMs: 250 } });
    const held = heldTool(mcp, 'held');
    const before = Date.now();
    const handle = await client(mcp).start('held');
    const after = Date.now();
    expect(Object.keys(handle).sort()).toEqual(['_meta', 'content', 'createdAt', 'lastUpdatedAt', 'pollIntervalMs', 'resultType', 'status', 'taskId', 'ttlMs']);
    expect(handle).toMatchObject({ resultType: 'task', status: 'working', ttlMs: 120_000, pollIntervalMs: 250, content: [], _meta: { [SERVER_INFO]: SERVER } });
    for (const k of ['task', 'result', 'error', 'inputRequests', 'requestState', 'ttl', 'pollInterval']) expect(handle, k).not.toHaveProperty(k);
    // TKX-11: unguessable, header-safe.
    expect(handle.taskId).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    for (const k of ['createdAt', 'lastUpdatedAt']) {
      expect(handle[k], k).toMatch(ISO);
      const t = Date.parse(handle[k]);
      expect(t).toBeGreaterThanOrEqual(before - 1);
      expect(t).toBeLessThanOrEqual(after + 1);
    }
    expect(Number.isInteger(handle.ttlMs) && handle.ttlMs > 0).toBe(true);
    await within(held.started.promise);
    held.release.resolve(text('ok'));
  });

  it('a tool’s own ttlMs and pollIntervalMs win over the server defaults; distinct calls get distinct ids', async () => {
    const { mcp } = server({ tasks: { ttlMs: 120_000, pollIntervalMs: 250 } });
    mcp.tool('own', { task: { support: 'optional', ttlMs: 30_000, pollIntervalMs: 40 } }, () => text('x'));
    mcp.tool('dflt', { task: { support: 'optional' } }, () => text('x'));
    const c = client(mcp);
    const a = await c.start('own');
    expect(a).toMatchObject({ ttlMs: 30_000, pollIntervalMs: 40 });
    const b = await c.start('dflt');
    expect(b).toMatchObject({ ttlMs: 120_000, pollIntervalMs: 250 });
    const ids = new Set([a.taskId, b.taskId, (await c.start('dflt')).taskId]);
    expect(ids.size).toBe(3);
  });

  it('createMcp defaults: ttlMs one hour, pollIntervalMs 1000', async () => {
    const { mcp } = server();
    mcp.tool('opt', { task: { support: 'optional' } }, () => text('x'));
    expect(await client(mcp).start('opt')).toMatchObject({ ttlMs: 3_600_000, pollIntervalMs: 1000 });
  });

  it('is durable: a tasks/get right after finds the task (working), with ctx.taskId = the handle’s id', async () => {
    const { mcp } = server();
    const held = heldTool(mcp, 'held');
    const c = client(mcp);
    const handle = await c.start('held');
    const { res, msg } = await c.get(handle.taskId);
    expect(res.status).toBe(200);
    const got = msg.result;
    expect(got).toMatchObject({ resultType: 'complete', taskId: handle.taskId, status: 'working', createdAt: handle.createdAt, ttlMs: handle.ttlMs, pollIntervalMs: handle.pollIntervalMs });
    for (const k of ['result', 'error', 'inputRequests', 'requestState', 'content']) expect(got, k).not.toHaveProperty(k);
    const ctx = await within(held.started.promise);
    expect(ctx.taskId).toBe(handle.taskId);
    held.release.resolve(text('ok'));
    expect((await c.terminal(handle.taskId)).status).toBe('completed');
  });
});

describe('tasks/get (TKX-04, TKX-07)', () => {
  it('working → completed, the result inlined (no related-task _meta), lastUpdatedAt moves on', async () => {
    const { mcp } = server();
    const held = heldTool(mcp, 'held');
    const c = client(mcp);
    const handle = await c.start('held');
    await within(held.started.promise);
    expect((await c.get(handle.taskId)).msg.result.status).toBe('working');
    await sleep(5);
    held.release.resolve({ ...text('the answer'), structuredContent: { n: 42 }, _meta: { mine: 1 } });
    const done = await c.until(handle.taskId, (r) => r.status === 'completed', 'completed');
    expect(done.result).toMatchObject({ content: [{ type: 'text', text: 'the answer' }], structuredContent: { n: 42 }, resultType: 'complete' });
    expect(done.result._meta?.[RELATED_TASK]).toBeUndefined();
    expect(done).not.toHaveProperty('error');
    expect(done).not.toHaveProperty('inputRequests');
    expect(Date.parse(done.lastUpdatedAt)).toBeGreaterThan(Date.parse(done.createdAt));
    expect(done.createdAt).toBe(handle.createdAt);
    // Still there on later polls (no early expiry).
    await sleep(20);
    expect((await c.get(handle.taskId)).msg.result.status).toBe('completed');
  });

  it('TKX-07: an isError result is completed with result.isError, not failed; so is a plain Error thrown (TOOL-05)', async () => {
    const { mcp, errors } = server();
    mcp.tool('tool_error', { task: { support: 'required' } }, () => ({ ...text('rejected'), isError: true }));
    mcp.tool('throws', { task: { support: 'required' } }, () => {
      throw new Error('kaput');
    });
    const c = client(mcp);
    for (const [name, message] of [['tool_error', 'rejected'], ['throws', 'kaput']] as const) {
      const handle = await c.start(name);
      const done = await c.terminal(handle.taskId);
      expect(done.status, name).toBe('completed');
      expect(done.result.isError, name).toBe(true);
      expect(done.result.content[0].text).toBe(message);
      expect(done, name).not.toHaveProperty('error');
    }
    expect(errors).toEqual([]);
  });

  it('TKX-07: an McpError thrown → failed with the error inlined (code, message, data) and no result', async () => {
    const { mcp, errors } = server();
    mcp.tool('protocol_error', { task: { support: 'required' } }, async () => {
      await sleep(5);
      throw new McpError(ErrorCode.InternalError, 'backend unavailable', { retry: false });
    });
    const c = client(mcp);
    const handle = await c.start('protocol_error');
    const done = await c.terminal(handle.taskId);
    expect(done.status).toBe('failed');
    expect(done.error).toEqual({ code: ErrorCode.InternalError, message: 'backend unavailable', data: { retry: false } });
    expect(done).not.toHaveProperty('result');
    expect(errors).toEqual([]);
    expect(mcp.stats().tasks).toBe(0);
  });

  it('input_required lists the outstanding requests (elicitation/create with message and requestedSchema, no elicitationId)', async () => {
    const { mcp } = server();
    mcp.tool('confirm', { task: { support: 'required' } }, async (_a, ctx) => {
      const r = await ctx.elicit(ask('Delete it?', 'confirm'), { key: 'confirm' });
      return text(`answer ${JSON.stringify(r)}`);
    });
    const c = client(mcp);
    const handle = await c.start('confirm');
    const parked = await c.until(handle.taskId, (r) => r.status === 'input_required', 'input_required');
    expect(parked.inputRequests).toEqual({ confirm: { method: 'elicitation/create', params: ask('Delete it?', 'confirm') } });
    expect(parked).not.toHaveProperty('result');
    expect(parked).not.toHaveProperty('requestState');
    expect(mcp.stats().tasks).toBe(1);
  });

  it('input_required with several questions at once lists them all', async () => {
    const { mcp } = server();
    mcp.tool('multi', { task: { support: 'required' } }, async (_a, ctx) => {
      const [a, b] = await Promise.all([ctx.elicit(ask('Name?'), { key: 'name' }), ctx.elicit(ask('Sure?'), { key: 'sure' })]);
      return text(`${a.action} ${b.action}`);
    });
    const c = client(mcp);
    const handle = await c.start('multi');
    const parked = await c.until(handle.taskId, (r) => r.status === 'input_required', 'input_required');
    expect(Object.keys(parked.inputRequests).sort()).toEqual(['name', 'sure']);
  });

  it('needs params.taskId: missing or not a string → -32602', async () => {
    const { mcp } = server();
    const c = client(mcp);
    expectError(await c.send('tasks/get', {}), 200, ErrorCode.InvalidParams, /taskId/);
    expectError(await c.send('tasks/get', { taskId: 7 }), 200, ErrorCode.InvalidParams, /taskId/);
  });
});

describe('tasks/update (TKX-05)', () => {
  function multiTool(mcp: Mcp) {
    const seen: Json[] = [];
    let runs = 0;
    mcp.tool('multi', { task: { support: 'required' } }, async (_a, ctx) => {
      runs++;
      const [a, b] = await Promise.all([ctx.elicit(ask('First?'), { key: 'k1' }), ctx.elicit(ask('Second?'), { key: 'k2' })]);
      seen.push({ a, b });
      return text(`${String(a.content?.value)} + ${String(b.content?.value)}`);
    });
    return { seen, runs: () => runs };
  }

  it('a partial answer: the answered key leaves inputRequests at once, the status stays input_required; the rest completes it', async () => {
    const { mcp } = server();
    const t = multiTool(mcp);
    const c = client(mcp);
    const handle = await c.start('multi');
    await c.until(handle.taskId, (r) => r.status === 'input_required' && Object.keys(r.inputRequests ?? {}).length === 2, 'two open keys');

    expectEmptyAck(await c.update(handle.taskId, { k1: accept({ value: 'one' }) }));
    // Immediately (no wait): k1 gone, k2 still open, never via "working" (tasks-mrtr-partial-fulfillment).
    const mid = (await c.get(handle.taskId)).msg.result;
    expect(mid.status).toBe('input_required');
    expect(Object.keys(mid.inputRequests)).toEqual(['k2']);
    expect(t.runs()).toBe(1);

    expectEmptyAck(await c.update(handle.taskId, { k2: accept({ value: 'two' }) }));
    const done = await c.until(handle.taskId, (r) => r.status === 'completed', 'completed');
    expect(done.result.content[0].text).toBe('one + two');
    expect(done).not.toHaveProperty('inputRequests');
    expect(t.seen).toEqual([{ a: accept({ value: 'one' }), b: accept({ value: 'two' }) }]);
    expect(mcp.stats().tasks).toBe(0);
  });

  it('a full answer resumes the task and the answers reach the handler', async () => {
    const { mcp } = server();
    const t = multiTool(mcp);
    const c = client(mcp);
    const handle = await c.start('multi');
    await c.until(handle.taskId, (r) => r.status === 'input_required', 'input_required');
    expectEmptyAck(await c.update(handle.taskId, { k1: accept({ value: 'a' }), k2: { action: 'decline' } }));
    const done = await c.until(handle.taskId, (r) => r.status === 'completed', 'completed');
    expect(done.result.content[0].text).toBe('a + undefined');
    expect(t.seen).toEqual([{ a: accept({ value: 'a' }), b: { action: 'decline' } }]);
    expect(t.runs()).toBe(2);
  });

  it('unknown keys are ignored and acknowledged; nothing changes (MRTR-06, conformance rt check d)', async () => {
    const { mcp } = server();
    multiTool(mcp);
    const c = client(mcp);
    const handle = await c.start('multi');
    const parked = await c.until(handle.taskId, (r) => r.status === 'input_required', 'input_required');
    expectEmptyAck(await c.update(handle.taskId, { 'unknown-key': { ignored: true } }));
    expectEmptyAck(await c.update(handle.taskId, {}));
    const again = (await c.get(handle.taskId)).msg.result;
    expect(again.status).toBe('input_required');
    expect(again.inputRequests).toEqual(parked.inputRequests);
    // Answers that do not follow the requestedSchema are not rejected (tasks-mrtr-tasks-update-resumes).
    expectEmptyAck(await c.update(handle.taskId, { k1: accept({ confirm: true }), k2: accept({ name: 'x', confirm: true }), junk: 1 }));
    expect((await c.until(handle.taskId, (r) => r.status === 'completed', 'completed')).result.content[0].text).toBe('undefined + undefined');
  });

  it('an update while the task is working (nothing asked) is acknowledged and ignored', async () => {
    const { mcp } = server();
    const held = heldTool(mcp, 'held');
    const c = client(mcp);
    const handle = await c.start('held');
    await within(held.started.promise);
    expectEmptyAck(await c.update(handle.taskId, { anything: accept() }));
    expect((await c.get(handle.taskId)).msg.result.status).toBe('working');
    held.release.resolve(text('ok'));
    expect((await c.terminal(handle.taskId)).status).toBe('completed');
  });

  it('an update of a terminal task is acknowledged and changes nothing', async () => {
    const { mcp } = server();
    mcp.tool('quick', { task: { support: 'required' } }, () => text('done'));
    const c = client(mcp);
    const handle = await c.start('quick');
    await c.terminal(handle.taskId);
    expectEmptyAck(await c.update(handle.taskId, { k: accept() }));
    expect((await c.get(handle.taskId)).msg.result).toMatchObject({ status: 'completed', result: { content: [{ type: 'text', text: 'done' }] } });
  });

  it('params.inputResponses must be an object → -32602', async () => {
    const { mcp } = server();
    multiTool(mcp);
    const c = client(mcp);
    const handle = await c.start('multi');
    await c.until(handle.taskId, (r) => r.status === 'input_required', 'input_required');
    for (const bad of [undefined, null, [], 'k1']) {
      expectError(await c.send('tasks/update', bad === undefined ? { taskId: handle.taskId } : { taskId: handle.taskId, inputResponses: bad }), 200, ErrorCode.InvalidParams, /inputResponses/);
    }
    expect((await c.get(handle.taskId)).msg.result.status).toBe('input_required');
  });

  it('TKX-05: a key asked again after an unusable answer goes out under a fresh wire key; the answer still reaches the handler', async () => {
    const { mcp } = server();
    const seen: unknown[] = [];
    mcp.tool('confirm', { task: { support: 'required' } }, async (_a, ctx) => {
      seen.push(ctx.inputResponses?.confirm);
      const r = await ctx.elicit(ask('Sure?', 'confirm'), { key: 'confirm' });
      return text(`confirmed ${String(r.content?.confirm)}`);
    });
    const c = client(mcp);
    const handle = await c.start('confirm');
    const first = await c.until(handle.taskId, (r) => r.status === 'input_required', 'input_required');
    expect(Object.keys(first.inputRequests)).toEqual(['confirm']);

    // Not an ElicitResult: the handler asks again.
    expectEmptyAck(await c.update(handle.taskId, { confirm: { nonsense: true } }));
    const second = await c.until(handle.taskId, (r) => r.status === 'input_required' && !('confirm' in (r.inputRequests ?? {})), 'the question asked again');
    const keys = Object.keys(second.inputRequests);
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toBe('confirm');
    expect(second.inputRequests[keys[0]!]).toEqual(first.inputRequests.confirm);

    // The old key is spent: answering it does nothing.
    expectEmptyAck(await c.update(handle.taskId, { confirm: accept({ confirm: 'old' }) }));
    expect(Object.keys((await c.get(handle.taskId)).msg.result.inputRequests)).toEqual(keys);

    // Unusable again: a third, different key.
    expectEmptyAck(await c.update(handle.taskId, { [keys[0]!]: 'not an object' }));
    const third = await c.until(handle.taskId, (r) => r.status === 'input_required' && !(keys[0]! in (r.inputRequests ?? {})), 'the question asked a third time');
    const key3 = Object.keys(third.inputRequests)[0]!;
    expect(['confirm', keys[0]]).not.toContain(key3);

    expectEmptyAck(await c.update(handle.taskId, { [key3]: accept({ confirm: 'yes' }) }));
    const done = await c.until(handle.taskId, (r) => r.status === 'completed', 'completed');
    expect(done.result.content[0].text).toBe('confirmed yes');
    // The handler saw its own key every time.
    expect(seen.at(-1)).toEqual(accept({ confirm: 'yes' }));
  });

  it('TKX-05: keys stay unique over the task’s life when a handler reuses its own key for a later question', async () => {
    const { mcp } = server();
    mcp.tool('rounds', { task: { support: 'required' } }, (_a, ctx) => {
      const state = (ctx.requestState as number | undefined) ?? 0;
      const answer = ctx.inputResponses?.q as ElicitResult | undefined;
      if (state < 2) return inputRequired({ requests: { q: { method: 'elicitation/create', params: ask(`Question ${state + 1}?`) } }, state: state + 1 });
      return text(`last answer ${String(answer?.content?.value)}`);
    });
    const c = client(mcp);
    const handle = await c.start('rounds');
    const wireKeys: string[] = [];
    for (let round = 1; round <= 2; round++) {
      const parked = await c.until(handle.taskId, (r) => r.status === 'input_required' && !wireKeys.some((k) => k in (r.inputRequests ?? {})), `round ${round}`);
      const [key] = Object.keys(parked.inputRequests);
      expect(parked.inputRequests[key!].params.message).toBe(`Question ${round}?`);
      wireKeys.push(key!);
      expectEmptyAck(await c.update(handle.taskId, { [key!]: accept({ value: `a${round}` }) }));
    }
    expect(new Set(wireKeys).size).toBe(2);
    const done = await c.until(handle.taskId, (r) => r.status === 'completed', 'completed');
    expect(done.result.content[0].text).toBe('last answer a2');
  });

  it('two partial answers sent at the same time both count: the task resumes (TKX-04: inputRequests lists only what is outstanding)', async () => {
    const { mcp } = server();
    const t = multiTool(mcp);
    const c = client(mcp);
    const handle = await c.start('multi');
    await c.until(handle.taskId, (r) => r.status === 'input_required' && Object.keys(r.inputRequests ?? {}).length === 2, 'two open keys');
    const [a, b] = await Promise.all([c.update(handle.taskId, { k1: accept({ value: 'one' }) }), c.update(handle.taskId, { k2: accept({ value: 'two' }) })]);
    expectEmptyAck(a);
    expectEmptyAck(b);
    const done = await c.until(handle.taskId, (r) => r.status !== 'input_required' || Object.keys(r.inputRequests ?? {}).length === 0, 'no key left open', 300).catch(async (e) => {
      throw new Error(`${(e as Error).message}\nstate: ${JSON.stringify((await c.get(handle.taskId)).msg.result)}`);
    });
    expect(['working', 'completed']).toContain(done.status);
    expect((await c.until(handle.taskId, (r) => r.status === 'completed', 'completed')).result.content[0].text).toBe('one + two');
    expect(t.runs()).toBe(2);
  });
});

describe('tasks/cancel (TKX-06)', () => {
  it('cancelling a working task: empty ack, the handler’s ctx.signal aborts, the task ends cancelled and stays so', async () => {
    const { mcp, errors } = server();
    const held = heldTool(mcp, 'held');
    const c = client(mcp);
    const handle = await c.start('held');
    const ctx = await within(held.started.promise);
    expect(ctx.signal.aborted).toBe(false);
    expect(mcp.stats().tasks).toBe(1);
    expectEmptyAck(await c.cancel(handle.taskId));
    await within(held.aborted.promise, 1000, 'the handler signal');
    expect(ctx.signal.aborted).toBe(true);
    const got = (await c.get(handle.taskId)).msg.result;
    expect(got.status).toBe('cancelled');
    expect(got).not.toHaveProperty('result');
    expect(got).not.toHaveProperty('error');
    // The handler returned a result after its abort: the task stays cancelled.
    await sleep(20);
    expect((await c.get(handle.taskId)).msg.result.status).toBe('cancelled');
    expect(mcp.stats().tasks).toBe(0);
    expect(errors).toEqual([]);
  });

  // Regression (found on c5d28ee): the context watches run.ac.signal as its "disconnect" source, so aborting run.ac
  // first made ctx.signal.reason 'The client disconnected' instead of the cause.
  it('the handler’s abort reason names the cause: "The task was cancelled" / "The server is shutting down"', async () => {
    const { mcp } = server();
    const held = heldTool(mcp, 'held');
    const held2 = heldTool(mcp, 'held2');
    const c = client(mcp);
    const handle = await c.start('held');
    await c.start('held2');
    await within(held.started.promise);
    await within(held2.started.promise);
    await c.cancel(handle.taskId);
    const reasons = [await within(held.aborted.promise, 1000, 'cancel')];
    await mcp.close();
    reasons.push(await within(held2.aborted.promise, 1000, 'close'));
    expect(reasons).toEqual(['The task was cancelled', 'The server is shutting down']);
  });

  it('cancelling a task parked in input_required: cancelled, no inputRequests left, the handler is gone', async () => {
    const { mcp } = server();
    mcp.tool('confirm', { task: { support: 'required' } }, async (_a, ctx) => text(String((await ctx.elicit(ask('Sure?'), { key: 'k' })).action)));
    const c = client(mcp);
    const handle = await c.start('confirm');
    await c.until(handle.taskId, (r) => r.status === 'input_required', 'input_required');
    expect(mcp.stats().tasks).toBe(1);
    expectEmptyAck(await c.cancel(handle.taskId));
    const got = (await c.get(handle.taskId)).msg.result;
    expect(got.status).toBe('cancelled');
    expect(got).not.toHaveProperty('inputRequests');
    expect(mcp.stats().tasks).toBe(0);
    // A late answer changes nothing.
    expectEmptyAck(await c.update(handle.taskId, { k: accept() }));
    expect((await c.get(handle.taskId)).msg.result.status).toBe('cancelled');
  });

  it('cancelling a terminal task is the same empty ack (not -32602) and leaves it as it was', async () => {
    const { mcp } = server();
    mcp.tool('quick', { task: { support: 'required' } }, () => text('done'));
    mcp.tool('fails', { task: { support: 'required' } }, () => {
      throw new McpError(ErrorCode.InternalError, 'nope');
    });
    const c = client(mcp);
    for (const name of ['quick', 'fails']) {
      const handle = await c.start(name);
      const done = await c.terminal(handle.taskId);
      expectEmptyAck(await c.cancel(handle.taskId));
      expectEmptyAck(await c.cancel(handle.taskId));
      const after = (await c.get(handle.taskId)).msg.result;
      expect(after.status, name).toBe(done.status);
      expect(after.lastUpdatedAt).toBe(done.lastUpdatedAt);
    }
    // And a cancelled one, twice.
    const held = heldTool(mcp, 'held');
    const h = await c.start('held');
    await within(held.started.promise);
    expectEmptyAck(await c.cancel(h.taskId));
    expectEmptyAck(await c.cancel(h.taskId));
    expect((await c.get(h.taskId)).msg.result.status).toBe('cancelled');
  });

  it('TKX-08: an unknown taskId → -32602 "Unknown or expired task" for get, update and cancel', async () => {
    const { mcp } = server();
    const c = client(mcp);
    const id = 'tasks-conformance-nonexistent-12345';
    for (const a of [await c.get(id), await c.update(id, {}), await c.cancel(id)]) {
      const err = expectError(a, 200, ErrorCode.InvalidParams, /Unknown or expired task/);
      expect(err.data).toEqual({ taskId: id });
    }
  });
});

describe('gating and dispatch (TKX-08, TKX-10, TKX-11)', () => {
  it('tasks/* without the extension → 400 -32021 before any lookup (unknown and real ids alike)', async () => {
    const { mcp } = server();
    const held = heldTool(mcp, 'held');
    const c = client(mcp);
    const handle = await c.start('held');
    for (const caps of [{}, NO_EXT]) {
      for (const id of ['gate-test', handle.taskId]) {
        for (const a of [await c.get(id, { caps }), await c.update(id, {}, { caps }), await c.cancel(id, { caps })]) {
          const err = expectError(a, 400, ErrorCode.MissingRequiredClientCapability, /io\.modelcontextprotocol\/tasks/);
          expect(err.data).toEqual({ requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } });
        }
      }
    }
    // The refused cancel did nothing.
    expect((await c.get(handle.taskId)).msg.result.status).toBe('working');
    held.release.resolve(text('ok'));
  });

  it('the gate comes before params checks: no taskId and no extension is still -32021', async () => {
    const { mcp } = server();
    const c = client(mcp);
    expectError(await c.send('tasks/get', {}, { caps: {} }), 400, ErrorCode.MissingRequiredClientCapability);
  });

  it('TKX-10: tasks/result and tasks/list → 404 -32601 (no Mcp-Name needed), with or without the extension', async () => {
    const { mcp } = server();
    const c = client(mcp);
    for (const caps of [ALL, {}]) {
      expectError(await c.send('tasks/result', { taskId: 'tasks-conformance-isolation-probe' }, { caps }), 404, ErrorCode.MethodNotFound);
      expectError(await c.send('tasks/list', {}, { caps }), 404, ErrorCode.MethodNotFound);
    }
  });

  it('TKX-11, HDR-03: Mcp-Name must equal taskId: a wrong or missing one → 400 -32020, never -32602, and no effect', async () => {
    const { mcp } = server();
    const held = heldTool(mcp, 'held');
    const c = client(mcp);
    const handle = await c.start('held');
    const wrong = { 'mcp-name': 'sep-2663-wrong-task-id-for-routing-header-mismatch' };
    for (const a of [await c.get(handle.taskId, { headers: wrong }), await c.update(handle.taskId, {}, { headers: wrong }), await c.cancel(handle.taskId, { headers: wrong })]) {
      expectError(a, 400, ErrorCode.HeaderMismatch, /Mcp-Name/);
    }
    expectError(await c.cancel(handle.taskId, { headers: { 'mcp-name': null } }), 400, ErrorCode.HeaderMismatch, /Mcp-Name/);
    // For an unknown id too: the header check first.
    expectError(await c.get('no-such-task', { headers: wrong }), 400, ErrorCode.HeaderMismatch);
    // Base64-wrapped Mcp-Name is accepted.
    const b64 = `=?base64?${btoa(handle.taskId)}?=`;
    expect((await c.get(handle.taskId, { headers: { 'mcp-name': b64 } })).msg.result.taskId).toBe(handle.taskId);
    expect((await c.get(handle.taskId)).msg.result.status).toBe('working');
    // Mcp-Method naming a tasks method on a tools/call → -32020 (tasks-headers-reject-mismatched-method).
    expectError(await c.call('held', {}, { headers: { 'mcp-method': 'tasks/get' } }), 400, ErrorCode.HeaderMismatch, /Mcp-Method/);
    held.release.resolve(text('ok'));
  });

  it('TK1-10, TKX-11: owner isolation: subject B cannot see, answer or cancel subject A’s task; anonymous neither', async () => {
    const { mcp } = server();
    mcp.tool('confirm', { task: { support: 'required' } }, async (_a, ctx) => text(`by ${String(ctx.authInfo?.subject)}: ${(await ctx.elicit(ask('Sure?'), { key: 'k' })).action}`));
    const auth = (subject: string): { rctx: RequestContext } => ({ rctx: { authInfo: { subject } as AuthInfo } });
    const a = client(mcp, auth('alice'));
    const b = client(mcp, auth('bob'));
    const anon = client(mcp);
    const handle = await a.start('confirm');
    await a.until(handle.taskId, (r) => r.status === 'input_required', 'input_required');
    for (const other of [b, anon]) {
      for (const res of [await other.get(handle.taskId), await other.update(handle.taskId, { k: accept() }), await other.cancel(handle.taskId)]) {
        const err = expectError(res, 200, ErrorCode.InvalidParams, /^Unknown or expired task$/);
        expect(err.data).toEqual({ taskId: handle.taskId });
      }
    }
    // Alice's task is untouched and still hers.
    const mine = (await a.get(handle.taskId)).msg.result;
    expect(mine.status).toBe('input_required');
    expectEmptyAck(await a.update(handle.taskId, { k: accept() }));
    expect((await a.until(handle.taskId, (r) => r.status === 'completed', 'completed')).result.content[0].text).toBe('by alice: accept');
    // Anonymous tasks are not visible to an authenticated subject either.
    mcp.tool('anon_task', { task: { support: 'required' } }, () => text('x'));
    const anonHandle = await anon.start('anon_task');
    expectError(await a.get(anonHandle.taskId), 200, ErrorCode.InvalidParams, /Unknown or expired task/);
  });
});

describe('retention and the store bound (TKX-10)', () => {
  it('a task is gone after its ttlMs: tasks/get → -32602', async () => {
    const { mcp } = server({ tasks: { ttlMs: 250 } });
    mcp.tool('quick', { task: { support: 'required' } }, () => text('done'));
    const c = client(mcp);
    const handle = await c.start('quick');
    expect(handle.ttlMs).toBe(250);
    expect((await c.terminal(handle.taskId)).status).toBe('completed');
    await sleep(Date.parse(handle.createdAt) + 300 - Date.now());
    expectError(await c.get(handle.taskId), 200, ErrorCode.InvalidParams, /Unknown or expired task/);
    expectError(await c.cancel(handle.taskId), 200, ErrorCode.InvalidParams, /Unknown or expired task/);
  });

  it('expiry with a custom store and an injected clock', async () => {
    let now = Date.now();
    const store = createMemoryTaskStore({ now: () => now });
    const { mcp } = server({ tasks: { store, ttlMs: 10_000 } });
    mcp.tool('quick', { task: { support: 'required' } }, () => text('done'));
    const c = client(mcp);
    const handle = await c.start('quick');
    expect((await c.terminal(handle.taskId)).status).toBe('completed');
    now += 9_000;
    expect((await c.get(handle.taskId)).msg.result.status).toBe('completed');
    now += 2_000;
    expectError(await c.get(handle.taskId), 200, ErrorCode.InvalidParams, /Unknown or expired task/);
    expect(store.stats().tasks).toBe(0);
  });

  it('a handler still running when its task expires ends quietly (no error reported, nothing left running)', async () => {
    const { mcp, errors } = server({ tasks: { ttlMs: 30 } });
    const held = heldTool(mcp, 'held', { support: 'required' });
    const c = client(mcp);
    const handle = await c.start('held');
    await within(held.started.promise);
    await sleep(50);
    expectError(await c.get(handle.taskId), 200, ErrorCode.InvalidParams, /Unknown or expired task/);
    held.release.resolve(text('late'));
    await until(() => mcp.stats().tasks === 0, 'stats().tasks to be 0');
    expect(errors).toEqual([]);
  });

  // Regression (found on c5d28ee): a parked task's Running entry was only removed by tasks/update or tasks/cancel,
  // which cannot reach an expired task (-32602), so stats().tasks stayed 1 and the memory was held until close().
  it('a task that expires while parked in input_required does not stay running forever (stats().tasks back to 0)', async () => {
    const { mcp } = server({ tasks: { ttlMs: 200 } });
    mcp.tool('confirm', { task: { support: 'required' } }, async (_a, ctx) => text((await ctx.elicit(ask('Sure?'), { key: 'k' })).action));
    const c = client(mcp);
    const handle = await c.start('confirm');
    await c.until(handle.taskId, (r) => r.status === 'input_required', 'input_required');
    await sleep(Date.parse(handle.createdAt) + 250 - Date.now());
    expectError(await c.get(handle.taskId), 200, ErrorCode.InvalidParams, /Unknown or expired task/);
    await until(() => mcp.stats().tasks === 0, 'stats().tasks to be 0 after expiry', 500).catch(() => {
      throw new Error(`stats().tasks stayed ${mcp.stats().tasks} after the parked task expired`);
    });
  });

  it('at the store bound, the next task call is refused with a JSON-RPC error; its handler never runs, nothing is left', async () => {
    const store = createMemoryTaskStore({ maxTasks: 1 });
    const { mcp } = server({ tasks: { store } });
    let runs = 0;
    mcp.tool('slow', { task: { support: 'optional' } }, async (_a, ctx) => {
      runs++;
      await new Promise((r) => ctx.signal.addEventListener('abort', r, { once: true }));
      return text('x');
    });
    const c = client(mcp);
    const first = await c.start('slow');
    const second = await c.call('slow');
    expect(second.msg.result, JSON.stringify(second.msg)).toBeUndefined();
    expect(second.msg.error.code).toEqual(expect.any(Number));
    expect(runs).toBe(1);
    expect(mcp.stats()).toMatchObject({ tasks: 1, inflight: 0 });
    expect(store.stats().tasks).toBe(1);
    // Room again once the first task is gone.
    await c.cancel(first.taskId);
    store.delete(first.taskId);
    expect((await c.start('slow')).taskId).toBeTruthy();
  });

  it('at the store bound, the next task call gets a clear error, not a bare "Internal error"', async () => {
    const store = createMemoryTaskStore({ maxTasks: 1 });
    const { mcp } = server({ tasks: { store } });
    let runs = 0;
    mcp.tool('slow', { task: { support: 'optional' } }, async (_a, ctx) => {
      runs++;
      await new Promise((r) => ctx.signal.addEventListener('abort', r, { once: true }));
      return text('x');
    });
    const c = client(mcp);
    await c.start('slow');
    const second = await c.call('slow');
    expect(second.msg.result, JSON.stringify(second.msg)).toBeUndefined();
    expect(second.msg.error.message).toMatch(/full|too many|limit|capacity/i);
    expect(second.msg.error.message).not.toBe('Internal error');
  });

  it('at the store bound, the refusal is not reported to onError as an unexpected failure', async () => {
    const { mcp, errors } = server({ tasks: { store: createMemoryTaskStore({ maxTasks: 1 }) } });
    mcp.tool('quick', { task: { support: 'required' } }, () => text('x'));
    const c = client(mcp);
    await c.start('quick');
    const second = await c.call('quick');
    expect(second.msg.error).toBeDefined();
    expect(errors).toEqual([]);
  });
});

describe("task.start: 'explicit' (MRTR first, then the task)", () => {
  function greeter(mcp: Mcp, extra: (ctx: HandlerContext) => Promise<void> = async () => {}) {
    const seen: { phase: string; taskId: string | undefined }[] = [];
    const release = deferred();
    mcp.tool('greet_task', { task: { support: 'required', start: 'explicit', pollIntervalMs: 50 } }, async (_a, ctx) => {
      const who = await ctx.elicit(ask('Your name?', 'name'), { key: 'user_name' });
      seen.push({ phase: 'before', taskId: ctx.taskId });
      await ctx.startTask();
      seen.push({ phase: 'after', taskId: ctx.taskId });
      await extra(ctx);
      await release.promise;
      return text(`Hello, ${String(who.content?.name)}!`);
    });
    return { seen, release };
  }

  it('round 1 is an MRTR input_required in the request (no taskId); round 2 answers with the handle and the run goes on as the task', async () => {
    const { mcp } = server();
    const g = greeter(mcp);
    const c = client(mcp);
    const r1 = await c.call('greet_task');
    expect(r1.res.status).toBe(200);
    expect(r1.msg.result.resultType).toBe('input_required');
    expect(r1.msg.result).not.toHaveProperty('taskId');
    expect(Object.keys(r1.msg.result.inputRequests)).toEqual(['user_name']);
    expect(r1.msg.result.requestState).toEqual(expect.any(String));
    expect(mcp.stats().tasks).toBe(0);

    const r2 = await c.call('greet_task', {}, { extra: { inputResponses: { user_name: accept({ name: 'Alice' }) }, requestState: r1.msg.result.requestState } });
    expect(r2.res.status).toBe(200);
    const handle = r2.msg.result;
    expect(handle).toMatchObject({ resultType: 'task', status: 'working', pollIntervalMs: 50, content: [] });
    for (const k of ['requestState', 'inputRequests', 'result', 'error']) expect(handle, k).not.toHaveProperty(k);
    expect(mcp.stats()).toMatchObject({ tasks: 1, inflight: 0 });
    // The very run that called startTask() goes on (it was not restarted), now with ctx.taskId.
    expect(g.seen).toEqual([
      { phase: 'before', taskId: undefined },
      { phase: 'after', taskId: handle.taskId },
    ]);
    expect((await c.get(handle.taskId)).msg.result.status).toBe('working');
    g.release.resolve();
    const done = await c.until(handle.taskId, (r) => r.status === 'completed', 'completed');
    expect(done.result.content[0].text).toBe('Hello, Alice!');
    expect(mcp.stats().tasks).toBe(0);
  });

  it('without the extension the explicit tool is refused (required) or runs in the request (optional)', async () => {
    const { mcp } = server();
    greeter(mcp);
    mcp.tool('maybe_task', { task: { support: 'optional', start: 'explicit' } }, async (_a, ctx) => {
      await ctx.startTask();
      return text(`taskId ${String(ctx.taskId)}`);
    });
    const c = client(mcp);
    expectError(await c.call('greet_task', {}, { caps: NO_EXT }), 400, ErrorCode.MissingRequiredClientCapability);
    const sync = await c.call('maybe_task', {}, { caps: NO_EXT });
    expect(sync.msg.result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: 'taskId undefined' }] });
    expect(mcp.stats().tasks).toBe(0);
  });

  it('a handler that never calls startTask() answers in the request, no task', async () => {
    const { mcp } = server();
    mcp.tool('maybe', { task: { support: 'optional', start: 'explicit' } }, () => text('quick answer'));
    const { msg } = await client(mcp).call('maybe');
    expect(msg.result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: 'quick answer' }] });
    expect(msg.result).not.toHaveProperty('taskId');
    expect(mcp.stats()).toMatchObject({ tasks: 0, inflight: 0 });
  });

  it('input asked after startTask() parks the task; tasks/update resumes it with the earlier MRTR answer kept', async () => {
    const { mcp } = server();
    mcp.tool('two_phase', { task: { support: 'required', start: 'explicit' } }, async (_a, ctx) => {
      const who = await ctx.elicit(ask('Your name?', 'name'), { key: 'user_name' });
      await ctx.startTask();
      const ok = await ctx.elicit(ask('Proceed?', 'ok'), { key: 'proceed' });
      return text(`${String(who.content?.name)} ${ok.action}`);
    });
    const c = client(mcp);
    const r1 = await c.call('two_phase');
    expect(r1.msg.result.resultType).toBe('input_required');
    const handle = (await c.call('two_phase', {}, { extra: { inputResponses: { user_name: accept({ name: 'Bo' }) }, requestState: r1.msg.result.requestState } })).msg.result;
    expect(handle.resultType).toBe('task');
    const parked = await c.until(handle.taskId, (r) => r.status === 'input_required', 'input_required');
    const keys = Object.keys(parked.inputRequests);
    expect(keys).toHaveLength(1);
    // TKX-05: never the key answered in the request's MRTR round.
    expect(keys[0]).not.toBe('user_name');
    expectEmptyAck(await c.update(handle.taskId, { [keys[0]!]: accept({ ok: 'y' }) }));
    expect((await c.until(handle.taskId, (r) => r.status === 'completed', 'completed')).result.content[0].text).toBe('Bo accept');
  });

  it('tasks/cancel after an explicit start aborts the handler’s ctx.signal', async () => {
    const { mcp } = server();
    const aborted = deferred<unknown>();
    mcp.tool('explicit_wait', { task: { support: 'required', start: 'explicit' } }, async (_a, ctx) => {
      await ctx.startTask();
      await new Promise<void>((resolve) =>
        ctx.signal.addEventListener(
          'abort',
          () => {
            aborted.resolve(ctx.signal.reason);
            resolve();
          },
          { once: true },
        ),
      );
      return text('too late');
    });
    const c = client(mcp);
    const handle = await c.start('explicit_wait');
    expectEmptyAck(await c.cancel(handle.taskId));
    expect(await within(aborted.promise, 1000, 'the handler signal')).toEqual(expect.any(String));
    await sleep(10);
    expect((await c.get(handle.taskId)).msg.result.status).toBe('cancelled');
    expect(mcp.stats().tasks).toBe(0);
  });

  // Regression (found on c5d28ee): after an explicit start the task kept the request's StatelessContext, whose lazy
  // `signal` getter still consulted the request's disconnect signal, so a handler first reading ctx.signal after the
  // handle went out saw it aborted ('The client disconnected') once the request's signal fired.
  it('the client going away after it got the handle does not cancel the task (the task outlives its request)', async () => {
    const { mcp } = server();
    const release = deferred();
    let abortedWith: unknown;
    mcp.tool('explicit_long', { task: { support: 'required', start: 'explicit' } }, async (_a, ctx) => {
      await ctx.startTask();
      await release.promise;
      // First look at the signal after the request was answered.
      abortedWith = ctx.signal.aborted ? ctx.signal.reason : undefined;
      return text(ctx.signal.aborted ? 'aborted' : 'finished');
    });
    const disconnect = new AbortController();
    const c = client(mcp);
    const handle = await c.start('explicit_long', {}, { rctx: { signal: disconnect.signal } });
    disconnect.abort('client went away');
    release.resolve();
    const done = await c.until(handle.taskId, (r) => r.status === 'completed', 'completed');
    expect(abortedWith).toBeUndefined();
    expect(done.result.content[0].text).toBe('finished');
  });

  it('immediate start: the client going away after the handle does not touch the task either', async () => {
    const { mcp } = server();
    const release = deferred();
    mcp.tool('long', { task: { support: 'required' } }, async (_a, ctx) => {
      await release.promise;
      return text(ctx.signal.aborted ? 'aborted' : 'finished');
    });
    const disconnect = new AbortController();
    const c = client(mcp);
    const handle = await c.start('long', {}, { rctx: { signal: disconnect.signal } });
    disconnect.abort('client went away');
    release.resolve();
    expect((await c.until(handle.taskId, (r) => r.status === 'completed', 'completed')).result.content[0].text).toBe('finished');
  });

  it('startTask() called twice concurrently makes one task', async () => {
    const release = deferred();
    const store = createMemoryTaskStore();
    const s2 = server({ tasks: { store } });
    s2.mcp.tool('twice', { task: { support: 'required', start: 'explicit' } }, async (_a, ctx) => {
      await Promise.all([ctx.startTask(), ctx.startTask()]);
      await release.promise;
      return text('once');
    });
    const c = client(s2.mcp);
    const handle = await c.start('twice');
    expect(store.stats().tasks).toBe(1);
    expect(s2.mcp.stats().tasks).toBe(1);
    release.resolve();
    await c.until(handle.taskId, (r) => r.status === 'completed', 'completed');
    expect(s2.mcp.stats().tasks).toBe(0);
  });
});

describe('status, capabilities, shutdown and stats', () => {
  it('ctx.reportStatus sets statusMessage, seen by tasks/get while working; a no-op outside a task', async () => {
    const { mcp } = server();
    const release = deferred();
    const reported = deferred();
    mcp.tool('reporter', { task: { support: 'optional' } }, async (_a, ctx) => {
      ctx.reportStatus('step 1 of 2');
      reported.resolve();
      await release.promise;
      ctx.reportStatus('step 2 of 2');
      return text('done');
    });
    const c = client(mcp);
    const handle = await c.start('reporter');
    expect(handle).not.toHaveProperty('statusMessage');
    await within(reported.promise);
    const mid = await c.until(handle.taskId, (r) => r.statusMessage === 'step 1 of 2', 'the first status message');
    expect(mid.status).toBe('working');
    release.resolve();
    const done = await c.until(handle.taskId, (r) => r.status === 'completed', 'completed');
    expect(done.statusMessage).toMatch(/^step [12] of 2$/);
    // Outside a task (no extension): nothing to report to, the call just works.
    const sync = await c.call('reporter', {}, { caps: NO_EXT });
    expect(sync.msg.result.content[0].text).toBe('done');
  });

  it('mcp.close() aborts running task handlers (working and parked) and stats().tasks drops to 0', async () => {
    const { mcp, errors } = server();
    const held = heldTool(mcp, 'held');
    mcp.tool('confirm', { task: { support: 'required' } }, async (_a, ctx) => text((await ctx.elicit(ask('Sure?'), { key: 'k' })).action));
    const c = client(mcp);
    await c.start('held');
    const parked = await c.start('confirm');
    await within(held.started.promise);
    await c.until(parked.taskId, (r) => r.status === 'input_required', 'input_required');
    expect(mcp.stats().tasks).toBe(2);
    await within(mcp.close(), 2000, 'mcp.close()');
    await within(held.aborted.promise, 1000, 'the handler signal');
    expect((await held.started.promise).signal.aborted).toBe(true);
    expect(mcp.stats().tasks).toBe(0);
    await sleep(10);
    expect(errors).toEqual([]);
  });

  it('stats().tasks counts handlers running or parked, and is back to 0 once every task ended (completed, failed, cancelled)', async () => {
    const { mcp } = server();
    const a = heldTool(mcp, 'a');
    heldTool(mcp, 'b');
    mcp.tool('confirm', { task: { support: 'required' } }, async (_x, ctx) => text((await ctx.elicit(ask('Sure?'), { key: 'k' })).action));
    mcp.tool('boom', { task: { support: 'required' } }, async () => {
      await sleep(5);
      throw new McpError(ErrorCode.InternalError, 'boom');
    });
    const c = client(mcp);
    const ha = await c.start('a');
    const hb = await c.start('b');
    const hc = await c.start('confirm');
    const hd = await c.start('boom');
    await c.until(hc.taskId, (r) => r.status === 'input_required', 'input_required');
    await c.terminal(hd.taskId);
    expect(mcp.stats().tasks).toBe(3);
    a.release.resolve(text('a'));
    await c.terminal(ha.taskId);
    expect(mcp.stats().tasks).toBe(2);
    await c.cancel(hb.taskId);
    expect(mcp.stats().tasks).toBe(1);
    await c.update(hc.taskId, { k: accept() });
    await c.terminal(hc.taskId);
    await until(() => mcp.stats().tasks === 0, 'stats().tasks to be 0');
    expect(mcp.stats()).toMatchObject({ tasks: 0, inflight: 0, sessions: 0, listenStreams: 0 });
  });

  it('M-04: a task handler asking for sampling the client did not declare → the task fails with -32021 (ctx.sample)', async () => {
    const { mcp, errors } = server();
    mcp.tool('needs_sampling', { task: { support: 'required' } }, async (_a, ctx) => {
      const r = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: 'Hi' } }], maxTokens: 10 });
      return text(String(r.model));
    });
    const c = client(mcp, { caps: { elicitation: {}, extensions: { [TASKS_EXTENSION]: {} } } });
    const handle = await c.start('needs_sampling');
    const done = await c.terminal(handle.taskId);
    expect(done.status).toBe('failed');
    expect(done.error.code).toBe(ErrorCode.MissingRequiredClientCapability);
    expect(done.error.data).toEqual({ requiredCapabilities: { sampling: {} } });
    expect(done).not.toHaveProperty('inputRequests');
    expect(mcp.stats().tasks).toBe(0);
    expect(errors).toEqual([]);
  });

  it('M-04: the same through inputRequired({ requests }) returned by the handler, and for elicitation without the capability', async () => {
    const { mcp, errors } = server();
    mcp.tool('returns_sampling', { task: { support: 'required' } }, (_a, ctx) =>
      ctx.inputResponses?.s === undefined
        ? inputRequired({ requests: { s: { method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text: 'Hi' } }], maxTokens: 10 } } } })
        : text('sampled'),
    );
    mcp.tool('needs_elicitation', { task: { support: 'required' } }, async (_a, ctx) => text((await ctx.elicit(ask('Sure?'))).action));
    const c = client(mcp, { caps: EXT_ONLY });
    for (const [name, required] of [['returns_sampling', { sampling: {} }], ['needs_elicitation', { elicitation: { form: {} } }]] as const) {
      const handle = await c.start(name);
      const done = await c.terminal(handle.taskId);
      expect(done.status, name).toBe('failed');
      expect(done.error.code, name).toBe(ErrorCode.MissingRequiredClientCapability);
      expect(done.error.data, name).toEqual({ requiredCapabilities: required });
    }
    expect(mcp.stats().tasks).toBe(0);
    expect(errors).toEqual([]);
  });

  it('with sampling declared, the task parks on the sampling request and the answer reaches the handler', async () => {
    const { mcp } = server();
    mcp.tool('needs_sampling', { task: { support: 'required' } }, async (_a, ctx) => {
      const r = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: 'Hi' } }], maxTokens: 10 }, { key: 'ask_model' });
      return text(`model ${r.model}`);
    });
    const c = client(mcp);
    const handle = await c.start('needs_sampling');
    const parked = await c.until(handle.taskId, (r) => r.status === 'input_required', 'input_required');
    expect(parked.inputRequests.ask_model.method).toBe('sampling/createMessage');
    expectEmptyAck(await c.update(handle.taskId, { ask_model: { role: 'assistant', model: 'm-1', content: { type: 'text', text: 'hello' } } }));
    expect((await c.until(handle.taskId, (r) => r.status === 'completed', 'completed')).result.content[0].text).toBe('model m-1');
  });

  it('a shared store and bus: a tasks/cancel on another server instance aborts the handler where it runs', async () => {
    const store = createMemoryTaskStore();
    const bus = createMemoryBus();
    const one = server({ tasks: { store }, bus });
    const two = server({ tasks: { store }, bus });
    const aborted = deferred<unknown>();
    for (const { mcp } of [one, two]) {
      mcp.tool('long', { task: { support: 'required' } }, async (_a, ctx) => {
        await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
        aborted.resolve(ctx.signal.reason);
        return text('stopped');
      });
    }
    const handle = await client(one.mcp).start('long');
    await until(() => one.mcp.stats().tasks === 1, 'the handler running on one');
    expectEmptyAck(await client(two.mcp).cancel(handle.taskId));
    expect(await within(aborted.promise, 2000, 'the handler to see the cancel')).toBe('The task was cancelled');
    expect(one.mcp.stats().tasks).toBe(0);
    expect((await client(one.mcp).get(handle.taskId)).msg.result.status).toBe('cancelled');
    expect([...one.errors, ...two.errors]).toEqual([]);
  });

  it('a shared store without a shared bus: the other instance marks the task cancelled, and the handler runs on', async () => {
    const store = createMemoryTaskStore();
    const one = server({ tasks: { store } });
    const two = server({ tasks: { store } });
    const release = deferred<void>();
    let sawAbort = false;
    for (const { mcp } of [one, two]) {
      mcp.tool('long', { task: { support: 'required' } }, async (_a, ctx) => {
        ctx.signal.addEventListener('abort', () => (sawAbort = true), { once: true });
        await release.promise;
        return text('done anyway');
      });
    }
    const handle = await client(one.mcp).start('long');
    await until(() => one.mcp.stats().tasks === 1, 'the handler running on one');
    expectEmptyAck(await client(two.mcp).cancel(handle.taskId));
    await sleep(20);
    expect(one.mcp.stats().tasks).toBe(1);
    release.resolve();
    await until(() => one.mcp.stats().tasks === 0, 'the handler to end');
    expect(sawAbort).toBe(false);
    // Its outcome is dropped: the task stays cancelled (TK1-07).
    expect((await client(one.mcp).get(handle.taskId)).msg.result.status).toBe('cancelled');
  });

  it('a shared store: another server instance answers tasks/get; tasks/update there fails the task clearly (its handler lives elsewhere)', async () => {
    const store = createMemoryTaskStore();
    const one = server({ tasks: { store } });
    const two = server({ tasks: { store } });
    for (const { mcp } of [one, two]) mcp.tool('confirm', { task: { support: 'required' } }, async (_a, ctx) => text((await ctx.elicit(ask('Sure?'), { key: 'k' })).action));
    const c1 = client(one.mcp);
    const c2 = client(two.mcp);
    const handle = await c1.start('confirm');
    await c1.until(handle.taskId, (r) => r.status === 'input_required', 'input_required');
    expect((await c2.get(handle.taskId)).msg.result.status).toBe('input_required');
    expectEmptyAck(await c2.update(handle.taskId, { k: accept() }));
    const done = (await c2.get(handle.taskId)).msg.result;
    expect(done.status).toBe('failed');
    expect(done.error.code).toBe(ErrorCode.InternalError);
    expect(done.error.message).toMatch(/no longer running/);
  });
});
