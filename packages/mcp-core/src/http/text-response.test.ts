import { afterAll, describe, expect, it } from 'vitest';
import { createMcp } from '../create-mcp';
import { createSseStream } from '../sse/stream';
import { BODY_SOURCE, BODY_TEXT, HEAD_FIELDS, nativeResponse, streamResponse, textResponse } from './text-response';

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
