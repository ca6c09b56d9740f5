import { describe, expect, it } from 'vitest';
import { drainUpload, holdUpload } from './upload';

/** A body of `count` chunks of `size` bytes that records how far it was pulled and whether it was cancelled. */
function upload(count: number, size = 1024) {
  const seen = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (seen.pulled === count) return controller.close();
        seen.pulled++;
        controller.enqueue(new Uint8Array(size));
      },
      cancel() {
        seen.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, seen };
}

describe('drainUpload', () => {
  it('reads an upload to its end', async () => {
    const { stream, seen } = upload(10);
    expect(await drainUpload(stream.getReader())).toBe(true);
    expect(seen).toEqual({ pulled: 10, cancelled: false });
  });

  it('stops past the byte bound and cancels the rest', async () => {
    const { stream, seen } = upload(100);
    expect(await drainUpload(stream.getReader(), 4096, 5000)).toBe(false);
    expect(seen).toEqual({ pulled: 5, cancelled: true });
  });

  it('stops at the time bound on a stalled upload and cancels it', async () => {
    let cancelled = false;
    const stalled = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}), cancel: () => void (cancelled = true) });
    const started = Date.now();
    expect(await drainUpload(stalled.getReader(), 1 << 20, 50)).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(cancelled).toBe(true);
  });

  it('ends quietly when the client goes away mid-upload', async () => {
    const broken = new ReadableStream<Uint8Array>({ pull: (c) => c.error(new Error('connection reset')) });
    expect(await drainUpload(broken.getReader())).toBe(false);
  });
});

describe('holdUpload', () => {
  it('holds nothing when the request has no body', () => {
    expect(holdUpload(new Request('http://127.0.0.1/mcp', { method: 'POST' }))).toBeUndefined();
  });

  it('keeps the request as it was: method, URL, headers and body bytes', async () => {
    const request = new Request('http://127.0.0.1/mcp?x=1', { method: 'POST', headers: { 'x-a': 'b' }, body: '{"jsonrpc":"2.0"}' });
    const held = holdUpload(request)!;
    expect(held.request.method).toBe('POST');
    expect(held.request.url).toBe('http://127.0.0.1/mcp?x=1');
    expect(held.request.headers.get('x-a')).toBe('b');
    expect(await held.request.text()).toBe('{"jsonrpc":"2.0"}');
    expect(await held.rest()).toBe(true); // read to its end by the handler: nothing left
  });

  it('a handler that cancels part way leaves the upload going, and rest() drains it', async () => {
    const { stream, seen } = upload(20);
    const held = holdUpload(new Request('http://127.0.0.1/mcp', { method: 'POST', body: stream, duplex: 'half' } as RequestInit))!;
    const reader = held.request.body!.getReader();
    await reader.read();
    await reader.read();
    await reader.cancel(); // as the core does over its body limit
    expect(seen.cancelled).toBe(false);
    expect(seen.pulled).toBeLessThan(20);
    expect(await held.rest()).toBe(true);
    expect(seen).toEqual({ pulled: 20, cancelled: false });
  });

  it('a handler that never reads leaves the whole upload to rest()', async () => {
    const { stream, seen } = upload(8);
    const held = holdUpload(new Request('http://127.0.0.1/mcp', { method: 'POST', body: stream, duplex: 'half' } as RequestInit))!;
    expect(await held.rest()).toBe(true);
    expect(seen.pulled).toBe(8);
  });
});
