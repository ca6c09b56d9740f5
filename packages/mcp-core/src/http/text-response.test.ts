import { afterAll, describe, expect, it } from 'vitest';
import { createMcp } from '../create-mcp';
import { createSseStream } from '../sse/stream';
import { BODY_SOURCE, BODY_TEXT, HEAD_FIELDS, nativeResponse, servedResponse, streamResponse, textResponse } from './text-response';

const fieldsOf = (r: Response): Record<string, string> | undefined => (r as unknown as Record<symbol, Record<string, string> | undefined>)[HEAD_FIELDS];
const textOf = (r: Response): string | undefined => (r as unknown as Record<symbol, string | undefined>)[BODY_TEXT];

describe('lazy text responses', () => {
  it('answers status, ok and the two symbols without building a native Response', () => {
    const r = textResponse('{"a":1}', 201, { 'content-type': 'application/json' });
    expect(r).toBeInstanceOf(Response);
    expect(Object.prototype.toString.call(r)).toBe('[object Response]');
    expect(r.status).toBe(201);
    expect(r.ok).toBe(true);
    expect(r.statusText).toBe('');
    expect(textOf(r)).toBe('{"a":1}');
    expect(fieldsOf(r)).toEqual({ 'content-type': 'application/json' });
  });

  it('behaves as a Response once anything else is read: headers, body, text(), clone()', async () => {
    const r = textResponse('héllo', 200, { 'content-type': 'text/plain', 'x-a': '1' });
    expect(r.headers.get('x-a')).toBe('1');
    // From now on the native object is the truth: its headers may change, so the fields are no longer offered.
    expect(fieldsOf(r)).toBeUndefined();
    const copy = r.clone();
    expect(await r.text()).toBe('héllo');
    expect(r.bodyUsed).toBe(true);
    // A read body is never offered as a string again.
    expect(textOf(r)).toBeUndefined();
    expect(await copy.text()).toBe('héllo');
  });

  it('a null body stays null (202 Accepted)', async () => {
    const r = textResponse(null, 202, {});
    expect(textOf(r)).toBeUndefined();
    expect(r.body).toBeNull();
    expect(await r.text()).toBe('');
  });

  it('nativeResponse gives a real Response carrying the string, and leaves native ones alone', async () => {
    const lazy = textResponse('[1]', 200, { 'content-type': 'application/json' });
    const native = nativeResponse(lazy);
    expect(Object.getPrototypeOf(native) === Response.prototype).toBe(true);
    expect(textOf(native)).toBe('[1]');
    expect(nativeResponse(lazy)).toBe(native);
    expect(await native.json()).toEqual([1]);
    const plain = new Response('x');
    expect(nativeResponse(plain)).toBe(plain);
  });
});

describe('lazy streaming responses', () => {
  it('offer their chunk source until the native Response is built, which then reads the same stream', async () => {
    const sse = createSseStream({ keepAliveMs: 0 });
    const r = streamResponse(sse, { 'content-type': 'text/event-stream' });
    expect(r).toBeInstanceOf(Response);
    expect(r.status).toBe(200);
    expect((r as unknown as Record<symbol, unknown>)[BODY_SOURCE]).toBe(sse);
    expect(textOf(r)).toBeUndefined();
    sse.send('data: x\n\n');
    sse.close();
    const native = nativeResponse(r);
    expect((r as unknown as Record<symbol, unknown>)[BODY_SOURCE]).toBeUndefined();
    expect(native.headers.get('content-type')).toBe('text/event-stream');
    expect(await native.text()).toBe('data: x\n\n');
  });
});

describe('mcp.handle and lazyResponse (regression: Bun and Deno only accept native Responses)', () => {
  const mcp = createMcp({ name: 't', version: '1' });
  afterAll(() => mcp.close());
  const post = (): Request =>
    new Request('http://127.0.0.1/mcp', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } } }),
    });

  it('answers with a native Response unless the adapter asked for lazy ones', async () => {
    const native = await mcp.handle(post());
    expect(Object.getPrototypeOf(native) === Response.prototype).toBe(true);
    const body = await native.json();
    expect(body, JSON.stringify(body)).toMatchObject({ id: 1 });
    const lazy = await mcp.handle(post(), { lazyResponse: true });
    expect(Object.getPrototypeOf(lazy) === Response.prototype).toBe(false);
    expect(lazy).toBeInstanceOf(Response);
    expect(fieldsOf(lazy)).toMatchObject({ 'content-type': 'application/json' });
    expect(JSON.parse(textOf(lazy)!)).toMatchObject({ id: 1 });
  });
});

describe('servedResponse (Bun and Deno adapters)', () => {
  const SSE = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };
  const bytes = (t: string) => new TextEncoder().encode(t);

  it('serves a lazy string body as one native Response and ends at once', async () => {
    let ended = 0;
    const r = servedResponse(textResponse('{"a":1}', 201, { 'content-type': 'application/json', 'x-a': '1' }), () => ended++);
    expect(r.constructor).toBe(Response);
    expect(ended).toBe(1);
    expect(r.status).toBe(201);
    expect(r.headers.get('x-a')).toBe('1');
    expect(await r.text()).toBe('{"a":1}');
  });

  it('sends a stream that was closed before it was handed over as one static body', async () => {
    const closes: string[] = [];
    const sse = createSseStream({ keepAliveMs: 0, onClose: (why) => closes.push(why) });
    sse.send('data: 1\n\n');
    sse.send('data: é\n\n');
    sse.close();
    let ended = 0;
    const r = servedResponse(streamResponse(sse, SSE), () => ended++);
    expect(ended).toBe(1);
    expect(r.headers.get('content-type')).toBe('text/event-stream');
    expect(await r.text()).toBe('data: 1\n\ndata: é\n\n');
    // Drained to its end, as a reader would leave it.
    expect(sse.pull()).toBeNull();
    expect(closes).toEqual(['close']);
  });

  it('streams one still open through a pull-through view: the first chunk, then the events, onEnd after the last', async () => {
    const sse = createSseStream({ keepAliveMs: 0 });
    sse.send('data: 1\n\n');
    let ended = 0;
    const r = servedResponse(streamResponse(sse, SSE), () => ended++, bytes(':\n\n'));
    const reader = r.body!.getReader();
    const decode = (v: Uint8Array | undefined) => new TextDecoder().decode(v);
    expect(decode((await reader.read()).value)).toBe(':\n\n');
    expect(decode((await reader.read()).value)).toBe('data: 1\n\n');
    const next = reader.read();
    sse.send('data: 2\n\n');
    expect(decode((await next).value)).toBe('data: 2\n\n');
    expect(ended).toBe(0);
    sse.close();
    expect((await reader.read()).done).toBe(true);
    expect(ended).toBe(1);
  });

  it('passes a cancel on to the stream, and does not call onEnd for it', async () => {
    const closes: string[] = [];
    const sse = createSseStream({ keepAliveMs: 0, onClose: (why) => closes.push(why) });
    let ended = 0;
    const r = servedResponse(streamResponse(sse, SSE), () => ended++);
    await r.body!.cancel('gone');
    expect(closes).toEqual(['cancel']);
    expect(ended).toBe(0);
  });

  it('serves a lazy response that was already made native (its headers changed) as a native one: a live stream still ends late', async () => {
    const sse = createSseStream({ keepAliveMs: 0 });
    const lazy = streamResponse(sse, SSE);
    lazy.headers.set('x-b', '2');
    let ended = 0;
    const r = servedResponse(lazy, () => ended++);
    expect(r.headers.get('x-b')).toBe('2');
    expect(ended).toBe(0);
    sse.send('data: 1\n\n');
    sse.close();
    expect(await r.text()).toBe('data: 1\n\n');
    expect(ended).toBe(1);
  });

  it('hands a native non-stream Response on as it is, without reading its body', () => {
    const native = new Response('{}', { headers: { 'content-type': 'application/json' } });
    let bodyReads = 0;
    const body = native.body;
    Object.defineProperty(native, 'body', { get: () => (bodyReads++, body) });
    let ended = 0;
    expect(servedResponse(native, () => ended++)).toBe(native);
    expect(bodyReads).toBe(0);
    expect(ended).toBe(1);
  });

  it('wraps a native event stream so that onEnd waits for its end', async () => {
    const native = new Response('data: x\n\n', { headers: { 'content-type': 'Text/Event-Stream; charset=utf-8' } });
    let ended = 0;
    const r = servedResponse(native, () => ended++);
    expect(r).not.toBe(native);
    expect(ended).toBe(0);
    expect(await r.text()).toBe('data: x\n\n');
    expect(ended).toBe(1);
  });

  it('a stream cut off for falling behind before it was handed over errors, and does not end normally', async () => {
    const sse = createSseStream({ keepAliveMs: 0, maxBufferedBytes: 4 });
    sse.send('data: far too long\n\n');
    let ended = 0;
    const r = servedResponse(streamResponse(sse, SSE), () => ended++);
    await expect(r.text()).rejects.toThrow();
    expect(ended).toBe(0);
  });
});
