/**
 * The 2025-11-25 experimental core tasks on sessions (checklist §8.1, TK1-01..TK1-10; TRAP-13, TRAP-17, DUAL-09)
 * over a real socket: a fixture server of task tools behind @x/mcp-node-http on 127.0.0.1 (port 0), driven with the
 * official SDK client (1.32.2) and its experimental tasks API (`client.experimental.tasks`).
 *
 * Authentication: the fixture wraps `mcp.handle` and turns an `Authorization: Bearer <subject>` header into
 * `RequestContext.authInfo = { subject }`, which is how an embedder's auth middleware hands the principal to the core.
 *
 * Every message the server sends is validated against the negotiated revision's schema (the 2025-11-25 one for task
 * sessions): the JSON-RPC envelope, server requests and notifications, and each result against the definition of
 * the request it answers (CreateTaskResult for a task-augmented tools/call, GetTaskResult, GetTaskPayloadResult and
 * CallToolResult for tasks/result, ListTasksResult, CancelTaskResult). Tasks are also checked for the 2025 shapes
 * (TRAP-13: `ttl`/`pollInterval`, never the 2026 `ttlMs`/`pollIntervalMs`/`resultType`). After every test every
 * client is closed and stats() is back to zero (tasks: 0), with no server error.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { ResponseMessage } from '@modelcontextprotocol/sdk/experimental/tasks';
import { CallToolResultSchema, CreateTaskResultSchema, ElicitRequestSchema, McpError as SdkMcpError } from '@modelcontextprotocol/sdk/types.js';
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { McpError, createMcp } from '@x/mcp-core';
import type { Mcp, McpOptions } from '@x/mcp-core';
import { serve } from '@x/mcp-node-http';
import type { NodeServer } from '@x/mcp-node-http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { SseParser, checkServerMessage, expectIdle, sleep, waitFor, within } from '../integration/harness.ts';
import { checkServerMessage as check2026, headersFor, rpc as rpc2026 } from '../stateless/harness.ts';
import { assertSchema } from '../support/schema.ts';

const REV = '2025-11-25';
const OLD = '2025-06-18';
const RELATED = 'io.modelcontextprotocol/related-task';
const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const POLL_MS = 25;
const SERVER_TTL = 60_000;
/** Every client request is bounded well below the test timeout. */
const T = { timeout: 5000 };
/** Keys of the 2026 form that a 2025 task answer never carries (TRAP-13). */
const NOT_2025 = ['ttlMs', 'pollIntervalMs', 'resultType', 'result', 'error', 'inputRequests', 'task'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const text = (t: string) => ({ content: [{ type: 'text' as const, text: t }] });
const textOf = (r: Json): string => (r?.content ?? []).map((c: Json) => c.text).join('');

// ---- the fixture ----------------------------------------------------------------------------------

/** What the tools saw. */
const seen = {
  started: [] as { tool: string; label?: string; taskId: string | undefined; subject: string | undefined; sessionId: string | undefined }[],
  aborted: [] as { label: string; reason: unknown }[],
  confirmRuns: 0,
  answers: [] as unknown[],
};

/** Gates the `gated` tool waits on, by label; either side may create one first. */
const gates = new Map<string, { promise: Promise<void>; release: () => void }>();
function gate(label: string): { promise: Promise<void>; release: () => void } {
  let g = gates.get(label);
  if (g === undefined) {
    let release!: () => void;
    const promise = new Promise<void>((r) => (release = r));
    g = { promise, release };
    gates.set(label, g);
  }
  return g;
}

const askConfirm = { message: 'Delete it?', requestedSchema: { type: 'object' as const, properties: { confirm: { type: 'boolean' as const } }, required: ['confirm'] } };

/** Registers the task tools. */
function register(mcp: Mcp): void {
  mcp.tool(
    'slow_compute',
    { description: 'Works for `ms` ms; optional task', inputSchema: z.object({ ms: z.number(), label: z.string() }), task: { support: 'optional', pollIntervalMs: POLL_MS } },
    async ({ ms, label }, ctx) => {
      seen.started.push({ tool: 'slow_compute', label, taskId: ctx.taskId, subject: ctx.authInfo?.subject, sessionId: ctx.sessionId });
      await sleep(ms);
      return text(`Computed ${label}`);
    },
  );
  mcp.tool(
    'gated',
    { description: 'Runs until its gate opens or it is cancelled; required task', inputSchema: z.object({ label: z.string() }), task: { support: 'required', pollIntervalMs: POLL_MS } },
    async ({ label }, ctx) => {
      seen.started.push({ tool: 'gated', label, taskId: ctx.taskId, subject: ctx.authInfo?.subject, sessionId: ctx.sessionId });
      ctx.reportStatus(`waiting for ${label}`);
      const aborted = new Promise<void>((resolve) => {
        const onAbort = () => {
          seen.aborted.push({ label, reason: ctx.signal.reason });
          resolve();
        };
        if (ctx.signal.aborted) onAbort();
        else ctx.signal.addEventListener('abort', onAbort, { once: true });
      });
      await Promise.race([gate(label).promise, aborted]);
      // What a cancelled handler returns must not change the task (TK1-07).
      return ctx.signal.aborted ? text(`too late for ${label}`) : text(`released ${label}`);
    },
  );
  mcp.tool('failing_job', { description: 'Ends with a tool error', task: { support: 'required', pollIntervalMs: POLL_MS } }, async () => {
    await sleep(10);
    return { ...text('The job failed: the input was rejected'), isError: true };
  });
  mcp.tool('protocol_error_job', { description: 'Fails with a protocol error', task: { support: 'required', pollIntervalMs: POLL_MS } }, async () => {
    await sleep(10);
    throw new McpError(-32001, 'The job could not run: its backend is unavailable', { backend: 'down' });
  });
  mcp.tool(
    'confirm_delete',
    { description: 'Asks for a confirmation', inputSchema: z.object({ filename: z.string() }), task: { support: 'required', pollIntervalMs: POLL_MS } },
    async ({ filename }, ctx) => {
      seen.confirmRuns++;
      const r = await ctx.elicit(askConfirm, { key: 'confirm' });
      seen.answers.push(r);
      return text(r.action === 'accept' && r.content?.confirm === true ? `Deleted ${filename}` : `Kept ${filename}`);
    },
  );
  mcp.tool('multi_input', { description: 'Asks two things at once', task: { support: 'optional', pollIntervalMs: POLL_MS } }, async (_a, ctx) => {
    const [who, ok] = await Promise.all([
      ctx.elicit({ message: 'Name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } }, { key: 'name' }),
      ctx.elicit(askConfirm, { key: 'confirm' }),
    ]);
    return text(`Hello ${String(who.content?.name)}; confirmed: ${String(ok.content?.confirm)}`);
  });
  mcp.tool(
    'progress_job',
    { description: 'Reports progress and a log line, waits for its gate, reports again', inputSchema: z.object({ label: z.string() }), task: { support: 'optional', pollIntervalMs: POLL_MS } },
    async ({ label }, ctx) => {
      ctx.progress(1, 3, 'first');
      ctx.log.info(`working on ${label}`);
      ctx.log.debug(`details of ${label}`);
      await gate(label).promise;
      ctx.progress(2, 3, 'second');
      return text(`reported ${label}`);
    },
  );
  mcp.tool('confirm_progress', { description: 'Reports progress around a confirmation', task: { support: 'required', pollIntervalMs: POLL_MS } }, async (_a, ctx) => {
    // Each run starts here: the second (with the answer) repeats progress 1, which must not go out again (PROG-01).
    ctx.progress(1, 2, 'asking');
    const r = await ctx.elicit(askConfirm, { key: 'confirm' });
    ctx.progress(2, 2, 'answered');
    return text(`confirmed: ${String(r.content?.confirm)}`);
  });
  mcp.tool('plain_echo', { description: 'No task support at all', inputSchema: z.object({ say: z.string() }) }, ({ say }) => text(`echo ${say}`));
  mcp.tool('forbidden_echo', { description: 'taskSupport forbidden, explicitly', task: { support: 'forbidden' } }, () => text('forbidden echo'));
}

interface Fixture {
  mcp: Mcp;
  server: NodeServer;
  url: string;
  errors: unknown[];
  close(): Promise<void>;
}

/**
 * Serves the task fixture on 127.0.0.1:0. `Authorization: Bearer <subject>` becomes `authInfo.subject`.
 * @param options createMcp overrides.
 */
async function startFixture(options: Partial<McpOptions> = {}): Promise<Fixture> {
  const errors: unknown[] = [];
  const mcp = createMcp({ name: 'session-tasks-fixture', version: '1.0.0', onError: (e) => errors.push(e), tasks: { ttlMs: SERVER_TTL, pollIntervalMs: 500 }, ...options });
  register(mcp);
  const server = await serve({
    fetch: (request, ctx) => {
      const m = /^Bearer (\S+)$/.exec(request.headers.get('authorization') ?? '');
      return mcp.handle(request, m === null ? ctx : { ...ctx, authInfo: { subject: m[1]!, token: m[1]! } });
    },
    port: 0,
    hostname: '127.0.0.1',
    onError: (e) => errors.push(e),
  });
  return {
    mcp,
    server,
    url: `${server.url}/mcp`,
    errors,
    close: async () => {
      await mcp.close();
      await server.close();
    },
  };
}

// ---- a wire recorder that knows the task results --------------------------------------------------

interface RecordedExchange {
  method: string;
  /** The response's media type. */
  type: string;
  /** The JSON-RPC message POSTed (single messages only; the SDK never batches). */
  body: Json;
  status: number;
  /** Server messages carried by the response, in order. */
  messages: Json[];
}

/** Validates a 2025 task object beyond the schema (TK1-04, TRAP-13). */
function taskViolations(where: string, t: Json): string[] {
  const out: string[] = [];
  const bad = (what: string) => out.push(`${where}: ${what}: ${JSON.stringify(t).slice(0, 400)}`);
  if (typeof t?.taskId !== 'string' || !/^[A-Za-z0-9_-]{22,}$/.test(t.taskId)) bad('taskId is not an unguessable id');
  if (!['working', 'input_required', 'completed', 'failed', 'cancelled'].includes(t?.status)) bad(`unknown status ${String(t?.status)}`);
  for (const k of ['createdAt', 'lastUpdatedAt']) if (typeof t?.[k] !== 'string' || !ISO.test(t[k])) bad(`${k} is not an ISO 8601 time`);
  if (!('ttl' in (t ?? {})) || !(t.ttl === null || (Number.isInteger(t.ttl) && t.ttl >= 0))) bad('ttl is neither null nor an integer >= 0');
  if ('pollInterval' in t && !(Number.isInteger(t.pollInterval) && t.pollInterval > 0)) bad('pollInterval is not an integer > 0');
  if (typeof t?.createdAt === 'string' && typeof t?.lastUpdatedAt === 'string' && Date.parse(t.lastUpdatedAt) < Date.parse(t.createdAt)) bad('lastUpdatedAt < createdAt');
  for (const k of NOT_2025) if (k in (t ?? {})) bad(`carries the key "${k}" (TRAP-13)`);
  return out;
}

/**
 * A fetch for the SDK transport: records every exchange, validates every server message against the negotiated
 * revision's schema, adds `Authorization: Bearer <subject>` when asked, and can rewrite the initialize version.
 */
class Recorder {
  readonly exchanges: RecordedExchange[] = [];
  readonly violations: string[] = [];
  revision: string;
  #sent = new Map<string, Json>();

  constructor(
    readonly requestVersion: string | undefined,
    readonly subject: string | undefined,
  ) {
    this.revision = requestVersion ?? REV;
  }

  sentFor(id: unknown): Json {
    return this.#sent.get(JSON.stringify(id));
  }

  /** Response messages (result or error) to requests of this method, in arrival order. */
  answers(method: string): Json[] {
    return this.exchanges.flatMap((e) => e.messages).filter((m) => ('result' in m || 'error' in m) && this.sentFor(m.id)?.method === method);
  }

  /** Exchanges whose POSTed request has this method. */
  posts(method: string): RecordedExchange[] {
    return this.exchanges.filter((e) => e.body?.method === method);
  }

  readonly fetch = async (url: string | URL, init: RequestInit = {}): Promise<Response> => {
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers);
    if (this.subject !== undefined) headers.set('authorization', `Bearer ${this.subject}`);
    let body: Json;
    if (typeof init.body === 'string') {
      body = JSON.parse(init.body);
      if (body?.method === 'initialize' && this.requestVersion !== undefined) body.params.protocolVersion = this.requestVersion;
      if (body?.method !== undefined && body.id !== undefined) this.#sent.set(JSON.stringify(body.id), body);
      init = { ...init, body: JSON.stringify(body) };
    }
    const response = await fetch(url, { ...init, headers });
    const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const exchange: RecordedExchange = { method, type, body, status: response.status, messages: [] };
    this.exchanges.push(exchange);
    // TK1-05: tasks/get (and the other quick task methods) SHOULD NOT upgrade to SSE.
    if (['tasks/get', 'tasks/list', 'tasks/cancel'].includes(body?.method) && type !== 'application/json') this.violations.push(`TK1-05: ${String(body.method)} answered as ${type}`);
    if (response.body === null) return response;
    const decoder = new TextDecoder();
    let json = '';
    const parser = new SseParser((e) => {
      if (e.data !== '') this.#record(exchange, e.data, response.ok);
    });
    const inspect = new TransformStream<Uint8Array, Uint8Array>({
      transform: (chunk, controller) => {
        controller.enqueue(chunk);
        const s = decoder.decode(chunk, { stream: true });
        if (type === 'text/event-stream') parser.push(s);
        else json += s;
      },
      flush: () => {
        if (type === 'application/json' && json !== '') this.#record(exchange, json, response.ok);
      },
    });
    return new Response(response.body.pipeThrough(inspect), { status: response.status, statusText: response.statusText, headers: response.headers });
  };

  #record(exchange: RecordedExchange, data: string, ok: boolean): void {
    let message: Json;
    try {
      message = JSON.parse(data);
    } catch {
      this.violations.push(`not JSON: ${data.slice(0, 200)}`);
      return;
    }
    exchange.messages.push(message);
    if (typeof message?.result?.protocolVersion === 'string' && this.sentFor(message.id)?.method === 'initialize') this.revision = message.result.protocolVersion;
    // HTTP error bodies of older revisions carry `"id": null` (TRAP-02); none is expected here anyway.
    if (!ok && this.revision !== REV) return;
    this.violations.push(...this.check(exchange, message));
  }

  /** The schema and shape checks of one server message. */
  check(exchange: RecordedExchange, message: Json): string[] {
    const rev = this.revision;
    const out = checkServerMessage(rev, message, () => undefined);
    const schema = (def: string, value: unknown) => {
      try {
        assertSchema(rev, def, value);
      } catch (e) {
        out.push((e as Error).message);
      }
    };
    if (message?.method === 'notifications/tasks') out.push(`TRAP-13: the 2026 notifications/tasks on a ${rev} session`);
    // TK1-08: notifications/tasks/status (MAY) carries the full Task and no related-task metadata.
    if (message?.method === 'notifications/tasks/status') {
      out.push(...taskViolations('notifications/tasks/status', stripMeta(message.params ?? {})));
      if (message.params?._meta?.[RELATED] !== undefined) out.push(`TK1-08: notifications/tasks/status with related-task: ${JSON.stringify(message)}`);
    }
    // TK1-06, TK1-08: input asked while answering tasks/result is tagged with the task.
    if (message?.method !== undefined && message.id !== undefined && exchange.body?.method === 'tasks/result') {
      if (message.params?._meta?.[RELATED]?.taskId !== exchange.body.params?.taskId) out.push(`TK1-08: a request on the tasks/result stream without related-task: ${JSON.stringify(message)}`);
    }
    if (!('result' in (message ?? {}))) return out;
    const request = this.sentFor(message.id);
    const result = message.result;
    switch (request?.method) {
      case 'initialize':
        schema('InitializeResult', result);
        break;
      case 'tools/list':
        schema('ListToolsResult', result);
        break;
      case 'tools/call':
        if (rev === REV && request.params?.task !== undefined) {
          schema('CreateTaskResult', result);
          out.push(...taskViolations('CreateTaskResult.task', result.task));
          for (const k of ['content', 'taskId', 'status', 'resultType']) if (k in result) out.push(`TRAP-13: CreateTaskResult has a top-level "${k}"`);
        } else schema('CallToolResult', result);
        break;
      case 'tasks/get':
        schema('GetTaskResult', result);
        out.push(...taskViolations('tasks/get', stripMeta(result)));
        break;
      case 'tasks/cancel':
        schema('CancelTaskResult', result);
        out.push(...taskViolations('tasks/cancel', stripMeta(result)));
        break;
      case 'tasks/list':
        schema('ListTasksResult', result);
        for (const t of result.tasks ?? []) out.push(...taskViolations('tasks/list item', t));
        break;
      case 'tasks/result':
        schema('GetTaskPayloadResult', result);
        schema('CallToolResult', result);
        if (result._meta?.[RELATED]?.taskId !== request.params?.taskId) out.push(`TK1-06: tasks/result without _meta related-task: ${JSON.stringify(result).slice(0, 300)}`);
        break;
      case 'ping':
        schema('EmptyResult', result);
        break;
      default:
        schema('Result', result);
    }
    return out;
  }
}

const statusesOf = (msgs: Json[]): string[] => msgs.filter((m) => m.type === 'taskStatus').map((m) => m.task.status);

const stripMeta = (r: Json): Json => {
  const { _meta: _m, ...rest } = r;
  return rest;
};

// ---- clients --------------------------------------------------------------------------------------

interface Conn {
  client: Client;
  rec: Recorder;
  sessionId: string;
  close(): Promise<void>;
}

interface OpenOptions {
  version?: string;
  subject?: string;
  capabilities?: ClientCapabilities;
  /** Answers elicitation/create (declares the elicitation capability). */
  elicit?: (params: Json) => Json | Promise<Json>;
}

let fx: Fixture;
const conns: Conn[] = [];
const extraFixtures: Fixture[] = [];

/** Connects the SDK client to `url` (default: the shared fixture). */
async function open(options: OpenOptions = {}, url = fx.url): Promise<Conn> {
  const rec = new Recorder(options.version, options.subject);
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    fetch: rec.fetch,
    reconnectionOptions: { initialReconnectionDelay: 50, maxReconnectionDelay: 500, reconnectionDelayGrowFactor: 1.5, maxRetries: 3 },
  });
  const capabilities: ClientCapabilities = { ...(options.capabilities ?? {}), ...(options.elicit === undefined ? {} : { elicitation: {} }) };
  const client = new Client({ name: 'x-mcp-session-tasks', version: '1.0.0' }, { capabilities });
  if (options.elicit !== undefined) {
    const answer = options.elicit;
    client.setRequestHandler(ElicitRequestSchema, async (req) => answer(req.params));
  }
  await within(client.connect(transport), 5000, 'client.connect');
  // The SDK opens its GET stream after initialized: wait for it, so closing never races its setup.
  await waitFor(() => rec.exchanges.some((e) => e.method === 'GET'), 'the SDK GET stream');
  let closed = false;
  const conn: Conn = {
    client,
    rec,
    sessionId: transport.sessionId!,
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        if (transport.sessionId !== undefined) await within(transport.terminateSession(), 3000, 'DELETE');
      } finally {
        await client.close();
      }
    },
  };
  conns.push(conn);
  return conn;
}

/** Drains a callToolStream, bounded. */
async function collect(stream: AsyncGenerator<ResponseMessage<Json>, void, void>, ms = 8000): Promise<Json[]> {
  return within(
    (async () => {
      const out: Json[] = [];
      for await (const m of stream) out.push(m);
      return out;
    })(),
    ms,
    'callToolStream',
  );
}

/** The JSON-RPC error a client request ended with (the SDK throws it as McpError). */
async function rpcError(p: Promise<unknown>, what: string): Promise<SdkMcpError> {
  try {
    await within(p, 6000, what);
  } catch (e) {
    if (e instanceof SdkMcpError) return e;
    throw e;
  }
  throw new Error(`${what}: expected a JSON-RPC error, got a result`);
}

/** Starts a task with a raw task-augmented tools/call (no polling); returns the created task. */
async function startTask(c: Conn, name: string, args: Record<string, unknown>, task: Record<string, unknown> = {}): Promise<Json> {
  const created = await c.client.request({ method: 'tools/call', params: { name, arguments: args, task } }, CreateTaskResultSchema, T);
  return created.task;
}

/** Polls tasks/get (bounded) until the status is one of `statuses`. */
async function waitForStatus(c: Conn, taskId: string, statuses: string[], ms = 5000): Promise<Json> {
  return waitFor(
    async () => {
      const t = await c.client.experimental.tasks.getTask(taskId, T);
      return statuses.includes(t.status) ? t : undefined;
    },
    `task ${taskId} to be ${statuses.join('|')}`,
    ms,
    POLL_MS,
  );
}

beforeAll(async () => {
  fx = await startFixture();
});
afterAll(async () => {
  await fx?.close();
});
afterEach(async () => {
  // Opens every gate, so no handler waits forever if a test failed half-way.
  for (const g of gates.values()) g.release();
  gates.clear();
  const violations: string[] = [];
  for (const c of conns.splice(0)) {
    await c.close();
    violations.push(...c.rec.violations);
  }
  expect(violations).toEqual([]);
  for (const f of [fx, ...extraFixtures]) {
    const stats = await expectIdle(f.mcp);
    expect(stats.tasks).toBe(0);
    expect(f.errors).toEqual([]);
  }
  for (const f of extraFixtures.splice(0)) await f.close();
  seen.started.length = 0;
  seen.aborted.length = 0;
  seen.answers.length = 0;
  seen.confirmRuns = 0;
});

// ---- tests ----------------------------------------------------------------------------------------

describe('the tasks capability (TK1-01, TK1-10, DUAL-09)', () => {
  it('a 2025-11-25 session without auth: tasks {cancel, requests.tools.call}, no list, no 2026 extension', async () => {
    const c = await open();
    const caps = c.client.getServerCapabilities() as Json;
    expect(caps.tasks).toEqual({ cancel: {}, requests: { tools: { call: {} } } });
    expect(caps.tasks).not.toHaveProperty('list');
    // DUAL-09: the 2026 extension is never declared to a 2025 session.
    expect(caps.extensions?.[TASKS_EXTENSION]).toBeUndefined();
    expect(c.client.getServerVersion()).toBeDefined();
  });

  it('an authenticated 2025-11-25 session also gets tasks.list', async () => {
    const c = await open({ subject: 'alice' });
    const caps = c.client.getServerCapabilities() as Json;
    expect(caps.tasks).toEqual({ list: {}, cancel: {}, requests: { tools: { call: {} } } });
  });

  it('a 2025-06-18 session has no tasks capability', async () => {
    const c = await open({ version: OLD, subject: 'alice' });
    expect(c.rec.revision).toBe(OLD);
    expect(c.client.getServerCapabilities()).not.toHaveProperty('tasks');
  });
});

describe('execution.taskSupport in listings (TK1-01)', () => {
  it('2025-11-25 tools/list: optional and required tools carry it, others do not', async () => {
    const c = await open();
    const { tools } = await c.client.listTools(undefined, T);
    const by = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(by.slow_compute?.execution).toEqual({ taskSupport: 'optional' });
    expect(by.multi_input?.execution).toEqual({ taskSupport: 'optional' });
    for (const n of ['gated', 'failing_job', 'protocol_error_job', 'confirm_delete']) expect(by[n]?.execution, n).toEqual({ taskSupport: 'required' });
    expect(by.plain_echo).toBeDefined();
    expect(by.plain_echo).not.toHaveProperty('execution');
    expect(by.forbidden_echo).not.toHaveProperty('execution');
  });

  it('2025-06-18 tools/list has no execution (validated against the 2025-06-18 schema)', async () => {
    const c = await open({ version: OLD });
    const { tools } = await c.client.listTools(undefined, T);
    expect(tools.length).toBeGreaterThan(5);
    for (const t of tools) expect(t, t.name).not.toHaveProperty('execution');
    expect(c.rec.answers('tools/list').at(-1)!.result.tools.some((t: Json) => 'execution' in t)).toBe(false);
  });

  it('the 2026-07-28 stateless tools/list has no execution (TKX-10)', async () => {
    const body = rpc2026('tools/list', {}, 'list-2026');
    const res = await within(fetch(fx.url, { method: 'POST', headers: headersFor(body), body: JSON.stringify(body) }), 5000, '2026 tools/list');
    expect(res.status).toBe(200);
    const msg = (await res.json()) as Json;
    expect(check2026(msg, () => 'tools/list')).toEqual([]);
    const tools: Json[] = msg.result.tools;
    expect(tools.map((t) => t.name)).toContain('gated');
    for (const t of tools) expect(t, t.name).not.toHaveProperty('execution');
  });
});

describe('task-augmented tools/call with the SDK client (TK1-03..TK1-06)', () => {
  it('callToolStream: taskCreated, taskStatus…, then the result tagged with related-task', async () => {
    const c = await open();
    await c.client.listTools(undefined, T); // the SDK learns execution.taskSupport here (isToolTask)
    // The gate opens once the client saw the task working, so the stream shows both statuses whatever the load.
    const msgs: Json[] = [];
    await within(
      (async () => {
        for await (const m of c.client.experimental.tasks.callToolStream({ name: 'gated', arguments: { label: 'a' } }, CallToolResultSchema, T)) {
          msgs.push(m);
          if (m.type === 'taskStatus') gate('a').release();
        }
      })(),
      8000,
      'callToolStream',
    );
    const types = msgs.map((m) => m.type);
    expect(types[0]).toBe('taskCreated');
    expect(types.at(-1)).toBe('result');
    expect(types.slice(1, -1).every((t) => t === 'taskStatus')).toBe(true);
    expect(types.filter((t) => t === 'taskStatus').length).toBeGreaterThanOrEqual(2);
    const created = msgs[0].task;
    const taskId: string = created.taskId;
    expect(created).toMatchObject({ status: 'working', ttl: SERVER_TTL, pollInterval: POLL_MS });
    expect(statusesOf(msgs)[0]).toBe('working');
    const statuses = msgs.filter((m) => m.type === 'taskStatus').map((m) => m.task.status);
    expect(statuses.at(-1)).toBe('completed');
    expect(statuses.slice(0, -1).every((s: string) => s === 'working')).toBe(true);
    const result = msgs.at(-1).result;
    expect(textOf(result)).toBe('released a');
    expect(result._meta[RELATED]).toEqual({ taskId });
    // The SDK put params.task on the wire, and the server answered with CreateTaskResult.
    const call = c.rec.posts('tools/call')[0]!;
    expect(call.body.params.task).toEqual({});
    expect(c.rec.answers('tools/call')[0].result).toEqual({ task: created });
    // The handler ran as the task.
    expect(seen.started).toMatchObject([{ tool: 'gated', label: 'a', taskId }]);
  });

  it('TK1-04: the requested ttl is honoured when shorter, capped at the server maximum when longer', async () => {
    const c = await open();
    const short = await startTask(c, 'slow_compute', { ms: 1, label: 'short' }, { ttl: 5000 });
    expect(short.ttl).toBe(5000);
    const long = await startTask(c, 'slow_compute', { ms: 1, label: 'long' }, { ttl: 10 * SERVER_TTL });
    expect(long.ttl).toBe(SERVER_TTL);
    for (const t of [short, long]) await waitForStatus(c, t.taskId, ['completed']);
  });

  it('getTask: the flat Task with ttl, createdAt, lastUpdatedAt and pollInterval', async () => {
    const c = await open();
    const created = await startTask(c, 'gated', { label: 'flat' });
    const got = await c.client.experimental.tasks.getTask(created.taskId, T);
    expect(got).toMatchObject({ taskId: created.taskId, status: 'working', ttl: SERVER_TTL, pollInterval: POLL_MS, createdAt: created.createdAt });
    expect(got.createdAt).toMatch(ISO);
    expect(got.lastUpdatedAt).toMatch(ISO);
    expect(got).not.toHaveProperty('task');
    // TK1-04: the handler's ctx.reportStatus is the task's statusMessage.
    const withStatus = await waitFor(async () => {
      const t = await c.client.experimental.tasks.getTask(created.taskId, T);
      return t.statusMessage === undefined ? undefined : t;
    }, 'a statusMessage');
    expect(withStatus.statusMessage).toBe('waiting for flat');
    const raw = c.rec.answers('tasks/get').at(-1)!.result;
    for (const k of NOT_2025) expect(raw, k).not.toHaveProperty(k);
    gate('flat').release();
    const done = await waitForStatus(c, created.taskId, ['completed']);
    expect(Date.parse(done.lastUpdatedAt)).toBeGreaterThanOrEqual(Date.parse(done.createdAt));
  });

  it('getTaskResult blocks until the task is terminal, then returns the result with related-task', async () => {
    const c = await open();
    const { taskId } = await startTask(c, 'gated', { label: 'block' });
    let settled = false;
    const pending = c.client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema, T).finally(() => (settled = true));
    await waitFor(() => seen.started.some((s) => s.label === 'block'), 'the handler to start');
    await sleep(200);
    expect(settled).toBe(false);
    expect((await c.client.experimental.tasks.getTask(taskId, T)).status).toBe('working');
    gate('block').release();
    const result = await within(pending, 5000, 'tasks/result');
    expect(textOf(result)).toBe('released block');
    expect(result._meta?.[RELATED]).toEqual({ taskId });
    // A second tasks/result of the finished task answers at once, the same way.
    const again = await c.client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema, T);
    expect(again).toEqual(result);
  });

  it('an optional tool called without a task gets a plain result', async () => {
    const c = await open();
    const r = await c.client.request({ method: 'tools/call', params: { name: 'slow_compute', arguments: { ms: 1, label: 'plain' } } }, CallToolResultSchema, T);
    expect(textOf(r)).toBe('Computed plain');
    expect(r).not.toHaveProperty('task');
    expect(r._meta?.[RELATED]).toBeUndefined();
    expect(seen.started).toMatchObject([{ label: 'plain', taskId: undefined }]);
    // Without listTools the SDK sends no task either: callToolStream yields one plain result.
    const msgs = await collect(c.client.experimental.tasks.callToolStream({ name: 'slow_compute', arguments: { ms: 1, label: 'plain2' } }, CallToolResultSchema, T));
    expect(msgs.map((m) => m.type)).toEqual(['result']);
    expect(textOf(msgs[0].result)).toBe('Computed plain2');
  });
});

describe('input_required: input asked on the tasks/result stream (TK1-06, TK1-08)', () => {
  it('the elicitation arrives on the tasks/result SSE stream tagged with related-task; the answer resumes the task', async () => {
    const asked: Json[] = [];
    const c = await open({
      elicit: (params) => {
        asked.push(params);
        return { action: 'accept', content: { confirm: true } };
      },
    });
    await c.client.listTools(undefined, T);
    const msgs = await collect(c.client.experimental.tasks.callToolStream({ name: 'confirm_delete', arguments: { filename: 'a.txt' } }, CallToolResultSchema, T));
    const taskId: string = msgs[0].task.taskId;
    expect(msgs.map((m) => m.type)).toContain('taskStatus');
    expect(msgs.filter((m) => m.type === 'taskStatus').map((m) => m.task.status)).toContain('input_required');
    const last = msgs.at(-1);
    expect(last.type).toBe('result');
    expect(textOf(last.result)).toBe('Deleted a.txt');
    expect(last.result._meta[RELATED]).toEqual({ taskId });

    // The question: once, with the task's tag, on the POST that carried tasks/result.
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ message: 'Delete it?', requestedSchema: askConfirm.requestedSchema, _meta: { [RELATED]: { taskId } } });
    const resultPosts = c.rec.posts('tasks/result');
    expect(resultPosts).toHaveLength(1);
    const onStream = resultPosts[0]!.messages;
    const elicitation = onStream.find((m) => m.method === 'elicitation/create');
    expect(elicitation).toBeDefined();
    expect(elicitation.params._meta[RELATED]).toEqual({ taskId });
    // The request came before the response on that stream, which ends with the task's result.
    expect(onStream.indexOf(elicitation)).toBeLessThan(onStream.length - 1);
    expect(onStream.at(-1).result._meta[RELATED]).toEqual({ taskId });
    // Nowhere else: not on the GET stream, not on a tasks/get answer.
    const elsewhere = c.rec.exchanges.filter((e) => e !== resultPosts[0]).flatMap((e) => e.messages).filter((m) => m.method === 'elicitation/create');
    expect(elsewhere).toEqual([]);

    // The handler ran again with the answer (MRTR inside the task) and completed.
    expect(seen.answers).toEqual([{ action: 'accept', content: { confirm: true } }]);
    expect(seen.confirmRuns).toBe(2);
    expect((await c.client.experimental.tasks.getTask(taskId, T)).status).toBe('completed');
  });

  it('two questions at once both go out on the tasks/result stream, each tagged', async () => {
    const asked: Json[] = [];
    const c = await open({
      elicit: (params) => {
        asked.push(params);
        return params.message === 'Name?' ? { action: 'accept', content: { name: 'Ada' } } : { action: 'accept', content: { confirm: false } };
      },
    });
    const { taskId } = await startTask(c, 'multi_input', {});
    await waitForStatus(c, taskId, ['input_required']);
    const result = await within(c.client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema, T), 5000, 'tasks/result');
    expect(textOf(result)).toBe('Hello Ada; confirmed: false');
    expect(asked.map((a) => a.message).sort()).toEqual(['Delete it?', 'Name?']);
    for (const a of asked) expect(a._meta[RELATED]).toEqual({ taskId });
    expect(c.rec.posts('tasks/result')[0]!.messages.filter((m) => m.method === 'elicitation/create')).toHaveLength(2);
  });
});

describe('progress and logs of a task (TK1-08, TK1-09, PROG-01, PROG-02)', () => {
  /** The notifications of `method` the client received, on whatever stream, in arrival order. */
  const received = (c: Conn, method: string): Json[] => c.rec.exchanges.flatMap((e) => e.messages).filter((m) => m.method === method);

  it("the task's progress reaches the SDK client's onprogress on the tools/call token; progress and logs carry related-task", async () => {
    const c = await open();
    await c.client.listTools(undefined, T);
    await c.client.setLoggingLevel('info', T);
    const progress: Json[] = [];
    const msgs = await collect(
      c.client.experimental.tasks.callToolStream({ name: 'progress_job', arguments: { label: 'p' } }, CallToolResultSchema, {
        ...T,
        onprogress: (p: Json) => {
          progress.push(p);
          if (p.progress === 1) gate('p').release();
        },
      }),
    );
    const taskId: string = msgs[0].task.taskId;
    expect(textOf(msgs.at(-1).result)).toBe('reported p');
    await waitFor(() => progress.length === 2, 'both progress notifications');
    expect(progress.map(({ progress: n, total, message }) => ({ progress: n, total, message }))).toEqual([
      { progress: 1, total: 3, message: 'first' },
      { progress: 2, total: 3, message: 'second' },
    ]);
    // On the wire: the token of the tools/call that created the task, and the task's tag (TK1-08).
    const token = c.rec.posts('tools/call')[0]!.body.params._meta.progressToken;
    const sent = received(c, 'notifications/progress');
    expect(sent.map((m) => m.params.progressToken)).toEqual([token, token]);
    for (const m of sent) expect(m.params._meta[RELATED]).toEqual({ taskId });
    // The info line passed the session's level (LOG-01), the debug line did not.
    const logs = received(c, 'notifications/message');
    expect(logs).toHaveLength(1);
    expect(logs[0].params).toMatchObject({ level: 'info', data: 'working on p', _meta: { [RELATED]: { taskId } } });
  });

  it('progress keeps increasing over the runs of a task: the run with the answer does not send progress 1 again', async () => {
    const c = await open({ elicit: () => ({ action: 'accept', content: { confirm: true } }) });
    await c.client.listTools(undefined, T);
    const progress: Json[] = [];
    const msgs = await collect(
      c.client.experimental.tasks.callToolStream({ name: 'confirm_progress', arguments: {} }, CallToolResultSchema, { ...T, onprogress: (p: Json) => progress.push(p) }),
    );
    const taskId: string = msgs[0].task.taskId;
    expect(textOf(msgs.at(-1).result)).toBe('confirmed: true');
    await waitFor(() => progress.length === 2, 'both progress notifications');
    expect(progress.map((p) => p.message)).toEqual(['asking', 'answered']);
    const sent = received(c, 'notifications/progress');
    expect(sent.map((m) => m.params.progress)).toEqual([1, 2]);
    for (const m of sent) expect(m.params._meta[RELATED]).toEqual({ taskId });
  });

  it('a plain call of the same tool (no task) still reports on its own response stream, untagged', async () => {
    const c = await open();
    await c.client.setLoggingLevel('info', T);
    const progress: Json[] = [];
    const call = c.client.callTool({ name: 'progress_job', arguments: { label: 'plain' } }, CallToolResultSchema, {
      ...T,
      onprogress: (p: Json) => {
        progress.push(p);
        if (p.progress === 1) gate('plain').release();
      },
    });
    expect(textOf(await within(call, 5000, 'tools/call'))).toBe('reported plain');
    expect(progress.map((p) => p.progress)).toEqual([1, 2]);
    const onCall = c.rec.posts('tools/call')[0]!.messages;
    expect(onCall.filter((m) => m.method === 'notifications/progress')).toHaveLength(2);
    for (const m of onCall.filter((x) => x.method !== undefined)) expect(m.params._meta?.[RELATED]).toBeUndefined();
  });
});

describe('failed tasks (TK1-06, TK1-09)', () => {
  it('an isError result makes the task failed, and tasks/result still returns that result', async () => {
    const c = await open();
    await c.client.listTools(undefined, T);
    const msgs = await collect(c.client.experimental.tasks.callToolStream({ name: 'failing_job', arguments: {} }, CallToolResultSchema, T));
    const taskId: string = msgs[0].task.taskId;
    const statuses = msgs.filter((m) => m.type === 'taskStatus').map((m) => m.task.status);
    expect(statuses.at(-1)).toBe('failed');
    expect(msgs.at(-1)).toMatchObject({ type: 'error' });
    expect((await c.client.experimental.tasks.getTask(taskId, T)).status).toBe('failed');
    const result = await c.client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema, T);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe('The job failed: the input was rejected');
    expect(result._meta?.[RELATED]).toEqual({ taskId });
  });

  it('a handler throwing McpError: failed, and tasks/result returns that JSON-RPC error', async () => {
    const c = await open();
    const { taskId } = await startTask(c, 'protocol_error_job', {});
    expect((await waitForStatus(c, taskId, ['completed', 'failed', 'cancelled'])).status).toBe('failed');
    const e = await rpcError(c.client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema, T), 'tasks/result');
    expect(e.code).toBe(-32001);
    expect(e.message).toContain('The job could not run: its backend is unavailable');
    expect(e.data).toEqual({ backend: 'down' });
    const wire = c.rec.answers('tasks/result').at(-1)!;
    expect(wire.error).toEqual({ code: -32001, message: 'The job could not run: its backend is unavailable', data: { backend: 'down' } });
  });
});

describe('tasks/cancel (TK1-07)', () => {
  it('cancels a working task: the Task comes back cancelled, the handler signal aborts, it stays cancelled', async () => {
    const c = await open();
    const { taskId } = await startTask(c, 'gated', { label: 'cancel-me' });
    await waitFor(() => seen.started.some((s) => s.label === 'cancel-me'), 'the handler to start');
    const cancelled = await c.client.experimental.tasks.cancelTask(taskId, T);
    expect(cancelled).toMatchObject({ taskId, status: 'cancelled', ttl: SERVER_TTL, pollInterval: POLL_MS });
    expect(cancelled.createdAt).toMatch(ISO);
    expect(typeof cancelled.statusMessage).toBe('string');
    const aborted = await waitFor(() => seen.aborted.find((a) => a.label === 'cancel-me'), 'the handler signal to abort');
    expect(String(aborted.reason)).toMatch(/cancel/i);
    // The handler returned after the abort: the task stays cancelled.
    await sleep(50);
    expect((await c.client.experimental.tasks.getTask(taskId, T)).status).toBe('cancelled');
    // TK1-07: cancelling it again is -32602.
    const again = await rpcError(c.client.experimental.tasks.cancelTask(taskId, T), 'tasks/cancel again');
    expect(again.code).toBe(-32602);
  });

  it('notifications/cancelled for the tools/call that created a task does not cancel the task', async () => {
    const c = await open();
    const { taskId } = await startTask(c, 'gated', { label: 'not-by-notification' });
    const callId = c.rec.posts('tools/call')[0]!.body.id;
    await c.client.notification({ method: 'notifications/cancelled', params: { requestId: callId, reason: 'changed my mind' } });
    await sleep(100);
    expect((await c.client.experimental.tasks.getTask(taskId, T)).status).toBe('working');
    expect(seen.aborted).toEqual([]);
    gate('not-by-notification').release();
    expect((await waitForStatus(c, taskId, ['completed', 'failed', 'cancelled'])).status).toBe('completed');
  });

  it('a cancel while tasks/result waits for the elicitation answer: tasks/result ends with an error, the late answer is dropped', async () => {
    let answer!: () => void;
    const answered = new Promise<void>((r) => (answer = r));
    let asked = 0;
    const c = await open({
      elicit: async () => {
        asked++;
        await answered;
        return { action: 'accept', content: { confirm: true } };
      },
    });
    const { taskId } = await startTask(c, 'confirm_delete', { filename: 'late.txt' });
    await waitForStatus(c, taskId, ['input_required']);
    const pending = rpcError(c.client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema, T), 'tasks/result of the cancelled task');
    await waitFor(() => asked === 1, 'the question to reach the client');
    expect((await c.client.experimental.tasks.cancelTask(taskId, T)).status).toBe('cancelled');
    answer();
    const e = await pending;
    expect(e.code).toBe(-32603);
    expect(e.message).toMatch(/cancelled/);
    // The answer came too late: the handler did not run again and the task stays cancelled.
    expect(seen.confirmRuns).toBe(1);
    expect((await c.client.experimental.tasks.getTask(taskId, T)).status).toBe('cancelled');
  });

  it('cancelling a completed or failed task is -32602 and changes nothing', async () => {
    const c = await open();
    const done = await startTask(c, 'slow_compute', { ms: 1, label: 'done' });
    const failed = await startTask(c, 'failing_job', {});
    await waitForStatus(c, done.taskId, ['completed']);
    await waitForStatus(c, failed.taskId, ['failed']);
    for (const [t, status] of [
      [done, 'completed'],
      [failed, 'failed'],
    ] as const) {
      const e = await rpcError(c.client.experimental.tasks.cancelTask(t.taskId, T), `cancel ${status}`);
      expect(e.code).toBe(-32602);
      expect((await c.client.experimental.tasks.getTask(t.taskId, T)).status).toBe(status);
    }
  });

  it('tasks/get, tasks/result and tasks/cancel of an unknown task are -32602', async () => {
    const c = await open();
    const tasks = c.client.experimental.tasks;
    for (const [what, p] of [
      ['get', tasks.getTask('no-such-task', T)],
      ['result', tasks.getTaskResult('no-such-task', CallToolResultSchema, T)],
      ['cancel', tasks.cancelTask('no-such-task', T)],
    ] as const) {
      expect((await rpcError(p, what)).code, what).toBe(-32602);
    }
  });
});

describe('taskSupport violations (TK1-02, TRAP-17)', () => {
  it('a required tool called without params.task is -32601 (not -32600), and nothing runs', async () => {
    const c = await open();
    const e = await rpcError(c.client.request({ method: 'tools/call', params: { name: 'gated', arguments: { label: 'no-task' } } }, CallToolResultSchema, T), 'required without task');
    expect(e.code).toBe(-32601);
    expect(c.rec.answers('tools/call')[0].error.code).toBe(-32601);
    // The SDK refuses the same call locally once it knows the tool (-32600, its own check, never on the wire).
    await c.client.listTools(undefined, T);
    const local = await rpcError(c.client.callTool({ name: 'gated', arguments: { label: 'no-task' } }, undefined, T), 'local check');
    expect(local.code).toBe(-32600);
    expect(c.rec.posts('tools/call')).toHaveLength(1);
    expect(seen.started).toEqual([]);
  });

  it('a task-augmented call to a tool without task support (absent or forbidden) is -32601', async () => {
    const c = await open();
    for (const [name, args] of [
      ['plain_echo', { say: 'hi' }],
      ['forbidden_echo', {}],
    ] as const) {
      const e = await rpcError(c.client.request({ method: 'tools/call', params: { name, arguments: args, task: { ttl: 1000 } } }, CreateTaskResultSchema, T), name);
      expect(e.code, name).toBe(-32601);
    }
    // Without the task both answer normally.
    expect(textOf(await c.client.callTool({ name: 'plain_echo', arguments: { say: 'hi' } }, undefined, T))).toBe('echo hi');
    // An unknown tool stays the usual -32602.
    const unknown = await rpcError(c.client.request({ method: 'tools/call', params: { name: 'no_such_tool', task: {} } }, CreateTaskResultSchema, T), 'unknown tool');
    expect(unknown.code).toBe(-32602);
  });

  it('a malformed params.task is -32602 and creates no task', async () => {
    const c = await open({ subject: 'malformed' });
    for (const task of ['soon', null, [], { ttl: -1 }, { ttl: 'long' }]) {
      const e = await rpcError(c.client.request({ method: 'tools/call', params: { name: 'gated', arguments: { label: 'bad' }, task } } as Json, CreateTaskResultSchema, T), JSON.stringify(task));
      expect(e.code, JSON.stringify(task)).toBe(-32602);
    }
    expect((await c.client.experimental.tasks.listTasks(undefined, T)).tasks).toEqual([]);
    expect(seen.started).toEqual([]);
  });
});

describe('owner scoping (TK1-10)', () => {
  it('without auth a task belongs to its session: another session cannot get, read, cancel or list it', async () => {
    const a = await open();
    const b = await open();
    const { taskId } = await startTask(a, 'gated', { label: 'mine' });
    const tb = b.client.experimental.tasks;
    for (const [what, p] of [
      ['get', tb.getTask(taskId, T)],
      ['result', tb.getTaskResult(taskId, CallToolResultSchema, T)],
      ['cancel', tb.cancelTask(taskId, T)],
    ] as const) {
      const e = await rpcError(p, `session B ${what}`);
      expect(e.code, what).toBe(-32602);
    }
    // tasks/list is not offered without auth (no tasks.list capability); what the server answers anyway holds
    // only the session's own tasks.
    expect((await tb.listTasks(undefined, T)).tasks.map((t) => t.taskId)).not.toContain(taskId);
    expect((await a.client.experimental.tasks.listTasks(undefined, T)).tasks.map((t) => t.taskId)).toEqual([taskId]);
    // Still working for its owner, whom B's cancel did not touch.
    expect((await a.client.experimental.tasks.getTask(taskId, T)).status).toBe('working');
    expect(seen.aborted).toEqual([]);
    expect((await a.client.experimental.tasks.cancelTask(taskId, T)).status).toBe('cancelled');
  });

  it('with auth a task belongs to the subject: another session of the subject sees it, another subject does not', async () => {
    const alice1 = await open({ subject: 'alice' });
    const alice2 = await open({ subject: 'alice' });
    const bob = await open({ subject: 'bob' });
    const { taskId } = await startTask(alice1, 'gated', { label: 'alices' });
    await waitFor(() => seen.started.find((s) => s.label === 'alices'), 'the handler to start');
    // The handler runs with the caller's authInfo.
    expect(seen.started.find((s) => s.label === 'alices')!.subject).toBe('alice');
    const tb = bob.client.experimental.tasks;
    for (const [what, p] of [
      ['get', tb.getTask(taskId, T)],
      ['result', tb.getTaskResult(taskId, CallToolResultSchema, T)],
      ['cancel', tb.cancelTask(taskId, T)],
    ] as const) {
      expect((await rpcError(p, `bob ${what}`)).code, what).toBe(-32602);
    }
    expect((await tb.listTasks(undefined, T)).tasks).toEqual([]);
    // alice's other session: same owner.
    expect((await alice2.client.experimental.tasks.getTask(taskId, T)).status).toBe('working');
    expect((await alice2.client.experimental.tasks.listTasks(undefined, T)).tasks.map((t) => t.taskId)).toEqual([taskId]);
    gate('alices').release();
    const r = await within(alice2.client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema, T), 5000, 'tasks/result from alice2');
    expect(textOf(r)).toBe('released alices');
  });
});

describe('a task outlives its session (TK1-04, TK1-10)', () => {
  it("with auth: after the creating session is deleted, another session of the subject answers the task's question", async () => {
    const yes = () => ({ action: 'accept', content: { confirm: true } });
    const first = await open({ subject: 'carol', elicit: yes });
    const { taskId } = await startTask(first, 'confirm_delete', { filename: 'b.txt' });
    await waitForStatus(first, taskId, ['input_required']);
    await first.close();
    const second = await open({ subject: 'carol', elicit: yes });
    const result = await within(second.client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema, T), 5000, 'tasks/result');
    expect(textOf(result)).toBe('Deleted b.txt');
    expect(result._meta?.[RELATED]).toEqual({ taskId });
  });

  it('after its ttl a task is gone: tasks/get and tasks/result are -32602 (ERR-07)', async () => {
    const c = await open();
    const { taskId, ttl, createdAt } = await startTask(c, 'slow_compute', { ms: 1, label: 'short-lived' }, { ttl: 400 });
    expect(ttl).toBe(400);
    await waitFor(() => seen.started.some((x) => x.label === 'short-lived'), 'the handler to run');
    await sleep(Math.max(0, Date.parse(createdAt) + ttl + 50 - Date.now()));
    expect((await rpcError(c.client.experimental.tasks.getTask(taskId, T), 'tasks/get after ttl')).code).toBe(-32602);
    expect((await rpcError(c.client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema, T), 'tasks/result after ttl')).code).toBe(-32602);
  });
});

describe('tasks/list pagination (TK1-05)', () => {
  it('pages of pageSize with nextCursor while there is more; exactly what tasks/get returns; a bad cursor is -32602', async () => {
    const paged = await startFixture({ pageSize: 2 });
    extraFixtures.push(paged);
    const c = await open({ subject: 'pager' }, paged.url);
    const other = await open({ subject: 'someone-else' }, paged.url);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await startTask(c, 'gated', { label: `page-${i}` })).taskId);
    await startTask(other, 'gated', { label: 'page-other' });

    const pages: Json[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await c.client.experimental.tasks.listTasks(cursor, T);
      pages.push(page);
      cursor = page.nextCursor;
      if (cursor === undefined) break;
    }
    expect(pages.map((p) => p.tasks.length)).toEqual([2, 2, 1]);
    expect(pages.slice(0, 2).every((p) => typeof p.nextCursor === 'string')).toBe(true);
    expect(pages[2]).not.toHaveProperty('nextCursor');
    const listed = pages.flatMap((p) => p.tasks);
    expect(listed.map((t: Json) => t.taskId).sort()).toEqual([...ids].sort());
    for (const t of listed) expect(await c.client.experimental.tasks.getTask(t.taskId, T)).toMatchObject(stripMeta(t));

    const bad = await rpcError(c.client.experimental.tasks.listTasks('not-a-cursor', T), 'bad cursor');
    expect(bad.code).toBe(-32602);
    // The other subject sees only its own.
    expect((await other.client.experimental.tasks.listTasks(undefined, T)).tasks).toHaveLength(1);

    for (const id of ids) await c.client.experimental.tasks.cancelTask(id, T);
    for (const t of (await other.client.experimental.tasks.listTasks(undefined, T)).tasks) await other.client.experimental.tasks.cancelTask(t.taskId, T);
    await waitFor(() => seen.aborted.length === 6, 'every handler to stop');
  });
});

describe('older sessions ignore tasks (TK1-03, DUAL-09)', () => {
  it('on 2025-06-18 params.task is ignored (a plain result) and tasks/get is -32601', async () => {
    const c = await open({ version: OLD });
    const r = await c.client.request({ method: 'tools/call', params: { name: 'slow_compute', arguments: { ms: 1, label: 'old' }, task: { ttl: 1000 } } }, CallToolResultSchema, T);
    expect(textOf(r)).toBe('Computed old');
    expect(r).not.toHaveProperty('task');
    const e = await rpcError(c.client.request({ method: 'tasks/get', params: { taskId: 'whatever' } }, CallToolResultSchema, T), 'tasks/get on 2025-06-18');
    expect(e.code).toBe(-32601);
  });
});
