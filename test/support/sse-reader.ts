/**
 * Reading SSE bodies in the integration tests: an incremental parser and a reader that hands out one event at a
 * time, every read bounded by a timeout.
 */

/** One parsed SSE event. */
export interface SseEvent {
  id?: string;
  data: string;
  retry?: number;
  event?: string;
}

/** Incremental SSE parser (text/event-stream, WHATWG rules for the fields the server uses). */
export class SseParser {
  #buf = '';
  #cur: { id?: string; data: string[]; retry?: number; event?: string; any: boolean } = { data: [], any: false };
  constructor(private readonly onEvent: (e: SseEvent) => void) {}

  push(text: string): void {
    this.#buf += text;
    for (;;) {
      const m = /\r\n|\n|\r/.exec(this.#buf);
      if (m === null) return;
      // A lone \r at the end may be the first half of \r\n: wait for more.
      if (m[0] === '\r' && m.index === this.#buf.length - 1) return;
      const line = this.#buf.slice(0, m.index);
      this.#buf = this.#buf.slice(m.index + m[0].length);
      this.#line(line);
    }
  }

  #line(line: string): void {
    const c = this.#cur;
    if (line === '') {
      if (c.any) {
        const e: SseEvent = { data: c.data.join('\n') };
        if (c.id !== undefined) e.id = c.id;
        if (c.retry !== undefined) e.retry = c.retry;
        if (c.event !== undefined) e.event = c.event;
        this.onEvent(e);
      }
      this.#cur = { data: [], any: false };
      return;
    }
    if (line.startsWith(':')) return; // comment (keep-alive)
    const i = line.indexOf(':');
    const field = i === -1 ? line : line.slice(0, i);
    let value = i === -1 ? '' : line.slice(i + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    c.any = true;
    if (field === 'data') c.data.push(value);
    else if (field === 'id') c.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) c.retry = Number(value);
    else if (field === 'event') c.event = value;
  }
}

/** Reads SSE events from a response body one at a time, each read bounded by a timeout. */
export class SseReader {
  #queue: SseEvent[] = [];
  #ended = false;
  #error: unknown;
  #wake: (() => void) | undefined;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly done: Promise<void>;

  constructor(body: ReadableStream<Uint8Array>) {
    const parser = new SseParser((e) => {
      this.#queue.push(e);
      this.#wake?.();
    });
    const decoder = new TextDecoder();
    const reader = body.getReader();
    this.#reader = reader;
    this.done = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.push(decoder.decode(value, { stream: true }));
        }
      } catch (error) {
        this.#error = error;
      } finally {
        this.#ended = true;
        this.#wake?.();
      }
    })();
  }

  /** Whether the stream ended (closed by the server, or aborted). */
  get ended(): boolean {
    return this.#ended;
  }

  /**
   * The next event.
   * @returns The event, or undefined when the stream ended first.
   * @throws After `timeoutMs` with no event.
   */
  async next(timeoutMs = 3000): Promise<SseEvent | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const e = this.#queue.shift();
      if (e !== undefined) return e;
      if (this.#ended) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`No SSE event within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  /** The next event that carries a JSON-RPC message (skips priming events and bare `retry`). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async nextMessage(timeoutMs = 3000): Promise<{ event: SseEvent; message: any } | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const e = await this.next(Math.max(1, deadline - Date.now()));
      if (e === undefined) return undefined;
      if (e.data !== '') return { event: e, message: JSON.parse(e.data) };
    }
  }

  /** Every remaining event until the stream ends (bounded). */
  async rest(timeoutMs = 3000): Promise<SseEvent[]> {
    const out: SseEvent[] = [];
    const deadline = Date.now() + timeoutMs;
    for (let i = 0; i < 10_000; i++) {
      const e = await this.next(Math.max(1, deadline - Date.now()));
      if (e === undefined) return out;
      out.push(e);
    }
    throw new Error('SSE stream did not end');
  }

  /** The transport error that ended the stream, if any. */
  get error(): unknown {
    return this.#error;
  }

  /** Cancels the body: the client closes the stream. */
  cancel(): Promise<void> {
    return this.#reader.cancel().catch(() => {});
  }
}
