import { describe, expect, it } from 'vitest';
import type { RequestContext } from '../types';
import { BodyTooLargeError, readBody, readJsonBody } from './body';

const URL_ = 'http://localhost/mcp';
const enc = new TextEncoder();

/** A byte stream that serves the given chunks one per pull and records what happened. */
function chunked(chunks: Uint8Array[], fail?: unknown): { stream: ReadableStream<Uint8Array>; pulls: () => number; cancelled: () => boolean } {
  let i = 0;
  let pulls = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        pulls++;
        if (i < chunks.length) c.enqueue(chunks[i++]!);
        else if (fail !== undefined) c.error(fail);
        else c.close();
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulls: () => pulls, cancelled: () => cancelled };
}

/** A POST request with a streamed body and optional headers (no Content-Length unless given). */
function streamed(stream: ReadableStream<Uint8Array>, headers: Record<string, string> = {}): Request {
  return new Request(URL_, { method: 'POST', body: stream, headers, duplex: 'half' } as RequestInit);
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('BodyTooLargeError', () => {
  it('carries status 413, the limit and a message naming it', () => {
    const e = new BodyTooLargeError(10);
    expect(e).toBeInstanceOf(Error);
    expect(e.status).toBe(413);
    expect(e.limit).toBe(10);
    expect(e.name).toBe('BodyTooLargeError');
    expect(e.message).toContain('10');
  });
});

describe('readBody with Content-Length', () => {
  it('reads a body under the limit', async () => {
    const body = '{"jsonrpc":"2.0"}';
    const req = new Request(URL_, { method: 'POST', body, headers: { 'content-length': String(enc.encode(body).byteLength) } });
    expect(await readBody(req, 1000)).toBe(body);
  });

  it('rejects a declared length over the limit without reading the body', async () => {
    const src = chunked([enc.encode('x'.repeat(100))]);
    const req = streamed(src.stream, { 'content-length': '100' });
    const error = await rejection(readBody(req, 10));
    expect(error).toBeInstanceOf(BodyTooLargeError);
    expect((error as BodyTooLargeError).limit).toBe(10);
    expect(req.bodyUsed).toBe(false);
    expect(src.pulls()).toBe(0);
  });

  it('accepts a body of exactly the limit', async () => {
    const body = 'x'.repeat(16);
    const req = new Request(URL_, { method: 'POST', body, headers: { 'content-length': '16' } });
    expect(await readBody(req, 16)).toBe(body);
  });

  it('maps an adapter error tagged status 413 during text() to BodyTooLargeError', async () => {
    const src = chunked([enc.encode('abc')], Object.assign(new Error('adapter limit'), { status: 413 }));
    const req = streamed(src.stream, { 'content-length': '3' });
    const error = await rejection(readBody(req, 1000));
    expect(error).toBeInstanceOf(BodyTooLargeError);
  });
});

describe('readBody streaming (no Content-Length)', () => {
  it('reads an empty body as ""', async () => {
    expect(await readBody(new Request(URL_, { method: 'POST' }), 10)).toBe('');
  });

  it('rejects a chunked stream once it passes the limit and cancels the reader', async () => {
    const src = chunked([enc.encode('aaaaa'), enc.encode('bbbbb'), enc.encode('ccccc'), enc.encode('ddddd')]);
    const error = await rejection(readBody(streamed(src.stream), 12));
    expect(error).toBeInstanceOf(BodyTooLargeError);
    expect((error as BodyTooLargeError).limit).toBe(12);
    expect(src.cancelled()).toBe(true);
    // It stopped at the chunk that crossed the limit: the fourth chunk was never pulled.
    expect(src.pulls()).toBeLessThanOrEqual(3);
  });

  it('accepts a streamed body of exactly the limit', async () => {
    const src = chunked([enc.encode('12345'), enc.encode('67890')]);
    expect(await readBody(streamed(src.stream), 10)).toBe('1234567890');
  });

  it('rejects a streamed body one byte over the limit', async () => {
    const src = chunked([enc.encode('12345'), enc.encode('678901')]);
    expect(await rejection(readBody(streamed(src.stream), 10))).toBeInstanceOf(BodyTooLargeError);
  });

  it('counts bytes, not characters (multi-byte UTF-8 over the limit)', async () => {
    const src = chunked([enc.encode('ééé')]); // 6 bytes, 3 characters
    expect(await rejection(readBody(streamed(src.stream), 5))).toBeInstanceOf(BodyTooLargeError);
  });

  it('maps an adapter error tagged status 413 during the stream read to BodyTooLargeError', async () => {
    const src = chunked([enc.encode('abc')], Object.assign(new Error('Payload Too Large'), { status: 413 }));
    const error = await rejection(readBody(streamed(src.stream), 1000));
    expect(error).toBeInstanceOf(BodyTooLargeError);
    expect((error as BodyTooLargeError).limit).toBe(1000);
  });

  it('passes any other stream error through unchanged', async () => {
    const boom = Object.assign(new Error('socket reset'), { status: 500 });
    const src = chunked([], boom);
    expect(await rejection(readBody(streamed(src.stream), 1000))).toBe(boom);
  });

  it('decodes a UTF-8 character split across chunks', async () => {
    const bytes = enc.encode('{"t":"é✓🎉"}');
    // Split inside é (2 bytes), inside ✓ (3 bytes) and inside 🎉 (4 bytes).
    const e = bytes.indexOf(0xc3);
    const check = bytes.indexOf(0xe2);
    const party = bytes.indexOf(0xf0);
    const parts = [bytes.slice(0, e + 1), bytes.slice(e + 1, check + 2), bytes.slice(check + 2, party + 1), bytes.slice(party + 1, party + 3), bytes.slice(party + 3)];
    const src = chunked(parts);
    expect(await readBody(streamed(src.stream), 1000)).toBe('{"t":"é✓🎉"}');
  });

  it('decodes a single-chunk body', async () => {
    const src = chunked([enc.encode('{"a":"ü"}')]);
    expect(await readBody(streamed(src.stream), 1000)).toBe('{"a":"ü"}');
  });

  it('falls back to counting when Content-Length is not a number', async () => {
    const src = chunked([enc.encode('x'.repeat(20))]);
    expect(await rejection(readBody(streamed(src.stream, { 'content-length': 'abc' }), 10))).toBeInstanceOf(BodyTooLargeError);
  });
});

describe('readJsonBody with an adapter that holds the whole body (bodyTextNow)', () => {
  /** A context whose bodyTextNow answers `text` and counts its calls. */
  const holding = (text: string | undefined): RequestContext & { calls: number } => {
    const ctx = {
      calls: 0,
      bodyTextNow() {
        ctx.calls++;
        return text;
      },
    };
    return ctx;
  };
  /** A POST whose body must not be read: its text() throws. */
  const untouchable = (headers: Record<string, string>): Request => {
    const req = new Request(URL_, { method: 'POST', headers, body: 'not this' });
    Object.defineProperty(req, 'text', { value: () => Promise.reject(new Error('the request was read')) });
    return req;
  };

  it('parses the text it hands over, without a promise and without reading the request', () => {
    const ctx = holding('{"jsonrpc":"2.0","id":1,"method":"ping"}');
    const read = readJsonBody(untouchable({ 'content-length': '39' }), ctx, 1000);
    expect(read).not.toBeInstanceOf(Promise);
    expect(read).toEqual({ ok: true, value: { jsonrpc: '2.0', id: 1, method: 'ping' } });
    expect(ctx.calls).toBe(1);
  });

  it('answers text that is not JSON with the 400 parse failure, also without a promise', () => {
    const read = readJsonBody(untouchable({ 'content-length': '3' }), holding('{x}'), 1000);
    expect(read).toEqual({ ok: false, status: 400, message: 'Parse error: the body is not valid JSON' });
  });

  it('is not asked when Content-Length is over the limit: 413, the body unread', async () => {
    const ctx = holding('{}');
    const req = new Request(URL_, { method: 'POST', headers: { 'content-length': '5000' }, body: '{}' });
    expect(await readJsonBody(req, ctx, 100)).toMatchObject({ ok: false, status: 413 });
    expect(ctx.calls).toBe(0);
  });

  it('is not asked without a Content-Length: the streamed read counts the bytes against the limit', async () => {
    const ctx = holding('{"a":1}');
    const src = chunked([enc.encode('{"b":'), enc.encode('2}')]);
    expect(await readJsonBody(streamed(src.stream), ctx, 100)).toEqual({ ok: true, value: { b: 2 } });
    expect(ctx.calls).toBe(0);
  });

  it('reads the request as usual when the adapter does not hold the whole body yet', async () => {
    const ctx = holding(undefined);
    const body = '{"jsonrpc":"2.0","method":"notifications/initialized"}';
    const req = new Request(URL_, { method: 'POST', headers: { 'content-length': String(body.length) }, body });
    const read = readJsonBody(req, ctx, 1000);
    expect(read).toBeInstanceOf(Promise);
    expect(await read).toEqual({ ok: true, value: JSON.parse(body) });
    expect(ctx.calls).toBe(1);
  });

  it('gives way to parsedBody, which a framework already parsed', () => {
    const ctx = Object.assign(holding('{"from":"adapter"}'), { parsedBody: { from: 'framework' } });
    expect(readJsonBody(untouchable({ 'content-length': '18' }), ctx, 1000)).toEqual({ ok: true, value: { from: 'framework' } });
    expect(ctx.calls).toBe(0);
  });
});
