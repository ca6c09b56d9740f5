/**
 * One POST that carried requests: answers plain JSON when nothing streams, and upgrades to SSE only when a related
 * message (progress, log, server-to-client request) is emitted before the last response (TRAP-10).
 */
import { SSE_HEADERS } from '../sse/index';
import type { LogicalStream } from './logical-stream';
import { acceptedResponse, jsonResponse } from './responses';
import type { JsonHead } from './responses';
import { streamResponse, textResponse } from './text-response';
import type { SseStream } from '../sse/index';
import { DecidedResponse } from './decided-response';

/**
 * Where the messages of one request go: its POST exchange (Streamable HTTP) or the session's one SSE connection
 * (HTTP+SSE).
 */
export interface Channel {
  /** Sends a message related to the request; `fallback` lets it go to the GET stream when this channel cannot. */
  related(text: string, fallback?: boolean): boolean;
  /** Commits to streaming; false when the channel cannot stream. */
  upgrade(): boolean;
  /** Whether the request's messages can still go out. */
  readonly open: boolean;
  /**
   * Delivers a response (undefined: a cancelled request owes none). `refusal`: the status and header fields the
   * answer takes when it is a lone JSON answer (a refused scope, AUTH-06); a stream carries the JSON-RPC error alone.
   */
  reply(text: string | undefined, refusal?: JsonHead): void;
  /** Ends the HTTP connection but keeps the stream resumable (SSE polling). */
  closeConnection(retryMs: number): void;
}

/** How an exchange opens its stream when it has to. */
export interface ExchangeHost {
  /** Creates and registers a POST-born logical stream; `prime` as in LogicalStream.attach. */
  openStream(): { stream: LogicalStream; sse: SseStream };
  /** Where related messages go when this exchange cannot carry them. */
  fallback(text: string): boolean;
}

/** The state of one POST exchange. */
export class Exchange extends DecidedResponse implements Channel {
  #state: 'pending' | 'sse' | 'done' = 'pending';
  #stream: LogicalStream | undefined;
  #remaining: number;
  #replies: string[] = [];

  /**
   * @param host The session side.
   * @param sseAllowed The client accepts text/event-stream (never send SSE otherwise, SH-02).
   * @param expected How many responses this POST owes (more than one only for a 2025-03-26 batch).
   * @param batch Answer a JSON array even for one response.
   * @param jsonAllowed The client accepts application/json; when it accepts only SSE, even a plain answer streams.
   */
  constructor(
    private readonly host: ExchangeHost,
    private readonly sseAllowed: boolean,
    expected: number,
    private readonly batch: boolean,
    private readonly jsonAllowed = true,
  ) {
    super();
    this.#remaining = expected;
  }

  /** The stream, once upgraded. */
  get stream(): LogicalStream | undefined {
    return this.#stream;
  }

  /**
   * The response when it can be handed over without a promise: a JSON answer. A stream that is still open is not:
   * handed over through the promise, a handler that ends a few microtasks later (an async tool that only reported
   * progress) has closed it by the time the adapter reads, which then writes the whole answer at once instead of
   * pumping a live stream (W2: 223,000 instead of 238,000 instructions per call).
   */
  override get settled(): Response | undefined {
    return this.#state === 'sse' ? undefined : super.settled;
  }

  /** Whether the exchange can still carry messages (decided as SSE, or not yet decided). */
  get open(): boolean {
    return this.#state !== 'done';
  }

  /**
   * Sends a message related to a request of this POST (SH-05: it may precede the response).
   * @param text Serialised message.
   * @param fallback When this POST cannot carry it, send it on the GET stream instead (server-to-client requests
   *   may, S2C-02; progress and logs must not, SH-08).
   * @returns false when it could go nowhere.
   */
  related(text: string, fallback = true): boolean {
    if (this.#state === 'pending' && !this.upgrade()) return fallback && this.host.fallback(text);
    if (this.#state === 'sse') {
      this.#stream!.send(text);
      return true;
    }
    return fallback && this.host.fallback(text);
  }

  /**
   * Commits to SSE now (used by related messages and by a handler that wants to stream).
   * @returns false when the client does not accept SSE or the answer already went out.
   */
  upgrade(): boolean {
    if (this.#state === 'sse') return true;
    if (this.#state !== 'pending' || !this.sseAllowed) return false;
    const { stream, sse } = this.host.openStream();
    this.#stream = stream;
    this.#state = 'sse';
    // Responses that were already complete (batch) go first.
    for (const r of this.#replies) stream.send(r);
    this.#replies = [];
    this.decide(streamResponse(sse, SSE_HEADERS));
    return true;
  }

  /**
   * Ends the current connection while the stream stays resumable (RSM-06).
   * @param retryMs Reconnect hint.
   */
  closeConnection(retryMs: number): void {
    this.#stream?.closeConnection(retryMs);
  }

  /**
   * Delivers one response. The last one ends the exchange.
   * @param text Serialised response, or undefined for a cancelled request that owes none (CAN-01).
   * @param refusal Status and header fields of a refused request (AUTH-06), used when it is the lone JSON answer.
   */
  reply(text: string | undefined, refusal?: JsonHead): void {
    if (this.#state === 'done') return;
    // A refusal keeps its status and a JSON body whatever Accept says, as other HTTP errors do.
    if (this.#state === 'pending' && !this.jsonAllowed && (refusal === undefined || this.batch)) this.upgrade();
    if (text !== undefined) {
      if (this.#state === 'sse') this.#stream!.send(text);
      else this.#replies.push(text);
    }
    if (--this.#remaining > 0) return;
    if (this.#state === 'sse') {
      this.#state = 'done';
      this.#stream!.finish();
      return;
    }
    this.#state = 'done';
    const replies = this.#replies;
    this.#replies = [];
    if (replies.length === 0) {
      // Every request was cancelled: nothing is owed. An SSE stream with no events says so without a body to parse.
      this.decide(this.sseAllowed ? textResponse('', 200, SSE_HEADERS) : acceptedResponse());
    } else {
      this.decide(this.batch ? jsonResponse(`[${replies.join(',')}]`) : jsonResponse(replies[0]!, refusal?.status, refusal?.headers));
    }
  }
}
