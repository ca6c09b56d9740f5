/**
 * Generated bad input, seeded and bounded: valid messages of both eras (2025-11-25, 2025-06-18 and 2025-03-26
 * sessions, the 2026-07-28 per-request path) and of the HTTP+SSE transport (2024-11-05), mutated at random (values
 * swapped for values of other types, keys dropped or added, methods and ids replaced, the JSON text cut or corrupted,
 * headers dropped or changed), then sent through `mcp.handle`. Whatever comes in, what goes out must be well formed:
 *
 * - never a 5xx: bad input is the client's fault (4xx) or a JSON-RPC error;
 * - a JSON body is one JSON-RPC response or error (an array of them for a 2025-03-26 batch) valid against the
 *   revision's schema, answering the request's id; an SSE body's events, and the HTTP+SSE stream's, are JSON-RPC
 *   messages valid against it; 202 has no body (`Accepted` on HTTP+SSE);
 * - nothing reaches `onError` (an input problem is not a server fault);
 * - at the end nothing is left behind (requests, client requests, streams, timers) and the session still serves.
 *
 * The seeds are fixed so a run repeats; `FUZZ_SEED=<n>` adds one more and `FUZZ_CASES=<n>` changes the count (300
 * per test by default). A failure names the seed, the case and what was sent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Mcp } from '@x/mcp-core';
import { createEverything } from '../../examples/everything/everything';
import { assertSchema } from '../support/schema';

const URL_ = 'http://127.0.0.1/mcp';
const ACCEPT = 'application/json, text/event-stream';
const CASES = Number(process.env.FUZZ_CASES) || 300;
const SEEDS = [1, 2, 3, ...(process.env.FUZZ_SEED ? [Number(process.env.FUZZ_SEED)] : [])];
/** How long an SSE answer is read before the client hangs up (tools that wait on the client never finish). */
const SSE_READ_MS = 150;
/** How long any request may take to be answered (clientRequestTimeoutMs is 100 ms here). */
const ANSWER_MS = 5_000;

/** Methods other than POST, sent now and then to the same endpoint. */
const VERBS = ['GET', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD'];

const REVISIONS = ['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25', '2026-07-28'];

/** mulberry32: a small seeded PRNG, so that a failing case can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

class Gen {
  constructor(readonly rand: () => number) {}
  int(n: number): number {
    return Math.floor(this.rand() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.rand() < p;
  }
  /** A value of any JSON type, including the awkward ones. */
  value(depth = 0): Json {
    switch (this.int(depth > 2 ? 9 : 12)) {
      case 0:
        return null;
      case 1:
        return this.chance(0.5);
      case 2:
        return this.pick([0, -1, 1, 1.5, -0.0, 2 ** 53 + 2, 1e308, -1e308, 4294967297]);
      case 3:
        return '';
      case 4:
        return this.pick(['a', 'test://static-text', 'test_simple_text', '2026-07-28', '2025-11-25', 'debug', '../..', '%00', '{{x}}']);
      case 5:
        return this.pick(['\u0000', '\ud800', '\u2028', 'é', '\r\n', ' ']);
      case 6:
        return 'x'.repeat(this.pick([100, 5_000, 70_000]));
      case 7:
        return this.chance(0.5) ? String(this.int(1e6)) : this.int(1e6);
      case 8:
        return this.pick([{}, [], [[[]]], { __proto__: null } as unknown as Json]);
      case 9:
        return [this.value(depth + 1), this.value(depth + 1)];
      default: {
        const o: { [k: string]: Json } = {};
        for (let i = this.int(3); i >= 0; i--) o[this.key()] = this.value(depth + 1);
        return o;
      }
    }
  }
  key(): string {
    return this.pick(['a', 'name', 'uri', 'arguments', 'cursor', 'level', 'taskId', 'ref', 'argument', '_meta', 'progressToken', '__proto__', 'constructor', 'toString', 'task', 'ttl', 'inputResponses', 'requestState', '']);
  }
}

/** Every [object, key] in a value, the value itself excluded. */
function slots(v: Json, out: [Record<string, Json> | Json[], string | number][] = []): typeof out {
  if (Array.isArray(v)) v.forEach((x, i) => (out.push([v, i]), slots(x, out)));
  else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) out.push([v, k]), slots(v[k]!, out);
  return out;
}

/** Sets an own property, `__proto__` included (JSON.parse makes it an own key too). */
const put = (o: Record<string, Json>, k: string, v: Json) => Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });

/** One to three changes to a message (a deep copy is changed). */
function mutate(g: Gen, message: Json): Json {
  const m = JSON.parse(JSON.stringify(message)) as Json;
  for (let n = 1 + g.int(3); n > 0; n--) {
    const all = slots(m);
    const kind = g.int(6);
    if (kind === 0 && all.length > 0) {
      const [o, k] = g.pick(all);
      if (Array.isArray(o)) o[k as number] = g.value();
      else put(o, k as string, g.value());
    } else if (kind === 1 && all.length > 0) {
      const [o, k] = g.pick(all);
      if (Array.isArray(o)) o.splice(k as number, 1);
      else delete o[k as string];
    } else if (kind === 2) {
      const objects = [m, ...all.map(([o, k]) => (o as Record<string, Json>)[k as string])].filter(
        (x): x is Record<string, Json> => x !== null && typeof x === 'object' && !Array.isArray(x),
      );
      if (objects.length > 0) put(g.pick(objects), g.key(), g.value());
    } else if (kind === 3 && m !== null && typeof m === 'object' && !Array.isArray(m)) {
      m.method = g.pick([...METHODS, 'x', '', 'tools/', 'rpc.discover', 'notifications/cancelled']);
    } else if (kind === 4 && m !== null && typeof m === 'object' && !Array.isArray(m)) {
      if (g.chance(0.3)) delete m.id;
      else m.id = g.pick<Json>([null, 0, -1, 1.5, '', 'id', true, {}, [], 2 ** 60, 'x'.repeat(300)]);
    } else if (kind === 5 && m !== null && typeof m === 'object' && !Array.isArray(m)) {
      m.params = g.chance(0.5) ? g.value() : {};
    }
  }
  return m;
}

/** The JSON text, now and then cut, corrupted or replaced. */
function text(g: Gen, message: Json): string {
  const s = JSON.stringify(message);
  switch (g.chance(0.12) ? g.int(8) : -1) {
    case 0:
      return s.slice(0, g.int(s.length));
    case 1: {
      const i = g.int(s.length);
      return s.slice(0, i) + g.pick(['"', '{', ']', ',', '\\', '\u0000', '\ud800']) + s.slice(i);
    }
    case 2:
      return '';
    case 3:
      return `\ufeff${s}`;
    case 4:
      return `[${s},${s}]`;
    case 5:
      return `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    case 6:
      return g.pick(['null', '1', '"s"', 'true', '[]', '{}']);
    case 7:
      return `${s}${s}`;
    default:
      return s;
  }
}

/** The headers, now and then with one dropped or changed. */
function headers(g: Gen, base: Record<string, string>): Record<string, string> {
  const h = { ...base };
  if (!g.chance(0.15)) return h;
  const names = Object.keys(h);
  const k = g.pick([...names, 'content-type', 'accept', 'mcp-protocol-version', 'mcp-session-id', 'mcp-method', 'mcp-name']);
  if (g.chance(0.4)) delete h[k];
  else h[k] = g.pick(['', 'text/plain', 'application/json; charset=latin1', '*/*', 'text/event-stream', '2024-01-01', '2026-07-28', '2025-06-18', 'tools/list', 'x', '=?base64?!!?=', 'a'.repeat(300)]);
  return h;
}

const METHODS = [
  'initialize',
  'ping',
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/read',
  'resources/templates/list',
  'resources/subscribe',
  'resources/unsubscribe',
  'prompts/list',
  'prompts/get',
  'completion/complete',
  'logging/setLevel',
  'tasks/get',
  'tasks/list',
  'tasks/result',
  'tasks/cancel',
  'tasks/update',
  'server/discover',
  'subscriptions/listen',
] as const;

/** A plausible value of a JSON Schema property (the valid starting point a mutation spoils). */
function sample(schema: unknown): Json {
  const s = (schema ?? {}) as Record<string, unknown>;
  if (Array.isArray(s.enum)) return s.enum[0] as Json;
  switch (s.type) {
    case 'string':
      return 'a';
    case 'number':
    case 'integer':
      return 0;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object': {
      const o: Record<string, Json> = {};
      for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, unknown>)) o[k] = sample(v);
      return o;
    }
    default:
      return 'a';
  }
}

interface Corpus {
  /** Valid `{ method, params }` pairs, built from what the server lists. */
  calls: { method: string; params?: Json }[];
  /** How many tools the server lists. */
  tools: number;
}

/** Builds the corpus from the everything server's own lists (read on a fresh session). */
async function corpus(mcp: Mcp): Promise<Corpus> {
  const s = await openSession(mcp);
  const list = async (method: string, key: string) => ((await rpc(mcp, s.headers, { jsonrpc: '2.0', id: 1, method })).result as Record<string, Json[]>)[key]!;
  const tools = (await list('tools/list', 'tools')) as { name: string; inputSchema: unknown }[];
  const resources = (await list('resources/list', 'resources')) as { uri: string }[];
  const templates = (await list('resources/templates/list', 'resourceTemplates')) as { uriTemplate: string }[];
  const prompts = (await list('prompts/list', 'prompts')) as { name: string; arguments?: { name: string }[] }[];
  const calls: Corpus['calls'] = [
    { method: 'ping' },
    { method: 'tools/list', params: {} },
    { method: 'tools/list', params: { cursor: 'abc' } },
    { method: 'resources/list' },
    { method: 'resources/templates/list' },
    { method: 'prompts/list' },
    { method: 'logging/setLevel', params: { level: 'debug' } },
    { method: 'tasks/list' },
    { method: 'tasks/get', params: { taskId: 't' } },
    { method: 'tasks/cancel', params: { taskId: 't' } },
    { method: 'tasks/result', params: { taskId: 't' } },
    { method: 'server/discover' },
    { method: 'subscriptions/listen', params: { notifications: { toolsListChanged: true } } },
    { method: 'completion/complete', params: { ref: { type: 'ref/prompt', name: prompts[0]!.name }, argument: { name: 'arg1', value: 'pa' } } },
    { method: 'tasks/update', params: { taskId: 't', inputResponses: { confirm: { action: 'accept', content: { confirm: true } } } } },
    // Task-augmented calls (2025-11-25 `task`; on the 2026-07-28 path the tasks extension decides).
    { method: 'tools/call', params: { name: 'slow_compute', arguments: { seconds: 0.1 }, task: { ttl: 60_000 } } },
    { method: 'tools/call', params: { name: 'confirm_delete', arguments: {}, task: {} } },
    // MRTR retries (2026-07-28): answers and a sealed state that is not one.
    { method: 'tools/call', params: { name: 'test_input_required_result_elicitation', arguments: {}, inputResponses: { user_name: { action: 'accept', content: { name: 'a' } } } } },
    { method: 'tools/call', params: { name: 'test_input_required_result_multi_round', arguments: {}, inputResponses: { step1: {} }, requestState: 'eyJ4IjoxfQ' } },
    { method: 'prompts/get', params: { name: 'test_input_required_result_prompt', arguments: {}, inputResponses: {} } },
  ];
  for (const t of tools) {
    // Tools that wait on the client or for seconds are kept to a few cases by their share of the corpus.
    calls.push({ method: 'tools/call', params: { name: t.name, arguments: sample(t.inputSchema) } });
  }
  for (const r of resources) {
    calls.push({ method: 'resources/read', params: { uri: r.uri } });
    calls.push({ method: 'resources/subscribe', params: { uri: r.uri } });
  }
  for (const t of templates) calls.push({ method: 'resources/read', params: { uri: t.uriTemplate.replace(/\{[^}]*\}/g, 'v') } });
  for (const p of prompts) {
    const args: Record<string, Json> = {};
    for (const a of p.arguments ?? []) args[a.name] = 'a';
    calls.push({ method: 'prompts/get', params: { name: p.name, arguments: args } });
  }
  await mcp.handle(new Request(URL_, { method: 'DELETE', headers: s.headers }));
  return { calls, tools: tools.length };
}

async function rpc(mcp: Mcp, h: Record<string, string>, body: unknown): Promise<Record<string, unknown>> {
  const r = await mcp.handle(new Request(URL_, { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT, ...h }, body: JSON.stringify(body) }));
  return (await r.json()) as Record<string, unknown>;
}

async function openSession(mcp: Mcp, revision = '2025-11-25'): Promise<{ sid: string; headers: Record<string, string> }> {
  const init = await mcp.handle(
    new Request(URL_, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: ACCEPT },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: { protocolVersion: revision, capabilities: { elicitation: {}, sampling: {}, roots: {} }, clientInfo: { name: 'fuzz', version: '0' } },
      }),
    }),
  );
  expect(init.status).toBe(200);
  const sid = init.headers.get('mcp-session-id')!;
  await init.text();
  // A 2025-03-26 client sends no version header (PVH-04).
  const headers: Record<string, string> = revision < '2025-06-18' ? { 'mcp-session-id': sid } : { 'mcp-session-id': sid, 'mcp-protocol-version': revision };
  const ack = await mcp.handle(new Request(URL_, { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT, ...headers }, body: '{"jsonrpc":"2.0","method":"notifications/initialized"}' }));
  expect(ack.status).toBe(202);
  return { sid, headers };
}

/** Every request is answered (its status and headers) within ANSWER_MS, whatever it carried. */
async function answered(response: Promise<Response>): Promise<Response> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ANSWER_MS} ms`)), ANSWER_MS)));
  try {
    return await Promise.race([response, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The SSE events of a body, read for at most `ms`, then the stream is cancelled (the client hangs up). */
async function readEvents(body: ReadableStream<Uint8Array>, ms: number): Promise<string[]> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const deadline = Date.now() + ms;
  try {
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const next = await Promise.race([reader.read(), new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), left)))]);
      clearTimeout(timer);
      if (next === 'late' || next.done) break;
      buffer += decoder.decode(next.value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  // Only whole events: the last one may have been cut by the hang-up.
  const whole = buffer.slice(0, buffer.lastIndexOf('\n\n') + 1);
  return whole
    .split('\n\n')
    .map((e) => e.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n'))
    .filter((d) => d !== '');
}

/** Reads an SSE stream in the background: every event, in order, as `{ event, data }`. */
function collect(body: ReadableStream<Uint8Array>): { events: { event: string; data: string }[]; stop(): Promise<void> } {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const events: { event: string; data: string }[] = [];
  let buffer = '';
  const done = (async () => {
    for (;;) {
      const next = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (next.done) return;
      buffer += decoder.decode(next.value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const lines = buffer.slice(0, end).split('\n');
        buffer = buffer.slice(end + 2);
        const event = lines.find((l) => l.startsWith('event:'))?.slice(6).trim() ?? 'message';
        const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n');
        if (data !== '') events.push({ event, data });
      }
    }
  })();
  return {
    events,
    stop: async () => {
      await reader.cancel().catch(() => {});
      await done;
    },
  };
}

/** The version a body names in `params._meta` (the 2026-07-28 path reads it there first, DUAL-03). */
function bodyVersion(body: string): string | undefined {
  try {
    const v = (JSON.parse(body) as { params?: { _meta?: Record<string, unknown> } } | null)?.params?._meta?.['io.modelcontextprotocol/protocolVersion'];
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** An id a JSON-RPC request may carry (string or integer); others are invalid and answered with id null or none. */
const validId = (id: unknown): id is string | number => typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id));

/**
 * Sends one case and checks the answer.
 * @returns What went wrong, or undefined.
 */
async function check(
  mcp: Mcp,
  revision: string,
  sent: { verb: string; headers: Record<string, string>; body: string; message: Json; headersValid: boolean },
): Promise<void> {
  const bodiless = sent.verb === 'GET' || sent.verb === 'HEAD';
  const res = await answered(mcp.handle(new Request(URL_, { method: sent.verb, headers: sent.headers, body: bodiless ? null : sent.body })));
  expect(res.status, 'no 5xx for bad input').toBeLessThan(500);
  const type = res.headers.get('content-type') ?? '';
  // A runtime (or the node-http adapter) drops whatever body a HEAD answer has.
  if (sent.verb === 'HEAD') {
    await res.body?.cancel();
    return;
  }
  if (res.status === 204 || (sent.verb === 'DELETE' && res.status === 200)) {
    expect(await res.text(), `${sent.verb} answered ${res.status} without a body`).toBe('');
    return;
  }
  if (res.status === 202) {
    expect(await res.text(), '202 has no body').toBe('');
    return;
  }
  if (type.startsWith('text/event-stream')) {
    expect(res.status).toBe(200);
    for (const data of await readEvents(res.body!, SSE_READ_MS)) checkMessage(revision, { headers: sent.headers, body: sent.verb === 'POST' ? sent.body : '' }, JSON.parse(data));
    return;
  }
  expect(type, `status ${res.status} answers JSON`).toMatch(/^application\/json/);
  const answer = JSON.parse(await res.text()) as unknown;
  // Only a POST's body is read: what the others claim is in their headers alone.
  const read = { headers: sent.headers, body: sent.verb === 'POST' ? sent.body : '' };
  // A batch (2025-03-26 sessions only) is answered with an array of answers.
  const msgs = (Array.isArray(answer) ? answer : [answer]) as Record<string, unknown>[];
  expect(msgs.length).toBeGreaterThan(0);
  for (const msg of msgs) {
    checkMessage(revision, read, msg);
    expect('result' in msg !== 'error' in msg, 'one of result and error').toBe(true);
    if (res.status >= 400) expect('error' in msg, `HTTP ${res.status} carries a JSON-RPC error`).toBe(true);
  }
  if (sent.verb !== 'POST') {
    expect(res.status, `${sent.verb} answered with JSON`).toBeGreaterThanOrEqual(400);
    return;
  }

  // With valid headers the body is read, so a request with a valid id gets it back (a 415 or 406 is decided from
  // the headers alone, before the body). The body is what the server parsed (-0 was sent as 0).
  const m = sent.body === JSON.stringify(sent.message) ? (JSON.parse(sent.body) as Json) : undefined;
  const single = sent.headersValid && !Array.isArray(answer) && m !== undefined && m !== null && typeof m === 'object' && !Array.isArray(m);
  if (single && 'method' in m && validId(m.id) && m.jsonrpc === '2.0' && typeof m.method === 'string') {
    expect(msgs[0]!.id, 'the answer carries the request id').toBe(m.id);
  }
}

/**
 * One message the server sent, valid against the schema of the revision the request named: in its `_meta` (the
 * 2026-07-28 path), else in its version header (none: 2025-03-26, PVH-02; the HTTP+SSE transport: 2024-11-05), or of the one under test when the header names
 * no revision. TRAP-02: an error whose id could not be read carries "id":null for a client of 2025-06-18 or older,
 * whose schemas have no valid shape for it (its shape is checked here instead), and no id from 2025-11-25 on.
 */
function checkMessage(revision: string, sent: { headers: Record<string, string>; body: string }, msg: Record<string, unknown>): void {
  const claimed = bodyVersion(sent.body) ?? sent.headers['mcp-protocol-version'] ?? (revision === '2024-11-05' ? revision : '2025-03-26');
  const known = REVISIONS.includes(claimed);
  if ('error' in msg) {
    const e = msg.error as { code: unknown; message: unknown };
    expect(Number.isInteger(e.code)).toBe(true);
    expect(typeof e.message === 'string' && e.message.length > 0, 'an error names its problem').toBe(true);
  }
  if (msg.id === null || !('id' in msg && 'error' in msg)) {
    if ('error' in msg && known) {
      const old = claimed < '2025-11-25';
      expect(msg.id, `an id-less error for a ${claimed} client (TRAP-02)`).toBe(old ? null : undefined);
    }
    if ('error' in msg && (msg.id === null || !known)) {
      expect(Object.keys(msg).filter((k) => k !== 'id').sort()).toEqual(['error', 'jsonrpc']);
      return;
    }
  }
  assertSchema(known ? claimed : revision, 'JSONRPCMessage', msg);
}

/** The 2026-07-28 envelope and mirrored headers of a valid per-request message. */
function modern(method: string, params: Json | undefined, tasks: boolean): { message: Json; headers: Record<string, string> } {
  const p = (params ?? {}) as Record<string, Json>;
  const caps: Record<string, Json> = { elicitation: {}, sampling: {}, roots: {} };
  if (tasks) caps.extensions = { 'io.modelcontextprotocol/tasks': {} };
  const message = {
    jsonrpc: '2.0',
    id: 1,
    method,
    params: {
      ...p,
      _meta: {
        'io.modelcontextprotocol/protocolVersion': '2026-07-28',
        'io.modelcontextprotocol/clientCapabilities': caps,
        'io.modelcontextprotocol/clientInfo': { name: 'fuzz', version: '0' },
      },
    },
  };
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: ACCEPT, 'mcp-protocol-version': '2026-07-28', 'mcp-method': method };
  const name = typeof p.name === 'string' ? p.name : typeof p.uri === 'string' ? p.uri : undefined;
  if (name !== undefined && (method === 'tools/call' || method === 'prompts/get' || method === 'resources/read')) headers['mcp-name'] = name;
  return { message, headers };
}

describe('fuzzed input (bad-input invariants: no 5xx, schema-valid answers, nothing left behind)', () => {
  let mcp: Mcp | undefined;
  let errors: unknown[] = [];
  afterEach(async () => {
    await mcp?.close();
    mcp = undefined;
  });

  const start = () => {
    errors = [];
    mcp = createEverything({ onError: (e) => errors.push(e), clientRequestTimeoutMs: 100 });
    return mcp;
  };

  /** Waits until nothing runs or waits on the client any more. */
  const settled = async (server: Mcp) => {
    const until = Date.now() + 5_000;
    for (;;) {
      const s = server.stats();
      if (s.inflight === 0 && s.pendingClientRequests === 0 && s.connections === 0) return s;
      if (Date.now() > until) return s;
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  for (const seed of SEEDS) {
    for (const revision of ['2025-11-25', '2025-06-18', '2025-03-26']) {
      it(`a ${revision} session, seed ${seed}`, { timeout: 120_000 }, async () => {
        const server = start();
        const { calls, tools } = await corpus(server);
        const session = await openSession(server, revision);
        const g = new Gen(prng(seed * 31 + revision.length + Number(revision.slice(5, 7))));
        for (let i = 0; i < CASES; i++) {
          const call = g.pick(calls);
          const message = mutate(g, { jsonrpc: '2.0', id: i + 1, method: call.method, ...(call.params === undefined ? {} : { params: call.params }) });
          const body = text(g, message);
          const base = { 'content-type': 'application/json', accept: ACCEPT, ...session.headers };
          const h = headers(g, base);
          const verb = g.chance(0.06) ? g.pick(VERBS) : 'POST';
          // A DELETE that names this session would end it: it names another one (or what the mutation left).
          if (verb === 'DELETE' && h['mcp-session-id'] === session.sid) h['mcp-session-id'] = '0'.repeat(32);
          try {
            await check(server, revision, { verb, headers: h, body, message, headersValid: JSON.stringify(h) === JSON.stringify(base) });
          } catch (e) {
            throw new Error(`seed ${seed}, case ${i}: ${(e as Error).message}\nheaders: ${JSON.stringify(h)}\nbody: ${body.slice(0, 600)}`);
          }
        }
        const s = await settled(server);
        expect({ inflight: s.inflight, pending: s.pendingClientRequests, connections: s.connections }).toEqual({ inflight: 0, pending: 0, connections: 0 });
        // The session still serves.
        const list = await rpc(server, session.headers, { jsonrpc: '2.0', id: 'after', method: 'tools/list' });
        expect((list.result as { tools: unknown[] }).tools.length).toBe(tools);
        expect(errors).toEqual([]);
        await server.close();
        expect(server.stats().timers).toBe(0);
      });
    }

    it(`the HTTP+SSE transport (2024-11-05), seed ${seed}`, { timeout: 120_000 }, async () => {
      const server = start();
      const { calls } = await corpus(server);
      const get = await server.handle(new Request('http://127.0.0.1/sse', { headers: { accept: 'text/event-stream' } }));
      expect(get.status).toBe(200);
      const stream = collect(get.body!);
      const waitFor = async (what: string, found: () => boolean) => {
        const until = Date.now() + 5_000;
        while (!found()) {
          if (Date.now() > until) throw new Error(`no ${what} on the HTTP+SSE stream`);
          await new Promise((r) => setTimeout(r, 5));
        }
      };
      try {
        await waitFor('endpoint event', () => stream.events.length > 0);
        expect(stream.events[0]!.event).toBe('endpoint');
        const endpoint = new URL(stream.events[0]!.data, 'http://127.0.0.1');
        const post = (body: string, h: Record<string, string>) => server.handle(new Request(endpoint, { method: 'POST', headers: h, body }));
        const base = { 'content-type': 'application/json' };
        const init = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2024-11-05', capabilities: { sampling: {}, roots: {} }, clientInfo: { name: 'fuzz', version: '0' } } };
        expect((await post(JSON.stringify(init), base)).status).toBe(202);
        expect((await post('{"jsonrpc":"2.0","method":"notifications/initialized"}', base)).status).toBe(202);
        const g = new Gen(prng(seed * 104_729));
        for (let i = 0; i < CASES; i++) {
          const call = g.pick(calls);
          const message = mutate(g, { jsonrpc: '2.0', id: i + 1, method: call.method, ...(call.params === undefined ? {} : { params: call.params }) });
          const body = text(g, message);
          const h = headers(g, base);
          try {
            const res = await answered(post(body, h));
            expect(res.status, 'no 5xx for bad input').toBeLessThan(500);
            const answer = await res.text();
            // The answers go on the stream; the POST is 202 `Accepted` (docs/legacy-sse.md), or an HTTP error with
            // a JSON-RPC one.
            if (res.status === 202) expect(answer).toBe('Accepted');
            else {
              expect(res.status).toBeGreaterThanOrEqual(400);
              checkMessage('2024-11-05', { headers: {}, body: '' }, JSON.parse(answer) as Record<string, unknown>);
            }
          } catch (e) {
            throw new Error(`seed ${seed}, case ${i}: ${(e as Error).message}\nheaders: ${JSON.stringify(h)}\nbody: ${body.slice(0, 600)}`);
          }
        }
        // The session still serves, and everything the stream carried was a valid 2024-11-05 message.
        expect((await post('{"jsonrpc":"2.0","id":"after","method":"tools/list"}', base)).status).toBe(202);
        await waitFor('answer to the last tools/list', () => stream.events.some((e) => e.data.includes('"id":"after"')));
        for (const e of stream.events.slice(1)) {
          expect(e.event).toBe('message');
          checkMessage('2024-11-05', { headers: {}, body: '' }, JSON.parse(e.data) as Record<string, unknown>);
        }
      } finally {
        await stream.stop();
      }
      const s = await settled(server);
      expect({ inflight: s.inflight, pending: s.pendingClientRequests }).toEqual({ inflight: 0, pending: 0 });
      expect(errors).toEqual([]);
      await server.close();
      expect(server.stats()).toMatchObject({ timers: 0, sessions: 0, connections: 0 });
    });

    it(`the 2026-07-28 per-request path, seed ${seed}`, { timeout: 120_000 }, async () => {
      const server = start();
      const { calls } = await corpus(server);
      const g = new Gen(prng(seed * 7919));
      for (let i = 0; i < CASES; i++) {
        const call = g.pick(calls);
        const valid = modern(call.method, call.params, g.chance(0.3));
        const message = g.chance(0.85) ? mutate(g, valid.message) : valid.message;
        const body = text(g, message);
        const h = headers(g, valid.headers);
        const verb = g.chance(0.06) ? g.pick(VERBS) : 'POST';
        try {
          await check(server, '2026-07-28', { verb, headers: h, body, message, headersValid: JSON.stringify(h) === JSON.stringify(valid.headers) });
        } catch (e) {
          throw new Error(`seed ${seed}, case ${i}: ${(e as Error).message}\nheaders: ${JSON.stringify(h)}\nbody: ${body.slice(0, 600)}`);
        }
      }
      const s = await settled(server);
      expect({ inflight: s.inflight, pending: s.pendingClientRequests, connections: s.connections, listen: s.listenStreams }).toEqual({
        inflight: 0,
        pending: 0,
        connections: 0,
        listen: 0,
      });
      expect(errors).toEqual([]);
      await server.close();
      expect(server.stats().timers).toBe(0);
    });
  }
});
