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
   * The next chunk, as text (UTF-8 on the wire): everything queued, as one chunk; null once the stream has ended; a
   * promise of either when nothing is queued yet. Throws (or the promise rejects) when the stream was cut off for
   * falling behind.
   */
  pull(): string | null | Promise<string | null>;
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
/** The keep-alive frame. */
const KEEP_ALIVE = encodeSseComment();

/** The UTF-8 length of `text` (a lone surrogate counts 3, as TextEncoder writes U+FFFD for it). */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a surrogate pair: 4 bytes for 2 code units
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/** `open`: accepting frames; `closing`: close() was called, queued frames still flush; `done`: ended. */
type State = 'open' | 'closing' | 'done';

/** A pull that found nothing queued, waiting for the next frame or the end. */
interface Waiter {
  resolve(chunk: string | null): void;
  reject(error: Error): void;
}

/** The stream behind {@link createSseStream}: one object with its state in fields, methods on the prototype. */
class QueuedSseStream implements SseStream {
  readonly #keepAliveMs: number;
  readonly #maxBufferedBytes: number;
  readonly #onClose: ((reason: SseCloseReason) => void) | undefined;
  #state: State = 'open';
  #queue: string[] = [];
  /** UTF-16 code units queued: a UTF-8 byte count is at most three times this. */
  #queuedChars = 0;
  /** UTF-8 bytes of `queue[0..counted)`: counted only when the bound is near (or someone asks), never twice. */
  #countedBytes = 0;
  #counted = 0;
  /** Why the stream was cut off (overflow): every later pull throws it. */
  #failure: Error | undefined;
  #waiter: Waiter | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  #body: ReadableStream<Uint8Array> | undefined;

  constructor(keepAliveMs: number, maxBufferedBytes: number, onClose: ((reason: SseCloseReason) => void) | undefined) {
    this.#keepAliveMs = keepAliveMs;
    this.#maxBufferedBytes = maxBufferedBytes;
    this.#onClose = onClose;
  }

  get body(): ReadableStream<Uint8Array> {
    return (this.#body ??= this.#makeBody());
  }

  get closed(): boolean {
    return this.#state !== 'open';
  }

  get bufferedBytes(): number {
    return this.#queuedBytes();
  }

  pull(): string | null | Promise<string | null> {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#queue.length > 0) return this.#takeQueued();
    if (this.#state !== 'open') {
      this.#state = 'done';
      return null;
    }
    // The stream goes idle only now: the keep-alive starts with the first wait, so a stream that is written in one
    // burst and closed never arms a timer.
    if (this.#timer === undefined && this.#keepAliveMs > 0) this.#startKeepAlive();
    return new Promise<string | null>((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  cancel(): void {
    const wasOpen = this.#state === 'open';
    this.#state = 'done';
    this.#stopTimer();
    this.#clearQueue();
    this.#wake(null);
    if (wasOpen) this.#onClose?.('cancel');
  }

  send(frame: string): boolean {
    if (this.#state !== 'open') return false;
    if (frame.length === 0) return true;
    const queue = this.#queue;
    // A pull is already waiting: hand the frame straight over.
    if (queue.length === 0 && this.#wake(frame)) return true;
    queue.push(frame);
    const chars = (this.#queuedChars += frame.length);
    const max = this.#maxBufferedBytes;
    // Exact bytes are counted only once the bound could be passed (three bytes per code unit at most).
    if (chars * 3 > max && (chars > max || this.#queuedBytes() > max)) {
      this.#overflow();
      return false;
    }
    return true;
  }

  close(): void {
    if (this.#state !== 'open') return;
    this.#stopTimer();
    if (this.#queue.length === 0) {
      this.#state = 'done';
      this.#wake(null);
    } else {
      this.#state = 'closing';
    }
    this.#onClose?.('close');
  }

  #clearQueue(): void {
    if (this.#queue.length > 0) this.#queue = [];
    this.#queuedChars = 0;
    this.#countedBytes = 0;
    this.#counted = 0;
  }

  /** The UTF-8 bytes queued, counting the frames not counted yet. */
  #queuedBytes(): number {
    const queue = this.#queue;
    for (; this.#counted < queue.length; this.#counted++) this.#countedBytes += utf8Length(queue[this.#counted]!);
    return this.#countedBytes;
  }

  /**
   * Everything queued, as one chunk (frames sent in one burst, say ten progress events and a result, become one
   * read and one socket write); ends the stream after it when closing.
   */
  #takeQueued(): string {
    const queue = this.#queue;
    const chunk = queue.length === 1 ? queue[0]! : queue.join('');
    this.#clearQueue();
    if (this.#state === 'closing') this.#state = 'done';
    return chunk;
  }

  /** Hands `chunk` (null: the end) to a waiting pull, if there is one. */
  #wake(chunk: string | null): boolean {
    const w = this.#waiter;
    if (w === undefined) return false;
    this.#waiter = undefined;
    w.resolve(chunk);
    return true;
  }

  #overflow(): void {
    this.#state = 'done';
    this.#stopTimer();
    this.#clearQueue();
    const failure = (this.#failure = new Error(`SSE stream overflow: the reader fell more than ${this.#maxBufferedBytes} bytes behind`));
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.reject(failure);
    this.#controller?.error(failure);
    this.#onClose?.('overflow');
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  #startKeepAlive(): void {
    if (this.#state !== 'open') return;
    this.#timer = setInterval(() => {
      // A reader that is behind gains nothing from a ping; only ping an idle connection.
      if (this.#queue.length === 0) this.send(KEEP_ALIVE);
    }, this.#keepAliveMs);
    // Node and Bun return an object with unref(); browsers and the DOM typings return a number.
    (this.#timer as unknown as { unref?: () => void }).unref?.();
  }

  /** The web ReadableStream view, over pull(); built only when someone asks for `body`. */
  #makeBody(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>(
      {
        start: (c) => {
          this.#controller = c;
          if (this.#failure !== undefined) c.error(this.#failure);
        },
        pull: (c) => {
          const deliver = (chunk: string | null): void => {
            try {
              if (chunk === null) c.close();
              else c.enqueue(encoder.encode(chunk));
            } catch {
              // The reader cancelled while this pull waited: nothing is owed.
            }
          };
          const next = this.pull();
          if (next instanceof Promise) return next.then(deliver);
          deliver(next);
          return undefined;
        },
        cancel: () => this.cancel(),
      },
      // Nothing is buffered inside the stream itself: every byte waiting is in the queue, counted.
      { highWaterMark: 0 },
    );
  }
}

/**
 * Creates an SSE response body with backpressure and keep-alives.
 *
 * Frames wait in the stream's own queue, as text, until the reader pulls them; a read takes everything queued, as
 * one chunk, encoded once (the web `body`) or handed over as text (`pull()`, for a socket writer). If the bytes
 * waiting exceed `maxBufferedBytes`, the stream is errored (the reader's next read rejects, and HTTP servers abort
 * the response), the queue is dropped and `onClose('overflow')` runs. `onClose('close')` runs synchronously inside the first
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
  if (typeof keepAliveMs !== 'number' || !(keepAliveMs >= 0 && keepAliveMs <= MAX_TIMER_MS)) {
    throw new RangeError(`keepAliveMs must be between 0 and ${MAX_TIMER_MS}`);
  }
  if (typeof maxBufferedBytes !== 'number' || !(maxBufferedBytes >= 0)) {
    throw new RangeError('maxBufferedBytes must be a non-negative number');
  }
  return new QueuedSseStream(keepAliveMs, maxBufferedBytes, options.onClose);
}
