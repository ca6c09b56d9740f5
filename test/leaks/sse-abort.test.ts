/**
 * No leaks after many aborted SSE streams (checklist SH-07, CAN-02, RSM-07, SES-05, SES-07).
 *
 * Each client opens a legacy session, a POST SSE stream on a tool that reports progress every 20 ms, and for half of
 * them also the standalone GET stream; it reads the first event(s) and then aborts. Legacy sessions must not read a
 * disconnect as cancellation (SH-07), so the handlers run on (their progress goes to the event store) until they stop by
 * themselves (5 s cap); only then can the idle sessions expire, and expiry must release every stream, buffered event,
 * connection and timer. A second run ends the sessions with DELETE instead, which must abort the handlers at once.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import type { Mcp, McpStats } from '@x/mcp-core';
import { serve } from '@x/mcp-node-http';
import type { NodeServer } from '@x/mcp-node-http';
import { createEverything } from '../../examples/everything/everything';

const VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26'] as const;
const SLOW_CAP_MS = 5000;
const ZERO: McpStats = { sessions: 0, connections: 0, inflight: 0, pendingClientRequests: 0, listenStreams: 0, tasks: 0, timers: 0, bufferedEvents: 0 };

/** A real GC when the process can have one (`--expose-gc`, or switched on here). */
function gcFn(): (() => void) | undefined {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return g;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function eventually(check: () => void | Promise<void>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > until) throw error;
      await sleep(25);
    }
  }
}

/**
 * Runs `fn(0..n-1)` on `workers` workers, each with its own dedicated undici Agent (closed at the end); the first
 * failure fails the whole run.
 */
async function drive(n: number, workers: number, fn: (i: number, agent: Agent) => Promise<void>): Promise<void> {
  const agents = Array.from({ length: workers }, () => new Agent({ keepAliveTimeout: 4000 }));
  let next = 0;
  try {
    await Promise.all(
      agents.map(async (agent) => {
        while (next < n) await fn(next++, agent);
      }),
    );
  } finally {
    await Promise.all(agents.map((a) => a.close()));
  }
}

const serverConnections = (s: NodeServer) => new Promise<number>((resolve, reject) => s.server.getConnections((e, n) => (e ? reject(e) : resolve(n))));

interface Fixture {
  mcp: Mcp;
  server: NodeServer;
  url: string;
  errors: unknown[];
  handlers: { started: number; running: number; aborted: number; finished: number };
  /** Clients that had to start over because their session expired during set-up (SES-06). */
  reinitialized: number;
}

async function start(): Promise<Fixture> {
  const errors: unknown[] = [];
  const handlers = { started: 0, running: 0, aborted: 0, finished: 0 };
  const mcp = createEverything({ sessions: { idleTimeoutMs: 300 }, keepAliveMs: 50, onError: (e) => errors.push(e) });
  mcp.tool('slow_stream', { description: 'Reports progress every 20 ms for up to 5 s, or until cancelled' }, async (_args, ctx) => {
    handlers.started++;
    handlers.running++;
    // One abort listener for the whole run (not one per tick): a tick ends after 20 ms or at once on abort.
    let timer: ReturnType<typeof setTimeout> | undefined;
    let wake: (() => void) | undefined;
    const onAbort = () => {
      clearTimeout(timer);
      wake?.();
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const until = Date.now() + SLOW_CAP_MS;
      for (let i = 1; Date.now() < until && !ctx.signal.aborted; i++) {
        ctx.progress(i);
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, 20);
        });
      }
      if (ctx.signal.aborted) handlers.aborted++;
      else handlers.finished++;
      return { content: [{ type: 'text', text: ctx.signal.aborted ? 'cancelled' : 'done' }] };
    } finally {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      handlers.running--;
    }
  });
  const server = await serve({ fetch: mcp.handle, port: 0, hostname: '127.0.0.1', onError: (e) => errors.push(e) });
  return { mcp, server, url: `${server.url}/mcp`, errors, handlers, reinitialized: 0 };
}

const json = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/** Reads a streaming body until `done(textSoFar)` holds and returns what it read; the stream stays open (to be aborted). */
async function readUntil(body: Dispatcher.ResponseData['body'], done: (text: string) => boolean): Promise<string> {
  const it = body[Symbol.asyncIterator]();
  let text = '';
  while (!done(text)) {
    const step = await it.next();
    if (step.done) throw new Error(`stream ended early after: ${text}`);
    text += Buffer.from(step.value as Buffer).toString('utf8');
  }
  return text;
}

/**
 * A cheap assertion for the hot client path (vitest's expect costs ~0.1 ms a call, which adds up over 10,000 calls on a
 * loaded machine); failures still fail the test.
 */
function check(ok: boolean, what: string, got?: unknown): void {
  if (!ok) throw new Error(`${what}${got === undefined ? '' : `; got ${JSON.stringify(got)}`}`);
}

/** One abort reason for every stream, its stack built once (a fresh Error per abort costs a source-mapped stack trace). */
const ABORTED = new Error('the client went away mid-stream');
void ABORTED.stack;

/** A session that expired under the client before its next request reached the server (SES-05): start over (SES-06). */
const EXPIRED = Symbol('expired');

async function expired(r: Dispatcher.ResponseData): Promise<boolean> {
  if (r.statusCode !== 404) return false;
  const body = (await r.body.json()) as { error: { message: string } };
  check(/Session not found/.test(body.error.message), 'a 404 names the missing session', body);
  return true;
}

/**
 * One attempt of a client: initialize, notifications/initialized, optional GET stream, a POST SSE stream on
 * slow_stream; read the first event(s) of each, then abort both mid-stream.
 * @returns The session id, or EXPIRED when the 300 ms idle timeout beat a slow connection set-up.
 */
async function attempt(f: Fixture, agent: Agent, i: number, withGet: boolean): Promise<string | typeof EXPIRED> {
  const version = VERSIONS[i % VERSIONS.length]!;
  // Two warm connections before the session exists (the aborts below destroy theirs), so that no connection set-up
  // falls between initialize and the streams, where a session with nothing open is idle.
  const free = (agent.stats as Record<string, { free: number }>)[new URL(f.url).origin]?.free ?? 0;
  await Promise.all(
    Array.from({ length: Math.max(0, 2 - free) }, async () => {
      const warm = await request(new URL('/warm-up', f.url), { method: 'GET', dispatcher: agent });
      check(warm.statusCode === 404, 'warm-up → 404', warm.statusCode);
      await warm.body.dump();
    }),
  );
  const init = await request(f.url, {
    method: 'POST',
    dispatcher: agent,
    headers: json,
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: version, capabilities: {}, clientInfo: { name: `leak-${i}`, version: '0' } },
    }),
  });
  check(init.statusCode === 200, 'initialize → 200', init.statusCode);
  await init.body.dump();
  const sid = init.headers['mcp-session-id'] as string;
  const session: Record<string, string> = { 'mcp-session-id': sid };
  if (version !== '2025-03-26') session['mcp-protocol-version'] = version;

  const ack = await request(f.url, {
    method: 'POST',
    dispatcher: agent,
    headers: { ...json, ...session },
    body: '{"jsonrpc":"2.0","method":"notifications/initialized"}',
  });
  if (await expired(ack)) return EXPIRED;
  check(ack.statusCode === 202, 'notifications/initialized → 202', ack.statusCode);
  await ack.body.dump();

  const aborts: AbortController[] = [];
  const bodies: Dispatcher.ResponseData['body'][] = [];
  try {
    if (withGet) {
      const ac = new AbortController();
      aborts.push(ac);
      const get = await request(f.url, { method: 'GET', dispatcher: agent, headers: { accept: 'text/event-stream', ...session }, signal: ac.signal });
      if (await expired(get)) return EXPIRED;
      check(get.statusCode === 200 && get.headers['content-type'] === 'text/event-stream', 'GET → 200 SSE', get.statusCode);
      bodies.push(get.body);
      // The priming event (2025-11-25) or the first keep-alive comment.
      await readUntil(get.body, (t) => t.includes('\n\n'));
    }
    const ac = new AbortController();
    aborts.push(ac);
    const post = await request(f.url, {
      method: 'POST',
      dispatcher: agent,
      headers: { ...json, ...session },
      signal: ac.signal,
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'slow_stream', _meta: { progressToken: `p${i}` } } }),
    });
    // With the GET stream open the session cannot expire (it has a connection).
    if (!withGet && (await expired(post))) return EXPIRED;
    check(post.statusCode === 200 && post.headers['content-type'] === 'text/event-stream', 'tools/call slow_stream → 200 SSE', post.statusCode);
    bodies.push(post.body);
    const text = await readUntil(post.body, (t) => /"method":"notifications\/progress".*\n\n/s.test(t));
    check(text.includes(`"progressToken":"p${i}"`), 'the progress event carries the request\'s token', text);
  } finally {
    // Abort mid-stream: the connections go away while the handler is still running.
    for (const ac of aborts) ac.abort(ABORTED);
    for (const b of bodies) b.on('error', () => {}).destroy();
  }
  return sid;
}

/**
 * One client, starting over with a fresh initialize when its session expired during set-up (SES-06): on a loaded machine
 * (a shared 2-CPU sandbox) a request can take longer than the 300 ms idle timeout to reach the server, even on a bare
 * node:http server, and a session with nothing open or running is legitimately expired then.
 * @returns The session id.
 */
async function client(f: Fixture, agent: Agent, i: number, withGet: boolean): Promise<string> {
  for (let tries = 1; ; tries++) {
    const sid = await attempt(f, agent, i, withGet);
    if (sid !== EXPIRED) return sid;
    f.reinitialized++;
    if (tries >= 20) throw new Error(`client ${i}: its session expired during set-up ${tries} times`);
  }
}

describe('no leaks after aborted SSE streams', () => {
  it('SH-07/SES-05/RSM-07: 1,000 aborted POST (and 500 GET) streams; the handlers run on, then every session expires and everything returns to zero', { timeout: 90_000 }, async () => {
    const gc = gcFn();
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const timersBefore = timeouts();
    const t0 = Date.now();

    const f = await start();
    await drive(1000, 50, async (i, agent) => {
      await client(f, agent, i, i % 2 === 0);
    });
    const driven = Date.now();

    expect(f.handlers.started).toBe(1000);
    // The clients are gone, so their connections are; but a disconnect is not a cancellation (SH-07).
    await eventually(() => expect(f.mcp.stats().connections).toBe(0), 5000);
    expect(f.handlers.aborted).toBe(0);
    expect(f.handlers.running).toBeGreaterThan(0);
    const mid = f.mcp.stats();
    expect(mid.inflight).toBeGreaterThan(0);
    expect(mid.sessions).toBeGreaterThan(0);
    expect(mid.bufferedEvents).toBeGreaterThan(0); // progress of detached streams is kept for resumption
    expect(mid.timers).toBe(1); // the expiry sweeper only: no keep-alive survives its connection

    // The handlers stop by themselves (5 s cap), then the idle sessions expire (300 ms, swept every 150 ms).
    await eventually(() => expect(f.mcp.stats()).toEqual(ZERO), SLOW_CAP_MS + 5000);
    expect(f.handlers).toMatchObject({ started: 1000, running: 0, aborted: 0, finished: 1000 });
    expect(f.errors).toEqual([]);

    // Every agent is closed: the server holds no socket either.
    await eventually(async () => expect(await serverConnections(f.server)).toBe(0), 3000);
    await f.mcp.close();
    await f.server.close();
    expect(f.mcp.stats()).toEqual(ZERO);

    await eventually(() => expect(timeouts()).toBeLessThanOrEqual(timersBefore + 2), 3000);
    gc?.();
    await sleep(50);
    gc?.();
    const growth = process.memoryUsage().heapUsed - heapBefore;
    expect(growth).toBeLessThan(64 * 1024 * 1024);
    console.info(`1000 clients (${f.reinitialized} re-initialized after a set-up expiry): driven in ${driven - t0} ms, all zero after ${Date.now() - t0} ms, heap ${(growth / 1048576).toFixed(1)} MiB, Timeouts ${timersBefore}→${timeouts()}${gc ? '' : ' (no gc)'}`);
  });

  it('SES-07/RSM-07: 200 clients that DELETE their session after aborting: handlers are aborted and everything is zero at once', { timeout: 45_000 }, async () => {
    const gc = gcFn();
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const timersBefore = timeouts();

    const f = await start();
    await drive(200, 50, async (i, agent) => {
      const sid = await client(f, agent, i, i % 2 === 1);
      const version = VERSIONS[i % VERSIONS.length]!;
      const del = await request(f.url, {
        method: 'DELETE',
        dispatcher: agent,
        headers: version === '2025-03-26' ? { 'mcp-session-id': sid } : { 'mcp-session-id': sid, 'mcp-protocol-version': version },
      });
      check(del.statusCode === 200, 'DELETE → 200', del.statusCode);
      await del.body.dump();
    });

    // DELETE ends the session now: no waiting for expiry, no handler left running, no buffered event left behind.
    expect(f.mcp.stats().sessions).toBe(0);
    await eventually(() => expect(f.mcp.stats()).toEqual(ZERO), 2000);
    await eventually(() => expect(f.handlers).toMatchObject({ started: 200, running: 0, aborted: 200, finished: 0 }), 2000);
    expect(f.errors).toEqual([]);

    await eventually(async () => expect(await serverConnections(f.server)).toBe(0), 3000);
    await f.mcp.close();
    await f.server.close();
    await eventually(() => expect(timeouts()).toBeLessThanOrEqual(timersBefore + 2), 3000);
    gc?.();
    await sleep(50);
    gc?.();
    const growth = process.memoryUsage().heapUsed - heapBefore;
    expect(growth).toBeLessThan(32 * 1024 * 1024);
    console.info(`200 clients + DELETE (${f.reinitialized} re-initialized): heap ${(growth / 1048576).toFixed(1)} MiB, Timeouts ${timersBefore}→${timeouts()}${gc ? '' : ' (no gc)'}`);
  });
});
