/**
 * The response of one stateless (2026-07-28) request: plain JSON unless the handler emits a related message
 * (progress, a log line) first, then an SSE stream that ends with the response (MH-03). The stream is not
 * resumable; the client closing it cancels the request (MH-05).
 */
import { createSseStream, encodeSseEvent, SSE_HEADERS } from '../sse/index';
import type { SseStream } from '../sse/index';
import type { Channel } from './exchange';
import { emptyResponse, jsonResponse } from './responses';
import type { JsonHead } from './responses';
import { streamResponse } from './text-response';
import { DecidedResponse } from './decided-response';

/** Stream settings. */
export interface StatelessStreamSettings {
  readonly keepAliveMs: number;
  readonly maxBufferedBytes: number;
  /** Open stateless SSE streams, for stats() (each holds a keep-alive timer). */
  readonly counters: { streams: number };
}

/** One stateless request's answer channel. */
export class StatelessExchange extends DecidedResponse implements Channel {
  #state: 'pending' | 'sse' | 'done' = 'pending';
  #sse: SseStream | undefined;

  /**
   * @param settings Keep-alive and buffer cap.
   * @param sseAllowed The client accepts text/event-stream.
   * @param jsonAllowed The client accepts application/json.
   * @param onDisconnect Called when the client closes the stream before the response (MH-05).
   */
  constructor(
    private readonly settings: StatelessStreamSettings,
    private readonly sseAllowed: boolean,
    private readonly jsonAllowed: boolean,
    private readonly onDisconnect: () => void,
  ) {
    super();
  }

  /** As {@link Exchange.settled}: a stream that is still open is handed over through the promise. */
  override get settled(): Response | undefined {
    return this.#state === 'sse' ? undefined : super.settled;
  }

  /** Whether messages for the request can still go out. */
  get open(): boolean {
    return this.#state !== 'done';
  }

  /** Whether the answer is a stream. */
  get streaming(): boolean {
    return this.#state === 'sse';
  }

  /**
   * Sends a notification about the request before its response. Progress and logs need a stream: a client that
   * accepts only JSON does not get them (there is no other stream to send them on).
   * @param text Serialised notification.
   * @returns Whether it went out.
   */
  related(text: string): boolean {
    if (this.#state === 'pending' && !this.upgrade()) return false;
    if (this.#state !== 'sse') return false;
    return this.#sse!.send(encodeSseEvent({ data: text }));
  }

  /**
   * Commits to SSE (MH-03, MH-04).
   * @returns false when the client does not accept SSE or the answer already went out.
   */
  upgrade(): boolean {
    if (this.#state === 'sse') return true;
    if (this.#state !== 'pending' || !this.sseAllowed) return false;
    const sse = createSseStream({
      keepAliveMs: this.settings.keepAliveMs,
      maxBufferedBytes: this.settings.maxBufferedBytes,
      onClose: (reason) => {
        this.settings.counters.streams--;
        if (reason !== 'close' && this.#state !== 'done') {
          this.#state = 'done';
          this.onDisconnect();
        }
      },
    });
    this.settings.counters.streams++;
    this.#sse = sse;
    this.#state = 'sse';
    this.decide(streamResponse(sse, SSE_HEADERS));
    return true;
  }

  /** Not resumable: there is no connection to end apart from the stream itself. */
  closeConnection(): void {}

  /**
   * Delivers the response: JSON with `status` when nothing streamed yet (TRAP-09), else the last SSE event.
   * @param text Serialised response, or undefined when nothing is owed (the client went away).
   * @param http HTTP status (default 200) and header fields (a refused scope's challenge, AUTH-06) of a JSON answer.
   */
  reply(text: string | undefined, http?: JsonHead): void {
    const status = http?.status ?? 200;
    if (this.#state === 'done') return;
    // An error keeps its status and a JSON body whatever Accept says (MH-08, TRAP-09); a result streams when the
    // client takes only SSE.
    if (text !== undefined && status === 200 && this.#state === 'pending' && !this.jsonAllowed) this.upgrade();
    if (this.#state === 'sse') {
      this.#state = 'done';
      if (text !== undefined) this.#sse!.send(encodeSseEvent({ data: text }));
      this.#sse!.close();
      return;
    }
    this.#state = 'done';
    this.decide(text === undefined ? emptyResponse(204) : jsonResponse(text, status, http?.headers));
  }
}
