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

/** A writable handle on an SSE response body. */
export interface SseStream {
  /** The response body. */
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
 * Frames are encoded on `send` and wait in the stream's own queue until the reader pulls them,
 * one frame per read. If the bytes waiting exceed `maxBufferedBytes`, the stream is errored
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
  /** A read is waiting and `pull` found nothing to give it. */
  let demand = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  // Assigned synchronously by the ReadableStream constructor (start runs before it returns).
  let controller!: ReadableStreamDefaultController<Uint8Array>;

  const stopTimer = (): void => {
    if (timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  const dropQueue = (): void => {
    queue = [];
    queuedBytes = 0;
    demand = false;
  };

  /** Hands the next queued chunk to the controller; closes it after the last one when closing. */
  const deliver = (): boolean => {
    const chunk = queue.shift();
    if (chunk === undefined) return false;
    queuedBytes -= chunk.byteLength;
    controller.enqueue(chunk);
    if (state === 'closing' && queue.length === 0) {
      state = 'done';
      controller.close();
    }
    return true;
  };

  const overflow = (): void => {
    state = 'done';
    stopTimer();
    dropQueue();
    controller.error(new Error(`SSE stream overflow: the reader fell more than ${maxBufferedBytes} bytes behind`));
    onClose?.('overflow');
  };

  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      pull() {
        if (state === 'done') return;
        if (!deliver()) demand = true;
      },
      cancel() {
        const wasOpen = state === 'open';
        state = 'done';
        stopTimer();
        dropQueue();
        if (wasOpen) onClose?.('cancel');
      },
    },
    // Nothing is buffered inside the stream itself: every byte waiting is in `queue`, counted.
    { highWaterMark: 0 },
  );

  const send = (frame: string): boolean => {
    if (state !== 'open') return false;
    if (frame.length === 0) return true;
    const bytes = encoder.encode(frame);
    if (demand && queuedBytes === 0) {
      // A read is already waiting: hand the frame straight over.
      demand = false;
      controller.enqueue(bytes);
      return true;
    }
    queue.push(bytes);
    queuedBytes += bytes.byteLength;
    if (queuedBytes > maxBufferedBytes) {
      overflow();
      return false;
    }
    if (demand) {
      demand = false;
      deliver();
    }
    return true;
  };

  const close = (): void => {
    if (state !== 'open') return;
    stopTimer();
    if (queuedBytes === 0) {
      state = 'done';
      demand = false;
      controller.close();
    } else {
      state = 'closing';
    }
    onClose?.('close');
  };

  if (keepAliveMs > 0) {
    timer = setInterval(() => {
      // A reader that is behind gains nothing from a ping; only ping an idle connection.
      if (queuedBytes === 0) send(KEEP_ALIVE);
    }, keepAliveMs);
    // Node and Bun return an object with unref(); browsers and the DOM typings return a number.
    (timer as unknown as { unref?: () => void }).unref?.();
  }

  return {
    body,
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
