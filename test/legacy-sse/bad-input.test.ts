/**
 * Bad input on the HTTP+SSE transport (checklist SSE-04, SSE-06, JR-07, SEC-01), one case per test over real sockets.
 * Each answer is checked (status, JSON-RPC code in the body, the events the session's stream got), and each test ends
 * by showing that the server still serves: a tool call on a live session answers on its stream, nothing is left in
 * flight, and no unexpected error was reported.
 *
 * | request                                              | status | body code | on the session's stream |
 * |------------------------------------------------------|--------|-----------|-------------------------|
 * | POST /messages without sessionId (or empty)          | 400    | -32600    | -                       |
 * | POST with a malformed sessionId                      | 400    | -32600    | -                       |
 * | POST with an unknown sessionId                       | 404    | -32600    | -                       |
 * | POST malformed JSON                                  | 400    | -32700    | -32700 error event      |
 * | POST JSON that is no JSON-RPC message / a batch      | 400    | -32600    | -32600 error event      |
 * | POST body over maxBodyBytes (length or chunked)      | 413    | -32600    | -                       |
 * | POST with Content-Type text/plain, or none           | 415    | -32600    | -                       |
 * | foreign Origin on GET /sse / on POST                 | 403    | -32600    | - (no session opened)   |
 * | foreign Host on GET /sse / on POST                   | 403    | -32600    | - (no session opened)   |
 * | GET /sse with the session cap reached                | 503    | -32603    | - (Retry-After: 5)      |
 * | GET /sse with Accept: application/json               | 406    | -32600    | -                       |
 * | POST (or PUT) /sse                                   | 405    | -32600    | - (Allow: GET)          |
 * | GET /messages                                        | 405    | -32600    | - (Allow: POST)         |
 * | a second initialize on the same session              | 202    | -         | -32600 error event      |
 * | POST by another principal than the GET's (SES-08)    | 404    | -32600    | -                       |
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectJsonRpcError, startHarness } from '../bad-input/harness';
import type { Harness, RawResponse } from '../bad-input/harness';
import { OLD, expectIdle, nextId, openRaw, waitFor } from './harness';
import type { RawLegacy } from './harness';

const JSON_CT = { 'content-type': 'application/json' };
const FOREIGN_ORIGIN = 'https://evil.example.com';
const FOREIGN_HOST = 'evil.example.com';

let h: Harness;
let live: RawLegacy;

beforeAll(async () => {
  h = await startHarness({ maxBodyBytes: 1024 });
  live = await openRaw(`${h.origin}/sse`);
});
afterAll(async () => {
  live?.abort();
  if (h !== undefined) {
    await expectIdle(h.mcp);
    await h.close();
  }
});

const messagesPath = (sid = live.sessionId) => `/messages?sessionId=${encodeURIComponent(sid)}`;

/** POSTs to the messages endpoint with raw undici (any header, any body). */
const postRaw = (path: string, body: string | Iterable<Buffer> | undefined, headers: Record<string, string> = JSON_CT): Promise<RawResponse> =>
  h.raw('POST', { path, headers, body });

/**
 * The stream got exactly `events` new messages since `mark`, then a tool call on the live session still answers on
 * it, and nothing is left behind.
 * @returns The new messages the bad request caused.
 */
async function stillServes(mark: number, events: number): Promise<any[]> {
  const r = await live.call('tools/call', { name: 'test_simple_text' });
  expect(r.result.content).toEqual([{ type: 'text', text: 'This is a simple text response for testing.' }]);
  // The stream is ordered and the bad request's events were sent before its HTTP answer: they are all in by now.
  const added = live.stream.messages.slice(mark);
  expect(added.at(-1)).toBe(r);
  expect(added.length - 1).toBe(events);
  expect(live.stream.violations).toEqual([]);
  expect(h.mcp.stats()).toMatchObject({ sessions: 1, connections: 1, inflight: 0, pendingClientRequests: 0 });
  expect(h.errors).toEqual([]);
  return added.slice(0, -1);
}

describe('the session id in the query', () => {
  it('SSE-04: POST without a session id → 400 (-32600)', async () => {
    const mark = live.stream.messages.length;
    expectJsonRpcError(await postRaw('/messages', '{"jsonrpc":"2.0","id":1,"method":"ping"}'), 400, -32600, /Missing sessionId/);
    expectJsonRpcError(await postRaw('/messages?sessionId=', '{"jsonrpc":"2.0","id":1,"method":"ping"}'), 400, -32600, /Missing sessionId/);
    await stillServes(mark, 0);
  });

  it('SSE-04: a malformed session id → 400 (-32600)', async () => {
    const mark = live.stream.messages.length;
    for (const bad of ['has space', 'x'.repeat(129), 'tab\there', 'é']) {
      expectJsonRpcError(await postRaw(messagesPath(bad), '{"jsonrpc":"2.0","id":1,"method":"ping"}'), 400, -32600, /Malformed sessionId/);
    }
    await stillServes(mark, 0);
  });

  it('SSE-04: an unknown session id → 404 (-32600)', async () => {
    const mark = live.stream.messages.length;
    expectJsonRpcError(await postRaw(messagesPath('0123456789abcdef0123456789abcdef'), '{"jsonrpc":"2.0","id":1,"method":"ping"}'), 404, -32600, /Unknown sessionId/);
    // Also with the other spelling.
    expectJsonRpcError(await postRaw('/messages?session_id=nope', '{"jsonrpc":"2.0","id":1,"method":"ping"}'), 404, -32600, /Unknown sessionId/);
    await stillServes(mark, 0);
  });
});

describe('the body', () => {
  it('JR-07: malformed JSON → 400 (-32700), and the session gets a -32700 error event on its stream', async () => {
    const mark = live.stream.messages.length;
    expectJsonRpcError(await postRaw(messagesPath(), '{"jsonrpc":"2.0","id":1,"method":'), 400, -32700, /Parse error/);
    const events = await stillServes(mark, 1);
    // TRAP-02: no id could be read; a 2024-11-05 session gets `"id": null`.
    expect(events[0]).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700, message: expect.stringMatching(/Parse error/) } });
  });

  it('JR-07: valid JSON that is no JSON-RPC message → 400 (-32600) and an error event; a batch likewise', async () => {
    const mark = live.stream.messages.length;
    expectJsonRpcError(await postRaw(messagesPath(), '{"hello":"world"}'), 400, -32600, /./);
    expectJsonRpcError(await postRaw(messagesPath(), '[{"jsonrpc":"2.0","id":7,"method":"ping"}]'), 400, -32600, /Batches are not part of the HTTP\+SSE transport/);
    const events = await stillServes(mark, 2);
    expect(events.map((e) => e.error.code)).toEqual([-32600, -32600]);
    // The batch's ping was not run.
    expect(live.stream.response(7)).toBeUndefined();
  });

  it('body over maxBodyBytes (1024) → 413 (-32600), with Content-Length and chunked; nothing on the stream', async () => {
    const mark = live.stream.messages.length;
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(2000) } });
    expectJsonRpcError(await postRaw(messagesPath(), big), 413, -32600, /larger than 1024 bytes/);
    const chunks = [Buffer.from(big.slice(0, 600)), Buffer.from(big.slice(600, 1200)), Buffer.from(big.slice(1200))];
    expectJsonRpcError(await postRaw(messagesPath(), chunks), 413, -32600, /larger than 1024 bytes/);
    await stillServes(mark, 0);
  });

  it('wrong Content-Type → 415 (-32600): text/plain, and none', async () => {
    const mark = live.stream.messages.length;
    const body = '{"jsonrpc":"2.0","id":1,"method":"ping"}';
    expectJsonRpcError(await postRaw(messagesPath(), body, { 'content-type': 'text/plain' }), 415, -32600, /Content-Type must be application\/json, got "text\/plain"/);
    expectJsonRpcError(await postRaw(messagesPath(), body, {}), 415, -32600, /got none/);
    await stillServes(mark, 0);
  });

  it('LC-01: a second initialize on the same session → 202, and an error event (-32600) with its id on the stream', async () => {
    const mark = live.stream.messages.length;
    const id = nextId();
    const init = { jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion: OLD, capabilities: {}, clientInfo: { name: 'again', version: '1' } } };
    live.stream.sent(init);
    const r = await postRaw(messagesPath(), JSON.stringify(init));
    expect(r.status).toBe(202);
    expect(r.text).toBe('Accepted');
    const events = await stillServes(mark, 1);
    expect(events[0]).toEqual({ jsonrpc: '2.0', id, error: { code: -32600, message: 'This session is already initialized' } });
  });
});

describe('Origin and Host (SSE-06, SEC-01)', () => {
  it('SSE-06: a foreign Origin on GET /sse → 403 and no session; on POST → 403 and nothing on the stream', async () => {
    const mark = live.stream.messages.length;
    const get = await h.raw('GET', { path: '/sse', headers: { accept: 'text/event-stream', origin: FOREIGN_ORIGIN } });
    expectJsonRpcError(get, 403, -32600, /Origin "https:\/\/evil\.example\.com" is not allowed/);
    const post = await postRaw(messagesPath(), '{"jsonrpc":"2.0","id":1,"method":"ping"}', { ...JSON_CT, origin: FOREIGN_ORIGIN });
    expectJsonRpcError(post, 403, -32600, /Origin/);
    await stillServes(mark, 0);
  });

  it('SEC-01: a foreign Host on GET /sse and on POST → 403', async () => {
    const mark = live.stream.messages.length;
    const get = await h.raw('GET', { path: '/sse', headers: { accept: 'text/event-stream', host: FOREIGN_HOST } });
    expectJsonRpcError(get, 403, -32600, /Host "evil\.example\.com" is not allowed/);
    const post = await postRaw(messagesPath(), '{"jsonrpc":"2.0","id":1,"method":"ping"}', { ...JSON_CT, host: FOREIGN_HOST });
    expectJsonRpcError(post, 403, -32600, /Host/);
    await stillServes(mark, 0);
  });
});

describe('methods and Accept', () => {
  it('POST (and PUT) to /sse → 405 with Allow: GET', async () => {
    const mark = live.stream.messages.length;
    for (const method of ['POST', 'PUT']) {
      const r = await h.raw(method, { path: '/sse', headers: JSON_CT, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
      expectJsonRpcError(r, 405, -32600, new RegExp(`Method ${method} is not allowed here; use GET`));
      expect(r.headers.allow).toBe('GET');
    }
    await stillServes(mark, 0);
  });

  it('GET /messages → 405 with Allow: POST', async () => {
    const mark = live.stream.messages.length;
    const r = await h.raw('GET', { path: messagesPath(), headers: { accept: 'text/event-stream' } });
    expectJsonRpcError(r, 405, -32600, /Method GET is not allowed here; use POST/);
    expect(r.headers.allow).toBe('POST');
    await stillServes(mark, 0);
  });

  it('GET /sse with Accept: application/json only → 406 and no session', async () => {
    const mark = live.stream.messages.length;
    expectJsonRpcError(await h.raw('GET', { path: '/sse', headers: { accept: 'application/json' } }), 406, -32600, /text\/event-stream/);
    await stillServes(mark, 0);
  });
});

describe('the session cap (sessions.maxSessions: 1)', () => {
  it('GET /sse when the cap is reached → 503 with Retry-After; the open session keeps working; the slot frees on disconnect', async () => {
    const capped = await startHarness({ sessions: { maxSessions: 1 } });
    try {
      const first = await openRaw(`${capped.origin}/sse`);
      try {
        const r = await capped.raw('GET', { path: '/sse', headers: { accept: 'text/event-stream' } });
        expectJsonRpcError(r, 503, -32603, /Too many open sessions/);
        expect(r.headers['retry-after']).toBe('5');
        // The cap is shared with /mcp.
        const init = await capped.raw('POST', {
          path: '/mcp',
          headers: { ...JSON_CT, accept: 'application/json, text/event-stream' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
        });
        expect(init.status).toBe(503);
        expect(capped.mcp.stats()).toMatchObject({ sessions: 1, connections: 1 });
        expect((await first.call('tools/call', { name: 'test_simple_text' })).result.content).toHaveLength(1);
        expect(first.stream.violations).toEqual([]);
      } finally {
        first.abort();
      }
      // SSE-07: the disconnect ended the session, so the slot is free again.
      await expectIdle(capped.mcp);
      const second = await openRaw(`${capped.origin}/sse`);
      try {
        expect((await second.call('ping')).result).toEqual({});
      } finally {
        second.abort();
      }
      await expectIdle(capped.mcp);
      expect(capped.errors).toEqual([]);
    } finally {
      await capped.close();
    }
  });
});

describe('principal binding (SES-08), in process', () => {
  it('a POST whose authInfo.subject differs from the GET\'s, or is missing, gets the unknown-session 404', async () => {
    const mcp = h.mcp;
    const get = await mcp.handle(new Request('http://127.0.0.1/sse', { headers: { accept: 'text/event-stream' } }), { authInfo: { subject: 'alice' } });
    expect(get.status).toBe(200);
    const reader = get.body!.getReader();
    try {
      const first = new TextDecoder().decode((await reader.read()).value);
      const endpoint = /^event: endpoint\ndata: (\S+)\n\n/.exec(first)![1]!;
      const post = (subject?: string) =>
        mcp.handle(new Request(`http://127.0.0.1${endpoint}`, { method: 'POST', headers: JSON_CT, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' }), {
          authInfo: subject === undefined ? undefined : { subject },
        });
      for (const who of ['bob', undefined]) {
        const r = await post(who);
        expect(r.status).toBe(404);
        expect(((await r.json()) as any).error).toMatchObject({ code: -32600, message: expect.stringMatching(/Unknown sessionId/) });
      }
      const ok = await post('alice');
      expect(ok.status).toBe(202);
      expect(await ok.text()).toBe('Accepted');
      const answer = new TextDecoder().decode((await reader.read()).value);
      expect(answer).toBe('event: message\ndata: {"jsonrpc":"2.0","id":1,"result":{}}\n\n');
    } finally {
      await reader.cancel();
    }
    const mark = live.stream.messages.length;
    await waitFor(() => h.mcp.stats().sessions === 1, 'the in-process session to end');
    await stillServes(mark, 0);
  });
});

describe('revision-shaped errors and requests on HTTP+SSE', () => {
  it('TRAP-02: a 2025-11-25 session gets id-less error events (no "id": null), valid for its schema', async () => {
    const modern = await openRaw(`${h.origin}/sse`, { initialize: '2025-11-25' });
    try {
      const mark = modern.stream.messages.length;
      expect((await modern.post('{"jsonrpc":"2.0","id":1,"method":')).status).toBe(400);
      const event = await waitFor(() => modern.stream.messages[mark] as Record<string, unknown> | undefined, 'the -32700 event');
      expect(event).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 } });
      expect(event).not.toHaveProperty('id');
    } finally {
      modern.abort();
      await modern.done;
    }
  });

  it('S2C-01: no elicitation/create on a 2024-11-05 session, even when the client declares the capability', async () => {
    const old = await openRaw(`${h.origin}/sse`, { initialize: OLD, capabilities: { elicitation: {} } });
    try {
      const r = (await old.call('tools/call', { name: 'test_elicitation', arguments: { message: 'hi?' } })) as {
        result?: { isError?: boolean; content: { text: string }[] };
        error?: { code: number; message: string };
      };
      expect(old.stream.messages.some((m) => (m as { method?: string }).method === 'elicitation/create')).toBe(false);
      const message = r.error?.message ?? r.result?.content[0]?.text ?? '';
      expect(message).toMatch(/needs protocol 2025-06-18/);
    } finally {
      old.abort();
      await old.done;
    }
  });
});
