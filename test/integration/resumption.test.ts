/**
 * Resumability over real sockets (checklist §4.3 RSM-01..07): SSE polling with the official SDK client
 * (test_reconnection), and raw undici streams dropped mid-call and resumed with GET + Last-Event-ID, which must
 * replay exactly the rest of that one stream and nothing of another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMcp } from '@x/mcp-core';
import { SseReader, checkServerMessage, connect, expectIdle, nextId, rawSession, startEverything, startServer, waitFor, within } from './harness.ts';
import type { RawSession, Served, SseEvent } from './harness.ts';

const violations: string[] = [];
const serverErrors: unknown[] = [];
let s: Served;

beforeAll(async () => {
  s = await startEverything({}, serverErrors);
});
afterAll(async () => {
  await s?.close();
});

describe('SSE polling with the SDK client (RSM-05, RSM-06)', () => {
  it('test_reconnection on 2025-11-25: primed stream, server close with retry, GET + Last-Event-ID delivers the result', async () => {
    const c = await connect(s.url, { violations });
    try {
      const r = await within(c.client.callTool({ name: 'test_reconnection' }), 5000, 'test_reconnection');
      expect(r.content).toEqual([{ type: 'text', text: 'Reconnection test completed' }]);
      const post = c.wire.exchanges.find((e) => e.body?.method === 'tools/call')!;
      expect(post.headers.get('content-type')).toMatch(/^text\/event-stream/);
      await within(post.ended, 2000, 'the POST stream to end');
      // Priming event: an id and empty data, with the retry hint (RSM-05); then the server-side close with retry 100.
      expect(post.events[0]).toMatchObject({ data: '', retry: 1000 });
      expect(post.events[0]!.id).toMatch(/^[\x21-\x7e]+$/);
      expect(post.events.at(-1)).toMatchObject({ retry: 100 });
      expect(post.events.filter((e) => e.data !== '')).toEqual([]);
      // The SDK resumed with GET + Last-Event-ID = the priming id, and the response came on that GET (RSM-04).
      const resume = c.wire.exchanges.find((e) => e.method === 'GET' && e.requestHeaders.has('last-event-id'))!;
      expect(resume.requestHeaders.get('last-event-id')).toBe(post.events[0]!.id);
      expect(resume.status).toBe(200);
      const requestId = c.wire.sent.find((m) => m.method === 'tools/call')!.id;
      const answer = c.wire.received.find((m) => m.message.id === requestId)!;
      expect(answer.via).toBe('GET');
      expect(answer.eventId!.split('.')[0]).toBe(post.events[0]!.id!.split('.')[0]);
    } finally {
      await c.close();
    }
    await expectIdle(s.mcp);
  });

  it('test_reconnection on 2025-06-18: no polling, the result comes on the POST stream (RSM-05 is 2025-11-25 only)', async () => {
    const c = await connect(s.url, { version: '2025-06-18', violations });
    try {
      const r = await within(c.client.callTool({ name: 'test_reconnection' }), 5000, 'test_reconnection');
      expect(r.content).toEqual([{ type: 'text', text: 'Reconnection test completed' }]);
      expect(c.wire.exchanges.some((e) => e.requestHeaders.has('last-event-id'))).toBe(false);
      const requestId = c.wire.sent.find((m) => m.method === 'tools/call')!.id;
      expect(c.wire.received.find((m) => m.message.id === requestId)!.via).toBe('POST');
    } finally {
      await c.close();
    }
    await expectIdle(s.mcp);
  });
});

// ---- raw streams --------------------------------------------------------------------------------

describe('drop and resume with raw undici (RSM-01, RSM-02, RSM-03, RSM-07)', () => {
  let t: Served;
  const tErrors: unknown[] = [];
  const methods = new Map<unknown, string>();
  beforeAll(async () => {
    const mcp = createMcp({ name: 'ticker', version: '1.0.0', onError: (e) => tErrors.push(e) });
    mcp.tool(
      'ticker',
      { inputSchema: { type: 'object', properties: { steps: { type: 'integer' }, everyMs: { type: 'integer' } }, required: ['steps', 'everyMs'] } },
      async (args, ctx) => {
        const { steps, everyMs } = args as { steps: number; everyMs: number };
        for (let i = 1; i <= steps; i++) {
          ctx.progress(i, steps, `tick ${i}`);
          await new Promise((r) => setTimeout(r, everyMs));
        }
        return { content: [{ type: 'text', text: `ticked ${steps}` }] };
      },
    );
    t = await startServer(mcp);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Starts a ticker call and reads up to its first message, then drops the connection. */
  async function startAndDrop(r: RawSession, token: string, steps: number, everyMs: number) {
    const id = nextId();
    methods.set(id, 'tools/call');
    const ac = new AbortController();
    const res = await r.post(
      { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'ticker', arguments: { steps, everyMs }, _meta: { progressToken: token } } },
      { signal: ac.signal },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = new SseReader(res.body!);
    const seen: SseEvent[] = [];
    if (r.version >= '2025-11-25') {
      const priming = (await reader.next())!;
      expect(priming.data).toBe('');
      expect(priming.id).toBeDefined();
      seen.push(priming);
    }
    const first = (await reader.nextMessage())!;
    seen.push(first.event);
    expect(first.message).toMatchObject({ method: 'notifications/progress', params: { progressToken: token, progress: 1 } });
    ac.abort(); // drop the connection; the logical stream lives on (SH-07: not a cancellation)
    await within(reader.done, 2000, 'the dropped stream to end');
    return { id, lastEventId: first.event.id!, seen };
  }

  /** Resumes with GET + Last-Event-ID and reads until the server ends the stream. */
  async function resume(r: RawSession, lastEventId: string): Promise<{ events: SseEvent[]; messages: any[] }> {
    const res = await r.get({ lastEventId });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await new SseReader(res.body!).rest(3000);
    const messages = events.filter((e) => e.data !== '').map((e) => JSON.parse(e.data));
    for (const m of messages) violations.push(...checkServerMessage(r.version, m, (x) => methods.get(x)));
    return { events, messages };
  }

  it.each(['2025-11-25', '2025-06-18'])('a dropped POST stream resumes with exactly the remaining events and the response, %s', async (version) => {
    const r = await rawSession(t.url, version);
    try {
      const a = await startAndDrop(r, 'tok', 6, 40);
      const { events, messages } = await resume(r, a.lastEventId);
      expect(messages.slice(0, -1).map((m) => [m.method, m.params.progressToken, m.params.progress])).toEqual(
        [2, 3, 4, 5, 6].map((p) => ['notifications/progress', 'tok', p]),
      );
      expect(messages.at(-1)).toEqual({ jsonrpc: '2.0', id: a.id, result: { content: [{ type: 'text', text: 'ticked 6' }] } });
      // Every replayed event has an id of the same stream, after the resumed one, never reissued (RSM-01, RSM-02).
      const stream = a.lastEventId.slice(0, a.lastEventId.lastIndexOf('.'));
      const ids = events.filter((e) => e.data !== '').map((e) => e.id!);
      for (const id of ids) expect(id.slice(0, id.lastIndexOf('.'))).toBe(stream);
      expect(new Set([...ids, ...a.seen.map((e) => e.id)]).size).toBe(ids.length + a.seen.length);
      // The stream is over and forgotten: resuming it again replays nothing of it (RSM-07).
      await waitFor(() => t.mcp.stats().bufferedEvents === 0, 'the finished stream to be released');
    } finally {
      await r.delete();
    }
    await expectIdle(t.mcp);
  });

  it('two concurrent dropped calls resume separately: ids and messages never cross (RSM-03)', async () => {
    const r = await rawSession(t.url, '2025-11-25');
    try {
      const [a, b] = await Promise.all([startAndDrop(r, 'A', 5, 50), startAndDrop(r, 'B', 5, 50)]);
      const streamOf = (id: string) => id.slice(0, id.lastIndexOf('.'));
      expect(streamOf(a.lastEventId)).not.toBe(streamOf(b.lastEventId));
      const [ra, rb] = await Promise.all([resume(r, a.lastEventId), resume(r, b.lastEventId)]);
      for (const [mine, other, res] of [
        [a, b, ra],
        [b, a, rb],
      ] as const) {
        const token = mine === a ? 'A' : 'B';
        const progress = res.messages.filter((m) => m.method === 'notifications/progress');
        expect(progress.map((m) => m.params.progressToken)).toEqual([token, token, token, token]);
        expect(progress.map((m) => m.params.progress)).toEqual([2, 3, 4, 5]);
        const responses = res.messages.filter((m) => 'result' in m || 'error' in m);
        expect(responses.map((m) => m.id)).toEqual([mine.id]);
        for (const e of res.events) if (e.id !== undefined) expect(streamOf(e.id)).toBe(streamOf(mine.lastEventId));
        expect(res.events.some((e) => e.id !== undefined && streamOf(e.id) === streamOf(other.lastEventId))).toBe(false);
      }
      // RSM-01: event ids are unique across both streams of the session.
      const all = [...ra.events, ...rb.events, ...a.seen, ...b.seen].map((e) => e.id).filter((x) => x !== undefined);
      expect(new Set(all).size).toBe(all.length);
    } finally {
      await r.delete();
    }
    await expectIdle(t.mcp);
  });

  it("another session's event id replays nothing (RSM-03)", async () => {
    const owner = await rawSession(t.url, '2025-11-25');
    const thief = await rawSession(t.url, '2025-11-25');
    try {
      const a = await startAndDrop(owner, 'mine', 4, 50);
      // The thief's GET with the owner's id: no replay, it gets its own (empty) standalone stream.
      const ac = new AbortController();
      const res = await thief.get({ lastEventId: a.lastEventId, signal: ac.signal });
      expect(res.status).toBe(200);
      const reader = new SseReader(res.body!);
      const got: SseEvent[] = [];
      const until = Date.now() + 400;
      for (let i = 0; i < 100 && Date.now() < until; i++) {
        const e = await reader.next(Math.max(1, until - Date.now())).catch(() => undefined);
        if (e === undefined) break;
        got.push(e);
      }
      ac.abort();
      await within(reader.done, 2000, 'the thief stream to end');
      expect(got.filter((e) => e.data !== '')).toEqual([]);
      // The owner still gets everything.
      const { messages } = await resume(owner, a.lastEventId);
      expect(messages.filter((m) => m.method === 'notifications/progress').map((m) => m.params.progress)).toEqual([2, 3, 4]);
      expect(messages.at(-1).id).toBe(a.id);
    } finally {
      await owner.delete();
      await thief.delete();
    }
    await expectIdle(t.mcp);
  });

  it('the standalone GET stream resumes too: a notification sent while disconnected is replayed (RSM-03, 2025-11-25)', async () => {
    const r = await rawSession(t.url, '2025-11-25');
    try {
      const ac = new AbortController();
      const res = await r.get({ signal: ac.signal });
      expect(res.status).toBe(200);
      const reader = new SseReader(res.body!);
      const priming = (await reader.next())!;
      expect(priming).toMatchObject({ data: '', retry: 1000 });
      t.mcp.tool('first', {}, () => ({ content: [] })).remove();
      const first = (await reader.nextMessage())!;
      expect(first.message.method).toBe('notifications/tools/list_changed');
      ac.abort();
      await within(reader.done, 2000, 'the GET stream to drop');
      await waitFor(() => t.mcp.stats().connections === 0, 'the server to see the drop');
      // Sent while no connection is attached: stored, then replayed on resume.
      t.mcp.tool('second', {}, () => ({ content: [] })).remove();
      await new Promise((res2) => setTimeout(res2, 20));
      const again = await r.get({ lastEventId: first.event.id! });
      expect(again.status).toBe(200);
      const reader2 = new SseReader(again.body!);
      const replayed = (await reader2.nextMessage())!;
      expect(replayed.message).toEqual({ jsonrpc: '2.0', method: 'notifications/tools/list_changed', params: {} });
      expect(replayed.event.id).not.toBe(first.event.id);
      await again.body?.cancel().catch(() => {});
    } finally {
      await r.delete();
    }
    await expectIdle(t.mcp);
    expect(tErrors).toEqual([]);
  });
});

describe('after every client closed', () => {
  it('the server holds nothing and every server message matched the schema', async () => {
    await expectIdle(s.mcp);
    expect(violations).toEqual([]);
    expect(serverErrors).toEqual([]);
  });
});
