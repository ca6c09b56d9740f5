/**
 * @module An SSE response body that follows the reader's pace: frames wait in a bounded queue
 * until the reader pulls them, and a reader that falls too far behind gets cut off.
 */

import { encodeSseComment } from './encode';

/** Why an SSE stream ended: `close()` was called, the reader cancelled, or the reader fell too far behind. */
export type SseCloseReason = 'close' | 'cancel' | 'overflow';

/** Options for {@link createSseStream}. */
export interface SseStreamOptions {
  /** Comment keep-alive period in ms; default 15000; 0 disables. */
  keepAliveMs?: number;
  /** Bytes allowed to wait for a slow reader before the stream is closed with reason 'overflow'. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Called exactly once when the stream ends, whichever side ended it. */
  onClose?: (reason: SseCloseReason) => void;
}

/**
 * The reading side of an SSE stream for code that writes to a socket itself, without a web ReadableStream (see
 * `Symbol.for('x-mcp.bodySource')` in http/text-response.ts). Use either this or `body`, never both.
 */
export interface ChunkSource {
  /**
   * The next chunk: everything queued, as one chunk; null once the stream has ended; a promise of either when
   * nothing is queued yet. Throws (or the promise rejects) when the stream was cut off for falling behind.
   */
  pull(): Uint8Array | null | Promise<Uint8Array | null>;
  /** The reader is gone: the stream ends (`onClose('cancel')` unless it was closed already). */
  cancel(): void;
}

/** A writable handle on an SSE response body. */
export interface SseStream extends ChunkSource {
  /** The response body, built on first access over {@link ChunkSource.pull}. */
  readonly body: ReadableStream<Uint8Array>;
  /** Queue one already-encoded frame (from encodeSseEvent / encodeSseComment). Returns false if the stream is closed (the frame is dropped). */
  send(frame: string): boolean;
  /** End the stream normally (flushes what is queued, then closes). Idempotent. */
  close(): void;
  /** True once closed or cancelled. */
  readonly closed: boolean;
  /** Bytes queued but not yet pulled by the reader. */
  readonly bufferedBytes: number;
}

/**
 * Headers for an SSE response. Deliberately no hop-by-hop headers (`connection`,
 * `transfer-encoding`, `keep-alive`): HTTP/2 and HTTP/3 forbid them and the runtime sets framing.
 *
 * @example
 * new Response(stream.body, { headers: SSE_HEADERS });
 */
export const SSE_HEADERS: Readonly<Record<'content-type' | 'cache-control' | 'x-accel-buffering', string>> = Object.freeze({
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
});

/** Default keep-alive period, ms. */
const DEFAULT_KEEP_ALIVE_MS = 15_000;
/** Default cap on bytes waiting for the reader: 1 MiB. */
const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;
/** Largest delay timers accept (2^31 - 1 ms); beyond it runtimes clamp to 1 ms. */
const MAX_TIMER_MS = 2_147_483_647;
/** Shared by every stream: TextEncoder is stateless. */
const encoder = new TextEncoder();
/** The keep-alive frame, encoded once. */
const KEEP_ALIVE = encodeSseComment();

/** `open`: accepting frames; `closing`: close() was called, queued frames still flushing; `done`: ended. */
type State = 'open' | 'closing' | 'done';

/**
 * Creates an SSE response body with backpressure and keep-alives.
 *
 * Frames are encoded on `send` and wait in the stream's own queue until the reader pulls them;
 * a read takes everything queued, as one chunk. If the bytes waiting exceed `maxBufferedBytes`, the stream is errored
 * (the reader's next read rejects, and HTTP servers abort the response), the queue is dropped
 * and `onClose('overflow')` runs. `onClose('close')` runs synchronously inside the first
 * `close()`, while the queued frames still flush; `onClose('cancel')` runs when the reader
 * cancels before that. The keep-alive timer is unref'd where the runtime supports it and is
 * cleared on every way out.
 *
 * @param options - Keep-alive period, buffer cap and close callback.
 * @returns The stream handle; serve `body` with {@link SSE_HEADERS}.
 * @throws RangeError when `keepAliveMs` or `maxBufferedBytes` is negative or not a number.
 * @example
 * const sse = createSseStream({ onClose: (reason) => sessions.detach(id, reason) });
 * sse.send(encodeSseEvent({ id: '1', data: '' }));
 * sse.send(encodeSseEvent({ data: JSON.stringify(message) }));
 * return new Response(sse.body, { headers: SSE_HEADERS });
 */
export function createSseStream(options: SseStreamOptions = {}): SseStream {
  const keepAliveMs = options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
  const maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  const onClose = options.onClose;
  if (typeof keepAliveMs !== 'number' || !(keepAliveMs >= 0 && keepAliveMs <= MAX_TIMER_MS)) {
    throw new RangeError(`keepAliveMs must be between 0 and ${MAX_TIMER_MS}`);
  }
  if (typeof maxBufferedBytes !== 'number' || !(maxBufferedBytes >= 0)) {
    throw new RangeError('maxBufferedBytes must be a non-negative number');
  }

  let state: State = 'open';
  let queue: Uint8Array[] = [];
  let queuedBytes = 0;
  /** Why the stream was cut off (overflow): every later pull throws it. */
  let failure: Error | undefined;
  /** A pull that found nothing queued, waiting for the next frame or the end. */
  let waiter: { resolve(chunk: Uint8Array | null): void; reject(error: Error): void } | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let stream: ReadableStream<Uint8Array> | undefined;

  const stopTimer = (): void => {
    if (timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  /**
   * Everything queued, as one chunk (frames sent in one burst, say ten progress events and a result, become one
   * read and one socket write); ends the stream after it when closing.
   */
  const takeQueued = (): Uint8Array => {
    let chunk = queue[0]!;
    if (queue.length > 1) {
      chunk = new Uint8Array(queuedBytes);
      let at = 0;
      for (const frame of queue) {
        chunk.set(frame, at);
        at += frame.byteLength;
      }
    }
    queue = [];
    queuedBytes = 0;
    if (state === 'closing') state = 'done';
    return chunk;
  };

  const pull = (): Uint8Array | null | Promise<Uint8Array | null> => {
    if (failure !== undefined) throw failure;
    if (queue.length > 0) return takeQueued();
    if (state !== 'open') {
      state = 'done';
      return null;
    }
    // The stream goes idle only now: the keep-alive starts with the first wait, so a stream that is written in one
    // burst and closed never arms a timer.
    if (timer === undefined && keepAliveMs > 0) startKeepAlive();
    return new Promise<Uint8Array | null>((resolve, reject) => {
      waiter = { resolve, reject };
    });
  };

  /** Hands `chunk` (null: the end) to a waiting pull, if there is one. */
  const wake = (chunk: Uint8Array | null): boolean => {
    const w = waiter;
    if (w === undefined) return false;
    waiter = undefined;
    w.resolve(chunk);
    return true;
  };

  const overflow = (): void => {
    state = 'done';
    stopTimer();
    queue = [];
    queuedBytes = 0;
    failure = new Error(`SSE stream overflow: the reader fell more than ${maxBufferedBytes} bytes behind`);
    const w = waiter;
    waiter = undefined;
    w?.reject(failure);
    controller?.error(failure);
    onClose?.('overflow');
  };

  const cancel = (): void => {
    const wasOpen = state === 'open';
    state = 'done';
    stopTimer();
    queue = [];
    queuedBytes = 0;
    wake(null);
    if (wasOpen) onClose?.('cancel');
  };

  const send = (frame: string): boolean => {
    if (state !== 'open') return false;
    if (frame.length === 0) return true;
    const bytes = encoder.encode(frame);
    // A pull is already waiting: hand the frame straight over.
    if (queuedBytes === 0 && wake(bytes)) return true;
    queue.push(bytes);
    queuedBytes += bytes.byteLength;
    if (queuedBytes > maxBufferedBytes) {
      overflow();
      return false;
    }
    return true;
  };

  const close = (): void => {
    if (state !== 'open') return;
    stopTimer();
    if (queuedBytes === 0) {
      state = 'done';
      wake(null);
    } else {
      state = 'closing';
    }
    onClose?.('close');
  };

  /** The web ReadableStream view, over pull(); built only when someone asks for `body`. */
  const makeBody = (): ReadableStream<Uint8Array> =>
    new ReadableStream<Uint8Array>(
      {
        start(c) {
          controller = c;
          if (failure !== undefined) c.error(failure);
        },
        pull(c) {
          const deliver = (chunk: Uint8Array | null): void => {
            try {
              if (chunk === null) c.close();
              else c.enqueue(chunk);
            } catch {
              // The reader cancelled while this pull waited: nothing is owed.
            }
          };
          const next = pull();
          if (next instanceof Promise) return next.then(deliver);
          deliver(next);
          return undefined;
        },
        cancel,
      },
      // Nothing is buffered inside the stream itself: every byte waiting is in `queue`, counted.
      { highWaterMark: 0 },
    );

  function startKeepAlive(): void {
    if (state !== 'open') return;
    timer = setInterval(() => {
      // A reader that is behind gains nothing from a ping; only ping an idle connection.
      if (queuedBytes === 0) send(KEEP_ALIVE);
    }, keepAliveMs);
    // Node and Bun return an object with unref(); browsers and the DOM typings return a number.
    (timer as unknown as { unref?: () => void }).unref?.();
  }

  return {
    get body() {
      return (stream ??= makeBody());
    },
    pull,
    cancel,
    send,
    close,
    get closed() {
      return state !== 'open';
    },
    get bufferedBytes() {
      return queuedBytes;
    },
  };
}
