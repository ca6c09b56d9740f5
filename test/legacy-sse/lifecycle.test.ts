/**
 * SSE-07: on the HTTP+SSE transport the connection is the session. A client that goes away mid-call ends its session:
 * its in-flight work is aborted ("The session ended"), its pending server-to-client requests fail, and no session,
 * connection, timer or stream is left behind. Then the same for 1,000 clients driven with raw undici, 50 at a time.
 */
import { describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';
import type { Mcp } from '@x/mcp-core';
import type { NodeServer } from '@x/mcp-node-http';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { ZERO, activeTimeouts, connectSdk, expectIdle, nextId, openRaw, startLegacy, waitFor, within } from './harness';
import type { LegacyServed } from './harness';

const SLOW_CAP_MS = 5000;

interface Slow {
  started: number;
  running: number;
  /** The abort reasons the handlers saw. */
  reasons: Map<string, number>;
  finished: number;
}

/** Registers `slow`: reports progress 1 when it starts (if asked), then waits for its signal (5 s cap). */
function registerSlow(mcp: Mcp, slow: Slow): void {
  mcp.tool('slow', { description: 'Waits until cancelled (5 s cap)' }, async (_a, ctx) => {
    slow.started++;
    slow.running++;
    try {
      ctx.progress(1);
      await new Promise<void>((resolve) => {
        const cap = setTimeout(resolve, SLOW_CAP_MS);
        ctx.signal.addEventListener(
          'abort',
          () => {
            clearTimeout(cap);
            resolve();
          },
          { once: true },
        );
      });
      if (ctx.signal.aborted) {
        const reason = String(ctx.signal.reason);
        slow.reasons.set(reason, (slow.reasons.get(reason) ?? 0) + 1);
      } else {
        slow.finished++;
      }
      return { content: [{ type: 'text', text: 'done' }] };
    } finally {
      slow.running--;
    }
  });
}

const newSlow = (): Slow => ({ started: 0, running: 0, reasons: new Map(), finished: 0 });
const serverConnections = (s: NodeServer) => new Promise<number>((resolve, reject) => s.server.getConnections((e, n) => (e ? reject(e) : resolve(n))));

describe('SSE-07: a disconnect ends the session', () => {
  it('a raw client that disconnects mid-call: the call is aborted ("The session ended"), the session, stream and timers are gone', async () => {
    const slow = newSlow();
    const s = await startLegacy({}, (mcp) => registerSlow(mcp, slow));
    try {
      const timersBefore = activeTimeouts();
      const r = await openRaw(s.sseUrl);
      const id = nextId();
      expect((await r.post({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'slow', _meta: { progressToken: 'p' } } })).status).toBe(202);
      await r.stream.waitMessage((m) => m.find((x) => x.method === 'notifications/progress' && x.params.progressToken === 'p'), 'the slow call to run');
      // One session, its connection, its call; timers: the expiry sweeper and the connection's keep-alive.
      expect(s.mcp.stats()).toEqual({ ...ZERO, sessions: 1, connections: 1, inflight: 1, timers: 2 });

      r.abort();
      await waitFor(() => slow.running === 0, 'the handler to see the abort');
      expect([...slow.reasons]).toEqual([['The session ended', 1]]);
      await expectIdle(s.mcp);
      // The session is gone for good: its POST URI now answers 404.
      const late = await r.post({ jsonrpc: '2.0', id: nextId(), method: 'ping' });
      expect(late.status).toBe(404);
      expect(JSON.parse(late.text).error.code).toBe(-32600);
      expect(r.stream.violations).toEqual([]);
      expect(s.errors).toEqual([]);
      await waitFor(() => activeTimeouts() <= timersBefore, 'the process Timeouts to return to their count');
    } finally {
      await s.close();
    }
  });

  it('a pending server-to-client request (elicitation) fails and frees its timer when the client goes away', async () => {
    const s = await startLegacy();
    try {
      // Elicitation exists from 2025-06-18: a client of that revision that kept the old transport.
      const r = await openRaw(s.sseUrl, { initialize: '2025-06-18', capabilities: { elicitation: {} } });
      const id = nextId();
      await r.post({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'test_elicitation', arguments: { message: 'Still there?' } } });
      const ask = await r.stream.waitMessage((m) => m.find((x) => x.method === 'elicitation/create'), 'the elicitation request');
      expect(ask.params.message).toBe('Still there?');
      // Never answered: the session holds the call, the pending request and its timer.
      expect(s.mcp.stats()).toEqual({ ...ZERO, sessions: 1, connections: 1, inflight: 1, pendingClientRequests: 1, timers: 3 });
      r.abort();
      await expectIdle(s.mcp);
      expect(r.stream.violations).toEqual([]);
      expect(s.errors).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('the SDK client closing mid-call ends the session the same way', async () => {
    const slow = newSlow();
    const s = await startLegacy({}, (mcp) => registerSlow(mcp, slow));
    try {
      const c = await connectSdk(s.sseUrl, {
        capabilities: { elicitation: {} },
        setup: (client) => client.setRequestHandler(ElicitRequestSchema, () => ({ action: 'cancel' })),
      });
      const call = c.client.callTool({ name: 'slow' }).then(
        () => 'resolved',
        (e: Error) => e.message,
      );
      await waitFor(() => slow.running === 1, 'the slow call to run');
      expect(s.mcp.stats()).toMatchObject({ sessions: 1, connections: 1, inflight: 1 });
      await c.close();
      expect(await within(call, 3000, 'the call to fail on close')).toMatch(/Connection closed/);
      await waitFor(() => slow.running === 0, 'the handler to see the abort');
      expect([...slow.reasons]).toEqual([['The session ended', 1]]);
      await expectIdle(s.mcp);
      expect(c.tap.stream.violations).toEqual([]);
      expect(s.errors).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('mcp.close() ends every HTTP+SSE session: the streams end and the handlers are aborted', async () => {
    const slow = newSlow();
    const s = await startLegacy({}, (mcp) => registerSlow(mcp, slow));
    try {
      const clients = await Promise.all([openRaw(s.sseUrl), openRaw(s.sseUrl), openRaw(s.sseUrl)]);
      for (const r of clients) await r.post({ jsonrpc: '2.0', id: nextId(), method: 'tools/call', params: { name: 'slow' } });
      await waitFor(() => slow.running === 3, 'three slow calls');
      await s.mcp.close();
      for (const r of clients) await within(r.done, 3000, 'the stream to end');
      expect(slow.reasons.get('The session ended')).toBe(3);
      expect(s.mcp.stats()).toEqual(ZERO);
      // Later requests get 503.
      const late = await clients[0]!.post({ jsonrpc: '2.0', id: 1, method: 'ping' });
      expect(late.status).toBe(503);
    } finally {
      await s.server.close();
    }
  });
});

// ---- 1,000 clients ------------------------------------------------------------------------------

/** A cheap check for the hot path (vitest's expect adds up over thousands of calls). */
function check(ok: boolean, what: string, got?: unknown): void {
  if (!ok) throw new Error(`${what}${got === undefined ? '' : `; got ${JSON.stringify(got).slice(0, 500)}`}`);
}

/** Reads a streaming body until `done(textSoFar)` holds (bounded); the stream stays open. */
async function readUntil(it: AsyncIterator<unknown>, sofar: { text: string }, done: (text: string) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!done(sofar.text)) {
    if (Date.now() > deadline) throw new Error(`no ${what} within 5 s: ${sofar.text.slice(-300)}`);
    const step = await within(it.next(), 5000, what);
    if (step.done) throw new Error(`stream ended before ${what}: ${sofar.text.slice(-300)}`);
    sofar.text += Buffer.from(step.value as Buffer).toString('utf8');
  }
}

const ABORTED = new Error('the client went away mid-call');
void ABORTED.stack;

/**
 * One client: GET /sse, read the endpoint, POST initialize + initialized + a slow tools/call, read until the call is
 * running (its progress event), then abort the GET.
 */
async function oneClient(s: LegacyServed, agent: Agent, i: number): Promise<void> {
  const ac = new AbortController();
  const get = await request(s.sseUrl, { method: 'GET', dispatcher: agent, headers: { accept: 'text/event-stream' }, signal: ac.signal });
  check(get.statusCode === 200, 'GET /sse → 200', get.statusCode);
  const body: Dispatcher.ResponseData['body'] = get.body;
  try {
    const it = body[Symbol.asyncIterator]();
    const sofar = { text: '' };
    await readUntil(it, sofar, (t) => /^event: endpoint\ndata: ([^\n]+)\n\n/.test(t), 'endpoint event');
    const endpoint = /^event: endpoint\ndata: ([^\n]+)\n\n/.exec(sofar.text)![1]!;
    check(/^\/messages\?sessionId=[0-9a-f]+$/.test(endpoint), 'a relative endpoint', endpoint);
    const url = new URL(endpoint, s.origin);
    const post = async (message: unknown) => {
      const r = await request(url, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) });
      const text = await r.body.text();
      check(r.statusCode === 202 && text === 'Accepted', '202 Accepted', { status: r.statusCode, text });
    };
    await post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: `c${i}`, version: '0' } } });
    await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    await post({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'slow', _meta: { progressToken: `p${i}` } } });
    await readUntil(it, sofar, (t) => t.includes(`"progressToken":"p${i}"`) && /"progressToken":"p\d+"[^\n]*\n\n/.test(t), 'the progress event');
    check(sofar.text.includes('"id":0,"result":{"protocolVersion":"2024-11-05"'), 'the initialize result on the stream', sofar.text.slice(0, 400));
  } finally {
    // The client goes away while its call is running.
    ac.abort(ABORTED);
    body.on('error', () => {}).destroy();
  }
}

describe('SSE-07 at scale', () => {
  it('1,000 clients disconnect mid-call (50 at a time): every call is aborted, and stats() and the process Timeouts return to zero', { timeout: 60_000 }, async () => {
    const timersBefore = activeTimeouts();
    const slow = newSlow();
    const s = await startLegacy({ keepAliveMs: 50 }, (mcp) => registerSlow(mcp, slow));
    const t0 = Date.now();
    let peakSessions = 0;
    const agents = Array.from({ length: 50 }, () => new Agent({ keepAliveTimeout: 4000 }));
    try {
      let next = 0;
      await Promise.all(
        agents.map(async (agent) => {
          while (next < 1000) {
            await oneClient(s, agent, next++);
            peakSessions = Math.max(peakSessions, s.mcp.stats().sessions);
          }
        }),
      );
    } finally {
      await Promise.all(agents.map((a) => a.close()));
    }
    const driven = Date.now() - t0;
    expect(slow.started).toBe(1000);
    expect(peakSessions).toBeGreaterThan(0);
    expect(peakSessions).toBeLessThanOrEqual(50);

    // Every session ends with its connection; every call is aborted with the session's reason.
    await expectIdle(s.mcp, 5000);
    expect(s.mcp.stats()).toEqual(ZERO);
    await waitFor(() => slow.running === 0, 'every handler to stop', 3000);
    expect([...slow.reasons]).toEqual([['The session ended', 1000]]);
    expect(slow.finished).toBe(0);
    expect(s.errors).toEqual([]);
    await waitFor(async () => (await serverConnections(s.server)) === 0, 'the server sockets to close', 3000);
    await s.close();
    await waitFor(() => activeTimeouts() <= timersBefore + 2, `the process Timeouts (${timersBefore} before) to return`, 3000);
    console.info(`1000 HTTP+SSE clients: driven in ${driven} ms, idle after ${Date.now() - t0} ms, Timeouts ${timersBefore}→${activeTimeouts()}`);
  });
});
