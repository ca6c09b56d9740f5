/**
 * A logical SSE stream of a legacy session (RSM-01..07): POST-born or the standalone GET stream. It outlives its
 * HTTP connections: while detached, messages go to the event store and are replayed on GET + Last-Event-ID.
 */
import type { EventStore } from '../events/index';
import { createSseStream, encodeSseEvent } from '../sse/index';
import type { SseStream } from '../sse/index';
import type { MaybePromise } from '../types';

/** What a logical stream needs from its owner. */
export interface StreamHost {
  readonly events: EventStore | undefined;
  readonly keepAliveMs: number;
  readonly maxBufferedBytes: number;
  /** Connection count bookkeeping (stats, expiry). */
  connectionOpened(): void;
  connectionClosed(): void;
  /** The stream is finished and may be forgotten. */
  streamDone(stream: LogicalStream): void;
}

const noop = (): void => {};
const isPromise = <T>(x: MaybePromise<T>): x is Promise<T> => typeof (x as Promise<T>)?.then === 'function';

/** A logical stream and its current connection, if any. */
export class LogicalStream {
  #conn: SseStream | undefined;
  #tail: Promise<void> | undefined;
  #done = false;
  #released = false;

  /**
   * @param id Stream id, unique in the session (encoded into event ids, RSM-02).
   * @param kind POST-born streams end after their last response; the GET stream lives with the session.
   * @param host The owning session.
   */
  constructor(
    readonly id: string,
    readonly kind: 'post' | 'get',
    private readonly host: StreamHost,
  ) {}

  /** Whether an HTTP connection is attached. */
  get connected(): boolean {
    return this.#conn !== undefined && !this.#conn.closed;
  }

  /**
   * Opens a new HTTP connection for this stream and returns it (serve it with `streamResponse`).
   * @param prime Send a priming event (an id and empty data) first, with this retry hint (RSM-05); undefined: none.
   * @returns The connection's SSE stream.
   */
  attach(prime: number | undefined): SseStream {
    this.#detach();
    const conn = createSseStream({
      keepAliveMs: this.host.keepAliveMs,
      maxBufferedBytes: this.host.maxBufferedBytes,
      onClose: () => {
        this.host.connectionClosed();
        if (this.#conn === conn) this.#conn = undefined;
        // A finished POST stream whose last response went out is done (RSM-07).
        if (this.#done && this.kind === 'post') this.#release();
      },
    });
    this.#conn = conn;
    this.host.connectionOpened();
    if (prime !== undefined && this.host.events !== undefined) this.#enqueue('', prime);
    return conn;
  }

  /**
   * Re-attaches after a dropped connection: replays what followed `lastEventId` (never another stream's events,
   * RSM-03), then continues live.
   * @param lastEventId The client's Last-Event-ID.
   * @returns The connection's SSE stream.
   */
  resume(lastEventId: string): SseStream {
    const conn = this.attach(undefined);
    const replay = () => {
      const events = this.host.events!.eventsAfter(lastEventId);
      const send = (list: { id: string; message: string }[] | undefined) => {
        for (const e of list ?? []) if (e.message !== '') conn.send(encodeSseEvent({ id: e.id, data: e.message }));
        if (this.#done) this.#finishConnection();
      };
      return isPromise(events) ? events.then(send) : send(events);
    };
    this.#chain(replay);
    return conn;
  }

  /**
   * Sends one JSON-RPC message (stored first when resumability is on, then written if connected).
   * @param text Serialised message.
   */
  send(text: string): void {
    if (this.#released) return;
    this.#enqueue(text, undefined);
  }

  /** The last response of a POST stream went out: close the connection and forget the stream (SH-05). */
  finish(): void {
    this.#done = true;
    this.#chain(this.#finishConnection);
  }

  /**
   * Ends the current connection but keeps the stream (server-initiated close for SSE polling, RSM-06).
   * @param retryMs Reconnect hint sent first.
   */
  closeConnection(retryMs: number): void {
    this.#chain(() => {
      const conn = this.#conn;
      if (conn === undefined) return;
      conn.send(`retry: ${Math.max(0, Math.floor(retryMs))}\n\n`);
      conn.close();
    });
  }

  /** Closes everything and drops the stored events (session end, DELETE). */
  close(): void {
    this.#done = true;
    this.#detach();
    this.#release();
  }

  #finishConnection(): void {
    const conn = this.#conn;
    if (conn !== undefined && !conn.closed) {
      conn.close(); // onClose releases the stream
    } else if (this.kind === 'post' && this.host.events === undefined) {
      // Nothing can be replayed without a store: the stream is over.
      this.#release();
    }
  }

  #enqueue(text: string, retry: number | undefined): void {
    this.#chain(this.#deliver, text, retry);
  }

  /** Stores the message (when resumability is on) and writes it to the connection, if any. */
  #deliver(text: string, retry: number | undefined): void | Promise<void> {
    const store = this.host.events;
    if (store === undefined) {
      this.#conn?.send(encodeSseEvent({ data: text }));
      return;
    }
    const id = store.append(this.id, text);
    if (isPromise(id)) return id.then((eventId) => this.#write(eventId, text, retry));
    this.#write(id, text, retry);
  }

  #write(eventId: string, text: string, retry: number | undefined): void {
    const conn = this.#conn;
    if (conn !== undefined) conn.send(encodeSseEvent(retry === undefined ? { id: eventId, data: text } : { id: eventId, retry, data: text }));
  }

  /**
   * Runs steps in order; synchronous while every step is (the in-memory store), chained once one is not. A step is
   * a method and its arguments, so the usual synchronous step allocates no closure.
   */
  #chain<A, B>(step: (this: LogicalStream, a: A, b: B) => void | Promise<void>, a: A, b: B): void;
  #chain(step: (this: LogicalStream) => void | Promise<void>): void;
  #chain(step: (this: LogicalStream, a?: unknown, b?: unknown) => void | Promise<void>, a?: unknown, b?: unknown): void {
    if (this.#tail !== undefined) {
      this.#tail = this.#tail.then(() => step.call(this, a, b)).catch(noop);
      return;
    }
    try {
      const r = step.call(this, a, b);
      if (r !== undefined) this.#tail = r.catch(noop);
    } catch {
      // a failing store (or an event id it made that SSE cannot carry) must not break the request; the message is
      // lost
    }
  }

  #detach(): void {
    const conn = this.#conn;
    this.#conn = undefined;
    if (conn !== undefined && !conn.closed) conn.close();
  }

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    if (this.host.events !== undefined) void this.host.events.deleteStream(this.id);
    this.host.streamDone(this);
  }
}
