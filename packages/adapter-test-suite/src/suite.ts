/**
 * The shared adapter suite. `defineAdapterSuite({ name, start })` registers the same vitest cases for
 * any adapter: `start()` serves the fixture (./fixture.ts) and resolves to its base URL. Every case
 * talks HTTP over a real loopback socket, reads the fixture's counters from `/adapter/stats`, and
 * bounds every wait with a deadline.
 */
import { Agent, request as httpRequest, type IncomingMessage, type ClientRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { CreateMessageRequestSchema, ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_KEEPALIVE_MS, FIXTURE_MAX_BODY_BYTES, type FixtureCounters } from './fixture.ts';

export interface AdapterTarget {
  /** Base URL, no trailing slash: `http://127.0.0.1:PORT`. */
  url: string;
  stop(): Promise<void>;
}

/** Cases a runtime may declare as a known failure (see {@link AdapterSuiteOptions.knownIssues}). */
export type KnownIssue = 'mh05-disconnect-while-pending';

export interface AdapterSuiteOptions {
  name: string;
  start: () => Promise<AdapterTarget>;
  /**
   * Cases this runtime is known to fail, with why: they run as expected failures (`it.fails`), so the run stays
   * green while the bug is open and turns red as soon as it is fixed (then drop the entry).
   */
  knownIssues?: Partial<Record<KnownIssue, string>>;
}

interface McpStats {
  sessions: number;
  connections: number;
  inflight: number;
  pendingClientRequests: number;
  listenStreams: number;
  timers: number;
  bufferedEvents: number;
}
type Stats = FixtureCounters & { mcp: McpStats; ephemeral: McpStats; stateless: McpStats };

const MiB = 1024 * 1024;
const PROTOCOL = '2025-11-25';
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/** The stateless revision (docs/two-eras.md) and its `_meta` keys. */
const MODERN = '2026-07-28';
const META = {
  protocolVersion: 'io.modelcontextprotocol/protocolVersion',
  clientCapabilities: 'io.modelcontextprotocol/clientCapabilities',
  clientInfo: 'io.modelcontextprotocol/clientInfo',
  logLevel: 'io.modelcontextprotocol/logLevel',
  serverInfo: 'io.modelcontextprotocol/serverInfo',
  subscriptionId: 'io.modelcontextprotocol/subscriptionId',
} as const;

type JsonRpcId = string | number;
interface RpcMessage {
  jsonrpc: '2.0';
  id?: JsonRpcId;
  method?: string;
  params?: Record<string, unknown> & { _meta?: Record<string, unknown> };
  result?: Record<string, unknown> & { _meta?: Record<string, unknown> };
  error?: { code: number; message: string; data?: unknown };
}

/**
 * One 2026-07-28 request: the body with the full `_meta` envelope (version, capabilities, client info, plus `meta`),
 * and the headers that mirror it (MCP-Protocol-Version, Mcp-Method, Mcp-Name: HDR-01, HDR-03).
 */
function modern(
  id: JsonRpcId,
  method: string,
  params: Record<string, unknown> = {},
  options: { meta?: Record<string, unknown>; capabilities?: Record<string, unknown> } = {},
): { body: string; headers: Record<string, string> } {
  const _meta = {
    [META.protocolVersion]: MODERN,
    [META.clientCapabilities]: options.capabilities ?? {},
    [META.clientInfo]: { name: 'adapter-suite', version: '0.0.0' },
    ...options.meta,
  };
  const headers: Record<string, string> = { ...MCP_HEADERS, 'mcp-protocol-version': MODERN, 'mcp-method': method };
  const name = method === 'resources/read' ? params.uri : method === 'tools/call' || method === 'prompts/get' ? params.name : undefined;
  if (typeof name === 'string') headers['mcp-name'] = name;
  return { body: JSON.stringify({ jsonrpc: '2.0', id, method, params: { ...params, _meta } }), headers };
}

/** The JSON-RPC messages of an SSE text, in order: `data:` lines joined per event; comments and other fields skipped. */
function sseMessages(text: string): RpcMessage[] {
  const out: RpcMessage[] = [];
  const blocks = text.replace(/\r\n?/g, '\n').split('\n\n');
  blocks.pop(); // '' after the last complete event, or one still arriving
  for (const block of blocks) {
    const data = block
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5));
    if (data.length > 0) out.push(JSON.parse(data.join('\n')) as RpcMessage);
  }
  return out;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll `probe` every 25 ms until `check` holds, for at most `ms`; returns the last value (the caller asserts). */
async function until<T>(probe: () => Promise<T>, check: (value: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  let value = await probe();
  while (!check(value) && Date.now() < end) {
    await sleep(25);
    value = await probe();
  }
  return value;
}

/** Resolve with `promise`, or reject after `ms` naming `what`. */
export function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface Exchange {
  req: ClientRequest;
  /** Resolves with the response head. */
  response: Promise<IncomingMessage>;
}

/** A raw node:http request (no fetch buffering in between), for streaming, HEAD, disconnect and backpressure cases. */
function open(base: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: Uint8Array | string; agent?: Agent } = {}): Exchange {
  const req = httpRequest(`${base}${path}`, { method: init.method ?? 'GET', headers: init.headers, agent: init.agent ?? false });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  response.catch(() => {}); // observed by the caller when it matters
  if (init.body !== undefined) req.end(init.body);
  else req.end();
  return { req, response };
}

/** Collect a response's bytes until it ends (bounded by `ms`). */
function readAll(res: IncomingMessage, ms = 5000): Promise<Buffer> {
  return deadline(
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () => resolve(Buffer.concat(chunks)));
      res.once('error', reject);
    }),
    ms,
    'response body',
  );
}

/** Accumulates a streaming response's text and lets a test wait for a pattern. */
function reader(res: IncomingMessage): { text: () => string; waitFor: (pattern: RegExp | string, ms?: number) => Promise<string> } {
  let text = '';
  const waiters = new Set<() => void>();
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    text += chunk;
    for (const wake of waiters) wake();
  });
  const matches = (pattern: RegExp | string): boolean => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));
  return {
    text: () => text,
    waitFor: (pattern, ms = 5000) =>
      deadline(
        new Promise<string>((resolve) => {
          if (matches(pattern)) return resolve(text);
          const wake = (): void => {
            if (!matches(pattern)) return;
            waiters.delete(wake);
            resolve(text);
          };
          waiters.add(wake);
        }),
        ms,
        `stream to contain ${String(pattern)} (got ${JSON.stringify(text.slice(-200))})`,
      ),
  };
}

export function defineAdapterSuite({ name, start, knownIssues = {} }: AdapterSuiteOptions): void {
  /** `it`, or `it.fails` with the reason in the title when the runtime declared the case a known issue. */
  const itUnless = (issue: KnownIssue, title: string, fn: () => Promise<void>, timeout?: number): void => {
    const why = knownIssues[issue];
    if (why === undefined) it(title, fn, timeout);
    else it.fails(`${title} [known issue: ${why}]`, fn, timeout);
  };
  describe(`adapter suite: ${name}`, () => {
    let base = '';
    let target: AdapterTarget | undefined;

    beforeAll(async () => {
      target = await start();
      base = target.url;
    }, 60_000);
    afterAll(async () => {
      await target?.stop();
    }, 20_000);

    const stats = async (): Promise<Stats> => {
      const res = await fetch(`${base}/adapter/stats`, { signal: AbortSignal.timeout(5000) });
      return (await res.json()) as Stats;
    };
    const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
      fetch(`${base}${path}`, { method: 'POST', headers: { ...MCP_HEADERS, ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });

    /** initialize + notifications/initialized; returns the headers later requests need. */
    async function session(): Promise<Record<string, string>> {
      const res = await post('/mcp', {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: 'adapter-suite', version: '0.0.0' } },
      });
      expect(res.status).toBe(200);
      const id = res.headers.get('mcp-session-id');
      expect(id).toBeTruthy();
      await res.body?.cancel();
      const headers = { 'mcp-session-id': id!, 'mcp-protocol-version': PROTOCOL };
      const ack = await post('/mcp', { jsonrpc: '2.0', method: 'notifications/initialized' }, headers);
      expect(ack.status).toBe(202);
      return headers;
    }

    it('answers JSON: initialize, a notification (202, empty), a tool call', async () => {
      const res = await post('/mcp', {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: 'adapter-suite', version: '0.0.0' } },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await res.json()) as { id: number; result: { serverInfo: { name: string } } };
      expect(body).toMatchObject({ jsonrpc: '2.0', id: 1, result: { serverInfo: { name: 'x-mcp-everything' } } });
      const headers = { 'mcp-session-id': res.headers.get('mcp-session-id')!, 'mcp-protocol-version': PROTOCOL };

      const ack = await post('/mcp', { jsonrpc: '2.0', method: 'notifications/initialized' }, headers);
      expect(ack.status).toBe(202);
      expect(await ack.text()).toBe('');

      const call = await post('/mcp', { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'test_simple_text', arguments: {} } }, headers);
      expect(call.status).toBe(200);
      expect(await call.json()).toMatchObject({ id: 2, result: { content: [{ type: 'text', text: 'This is a simple text response for testing.' }] } });

      const echo = (await (await fetch(`${base}/adapter/echo`, { signal: AbortSignal.timeout(5000) })).json()) as { remoteAddress: string; signal: boolean };
      expect(echo.remoteAddress).toMatch(/127\.0\.0\.1$/);
      expect(echo.signal).toBe(true);
    });

    it('round-trips the session header', async () => {
      const headers = await session();
      const list = await post('/mcp', { jsonrpc: '2.0', id: 3, method: 'tools/list' }, headers);
      expect(list.status).toBe(200);
      const tools = (await list.json()) as { result: { tools: { name: string }[] } };
      expect(tools.result.tools.map((t) => t.name)).toContain('test_simple_text');

      const unknown = await post('/mcp', { jsonrpc: '2.0', id: 4, method: 'tools/list' }, { ...headers, 'mcp-session-id': 'not-a-session' });
      expect(unknown.status).toBe(404);
      await unknown.body?.cancel();

      const del = await fetch(`${base}/mcp`, { method: 'DELETE', headers, signal: AbortSignal.timeout(5000) });
      expect(del.status).toBeLessThan(300);
      await del.body?.cancel();
      const gone = await post('/mcp', { jsonrpc: '2.0', id: 5, method: 'tools/list' }, headers);
      expect(gone.status).toBe(404);
      await gone.body?.cancel();
    });

    it('delivers SSE event by event, with the headers flushed before the first event', async () => {
      const id = randomUUID();
      const { req, response } = open(base, `/adapter/stepped-sse?id=${id}`);
      try {
        // Nothing has been produced yet: the head must arrive on its own.
        const res = await deadline(response, 3000, 'SSE response head before any event');
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
        const stream = reader(res);
        for (let step = 1; step <= 3; step++) {
          const release = await fetch(`${base}/adapter/release?id=${id}`, { signal: AbortSignal.timeout(5000) });
          expect(await release.json()).toEqual({ released: true });
          // Each event arrives while the producer is waiting for the next release: nothing buffers it.
          const text = await stream.waitFor(`data: step ${step}\n\n`, 3000);
          expect(text).not.toContain(`step ${step + 1}`);
        }
        const ended = new Promise<void>((resolve) => res.once('end', resolve));
        await fetch(`${base}/adapter/release?id=${id}&end`, { signal: AbortSignal.timeout(5000) });
        await deadline(ended, 3000, 'stream end');
        expect((await stats()).stepped.open).toBe(0);
      } finally {
        req.destroy();
      }
    });

    it('streams MCP over SSE: a tool that logs answers with an event stream', async () => {
      const headers = await session();
      const res = await post('/mcp', { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'test_tool_with_logging', arguments: {} } }, headers);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const text = await deadline(res.text(), 5000, 'tool stream');
      expect(text).toContain('notifications/message');
      expect(text).toContain('Tool with logging executed successfully');
    });

    it('keeps alive: SSE comments on an idle stream, and HTTP connections reused', async () => {
      const headers = await session();
      const { req, response } = open(base, '/mcp', { headers: { ...headers, accept: 'text/event-stream' } });
      try {
        const res = await deadline(response, 3000, 'GET /mcp stream head');
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
        // Two comment frames: keep-alives (on Bun the first may be the adapter's opening comment).
        await reader(res).waitFor(/(?:^|\n):[^\n]*\n\n[\s\S]*\n:[^\n]*\n\n/, FIXTURE_KEEPALIVE_MS * 10);
      } finally {
        req.destroy();
      }

      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const reused: boolean[] = [];
        for (const path of ['/adapter/echo', '/adapter/sse?count=2&interval=10', '/adapter/echo', '/adapter/cookies']) {
          const ex = open(base, path, { agent });
          const res = await deadline(ex.response, 3000, `keep-alive ${path}`);
          await readAll(res);
          reused.push(ex.req.reusedSocket);
        }
        expect(reused).toEqual([false, true, true, true]);
      } finally {
        agent.destroy();
      }
    });

    it('aborts the handler on a client disconnect and stops its timers', async () => {
      const before = await stats();
      // A long call waiting on context.signal.
      const waiting = open(base, '/adapter/wait?ms=30000');
      waiting.response.catch(() => {});
      const started = await until(stats, (s) => s.wait.started > before.wait.started);
      expect(started.wait.started).toBe(before.wait.started + 1);
      expect(started.wait.noSignal).toBe(before.wait.noSignal);
      waiting.req.destroy();
      const aborted = await until(stats, (s) => s.wait.aborted > before.wait.aborted && s.wait.timers === 0);
      expect(aborted.wait.aborted).toBe(before.wait.aborted + 1);
      expect(aborted.wait.timers).toBe(0);

      // An endless SSE producer: its cancel() runs and its interval is cleared.
      const streaming = open(base, '/adapter/sse?interval=20');
      const res = await deadline(streaming.response, 3000, 'SSE head');
      await reader(res).waitFor('data: tick 2\n\n', 3000);
      streaming.req.destroy();
      const cancelled = await until(stats, (s) => s.sse.cancelled > before.sse.cancelled && s.sse.open === 0);
      expect(cancelled.sse.cancelled).toBe(before.sse.cancelled + 1);
      expect(cancelled.sse.open).toBe(0);

      // The core's own SSE connection is released too.
      const headers = await session();
      const idle = open(base, '/mcp', { headers: { ...headers, accept: 'text/event-stream' } });
      await deadline(idle.response, 3000, 'GET /mcp stream head');
      expect((await until(stats, (s) => s.mcp.connections > 0)).mcp.connections).toBeGreaterThan(0);
      idle.req.destroy();
      expect((await until(stats, (s) => s.mcp.connections === 0)).mcp.connections).toBe(0);
    });

    it('does not abort on a normal completion (JSON, streamed, POST with a body)', async () => {
      const before = await stats();
      expect((await fetch(`${base}/adapter/echo`, { signal: AbortSignal.timeout(5000) })).status).toBe(200);
      const posted = await fetch(`${base}/adapter/echo`, { method: 'POST', body: 'hello', signal: AbortSignal.timeout(5000) });
      expect(await posted.json()).toMatchObject({ method: 'POST', bytes: 5 });
      const stream = await fetch(`${base}/adapter/sse?count=3&interval=10`, { signal: AbortSignal.timeout(5000) });
      expect(await stream.text()).toContain('data: tick 3');
      await sleep(500); // a spurious abort would land right after the response
      const after = await stats();
      expect(after.echo.requests).toBe(before.echo.requests + 2);
      expect(after.echo.aborts).toBe(before.echo.aborts);
      expect(after.sse.completed).toBe(before.sse.completed + 1);
      expect(after.sse.abortsAfterCompletion).toBe(0);
    });

    it('answers HEAD without a body and cancels a streaming one', async () => {
      const before = await stats();
      const { req, response } = open(base, '/adapter/sse?interval=20', { method: 'HEAD' });
      try {
        const res = await deadline(response, 3000, 'HEAD head');
        expect(res.statusCode).toBe(200);
        expect((await readAll(res, 3000)).length).toBe(0);
      } finally {
        req.destroy();
      }
      const after = await until(stats, (s) => s.sse.open === 0 && s.sse.started > before.sse.started);
      expect(after.sse.open).toBe(0);

      const head = open(base, '/mcp', { method: 'HEAD' });
      const res = await deadline(head.response, 3000, 'HEAD /mcp');
      expect(res.statusCode).toBe(405); // the core's answer, passed through
      expect((await readAll(res, 3000)).length).toBe(0);
    });

    it('answers 413 to an oversized body, not a reset, and lives on', async () => {
      const big = new Uint8Array(FIXTURE_MAX_BODY_BYTES * 2).fill(0x20);
      /** One oversized upload on a fresh connection: the status the client read, or the socket error it got instead. */
      const upload = async (sized: boolean): Promise<number | string> => {
        const req = httpRequest(`${base}/mcp`, { method: 'POST', headers: sized ? { ...MCP_HEADERS, 'content-length': String(big.byteLength) } : MCP_HEADERS, agent: false });
        const outcome = new Promise<number | string>((resolve) => {
          req.once('response', (res) => resolve(res.statusCode ?? 0));
          req.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
        });
        if (sized) req.end(big); // With Content-Length: the core answers before reading.
        else {
          // Chunked, no Content-Length: the limit trips while reading.
          for (let i = 0; i < 8; i++) req.write(big.subarray(0, big.byteLength / 4));
          req.end();
        }
        try {
          return await deadline(outcome, 5000, `413 (${sized ? 'sized' : 'chunked'})`);
        } finally {
          req.destroy();
        }
      };
      // A server that closes while the client still uploads makes the kernel reset the connection, and the client
      // sees EPIPE or ECONNRESET, not the 413, about as often as not (Bun before its adapter drained the rest): a
      // few rounds each make that race show.
      for (const sized of [true, false]) {
        const outcomes: (number | string)[] = [];
        for (let i = 0; i < 8; i++) outcomes.push(await upload(sized));
        expect(outcomes).toEqual(Array(8).fill(413));
      }
      // A large body under the limits arrives intact.
      const payload = new Uint8Array(3 * MiB).map((_, i) => i % 251);
      let sum = 0;
      for (const b of payload) sum = (sum + b) % 65521;
      const echoed = await fetch(`${base}/adapter/echo`, { method: 'POST', body: payload, signal: AbortSignal.timeout(10_000) });
      expect(await echoed.json()).toMatchObject({ bytes: payload.byteLength, sum });
      // The same body streamed (chunked, no Content-Length) arrives intact too.
      const chunkedEcho = httpRequest(`${base}/adapter/echo`, { method: 'POST', agent: false });
      const chunkedEchoed = new Promise<IncomingMessage>((resolve, reject) => {
        chunkedEcho.once('response', resolve);
        chunkedEcho.once('error', reject);
      });
      for (let at = 0; at < payload.byteLength; at += MiB) chunkedEcho.write(payload.subarray(at, at + MiB));
      chunkedEcho.end();
      const chunkedBody = await readAll(await deadline(chunkedEchoed, 10_000, 'chunked echo'), 10_000);
      expect(JSON.parse(chunkedBody.toString('utf8'))).toMatchObject({ bytes: payload.byteLength, sum });
    });

    it('turns a handler exception into a JSON-RPC error and lives on', async () => {
      for (const path of ['/adapter/throw', '/adapter/throw?sync']) {
        const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(5000) });
        expect(res.status).toBe(500);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        expect(await res.json()).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32603, message: 'Internal error' } });
      }
      expect((await fetch(`${base}/adapter/echo`, { signal: AbortSignal.timeout(5000) })).status).toBe(200);
    });

    it('applies backpressure to a slow reader, with bounded server memory', async () => {
      const before = await stats();
      const { req, response } = open(base, '/adapter/flood?size=65536');
      try {
        const res = await deadline(response, 3000, 'flood head');
        res.pause(); // read nothing: the socket buffers fill, then the producer must stop being pulled
        let previous = -1;
        let current = (await stats()).flood.produced;
        // Wait (at most 10 s) until production stalls for 500 ms.
        for (const end = Date.now() + 10_000; current !== previous && Date.now() < end; ) {
          await sleep(500);
          previous = current;
          current = (await stats()).flood.produced;
        }
        const stalled = current - before.flood.produced;
        expect(current).toBe(previous);
        expect(stalled).toBeLessThan(64 * MiB);
        // Reading again resumes production.
        let received = 0;
        res.on('data', (chunk: Buffer) => void (received += chunk.length));
        res.resume();
        const resumed = await until(stats, (s) => s.flood.produced - before.flood.produced > stalled + 4 * MiB, 10_000);
        expect(resumed.flood.produced - before.flood.produced).toBeGreaterThan(stalled + 4 * MiB);
        expect(received).toBeGreaterThan(0);
      } finally {
        req.destroy();
      }
      const after = await until(stats, (s) => s.flood.open === 0 && s.flood.cancelled > before.flood.cancelled);
      expect(after.flood.open).toBe(0);
      expect(after.flood.cancelled).toBe(before.flood.cancelled + 1);
    });

    it('serves the HTTP+SSE transport: GET /sse stream, POST /messages', async () => {
      const { req, response } = open(base, '/sse', { headers: { accept: 'text/event-stream' } });
      try {
        const res = await deadline(response, 3000, 'GET /sse head');
        expect(res.statusCode).toBe(200);
        const stream = reader(res);
        const text = await stream.waitFor(/event: endpoint\ndata: (\S+)\n\n/, 3000);
        const endpoint = /event: endpoint\ndata: (\S+)\n\n/.exec(text)![1]!;
        expect(endpoint).toMatch(/^\/messages\?sessionId=/);
        const init = await post(endpoint, {
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'adapter-suite', version: '0.0.0' } },
        });
        expect(init.status).toBe(202);
        await init.body?.cancel();
        await stream.waitFor('"serverInfo"', 3000);
      } finally {
        req.destroy();
      }
      expect((await until(stats, (s) => s.mcp.sessions === 0 || s.mcp.connections === 0)).mcp.connections).toBe(0);
    });

    it('serves an official HTTP+SSE client end to end: tools, resources, prompts, progress, logging, elicitation, sampling, cancellation', async () => {
      const client = new Client({ name: 'adapter-suite-legacy', version: '0.0.0' }, { capabilities: { elicitation: {}, sampling: {} } });
      client.setRequestHandler(ElicitRequestSchema, () => ({ action: 'accept', content: { username: 'ada', email: 'ada@example.com' } }));
      client.setRequestHandler(CreateMessageRequestSchema, () => ({ role: 'assistant', content: { type: 'text', text: 'Paris' }, model: 'test' }));
      const logs: unknown[] = [];
      client.fallbackNotificationHandler = async (n) => {
        if (n.method === 'notifications/message') logs.push(n.params);
      };
      // Other cases leave Streamable HTTP sessions behind; this one must give back exactly what it took.
      const baseline = (await stats()).mcp;
      await client.connect(new SSEClientTransport(new URL(`${base}/sse`)));
      expect((await stats()).mcp.sessions).toBe(baseline.sessions + 1);
      try {
        const text = (r: object): string => (((r as { content?: { text?: string }[] }).content ?? [])[0]?.text ?? '');
        const { tools } = await client.listTools();
        expect(tools.map((t) => t.name)).toContain('test_simple_text');
        for (const name of ['test_simple_text', 'test_image_content', 'test_audio_content', 'test_embedded_resource', 'test_multiple_content_types']) {
          expect(((await client.callTool({ name })).content as unknown[]).length, name).toBeGreaterThan(0);
        }
        expect((await client.callTool({ name: 'test_error_handling' })).isError).toBe(true);
        const progress: number[] = [];
        await client.callTool({ name: 'test_tool_with_progress' }, undefined, { onprogress: (p) => void progress.push(p.progress) });
        expect(progress.length).toBeGreaterThanOrEqual(2); // the SDK may drop one that arrives with the result
        await client.setLoggingLevel('debug');
        await client.callTool({ name: 'test_tool_with_logging' });
        expect(logs.length).toBe(3);
        expect(text(await client.callTool({ name: 'test_elicitation', arguments: { message: 'Who?' } }))).toContain('action=accept');
        expect(text(await client.callTool({ name: 'test_sampling', arguments: { prompt: 'Capital of France?' } }))).toBe('LLM response: Paris');
        for (const uri of ['test://static-text', 'test://static-binary', 'test://template/123/data']) {
          expect((await client.readResource({ uri })).contents.length, uri).toBe(1);
        }
        expect((await client.getPrompt({ name: 'test_prompt_with_arguments', arguments: { arg1: 'a', arg2: 'b' } })).messages.length).toBe(1);
        // Cancellation: the SDK sends notifications/cancelled, the handler sees its signal abort and ends.
        const ac = new AbortController();
        const pending = client.callTool({ name: 'adapter_wait_for_cancel' }, undefined, { signal: ac.signal });
        await until(stats, (s) => s.mcp.inflight === 1);
        ac.abort('the user gave up');
        await expect(pending).rejects.toThrow();
        expect((await until(stats, (s) => s.mcp.inflight === 0)).mcp.inflight).toBe(0);
      } finally {
        await client.close();
      }
      // The connection is the session (SSE-07): closing it frees everything.
      const after = await until(stats, (s) => s.mcp.sessions === baseline.sessions && s.mcp.connections === baseline.connections);
      expect(after.mcp).toMatchObject({ sessions: baseline.sessions, connections: baseline.connections, inflight: 0 });
    });

    it('keeps duplicate set-cookie headers', async () => {
      const { response } = open(base, '/adapter/cookies');
      const res = await deadline(response, 3000, 'cookies');
      await readAll(res);
      expect(res.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    });

    it('never cuts a long call or a quiet SSE stream on an idle timeout', async () => {
      const [slow, stream] = await Promise.all([
        fetch(`${base}/adapter/slow?ms=2500`, { signal: AbortSignal.timeout(10_000) }).then(async (r) => ({ status: r.status, body: await r.json() })),
        fetch(`${base}/adapter/sse?count=2&interval=2500`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.text()),
      ]);
      expect(slow).toEqual({ status: 200, body: { slept: 2500 } });
      expect(stream).toContain('data: tick 2\n\n');
    }, 20_000);

    describe('2026-07-28 stateless', () => {
      /** A raw 2026-07-28 POST over its own socket. */
      const send = (request: { body: string; headers: Record<string, string> }, path = '/mcp', headers: Record<string, string> = {}): Exchange =>
        open(base, path, { method: 'POST', headers: { ...request.headers, ...headers }, body: request.body });
      /** A raw 2026-07-28 POST answered with JSON: status, head and the parsed body. */
      async function exchangeJson(request: { body: string; headers: Record<string, string> }, path = '/mcp'): Promise<{ res: IncomingMessage; message: RpcMessage }> {
        const ex = send(request, path);
        try {
          const res = await deadline(ex.response, 5000, `${path} response head`);
          expect(res.headers['content-type']).toMatch(/^application\/json/);
          return { res, message: JSON.parse((await readAll(res)).toString('utf8')) as RpcMessage };
        } finally {
          ex.req.destroy();
        }
      }
      /** Nothing in flight, no stream open (session SSE, stateless SSE or listen). */
      const quiet = (s: Stats): boolean => s.mcp.inflight === 0 && s.mcp.connections === 0 && s.mcp.listenStreams === 0 && s.mcp.pendingClientRequests === 0;
      /** Waits until the server is quiet; its stats then are the baseline a case must return to. */
      async function baseline(): Promise<Stats> {
        const s = await until(stats, quiet);
        expect(s.mcp).toMatchObject({ inflight: 0, connections: 0, listenStreams: 0, pendingClientRequests: 0 });
        return s;
      }
      /** The server's stats come back to zero: no request, stream or timer left behind (timers as in `before`). */
      async function backToZero(before: Stats): Promise<void> {
        const after = await until(stats, (s) => quiet(s) && s.mcp.timers === before.mcp.timers);
        expect(after.mcp).toMatchObject({ inflight: 0, connections: 0, listenStreams: 0, pendingClientRequests: 0, timers: before.mcp.timers });
        expect(after.mcp.sessions).toBe(before.mcp.sessions); // a stateless request never creates a session
      }
      const serverInfo = { [META.serverInfo]: expect.objectContaining({ name: 'x-mcp-everything', version: '0.1.0' }) };

      it('answers a tools/call as JSON: resultType and serverInfo in the result, no Mcp-Session-Id', async () => {
        const before = await baseline();
        const request = modern(11, 'tools/call', { name: 'test_simple_text', arguments: {} }, { meta: { [META.logLevel]: 'debug' } });
        // MH-01: an Mcp-Session-Id on a stateless request is ignored, never echoed.
        const ex = send(request, '/mcp', { 'mcp-session-id': 'not-a-session' });
        try {
          const res = await deadline(ex.response, 5000, 'tools/call head');
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-type']).toMatch(/^application\/json/);
          expect(res.headers['mcp-session-id']).toBeUndefined();
          const message = JSON.parse((await readAll(res)).toString('utf8')) as RpcMessage;
          expect(message).toEqual({
            jsonrpc: '2.0',
            id: 11,
            result: {
              content: [{ type: 'text', text: 'This is a simple text response for testing.' }],
              resultType: 'complete',
              _meta: serverInfo,
            },
          });
        } finally {
          ex.req.destroy();
        }
        await backToZero(before);
      });

      it('streams a call with a progressToken: SSE progress events, then the result, then the end', async () => {
        const before = await baseline();
        const request = modern('call-12', 'tools/call', { name: 'test_tool_with_progress', arguments: {} }, { meta: { progressToken: 'pt-12' } });
        const ex = send(request);
        try {
          const res = await deadline(ex.response, 5000, 'progress stream head');
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
          expect(res.headers['x-accel-buffering']).toBe('no'); // MH-04
          expect(res.headers['mcp-session-id']).toBeUndefined();
          // MH-03: the final response ends the stream (readAll waits for a clean end).
          const text = (await readAll(res)).toString('utf8');
          expect(res.complete).toBe(true);
          const messages = sseMessages(text);
          const progress = messages.slice(0, -1);
          expect(progress.map((m) => m.method)).toEqual(['notifications/progress', 'notifications/progress', 'notifications/progress']);
          expect(progress.map((m) => m.params)).toEqual([0, 50, 100].map((p) => expect.objectContaining({ progressToken: 'pt-12', progress: p, total: 100 })));
          expect(messages.at(-1)).toEqual({
            jsonrpc: '2.0',
            id: 'call-12',
            result: { content: [{ type: 'text', text: 'Progress tool completed' }], resultType: 'complete', _meta: serverInfo },
          });
        } finally {
          ex.req.destroy();
        }
        await backToZero(before);
      });

      it('a modern-only server (createStatelessMcp): a call as JSON, one streamed with progress, and nothing held after', async () => {
        const path = '/adapter/stateless/mcp';
        const json = await exchangeJson(modern(31, 'tools/call', { name: 'echo', arguments: { text: 'edge' } }), path);
        expect(json.res.statusCode).toBe(200);
        expect(json.res.headers['mcp-session-id']).toBeUndefined();
        expect(json.message).toEqual({
          jsonrpc: '2.0',
          id: 31,
          result: { content: [{ type: 'text', text: 'edge' }], resultType: 'complete', _meta: { [META.serverInfo]: { name: 'adapter-stateless', version: '0.0.0' } } },
        });
        const ex = send(modern(32, 'tools/call', { name: 'count_to_three', arguments: {} }, { meta: { progressToken: 'pt-32' } }), path);
        try {
          const res = await deadline(ex.response, 5000, 'stateless progress head');
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
          const messages = sseMessages((await readAll(res)).toString('utf8'));
          expect(res.complete).toBe(true);
          expect(messages.map((m) => m.method ?? 'result')).toEqual(['notifications/progress', 'notifications/progress', 'notifications/progress', 'result']);
          expect(messages.at(-1)).toMatchObject({ id: 32, result: { content: [{ type: 'text', text: 'three' }], resultType: 'complete' } });
        } finally {
          ex.req.destroy();
        }
        const after = await until(stats, (s) => s.stateless.inflight === 0 && s.stateless.connections === 0);
        expect(after.stateless).toMatchObject({ sessions: 0, inflight: 0, connections: 0, timers: 0, bufferedEvents: 0 });
      });

      it('a modern-only server answers legacy traffic as DUAL-08 asks: initialize 400 with -32022, GET 405 with Allow: POST', async () => {
        const path = '/adapter/stateless/mcp';
        const initialize = JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: 'old', version: '1' } } });
        const init = open(base, path, { method: 'POST', headers: MCP_HEADERS, body: initialize });
        try {
          const res = await deadline(init.response, 5000, 'initialize head');
          expect(res.statusCode).toBe(400);
          expect(res.headers['mcp-session-id']).toBeUndefined();
          const message = JSON.parse((await readAll(res)).toString('utf8')) as RpcMessage;
          expect(message.error).toMatchObject({ code: -32022, data: { supported: [MODERN], requested: PROTOCOL } });
        } finally {
          init.req.destroy();
        }
        const get = open(base, path, { headers: { accept: 'text/event-stream', 'mcp-protocol-version': PROTOCOL } });
        try {
          const res = await deadline(get.response, 5000, 'GET head');
          expect(res.statusCode).toBe(405);
          expect(res.headers.allow).toBe('POST');
          await readAll(res);
        } finally {
          get.req.destroy();
        }
        expect((await stats()).stateless.sessions).toBe(0);
      });

      // The hold is bounded (3 s): a disconnect the runtime never reports fails the case without leaving a call in
      // flight for the next one.
      for (const [label, padding] of [['', 0], [' (a 16 KiB argument)', 16 * 1024]] as const) {
        itUnless('mh05-disconnect-while-pending', `MH-05: a client that disconnects while the call waits (JSON pending, no byte sent) aborts ctx.signal${label}`, async () => {
          const before = await baseline();
          const tag = randomUUID();
          const args = padding > 0 ? { tag, ms: 3000, padding: 'x'.repeat(padding) } : { tag, ms: 3000 };
          const ex = send(modern(13, 'tools/call', { name: 'adapter_hold', arguments: args }));
          let head = false;
          ex.response.then(
            () => void (head = true),
            () => {},
          );
          const holding = await until(stats, (s) => s.hold[tag]?.started === 1);
          expect(holding.hold[tag]).toMatchObject({ started: 1, aborted: 0, finished: 0 });
          expect(holding.mcp.inflight).toBe(1);
          expect(holding.mcp.connections).toBe(0); // no stream: the answer would be JSON
          await sleep(100);
          expect(head).toBe(false); // nothing has been sent: not even the head
          ex.req.destroy();
          const after = await until(stats, (s) => s.hold[tag]?.finished === 1);
          expect(after.hold[tag], 'the handler ran to its 3 s end: its ctx.signal never aborted').toMatchObject({ started: 1, aborted: 1, finished: 1 });
          expect(after.hold[tag]!.reason).toMatch(/client/i);
          await backToZero(before);
        });
      }

      it('MH-05: a client that closes the SSE stream after the first progress aborts ctx.signal', async () => {
        const before = await baseline();
        const tag = randomUUID();
        const ex = send(modern(14, 'tools/call', { name: 'adapter_hold', arguments: { tag, progress: true, ms: 3000 } }, { meta: { progressToken: tag } }));
        try {
          const res = await deadline(ex.response, 5000, 'hold stream head');
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
          const stream = reader(res);
          await stream.waitFor('notifications/progress', 3000);
          expect(sseMessages(stream.text())).toEqual([
            { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: tag, progress: 1, total: 2, message: 'holding' } },
          ]);
          const holding = await stats();
          expect(holding.hold[tag]).toMatchObject({ started: 1, progress: 1, aborted: 0, finished: 0 });
          expect(holding.mcp).toMatchObject({ inflight: 1, connections: 1 }); // the stateless stream is counted
        } finally {
          ex.req.destroy();
        }
        const after = await until(stats, (s) => s.hold[tag]?.finished === 1);
        expect(after.hold[tag]).toMatchObject({ started: 1, aborted: 1, finished: 1 });
        expect(after.hold[tag]!.reason).toMatch(/client/i);
        await backToZero(before);
      });

      it('subscriptions/listen: acknowledged at once, tools list_changed tagged per stream, closing frees it', async () => {
        const before = await baseline();
        const listen = (id: JsonRpcId) => send(modern(id, 'subscriptions/listen', { notifications: { toolsListChanged: true } }));
        const streams: { id: JsonRpcId; ex: Exchange; stream?: ReturnType<typeof reader> }[] = [
          { id: `sub-${randomUUID()}`, ex: undefined! },
          { id: 4242, ex: undefined! },
        ];
        try {
          for (const s of streams) {
            const t0 = Date.now();
            s.ex = listen(s.id);
            // The head and the acknowledgement within 1 s of the request, with nothing else happening on the stream.
            const res = await deadline(s.ex.response, 1000, `listen ${s.id}: response head`);
            expect(res.statusCode).toBe(200);
            expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
            expect(res.headers['x-accel-buffering']).toBe('no');
            s.stream = reader(res);
            await s.stream.waitFor('notifications/subscriptions/acknowledged', Math.max(1, 1000 - (Date.now() - t0)));
            expect(Date.now() - t0).toBeLessThan(1000);
            // SUB-03: the acknowledgement is the first message, tagged with the listen id (its JSON type kept).
            expect(sseMessages(s.stream.text())).toEqual([
              {
                jsonrpc: '2.0',
                method: 'notifications/subscriptions/acknowledged',
                params: { notifications: { toolsListChanged: true }, _meta: { [META.subscriptionId]: s.id } },
              },
            ]);
          }
          expect((await until(stats, (s) => s.mcp.listenStreams === 2)).mcp.listenStreams).toBe(2);

          // The trigger registers a tool: every stream gets its own tools/list_changed, tagged with its own id (SUB-04, SUB-07).
          const suffix = randomUUID().slice(0, 8);
          const added = await exchangeJson(modern(15, 'tools/call', { name: 'adapter_add_tool', arguments: { suffix } }));
          expect(added.message.result).toMatchObject({ content: [{ type: 'text', text: `added adapter_added_${suffix}` }], resultType: 'complete' });
          const listChanged = (id: JsonRpcId): RpcMessage => ({ jsonrpc: '2.0', method: 'notifications/tools/list_changed', params: { _meta: { [META.subscriptionId]: id } } });
          for (const s of streams) {
            await s.stream!.waitFor('notifications/tools/list_changed', 3000);
            expect(sseMessages(s.stream!.text()).slice(1)).toEqual([listChanged(s.id)]);
          }
          const list = await exchangeJson(modern(16, 'tools/list'));
          expect((list.message.result as { tools: { name: string }[] }).tools.map((t) => t.name)).toContain(`adapter_added_${suffix}`);

          // Removing it announces the change again.
          await exchangeJson(modern(17, 'tools/call', { name: 'adapter_add_tool', arguments: { suffix, remove: true } }));
          for (const s of streams) {
            await s.stream!.waitFor(/list_changed[\s\S]*list_changed/, 3000);
            expect(sseMessages(s.stream!.text()).slice(1)).toEqual([listChanged(s.id), listChanged(s.id)]);
          }
        } finally {
          for (const s of streams) s.ex?.req.destroy();
        }
        // SUB-07: the client closing the stream ends the subscription; nothing is kept (no hub entry, no keep-alive timer).
        await backToZero(before);
      });

      it('subscriptions/listen: a server-side end sends the final result, then ends the stream cleanly', async () => {
        const id = `sub-${randomUUID()}`;
        const ex = send(modern(id, 'subscriptions/listen', { notifications: { toolsListChanged: true } }), '/adapter/ephemeral/mcp');
        try {
          const res = await deadline(ex.response, 1000, 'ephemeral listen head');
          expect(res.statusCode).toBe(200);
          const stream = reader(res);
          await stream.waitFor('notifications/subscriptions/acknowledged', 1000);
          expect((await until(stats, (s) => s.ephemeral.listenStreams === 1)).ephemeral.listenStreams).toBe(1);
          const ended = new Promise<void>((resolve, reject) => {
            res.once('end', resolve);
            res.once('error', reject);
            res.once('aborted', () => reject(new Error('the stream was cut, not ended')));
          });
          expect(await (await fetch(`${base}/adapter/ephemeral/close`, { signal: AbortSignal.timeout(5000) })).json()).toEqual({ closed: true });
          await deadline(ended, 3000, 'listen stream end');
          expect(res.complete).toBe(true);
          // SUB-06: the listen result, tagged, is the last message.
          const messages = sseMessages(stream.text());
          expect(messages.map((m) => m.method ?? 'result')).toEqual(['notifications/subscriptions/acknowledged', 'result']);
          expect(messages[1]).toEqual({
            jsonrpc: '2.0',
            id,
            result: {
              resultType: 'complete',
              _meta: { [META.serverInfo]: expect.objectContaining({ name: 'adapter-ephemeral' }), [META.subscriptionId]: id },
            },
          });
        } finally {
          ex.req.destroy();
        }
      });

      it('MRTR over raw HTTP: input_required with a requestState, then the retry with inputResponses completes', async () => {
        const before = await baseline();
        const capabilities = { elicitation: {} };
        const first = await exchangeJson(modern(18, 'tools/call', { name: 'test_input_required_result_elicitation', arguments: {} }, { capabilities }));
        expect(first.res.statusCode).toBe(200);
        expect(first.res.headers['mcp-session-id']).toBeUndefined();
        const asked = first.message.result as { resultType: string; inputRequests: Record<string, unknown>; requestState: unknown; _meta: unknown };
        expect(first.message.id).toBe(18);
        expect(asked).toEqual({
          resultType: 'input_required',
          inputRequests: {
            user_name: { method: 'elicitation/create', params: expect.objectContaining({ message: 'What is your name?', requestedSchema: expect.any(Object) }) },
          },
          requestState: expect.any(String),
          _meta: serverInfo,
        }); // MRTR-07: no ttlMs / cacheScope
        const retry = await exchangeJson(
          modern(
            19,
            'tools/call',
            {
              name: 'test_input_required_result_elicitation',
              arguments: {},
              inputResponses: { user_name: { action: 'accept', content: { name: 'Ada' } } },
              requestState: asked.requestState,
            },
            { capabilities },
          ),
        );
        expect(retry.res.statusCode).toBe(200);
        expect(retry.message).toEqual({
          jsonrpc: '2.0',
          id: 19,
          result: { content: [{ type: 'text', text: 'Hello, Ada!' }], resultType: 'complete', _meta: serverInfo },
        });
        await backToZero(before);
      });
    });
  });
}
