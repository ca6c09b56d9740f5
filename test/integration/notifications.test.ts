/**
 * Request-related notifications over real sockets with the official SDK client: logging (LOG-01), progress
 * (PROG-01, PROG-02) and cancellation (CAN-01).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmptyResultSchema, LoggingMessageNotificationSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { LoggingMessageNotification, Progress } from '@modelcontextprotocol/sdk/types.js';
import { createMcp } from '@x/mcp-core';
import { REVISIONS, SseReader, connect, expectIdle, nextId, rawSession, startEverything, startServer, waitFor, within } from './harness.ts';
import type { Connected, Served } from './harness.ts';

const violations: string[] = [];
const serverErrors: unknown[] = [];
let s: Served;

beforeAll(async () => {
  s = await startEverything({}, serverErrors);
});
afterAll(async () => {
  await s?.close();
});

/** The HTTP exchange that carried the last tools/call of a client. */
const lastCall = (c: Connected) => c.wire.exchanges.filter((e) => e.body?.method === 'tools/call').at(-1)!;

describe.each(REVISIONS)('logging, %s (LOG-01)', (version) => {
  let c: Connected;
  const logs: LoggingMessageNotification['params'][] = [];
  beforeAll(async () => {
    c = await connect(s.url, {
      version,
      violations,
      setup: (client) => client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push(n.params)),
    });
  });
  afterAll(async () => {
    await c?.close();
  });

  it("setLevel('debug'): test_tool_with_logging delivers 3 notifications/message on its own stream", async () => {
    logs.length = 0;
    expect(await c.client.setLoggingLevel('debug')).toEqual({});
    const r = await c.client.callTool({ name: 'test_tool_with_logging' });
    expect(r.content).toEqual([{ type: 'text', text: 'Tool with logging executed successfully' }]);
    // Related messages precede the response on the POST's SSE stream (SH-05, PROG-02).
    expect(logs).toEqual([
      { level: 'info', data: 'Tool execution started' },
      { level: 'info', data: 'Tool processing data' },
      { level: 'info', data: 'Tool execution completed' },
    ]);
    const call = lastCall(c);
    expect(call.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await within(call.ended, 2000, 'the POST stream to end');
    const onStream = call.events.filter((e) => e.data !== '').map((e) => JSON.parse(e.data));
    expect(onStream.map((m) => m.method ?? 'response')).toEqual(['notifications/message', 'notifications/message', 'notifications/message', 'response']);
    expect(c.wire.received.filter((m) => m.message.method === 'notifications/message').every((m) => m.via === 'POST')).toBe(true);
  });

  it("setLevel('error'): no notifications/message, and the answer stays plain JSON", async () => {
    logs.length = 0;
    expect(await c.client.setLoggingLevel('error')).toEqual({});
    const r = await c.client.callTool({ name: 'test_tool_with_logging' });
    expect(r.isError).toBeFalsy();
    expect(logs).toEqual([]);
    expect(lastCall(c).headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('an invalid level is -32602', async () => {
    const e = await c.client.request({ method: 'logging/setLevel', params: { level: 'loud' } } as never, EmptyResultSchema).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(McpError);
    expect((e as McpError).code).toBe(-32602);
  });
});

describe.each(REVISIONS)('progress, %s (PROG-01)', (version) => {
  it('test_tool_with_progress sends 3 increasing notifications with the request token', async () => {
    const c = await connect(s.url, { version, violations });
    try {
      const seen: Progress[] = [];
      const r = await c.client.callTool({ name: 'test_tool_with_progress' }, undefined, { onprogress: (p) => void seen.push(p) });
      expect(r.content).toEqual([{ type: 'text', text: 'Progress tool completed' }]);
      expect(seen.map((p) => [p.progress, p.total])).toEqual([
        [0, 100],
        [50, 100],
        [100, 100],
      ]);
      if (version >= '2025-03-26') expect(seen.map((p) => p.message)).toEqual(['Completed step 1 of 3', 'Completed step 2 of 3', 'Completed step 3 of 3']);
      // The token is the one the SDK put in the request's _meta.
      const call = c.wire.sent.find((m) => m.method === 'tools/call' && m.params?.name === 'test_tool_with_progress');
      const token = call.params._meta.progressToken;
      expect(token).toBeDefined();
      const wire = c.wire.received.filter((m) => m.message.method === 'notifications/progress');
      expect(wire).toHaveLength(3);
      for (const m of wire) {
        expect(m.message.params.progressToken).toBe(token);
        expect(m.via).toBe('POST');
      }
    } finally {
      await c.close();
    }
  });

  it('without a progressToken, no progress is sent', async () => {
    const c = await connect(s.url, { version, violations });
    try {
      await c.client.callTool({ name: 'test_tool_with_progress' });
      expect(c.wire.messages('notifications/progress')).toEqual([]);
    } finally {
      await c.close();
    }
  });
});

describe('cancellation (CAN-01)', () => {
  let slow: Served;
  const slowErrors: unknown[] = [];
  let seen: { aborted: boolean; reason: unknown } | undefined;
  let started = 0;

  beforeAll(async () => {
    const mcp = createMcp({ name: 'slow', version: '1.0.0', onError: (e) => slowErrors.push(e) });
    mcp.tool('slow', { description: 'Waits for its signal (at most 5 s)' }, async (_args, ctx) => {
      started++;
      ctx.progress(1, 10, 'started');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 5000);
        const done = () => {
          clearTimeout(t);
          resolve();
        };
        if (ctx.signal.aborted) done();
        else ctx.signal.addEventListener('abort', done, { once: true });
      });
      // Progress after cancellation is dropped (PROG-01: only active requests).
      ctx.progress(2, 10, 'after abort');
      seen = { aborted: ctx.signal.aborted, reason: ctx.signal.reason };
      return { content: [{ type: 'text', text: 'finished anyway' }] };
    });
    slow = await startServer(mcp);
  });
  afterAll(async () => {
    await slow?.close();
  });

  it.each(REVISIONS)('an aborted SDK call sends notifications/cancelled; the tool sees the abort, no response is sent, %s', async (version) => {
    const c = await connect(slow.url, { version, violations });
    try {
      seen = undefined;
      const startedBefore = started;
      const ac = new AbortController();
      const progress: Progress[] = [];
      const call = c.client.callTool({ name: 'slow' }, undefined, { signal: ac.signal, onprogress: (p) => void progress.push(p) });
      const outcome = call.then(
        () => 'resolved',
        (e: unknown) => e,
      );
      await waitFor(() => started > startedBefore && slow.mcp.stats().inflight === 1, 'the tool to start');
      await waitFor(() => progress.length === 1, 'the first progress');
      await new Promise((r) => setTimeout(r, 100));
      ac.abort('user gave up');
      expect(await within(outcome, 2000, 'the aborted call to reject')).not.toBe('resolved');

      await waitFor(() => seen !== undefined, 'the tool to observe the abort');
      expect(seen!.aborted).toBe(true);
      expect(seen!.reason).toBe('user gave up');
      await waitFor(() => slow.mcp.stats().inflight === 0, 'inflight to return to 0');

      const requestId = c.wire.sent.find((m) => m.method === 'tools/call')!.id;
      const cancel = c.wire.sent.find((m) => m.method === 'notifications/cancelled');
      expect(cancel?.params).toEqual({ requestId, reason: 'user gave up' });
      // The server may act on the cancel before the client has read the 202: wait for the exchange.
      const ack = await waitFor(() => c.wire.exchanges.find((e) => e.body?.method === 'notifications/cancelled'), 'the 202 for notifications/cancelled');
      expect(ack.status).toBe(202);
      // The cancelled request owes no response; its stream ends without one.
      const post = c.wire.exchanges.find((e) => e.body?.method === 'tools/call')!;
      await within(post.ended, 2000, 'the cancelled POST stream to end');
      expect(c.wire.received.filter((m) => m.message.id === requestId)).toEqual([]);
      expect(c.wire.received.filter((m) => m.message.method === 'notifications/progress')).toHaveLength(1);
      // The session goes on.
      expect(await c.client.ping()).toEqual({});
    } finally {
      await c.close();
    }
    await expectIdle(slow.mcp);
  });

  it('DELETE during a call aborts it and ends its stream; nothing is left behind (SES-07, RSM-07)', async () => {
    const r = await rawSession(slow.url, '2025-11-25');
    seen = undefined;
    const res = await r.post({ jsonrpc: '2.0', id: nextId(), method: 'tools/call', params: { name: 'slow', arguments: {}, _meta: { progressToken: 'p' } } });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = new SseReader(res.body!);
    expect((await reader.nextMessage())!.message.method).toBe('notifications/progress');
    expect(slow.mcp.stats()).toMatchObject({ sessions: 1, inflight: 1, connections: 1 });
    expect((await r.delete()).status).toBe(200);
    await waitFor(() => seen !== undefined, 'the tool to observe the abort');
    expect(seen).toEqual({ aborted: true, reason: 'The session ended' });
    // The stream ends without a response.
    const rest = await reader.rest(2000);
    expect(rest.filter((e) => e.data !== '')).toEqual([]);
    await expectIdle(slow.mcp);
  });

  it('cancelling an unknown or finished request is tolerated (202)', async () => {
    const r = await rawSession(slow.url, '2025-11-25');
    try {
      for (const requestId of [nextId(), 'never-sent']) {
        const res = await r.post({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId, reason: 'race' } });
        expect(res.status).toBe(202);
        expect(await res.text()).toBe('');
      }
      const ping = await r.post({ jsonrpc: '2.0', id: nextId(), method: 'ping' });
      expect(((await ping.json()) as any).result).toEqual({});
    } finally {
      await r.delete();
    }
    await expectIdle(slow.mcp);
    expect(slowErrors).toEqual([]);
  });
});

describe('after every client closed', () => {
  it('the server holds nothing and every server message matched the schema', async () => {
    await expectIdle(s.mcp);
    expect(violations).toEqual([]);
    expect(serverErrors).toEqual([]);
  });
});
