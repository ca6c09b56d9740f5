/**
 * The 2026-07-28 tasks extension (checklist §8, TKX-01..11) over a real socket: the stateless fixture of
 * test/stateless/harness.ts behind @x/mcp-node-http on 127.0.0.1, plus task tools, driven with raw undici requests.
 *
 * Covered end to end: discover advertises the extension; a tools/call answers with a task handle; tasks/get is polled
 * (bounded) until the task completes with its result inlined; a task parks in input_required and tasks/update resumes
 * it (partially, then fully); tasks/cancel stops a running handler; explicit start after an MRTR round; the error
 * answers (-32021, -32020, -32602, -32601).
 *
 * Every message the server sends is validated against the 2026-07-28 schema. That schema has no task definitions:
 * a tools/call task handle must still be a valid CallToolResult (the server adds `content: []`), and the task state
 * of tasks/get is validated piecewise (the inlined result as CallToolResult, inputRequests as InputRequiredResult's,
 * the inlined error as Error). After every test nothing is left: stats() all zero (tasks: 0), no error, no session.
 */
import { McpError } from '@x/mcp-core';
import type { Mcp } from '@x/mcp-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { assertSchema } from '../support/schema.ts';
import { META_CAPS, META_SERVER_INFO, FIXTURE_INFO, V, checkServerMessage, expectIdle, expectJsonRpcError, raw, rpc, sleep, startFixture, waitFor } from '../stateless/harness.ts';
import type { Raw, RawResponse, Served } from '../stateless/harness.ts';

const EXT = 'io.modelcontextprotocol/tasks';
/** What the conformance client declares for most scenarios. */
const ALL = { elicitation: {}, sampling: {}, extensions: { [EXT]: {} } };
const EXT_ONLY = { extensions: { [EXT]: {} } };
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
/** Keys a 2026 task handle or task state must never carry (TKX-03, tasks-request-state-removal, wire-field renames). */
const NEVER_ON_A_HANDLE = ['task', 'result', 'error', 'inputRequests', 'requestState', 'ttl', 'pollInterval'];
const TERMINAL = ['completed', 'failed', 'cancelled'];
const POLL_MS = 25;

const text = (t: string) => ({ content: [{ type: 'text' as const, text: t }] });

/** What the task tools saw. */
const seen = {
  started: [] as string[],
  aborted: [] as { label: string; reason: unknown }[],
  answers: [] as unknown[],
};

/** Registers the task tools on the stateless fixture. */
function taskTools(mcp: Mcp): void {
  const askConfirm = { message: 'Delete it?', requestedSchema: { type: 'object' as const, properties: { confirm: { type: 'boolean' as const } }, required: ['confirm'] } };
  mcp.tool(
    'slow_compute',
    {
      description: 'Works for `ms` milliseconds; a task when the client supports tasks',
      inputSchema: z.object({ ms: z.number(), label: z.string() }),
      task: { support: 'optional', pollIntervalMs: POLL_MS },
    },
    async ({ ms, label }, ctx) => {
      seen.started.push(label);
      ctx.reportStatus(`computing ${label}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        ctx.signal.addEventListener(
          'abort',
          () => {
            clearTimeout(t);
            seen.aborted.push({ label, reason: ctx.signal.reason });
            resolve();
          },
          { once: true },
        );
      });
      return text(`Computed ${label}`);
    },
  );
  mcp.tool('failing_job', { description: 'Ends with a tool error', task: { support: 'required', pollIntervalMs: POLL_MS } }, async () => {
    await sleep(20);
    return { ...text('The job failed: the input was rejected'), isError: true };
  });
  mcp.tool('protocol_error_job', { description: 'Fails with a protocol error', task: { support: 'required', pollIntervalMs: POLL_MS } }, async () => {
    await sleep(20);
    throw new McpError(-32603, 'The job could not run: its backend is unavailable');
  });
  mcp.tool(
    'confirm_delete',
    { description: 'Waits for a confirmation', inputSchema: z.object({ filename: z.string() }), task: { support: 'required', pollIntervalMs: POLL_MS } },
    async ({ filename }, ctx) => {
      const r = await ctx.elicit(askConfirm, { key: 'confirm' });
      seen.answers.push(r);
      return text(r.action === 'accept' && r.content?.confirm === true ? `Deleted ${filename}` : `Kept ${filename}`);
    },
  );
  mcp.tool('multi_input', { description: 'Asks two things at once', task: { support: 'required', pollIntervalMs: POLL_MS } }, async (_a, ctx) => {
    const [who, ok] = await Promise.all([
      ctx.elicit({ message: 'Name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } } } }, { key: 'name' }),
      ctx.elicit(askConfirm, { key: 'confirm' }),
    ]);
    return text(`Hello ${String(who.content?.name)}; confirmed: ${String(ok.content?.confirm)}`);
  });
  mcp.tool(
    'test_tool_with_task',
    { description: 'Asks for a name in the request (MRTR), then runs as a task', task: { support: 'required', start: 'explicit', pollIntervalMs: POLL_MS } },
    async (_a, ctx) => {
      const who = await ctx.elicit({ message: 'Your name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } } } }, { key: 'user_name' });
      await ctx.startTask();
      await sleep(30);
      return text(`Hello, ${String(who.content?.name)}!`);
    },
  );
}

let s: Served;
let r: Raw;
let nextId = 0;
/** Schema or shape violations of every server message in the current test. */
const violations: string[] = [];
/** Every response of the current test (for the session-header check). */
const responses: RawResponse[] = [];

beforeAll(async () => {
  s = await startFixture({ tasks: { ttlMs: 60_000, pollIntervalMs: 500 } }, taskTools);
  r = raw(s.url);
});
afterAll(async () => {
  await r?.close();
  await s?.close();
});
afterEach(async () => {
  expect(violations.splice(0)).toEqual([]);
  // MH-01: no session on any exchange.
  for (const res of responses.splice(0)) expect(res.headers['mcp-session-id']).toBeUndefined();
  // Nothing leaked: no request in flight, no stream, no timer, no task handler running or parked.
  const stats = await expectIdle(s.mcp);
  expect(stats.tasks).toBe(0);
  expect(s.errors).toEqual([]);
  seen.started.length = 0;
  seen.aborted.length = 0;
  seen.answers.length = 0;
});

/** Validates the task fields of a handle or a tasks/get result (TKX-03, TKX-04), beyond what the 2026 schema knows. */
function checkTaskFields(where: string, t: any): void {
  const bad = (what: string) => violations.push(`${where}: ${what}: ${JSON.stringify(t).slice(0, 400)}`);
  if (typeof t.taskId !== 'string' || !/^[A-Za-z0-9_-]{22,}$/.test(t.taskId)) bad('taskId is not an unguessable id');
  if (!['working', 'input_required', ...TERMINAL].includes(t.status)) bad(`unknown status ${String(t.status)}`);
  for (const k of ['createdAt', 'lastUpdatedAt']) if (typeof t[k] !== 'string' || !ISO.test(t[k])) bad(`${k} is not an ISO time`);
  if (!(t.ttlMs === null || (Number.isInteger(t.ttlMs) && t.ttlMs > 0))) bad('ttlMs is neither null nor an integer > 0');
  if ('pollIntervalMs' in t && !(Number.isInteger(t.pollIntervalMs) && t.pollIntervalMs > 0)) bad('pollIntervalMs is not an integer > 0');
  if ('statusMessage' in t && typeof t.statusMessage !== 'string') bad('statusMessage is not a string');
  for (const k of ['task', 'requestState', 'ttl', 'pollInterval']) if (k in t) bad(`has "${k}"`);
  if (t._meta?.[META_SERVER_INFO] === undefined) bad('no serverInfo in _meta');
}

/** Validates one server message: the 2026 schema (as the conformance wire check does), then the task shapes. */
function validate(method: string, msg: any): void {
  violations.push(...checkServerMessage(msg, () => method));
  const result = msg.result;
  if (result === undefined) return;
  const schema = (def: string, value: unknown, what: string) => {
    try {
      assertSchema(V, def, value);
    } catch (e) {
      violations.push(`${method} ${what}: ${(e as Error).message}`);
    }
  };
  if (method === 'tools/call' && result.resultType === 'task') {
    checkTaskFields('task handle', result);
    for (const k of NEVER_ON_A_HANDLE) if (k in result) violations.push(`task handle has "${k}"`);
    if (result.status !== 'working' && result.status !== 'input_required') violations.push(`task handle status ${result.status}`);
  }
  if (method === 'tasks/get') {
    if (result.resultType !== 'complete') violations.push(`tasks/get resultType ${result.resultType}`);
    checkTaskFields('tasks/get', result);
    const has = (k: string) => Object.hasOwn(result, k);
    if (has('result') !== (result.status === 'completed')) violations.push(`tasks/get: result present iff completed (status ${result.status})`);
    if (has('error') !== (result.status === 'failed')) violations.push(`tasks/get: error present iff failed (status ${result.status})`);
    if (has('inputRequests') !== (result.status === 'input_required')) violations.push(`tasks/get: inputRequests present iff input_required (status ${result.status})`);
    if (has('result')) {
      schema('CallToolResult', result.result, 'inlined result');
      if (result.result._meta?.['io.modelcontextprotocol/related-task'] !== undefined) violations.push('related-task _meta on the inlined result');
    }
    if (has('error')) schema('Error', result.error, 'inlined error');
    if (has('inputRequests')) {
      schema('InputRequiredResult', { resultType: 'input_required', inputRequests: result.inputRequests }, 'inputRequests');
      if (Object.keys(result.inputRequests).length === 0) violations.push('tasks/get: input_required with no inputRequests');
    }
  }
  if ((method === 'tasks/update' || method === 'tasks/cancel') && Object.keys(result).some((k) => k !== 'resultType' && k !== '_meta')) {
    violations.push(`${method}: the ack carries more than resultType and _meta: ${JSON.stringify(result)}`);
  }
}

interface Sent {
  res: RawResponse;
  msg: any;
}

/**
 * One 2026 request over the socket with the headers a conformant client sends (Mcp-Name = taskId on tasks/get,
 * tasks/update, tasks/cancel); `headers` overrides them (`null` removes one). The answer is validated.
 */
async function send(method: string, params: Record<string, unknown>, caps: Record<string, unknown> = ALL, headers: Record<string, string | null> = {}): Promise<Sent> {
  const id = ++nextId;
  const h: Record<string, string | null> = {};
  if (['tasks/get', 'tasks/update', 'tasks/cancel'].includes(method) && typeof params.taskId === 'string') h['mcp-name'] = params.taskId;
  const res = await r.post(rpc(method, params, id, { [META_CAPS]: caps }), { ...h, ...headers });
  responses.push(res);
  expect(res.contentType, res.text).toMatch(/^application\/json/);
  const msg = res.json();
  expect(msg.id).toBe(id);
  validate(method, msg);
  return { res, msg };
}

const call = (name: string, args: Record<string, unknown> = {}, caps: Record<string, unknown> = ALL, extra: Record<string, unknown> = {}) =>
  send('tools/call', { name, arguments: args, ...extra }, caps);
const get = (taskId: string) => send('tasks/get', { taskId });

/** Calls a tool that must answer with a task handle (HTTP 200, resultType "task"). */
async function createTask(name: string, args: Record<string, unknown> = {}, caps: Record<string, unknown> = ALL): Promise<any> {
  const { res, msg } = await call(name, args, caps);
  expect(res.status, res.text).toBe(200);
  expect(msg.result?.resultType, res.text).toBe('task');
  return msg.result;
}

/**
 * Polls tasks/get every `pollIntervalMs` of the handle (bounded: at most `timeoutMs`) until `pred` holds.
 * @returns The matching task state and how many polls it took.
 */
async function pollUntil(handle: { taskId: string; pollIntervalMs?: number }, pred: (t: any) => boolean, what: string, timeoutMs = 5000): Promise<any> {
  const every = handle.pollIntervalMs ?? POLL_MS;
  const deadline = Date.now() + timeoutMs;
  let last: any;
  let polls = 0;
  while (Date.now() < deadline) {
    const { res, msg } = await get(handle.taskId);
    polls++;
    expect(res.status, res.text).toBe(200);
    last = msg.result;
    if (pred(last)) return last;
    await sleep(every);
  }
  throw new Error(`Timed out after ${timeoutMs} ms (${polls} polls) waiting for ${what}; last tasks/get: ${JSON.stringify(last)}`);
}

const expectAck = (a: Sent) => {
  expect(a.res.status, a.res.text).toBe(200);
  expect(a.msg.result).toEqual({ resultType: 'complete', _meta: { [META_SERVER_INFO]: FIXTURE_INFO } });
};

describe('the tasks extension over a real socket (TKX-01..TKX-11)', () => {
  it('TKX-01: server/discover advertises extensions["io.modelcontextprotocol/tasks"] and no legacy tasks capability', async () => {
    const { res, msg } = await send('server/discover', {});
    expect(res.status).toBe(200);
    expect(msg.result.capabilities.extensions[EXT]).toEqual({});
    expect(msg.result.capabilities).not.toHaveProperty('tasks');
  });

  it('the full lifecycle: create → poll tasks/get (bounded) → completed with the result inlined', async () => {
    const handle = await createTask('slow_compute', { ms: 800, label: 'lifecycle' });
    expect(handle).toMatchObject({ status: 'working', ttlMs: 60_000, pollIntervalMs: POLL_MS, content: [] });
    for (const k of NEVER_ON_A_HANDLE) expect(handle, k).not.toHaveProperty(k);

    // Durable: a tasks/get right after finds it.
    const first = (await get(handle.taskId)).msg.result;
    // (On a loaded machine the 800 ms task may already be done: durability is what this checks, not timing.)
    expect(first).toMatchObject({ taskId: handle.taskId, createdAt: handle.createdAt });
    expect(['working', 'completed']).toContain(first.status);

    const statuses = new Set<string>();
    const done = await pollUntil(
      handle,
      (t) => {
        statuses.add(t.status);
        return TERMINAL.includes(t.status);
      },
      'a terminal status',
    );
    expect(done.status).toBe('completed');
    expect(done.result).toMatchObject({ content: [{ type: 'text', text: 'Computed lifecycle' }], resultType: 'complete' });
    expect(done.statusMessage).toBe('computing lifecycle');
    expect([...statuses].every((st) => st === 'working' || st === 'completed')).toBe(true);
    expect(Date.parse(done.lastUpdatedAt)).toBeGreaterThanOrEqual(Date.parse(done.createdAt));
    // No early expiry (tasks-no-early-ttl-expiry).
    await sleep(100);
    expect((await get(handle.taskId)).msg.result.status).toBe('completed');
    expect(seen.started).toEqual(['lifecycle']);
  });

  it('TKX-02: without the extension the same tool answers synchronously; a required-task tool is refused with -32021', async () => {
    const sync = await call('slow_compute', { ms: 0, label: 'no-ext' }, {});
    expect(sync.res.status).toBe(200);
    expect(sync.msg.result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: 'Computed no-ext' }] });
    expect(sync.msg.result).not.toHaveProperty('taskId');

    const id = ++nextId;
    const refused = await r.post(rpc('tools/call', { name: 'failing_job', arguments: {} }, id, { [META_CAPS]: {} }));
    responses.push(refused);
    const err = expectJsonRpcError(refused, 400, -32021, /io\.modelcontextprotocol\/tasks/, id);
    expect(err.error.data).toEqual({ requiredCapabilities: { extensions: { [EXT]: {} } } });

    // The extension alone, per request, is enough (tasks-per-request-meta-opt-in).
    const handle = await createTask('slow_compute', { ms: 10, label: 'ext-only' }, EXT_ONLY);
    expect((await pollUntil(handle, (t) => TERMINAL.includes(t.status), 'terminal')).status).toBe('completed');
  });

  it('TKX-07: a tool error ends completed with result.isError; a protocol error ends failed with the error inlined', async () => {
    const toolError = await createTask('failing_job');
    const a = await pollUntil(toolError, (t) => TERMINAL.includes(t.status), 'terminal');
    expect(a.status).toBe('completed');
    expect(a.result.isError).toBe(true);
    expect(a).not.toHaveProperty('error');

    const protocolError = await createTask('protocol_error_job');
    const b = await pollUntil(protocolError, (t) => TERMINAL.includes(t.status), 'terminal');
    expect(b.status).toBe('failed');
    expect(b.error).toEqual({ code: -32603, message: 'The job could not run: its backend is unavailable' });
    expect(b).not.toHaveProperty('result');
  });

  it('input_required resumed through tasks/update: the answer reaches the handler and the task completes', async () => {
    const handle = await createTask('confirm_delete', { filename: 'report.txt' });
    const parked = await pollUntil(handle, (t) => t.status === 'input_required', 'input_required');
    expect(Object.keys(parked.inputRequests)).toEqual(['confirm']);
    expect(parked.inputRequests.confirm).toMatchObject({ method: 'elicitation/create', params: { message: 'Delete it?', requestedSchema: { type: 'object' } } });
    expect(parked.inputRequests.confirm.params).not.toHaveProperty('elicitationId');

    // Unknown keys are ignored and acknowledged.
    expectAck(await send('tasks/update', { taskId: handle.taskId, inputResponses: { 'unknown-key': { ignored: true } } }));
    expect((await get(handle.taskId)).msg.result.status).toBe('input_required');

    expectAck(await send('tasks/update', { taskId: handle.taskId, inputResponses: { confirm: { action: 'accept', content: { confirm: true } } } }));
    const done = await pollUntil(handle, (t) => TERMINAL.includes(t.status), 'terminal');
    expect(done.status).toBe('completed');
    expect(done.result.content).toEqual([{ type: 'text', text: 'Deleted report.txt' }]);
    expect(seen.answers).toEqual([{ action: 'accept', content: { confirm: true } }]);
  });

  it('TKX-05: a partial answer leaves the other key open (immediately visible), the second completes the task', async () => {
    const handle = await createTask('multi_input');
    const parked = await pollUntil(handle, (t) => t.status === 'input_required' && Object.keys(t.inputRequests).length >= 2, 'two open keys');
    const [k1, k2] = Object.keys(parked.inputRequests).sort();
    expectAck(await send('tasks/update', { taskId: handle.taskId, inputResponses: { [k1!]: { action: 'accept', content: { name: 'partial-1', confirm: true } } } }));
    const mid = (await get(handle.taskId)).msg.result;
    expect(mid.status).toBe('input_required');
    expect(Object.keys(mid.inputRequests)).toEqual([k2]);
    expectAck(await send('tasks/update', { taskId: handle.taskId, inputResponses: { [k2!]: { action: 'accept', content: { name: 'partial-2', confirm: true } } } }));
    const done = await pollUntil(handle, (t) => TERMINAL.includes(t.status), 'terminal');
    expect(done.status).toBe('completed');
    // The handler asked under its own keys "name" and "confirm": each answer reached the question it was given for.
    const nameAnswer = k1 === 'name' ? 'partial-1' : 'partial-2';
    expect(done.result.content[0].text).toBe(`Hello ${nameAnswer}; confirmed: true`);
  });

  it('TKX-06: cancel mid-run: empty ack, the handler is aborted, the task ends cancelled; cancelling again is the same ack', async () => {
    const handle = await createTask('slow_compute', { ms: 60_000, label: 'cancel-me' });
    await waitFor(() => seen.started.includes('cancel-me'), 'the handler to start');
    expect(s.mcp.stats().tasks).toBe(1);
    expectAck(await send('tasks/cancel', { taskId: handle.taskId }));
    await waitFor(() => seen.aborted.some((x) => x.label === 'cancel-me'), 'the handler to be aborted', 2000);
    const done = await pollUntil(handle, (t) => TERMINAL.includes(t.status), 'terminal', 2000);
    expect(done.status).toBe('cancelled');
    expect(done).not.toHaveProperty('result');
    // Terminal: the same empty ack, not -32602 (tasks-cancel-terminal-idempotent-ack).
    expectAck(await send('tasks/cancel', { taskId: handle.taskId }));
    await sleep(20);
    expect((await get(handle.taskId)).msg.result.status).toBe('cancelled');
  });

  it('cancelling a task parked in input_required ends it and frees its handler', async () => {
    const handle = await createTask('confirm_delete', { filename: 'kept.txt' });
    await pollUntil(handle, (t) => t.status === 'input_required', 'input_required');
    expect(s.mcp.stats().tasks).toBe(1);
    expectAck(await send('tasks/cancel', { taskId: handle.taskId }));
    expect((await get(handle.taskId)).msg.result.status).toBe('cancelled');
  });

  it('explicit start: an MRTR round in the request first (no taskId), then the task handle, then completed', async () => {
    const r1 = await call('test_tool_with_task');
    expect(r1.res.status).toBe(200);
    expect(r1.msg.result.resultType).toBe('input_required');
    expect(r1.msg.result).not.toHaveProperty('taskId');
    const [key] = Object.keys(r1.msg.result.inputRequests);
    expect(key).toBe('user_name');
    const extra: Record<string, unknown> = { inputResponses: { [key!]: { action: 'accept', content: { name: 'Alice' } } } };
    if (r1.msg.result.requestState !== undefined) extra.requestState = r1.msg.result.requestState;
    const r2 = await call('test_tool_with_task', {}, ALL, extra);
    expect(r2.res.status).toBe(200);
    const handle = r2.msg.result;
    expect(handle.resultType).toBe('task');
    expect(handle).not.toHaveProperty('requestState');
    expect(handle).not.toHaveProperty('inputRequests');
    const done = await pollUntil(handle, (t) => TERMINAL.includes(t.status), 'terminal');
    expect(done.status).toBe('completed');
    expect(done.result.content[0].text).toMatch(/Alice/);
  });

  it('error answers: -32602 unknown task, -32021 without the extension, -32020 Mcp-Name mismatch, -32601 tasks/result and tasks/list', async () => {
    const handle = await createTask('slow_compute', { ms: 60_000, label: 'errors' });
    const post = async (method: string, params: Record<string, unknown>, caps: Record<string, unknown>, headers: Record<string, string | null> = {}) => {
      const id = ++nextId;
      const res = await r.post(rpc(method, params, id, { [META_CAPS]: caps }), headers);
      responses.push(res);
      return { res, id };
    };
    // TKX-08: unknown id (with a matching Mcp-Name).
    const unknown = await post('tasks/get', { taskId: 'tasks-conformance-nonexistent-12345' }, ALL, { 'mcp-name': 'tasks-conformance-nonexistent-12345' });
    expectJsonRpcError(unknown.res, 200, -32602, /Unknown or expired task/, unknown.id);
    // TKX-08: no extension → -32021 before the lookup, for every tasks method.
    for (const [method, params] of [
      ['tasks/get', { taskId: 'gate-test' }],
      ['tasks/update', { taskId: 'gate-test', inputResponses: {} }],
      ['tasks/cancel', { taskId: handle.taskId }],
    ] as const) {
      const a = await post(method, params, {}, { 'mcp-name': params.taskId });
      const msg = expectJsonRpcError(a.res, 400, -32021, /io\.modelcontextprotocol\/tasks/, a.id);
      expect(msg.error.data.requiredCapabilities.extensions[EXT]).toBeDefined();
    }
    // TKX-11: Mcp-Name must be the taskId (checked before the lookup: -32020, never -32602).
    const mismatch = await post('tasks/get', { taskId: handle.taskId }, ALL, { 'mcp-name': 'sep-2663-wrong-task-id-for-routing-header-mismatch' });
    expectJsonRpcError(mismatch.res, 400, -32020, /Mcp-Name/, mismatch.id);
    // TKX-10: removed methods, no Mcp-Name needed.
    const result = await post('tasks/result', { taskId: 'tasks-conformance-isolation-probe' }, ALL);
    expectJsonRpcError(result.res, 404, -32601, /tasks\/result/, result.id);
    const list = await post('tasks/list', {}, ALL);
    expectJsonRpcError(list.res, 404, -32601, /tasks\/list/, list.id);
    // The refused cancel did nothing; now really cancel it.
    expect((await get(handle.taskId)).msg.result.status).toBe('working');
    expectAck(await send('tasks/cancel', { taskId: handle.taskId }));
    await waitFor(() => seen.aborted.some((x) => x.label === 'errors'), 'the handler to be aborted', 2000);
  });

  it('a conformance-shaped burst: several tasks at once, each polled to its end, stats back to zero', async () => {
    const handles = await Promise.all([
      createTask('slow_compute', { ms: 50, label: 'b1' }),
      createTask('slow_compute', { ms: 80, label: 'b2' }),
      createTask('failing_job'),
      createTask('protocol_error_job'),
    ]);
    expect(new Set(handles.map((h) => h.taskId)).size).toBe(4);
    const ends = await Promise.all(handles.map((h) => pollUntil(h, (t) => TERMINAL.includes(t.status), 'terminal')));
    expect(ends.map((t) => t.status)).toEqual(['completed', 'completed', 'completed', 'failed']);
  });
});
