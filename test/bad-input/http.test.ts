/**
 * Bad HTTP around the messages (checklist §4, SH-01/02/08/10): body limits, media types, methods, paths. Every refusal
 * is an HTTP error with a JSON-RPC error body, and the server keeps serving.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST_HEADERS, eventually, expectJsonRpcError, startHarness } from './harness';
import type { Harness } from './harness';

const MiB = 1024 * 1024;

/** `total` bytes of filler in `chunk`-sized pieces, sent chunked (no Content-Length). */
function* chunks(total: number, chunk = 64 * 1024): Generator<Buffer> {
  for (let sent = 0; sent < total; sent += chunk) yield Buffer.alloc(Math.min(chunk, total - sent), 0x20);
}

/** A valid ping request padded with whitespace to exactly `size` bytes. */
const paddedPing = (size: number): string => {
  const msg = JSON.stringify({ jsonrpc: '2.0', id: 'padded', method: 'ping' });
  return msg + ' '.repeat(size - Buffer.byteLength(msg));
};

/** The JSON-RPC messages of an SSE body (data lines only; the priming event's empty data is skipped). */
const sseMessages = (text: string): any[] =>
  text
    .split(/\n\n/)
    .map((ev) => ev.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n'))
    .filter((d) => d !== '')
    .map((d) => JSON.parse(d));

let h: Harness;
let small: Harness; // maxBodyBytes: 1024
let sid: string;
let smallSid: string;

beforeAll(async () => {
  h = await startHarness();
  small = await startHarness({ maxBodyBytes: 1024 });
  sid = await h.session('2025-11-25');
  smallSid = await small.session('2025-11-25');
});
afterAll(async () => {
  await h.close();
  await small.close();
});

describe('body size (413)', () => {
  it('a body over the default 4 MiB limit with Content-Length → 413', async () => {
    const r = await h.raw('POST', {
      headers: { ...POST_HEADERS, ...h.sessionHeaders(sid) },
      body: Buffer.alloc(4 * MiB + 1, 0x20),
    });
    expectJsonRpcError(r, 413, -32600, /larger than 4194304 bytes/);
    await h.expectHealthy(sid);
  });

  it('a chunked body (no Content-Length) over the default 4 MiB limit → 413', async () => {
    const r = await h.raw('POST', { headers: { ...POST_HEADERS, ...h.sessionHeaders(sid) }, body: chunks(4 * MiB + 64 * 1024) });
    expectJsonRpcError(r, 413, -32600, /larger than 4194304 bytes/);
    await h.expectHealthy(sid);
  });

  it('maxBodyBytes: 1024 with Content-Length → 413 past it; exactly 1024 bytes is served', async () => {
    const over = await small.raw('POST', { headers: { ...POST_HEADERS, ...small.sessionHeaders(smallSid) }, body: paddedPing(1025) });
    expectJsonRpcError(over, 413, -32600, /larger than 1024 bytes/);
    const exact = await small.raw('POST', { headers: { ...POST_HEADERS, ...small.sessionHeaders(smallSid) }, body: paddedPing(1024) });
    expect(exact.status).toBe(200);
    expect(exact.json()).toEqual({ jsonrpc: '2.0', id: 'padded', result: {} });
    await small.expectHealthy(smallSid);
  });

  it('maxBodyBytes: 1024 chunked (no Content-Length) → 413 past it; exactly 1024 bytes is served', async () => {
    const over = await small.raw('POST', { headers: { ...POST_HEADERS, ...small.sessionHeaders(smallSid) }, body: chunks(64 * 1024, 100) });
    expectJsonRpcError(over, 413, -32600, /larger than 1024 bytes/);
    const exact = await small.raw('POST', {
      headers: { ...POST_HEADERS, ...small.sessionHeaders(smallSid) },
      body: [Buffer.from(paddedPing(1024).slice(0, 500)), Buffer.from(paddedPing(1024).slice(500))],
    });
    expect(exact.status).toBe(200);
    expect(exact.json()).toEqual({ jsonrpc: '2.0', id: 'padded', result: {} });
    // A big upload answered early must not poison the connection pool or the server.
    const big = await small.raw('POST', { headers: { ...POST_HEADERS, ...small.sessionHeaders(smallSid) }, body: chunks(2 * MiB) });
    expectJsonRpcError(big, 413, -32600, /1024/);
    await small.expectHealthy(smallSid);
  });
});

describe('media types (SH-02, TRAP-22)', () => {
  it('SH-02: Content-Type text/plain → 415 naming the type', async () => {
    const r = await h.raw('POST', {
      headers: { 'content-type': 'text/plain', accept: POST_HEADERS.accept, ...h.sessionHeaders(sid) },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expectJsonRpcError(r, 415, -32600, /Content-Type.*text\/plain/);
    await h.expectHealthy(sid);
  });

  it('SH-02: a missing Content-Type → 415', async () => {
    const r = await h.raw('POST', {
      headers: { accept: POST_HEADERS.accept, ...h.sessionHeaders(sid) },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expectJsonRpcError(r, 415, -32600, /Content-Type.*none/);
    // Parameters on the media type are fine.
    const ok = await h.post({ jsonrpc: '2.0', id: 2, method: 'ping' }, { 'content-type': 'Application/JSON; charset=utf-8', ...h.sessionHeaders(sid) });
    expect(ok.status).toBe(200);
    await h.expectHealthy(sid);
  });

  it('SH-02: a missing Accept on POST → 406 naming Accept', async () => {
    const r = await h.raw('POST', {
      headers: { 'content-type': 'application/json', ...h.sessionHeaders(sid) },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expectJsonRpcError(r, 406, -32600, /Accept/);
    // Neither type acceptable (q=0 excludes) is the same.
    const q0 = await h.post({ jsonrpc: '2.0', id: 1, method: 'ping' }, { accept: 'application/json;q=0, text/html', ...h.sessionHeaders(sid) });
    expectJsonRpcError(q0, 406, -32600, /Accept/);
    await h.expectHealthy(sid);
  });

  it('TRAP-22: Accept: application/json only is served leniently, with a JSON answer even when the tool reports progress', async () => {
    const headers = { accept: 'application/json', ...h.sessionHeaders(sid) };
    const ping = await h.post({ jsonrpc: '2.0', id: 1, method: 'ping' }, headers);
    expect(ping.status).toBe(200);
    expect(ping.contentType).toBe('application/json');
    expect(ping.json()).toEqual({ jsonrpc: '2.0', id: 1, result: {} });
    // Never SSE to a client that does not accept it: progress is dropped, the answer is JSON.
    const call = await h.post(
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'test_tool_with_progress', _meta: { progressToken: 't' } } },
      headers,
    );
    expect(call.status).toBe(200);
    expect(call.contentType).toBe('application/json');
    expect(call.json().result.content[0].text).toBe('Progress tool completed');
    await h.expectHealthy(sid);
  });

  it('SH-02: Accept: text/event-stream only on POST is accepted', async () => {
    const headers = { accept: 'text/event-stream', ...h.sessionHeaders(sid) };
    const call = await h.post(
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'test_tool_with_progress', _meta: { progressToken: 'p' } } },
      headers,
    );
    expect(call.status).toBe(200);
    expect(call.contentType).toBe('text/event-stream');
    const msgs = sseMessages(call.text);
    expect(msgs.filter((m) => m.method === 'notifications/progress').map((m) => m.params.progress)).toEqual([0, 50, 100]);
    expect(msgs.at(-1)).toMatchObject({ id: 3, result: { content: [{ text: 'Progress tool completed' }] } });
    // A plain request streams too: a client that accepts only SSE never gets JSON.
    const ping = await h.post({ jsonrpc: '2.0', id: 4, method: 'ping' }, headers);
    expect(ping.status).toBe(200);
    expect(ping.contentType).toBe('text/event-stream');
    expect(sseMessages(ping.text).at(-1)).toEqual({ jsonrpc: '2.0', id: 4, result: {} });
    await h.expectHealthy(sid);
  });
});

describe('methods and paths (SH-01, SH-08, SH-10)', () => {
  it('SH-02: GET without Accept: text/event-stream → 406', async () => {
    const none = await h.raw('GET', { headers: h.sessionHeaders(sid) });
    expectJsonRpcError(none, 406, -32600, /text\/event-stream/);
    const json = await h.raw('GET', { headers: { accept: 'application/json', ...h.sessionHeaders(sid) } });
    expectJsonRpcError(json, 406, -32600, /text\/event-stream/);
    await h.expectHealthy(sid);
  });

  it('SH-10: a second GET stream on a session → 409 while the first is open; a new GET is fine once it closed', async () => {
    const own = await h.session('2025-11-25');
    const ac = new AbortController();
    const first = await request(`${h.origin}/mcp`, {
      method: 'GET',
      headers: { accept: 'text/event-stream', ...h.sessionHeaders(own) },
      signal: ac.signal,
    });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('text/event-stream');
    expect(h.mcp.stats().connections).toBe(1);

    const second = await h.raw('GET', { headers: { accept: 'text/event-stream', ...h.sessionHeaders(own) } });
    expectJsonRpcError(second, 409, -32600, /already open/);

    ac.abort();
    await first.body.text().catch(() => {});
    await eventually(() => expect(h.mcp.stats().connections).toBe(0));
    const ac3 = new AbortController();
    const third = await request(`${h.origin}/mcp`, {
      method: 'GET',
      headers: { accept: 'text/event-stream', ...h.sessionHeaders(own) },
      signal: ac3.signal,
    });
    expect(third.statusCode).toBe(200);
    ac3.abort();
    await third.body.text().catch(() => {});
    await eventually(() => expect(h.mcp.stats().connections).toBe(0));
    expect((await h.raw('DELETE', { headers: h.sessionHeaders(own) })).status).toBe(200);
    await h.expectHealthy(sid);
  });

  it('SH-01: PUT → 405 with Allow', async () => {
    const r = await h.raw('PUT', { headers: { ...POST_HEADERS, ...h.sessionHeaders(sid) }, body: '{}' });
    expectJsonRpcError(r, 405, -32600, /PUT/);
    expect(r.headers.allow).toBe('GET, POST, DELETE');
    const patch = await h.raw('PATCH', { headers: h.sessionHeaders(sid) });
    expectJsonRpcError(patch, 405, -32600, /PATCH/);
    await h.expectHealthy(sid);
  });

  it('a wrong path (/other) → 404 naming the path and the endpoint', async () => {
    const r = await h.raw('POST', { path: '/other', headers: POST_HEADERS, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) });
    expectJsonRpcError(r, 404, -32600, /\/other.*\/mcp/);
    const sub = await h.raw('GET', { path: '/mcp/extra?x=1', headers: { accept: 'text/event-stream' } });
    expectJsonRpcError(sub, 404, -32600, /\/mcp\/extra/);
    // A query string on the endpoint itself is still the endpoint.
    const q = await h.raw('POST', { path: '/mcp?x=1', headers: { ...POST_HEADERS, ...h.sessionHeaders(sid) }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) });
    expect(q.status).toBe(200);
    await h.expectHealthy(sid);
  });
});
