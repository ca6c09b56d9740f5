import { afterEach, describe, it, expect, vi } from 'vitest';
import { encodeSseComment, encodeSseEvent } from './encode';
import { createSseStream, SSE_HEADERS, utf8Length } from './stream';
import type { SseCloseReason } from './stream';

const decoder = new TextDecoder();

/** Reads the body to its end and decodes it. */
async function readAll(body: ReadableStream<Uint8Array>): Promise<string> {
  const reader = body.getReader();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return text + decoder.decode();
    text += decoder.decode(value, { stream: true });
  }
}

/** Reads one chunk and decodes it; undefined at the end of the stream. */
async function readText(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string | undefined> {
  const { value, done } = await reader.read();
  return done ? undefined : decoder.decode(value);
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('SSE_HEADERS', () => {
  it('sets the SSE headers and no hop-by-hop ones', () => {
    expect({ ...SSE_HEADERS }).toEqual({
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    const headers = new Headers(SSE_HEADERS);
    for (const name of ['connection', 'transfer-encoding', 'keep-alive']) expect(headers.has(name)).toBe(false);
    expect(Object.isFrozen(SSE_HEADERS)).toBe(true);
  });
});

describe('createSseStream', () => {
  it('delivers frames in order as the exact text', async () => {
    const sse = createSseStream({ keepAliveMs: 0 });
    const frames = [
      encodeSseEvent({ id: 's_0', data: '' }),
      encodeSseEvent({ data: '{"jsonrpc":"2.0","method":"notifications/message","params":{"text":"héllo ✓ 🎉"}}' }),
      encodeSseComment('note'),
      encodeSseEvent({ event: 'message', data: 'a\nb' }),
    ];
    for (const f of frames) expect(sse.send(f)).toBe(true);
    sse.close();
    expect(await readAll(sse.body)).toBe(frames.join(''));
  });

  it('counts queued bytes as UTF-8 and releases them as the reader pulls', async () => {
    const sse = createSseStream({ keepAliveMs: 0 });
    const frame = encodeSseEvent({ data: 'é' }); // 'data: é\n\n' is 10 bytes
    sse.send(frame);
    sse.send(frame);
    expect(sse.bufferedBytes).toBe(20);
    const reader = sse.body.getReader();
    // A read takes the whole burst, as one chunk (one socket write downstream).
    expect(await readText(reader)).toBe(frame + frame);
    expect(sse.bufferedBytes).toBe(0);
    sse.send(frame);
    expect(sse.bufferedBytes).toBe(10);
    expect(await readText(reader)).toBe(frame);
    expect(sse.bufferedBytes).toBe(0);
    sse.close();
    expect(await reader.read()).toEqual({ done: true, value: undefined });
  });

  it('hands a frame straight to a read that is already waiting', async () => {
    const sse = createSseStream({ keepAliveMs: 0 });
    const reader = sse.body.getReader();
    const pending = readText(reader);
    await Promise.resolve();
    sse.send('data: x\n\n');
    expect(await pending).toBe('data: x\n\n');
    expect(sse.bufferedBytes).toBe(0);
    sse.close();
    expect(await readText(reader)).toBeUndefined();
  });

  it('serves several concurrent reads in order', async () => {
    const sse = createSseStream({ keepAliveMs: 0 });
    const reader = sse.body.getReader();
    const reads = [readText(reader), readText(reader), readText(reader)];
    await Promise.resolve();
    sse.send('data: 1\n\n');
    sse.send('data: 2\n\n');
    sse.close();
    expect(await Promise.all(reads)).toEqual(['data: 1\n\n', 'data: 2\n\n', undefined]);
  });

  it('flushes queued frames on close, then ends; close is idempotent', async () => {
    const onClose = vi.fn<(reason: SseCloseReason) => void>();
    const sse = createSseStream({ keepAliveMs: 0, onClose });
    sse.send('data: 1\n\n');
    sse.send('data: 2\n\n');
    sse.close();
    sse.close();
    expect(sse.closed).toBe(true);
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(onClose).toHaveBeenCalledWith('close');
    expect(await readAll(sse.body)).toBe('data: 1\n\ndata: 2\n\n');
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('ends at once when closed with nothing queued', async () => {
    const sse = createSseStream({ keepAliveMs: 0 });
    sse.close();
    expect(await readAll(sse.body)).toBe('');
  });

  it('returns false and drops the frame when sending after close', async () => {
    const sse = createSseStream({ keepAliveMs: 0 });
    sse.send('data: kept\n\n');
    sse.close();
    expect(sse.send('data: dropped\n\n')).toBe(false);
    expect(await readAll(sse.body)).toBe('data: kept\n\n');
  });

  it('calls onClose("cancel") once when the reader cancels, and stops the keep-alive', async () => {
    vi.useFakeTimers();
    const onClose = vi.fn<(reason: SseCloseReason) => void>();
    const sse = createSseStream({ keepAliveMs: 1000, onClose });
    // No keep-alive until the stream goes idle: a reader waits with nothing queued.
    expect(vi.getTimerCount()).toBe(0);
    sse.send('data: 1\n\n');
    const reader = sse.body.getReader();
    await reader.read();
    const idle = reader.read();
    await Promise.resolve();
    expect(vi.getTimerCount()).toBe(1);
    await reader.cancel('client went away');
    await idle;
    expect(sse.closed).toBe(true);
    expect(sse.bufferedBytes).toBe(0);
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(onClose).toHaveBeenCalledWith('cancel');
    expect(vi.getTimerCount()).toBe(0);
    expect(sse.send('data: 2\n\n')).toBe(false);
    sse.close();
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('cancel via body.cancel() works the same', async () => {
    const onClose = vi.fn<(reason: SseCloseReason) => void>();
    const sse = createSseStream({ keepAliveMs: 0, onClose });
    await sse.body.cancel();
    expect(onClose.mock.calls).toEqual([['cancel']]);
  });

  it('does not report a cancel after close(), while flushing', async () => {
    const onClose = vi.fn<(reason: SseCloseReason) => void>();
    const sse = createSseStream({ keepAliveMs: 0, onClose });
    sse.send('data: 1\n\n');
    sse.send('data: 2\n\n');
    sse.close();
    const reader = sse.body.getReader();
    // The queued frames still flush after close(), in one read, and the stream then ends.
    expect(await readText(reader)).toBe('data: 1\n\ndata: 2\n\n');
    await reader.cancel();
    expect(onClose.mock.calls).toEqual([['close']]);
    expect(sse.bufferedBytes).toBe(0);
  });

  it('sends keep-alive comments on an idle stream', async () => {
    vi.useFakeTimers();
    const sse = createSseStream({ keepAliveMs: 1000 });
    const reader = sse.body.getReader();
    const first = readText(reader);
    await vi.advanceTimersByTimeAsync(999);
    expect(sse.bufferedBytes).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(await first).toBe(':\n\n');
    await vi.advanceTimersByTimeAsync(1000);
    expect(await readText(reader)).toBe(':\n\n');
    sse.close();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await readText(reader)).toBeUndefined();
  });

  it('does not pile keep-alives on a reader that is behind', async () => {
    vi.useFakeTimers();
    const sse = createSseStream({ keepAliveMs: 1000 });
    const reader = sse.body.getReader();
    // The reader waits once (the keep-alive starts), takes the first ping, then stops reading.
    const first = readText(reader);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await first).toBe(':\n\n');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sse.bufferedBytes).toBe(3); // one more ':\n\n', not ten
    sse.close();
    expect(await readText(reader)).toBe(':\n\n');
    expect(await reader.read()).toEqual({ done: true, value: undefined });
  });

  it('uses a 15 s keep-alive by default and none with keepAliveMs: 0', async () => {
    vi.useFakeTimers();
    const a = createSseStream();
    let ping: string | null = null;
    void (a.pull() as Promise<string | null>).then((c) => (ping = c));
    await vi.advanceTimersByTimeAsync(14_999);
    expect(ping).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    expect(ping).toBe(':\n\n');
    a.close();
    const b = createSseStream({ keepAliveMs: 0 });
    void b.pull();
    expect(vi.getTimerCount()).toBe(0);
    b.close();
  });

  it('unrefs the keep-alive timer where the runtime supports it', () => {
    const spy = vi.spyOn(globalThis, 'setInterval');
    const sse = createSseStream({ keepAliveMs: 60_000 });
    void sse.pull();
    const timer = spy.mock.results[0]?.value as { hasRef?: () => boolean };
    expect(timer.hasRef?.()).toBe(false);
    sse.close();
  });

  it('closes with "overflow" when a reader never reads, and releases the timer', async () => {
    vi.useFakeTimers();
    const onClose = vi.fn<(reason: SseCloseReason) => void>();
    const sse = createSseStream({ keepAliveMs: 1000, maxBufferedBytes: 100, onClose });
    const reader = sse.body.getReader();
    const frame = 'data: 0123456789\n\n'; // 18 bytes
    let accepted = 0;
    for (let i = 0; i < 100 && sse.send(frame); i++) accepted++;
    expect(accepted).toBe(5); // 90 bytes fit, the sixth frame would make 108
    expect(sse.closed).toBe(true);
    expect(sse.bufferedBytes).toBe(0);
    expect(onClose.mock.calls).toEqual([['overflow']]);
    expect(vi.getTimerCount()).toBe(0);
    await expect(reader.read()).rejects.toThrow(/overflow/);
    sse.close();
    await reader.cancel().catch(() => undefined);
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('never overflows a reader that keeps up, however many frames', async () => {
    const onClose = vi.fn<(reason: SseCloseReason) => void>();
    const sse = createSseStream({ keepAliveMs: 0, maxBufferedBytes: 64, onClose });
    const reader = sse.body.getReader();
    for (let i = 0; i < 5_000; i++) {
      const frame = encodeSseEvent({ id: String(i), data: `{"n":${i}}` });
      expect(sse.send(frame)).toBe(true);
      expect(await readText(reader)).toBe(frame);
    }
    // A reader already waiting takes frames straight away too.
    for (let i = 0; i < 1000; i++) {
      const next = readText(reader);
      await Promise.resolve();
      expect(sse.send('data: x\n\n')).toBe(true);
      expect(await next).toBe('data: x\n\n');
    }
    sse.close();
    expect(await readText(reader)).toBeUndefined();
    expect(onClose.mock.calls).toEqual([['close']]);
  });

  it('overflows on a single frame larger than the cap when nobody is reading', () => {
    const sse = createSseStream({ keepAliveMs: 0, maxBufferedBytes: 4 });
    expect(sse.send('data: too long\n\n')).toBe(false);
    expect(sse.closed).toBe(true);
  });

  it('ignores empty frames', () => {
    const sse = createSseStream({ keepAliveMs: 0, maxBufferedBytes: 0 });
    expect(sse.send('')).toBe(true);
    expect(sse.bufferedBytes).toBe(0);
    expect(sse.closed).toBe(false);
    sse.close();
  });

  it.each([
    { keepAliveMs: -1 },
    { keepAliveMs: Number.NaN },
    { keepAliveMs: 2 ** 31 },
    { maxBufferedBytes: -1 },
    { maxBufferedBytes: Number.NaN },
  ])('rejects invalid options %j', (options) => {
    expect(() => createSseStream(options)).toThrow(RangeError);
  });
});

describe('createSseStream: pull() for adapters that write to a socket (no web stream)', () => {
  it('gives everything queued as one chunk, waits when nothing is queued, and null after close', async () => {
    const sse = createSseStream({ keepAliveMs: 0 });
    sse.send('data: 1\n\n');
    sse.send('data: 2\n\n');
    expect(sse.pull()).toBe('data: 1\n\ndata: 2\n\n');
    expect(sse.bufferedBytes).toBe(0);
    const waiting = sse.pull();
    expect(waiting).toBeInstanceOf(Promise);
    sse.send('data: 3\n\n');
    expect(await waiting).toBe('data: 3\n\n');
    sse.send('data: 4\n\n');
    sse.close();
    // Closing flushes what is queued first.
    expect(sse.pull()).toBe('data: 4\n\n');
    expect(sse.pull()).toBeNull();
  });

  it('counts UTF-8 bytes, not UTF-16 code units, for bufferedBytes and the overflow bound', () => {
    const frame = 'data: héllo 😀\n\n'; // é: 2 bytes, 😀: 4 bytes (a surrogate pair)
    const bytes = new TextEncoder().encode(frame).byteLength;
    const sse = createSseStream({ keepAliveMs: 0, maxBufferedBytes: bytes * 2 });
    expect(sse.send(frame)).toBe(true);
    expect(sse.send(frame)).toBe(true);
    expect(sse.bufferedBytes).toBe(bytes * 2);
    // One byte past the bound: cut off, although the code units alone would still fit.
    expect(frame.length * 2 + 1).toBeLessThanOrEqual(bytes * 2);
    expect(sse.send('x')).toBe(false);
    expect(() => sse.pull()).toThrow(/overflow/);
  });

  it('a pull waiting when the stream closes gets null', async () => {
    const sse = createSseStream({ keepAliveMs: 0 });
    const waiting = sse.pull();
    sse.close();
    expect(await waiting).toBeNull();
  });

  it('cancel() ends the stream once, reports "cancel", and wakes a waiting pull with null', async () => {
    const onClose = vi.fn<(reason: SseCloseReason) => void>();
    const sse = createSseStream({ keepAliveMs: 0, onClose });
    const waiting = sse.pull();
    sse.cancel();
    sse.cancel();
    expect(await waiting).toBeNull();
    expect(onClose.mock.calls).toEqual([['cancel']]);
    expect(sse.closed).toBe(true);
    expect(sse.send('data: late\n\n')).toBe(false);
  });

  it('a reader that falls behind is cut off: the waiting pull rejects and later pulls throw', async () => {
    const onClose = vi.fn<(reason: SseCloseReason) => void>();
    const sse = createSseStream({ keepAliveMs: 0, maxBufferedBytes: 16, onClose });
    expect(sse.send('data: 0123456789\n\n')).toBe(false);
    expect(() => sse.pull()).toThrow(/overflow/);
    expect(onClose.mock.calls).toEqual([['overflow']]);
  });

  it('the body view is built only when asked for, over the same queue', async () => {
    const sse = createSseStream({ keepAliveMs: 0 });
    sse.send('data: a\n\n');
    sse.close();
    expect(await new Response(sse.body).text()).toBe('data: a\n\n');
    expect(sse.body).toBe(sse.body);
  });
});

describe('utf8Length', () => {
  it.each(['', 'ascii', 'héllo', '€uro', '😀 pair', 'lone \ud800 high', 'lone \udc00 low', 'end \ud800', '\u07ff\u0800\uffff'])('equals the TextEncoder length of %j', (text) => {
    expect(utf8Length(text)).toBe(new TextEncoder().encode(text).byteLength);
  });
});
