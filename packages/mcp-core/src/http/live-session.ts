/**
 * A live legacy session in this process: its streams, its requests in flight and its own requests to the client.
 * The serialisable part lives in a {@link SessionRecord} in the session store.
 */
import { McpError } from '../errors';
import type { EventStore } from '../events/index';
import { ErrorCode } from '../jsonrpc/codes';
import type { JsonRpcId, JsonRpcRequest, JsonRpcResponse } from '../jsonrpc/messages';
import { messageText } from '../jsonrpc/serialize';
import { LEVELS } from '../protocol/params';
import { nextSessionState } from '../session/index';
import type { SessionEvent, SessionRecord } from '../session/index';
import type { SessionOps } from '../server/call';
import { createLogger, progressText } from '../server/related';
import type { InputHost, InputRequest, InputResponses } from '../server/mrtr';
import type { AuthInfo, RequestContext } from '../types';
import type {
  ClientRequestOptions,
  CreateMessageParams,
  CreateMessageResult,
  ElicitParams,
  ElicitResult,
  HandlerContext,
  Logger,
  LoggingLevel,
  Root,
} from '../server/types';
import type { Channel, ExchangeHost } from './exchange';
import { LogicalStream } from './logical-stream';
import type { StreamHost } from './logical-stream';

/** What a live session needs from the transport that owns it. */
export interface SessionHost {
  readonly events: EventStore | undefined;
  readonly keepAliveMs: number;
  readonly maxBufferedBytes: number;
  readonly clientRequestTimeoutMs: number;
  readonly retryMs: number;
  readonly stats: { connections: number; pendingClientRequests: number };
  /** Persists the record after a change. */
  save(record: SessionRecord): void;
  /** Forgets a closed session. */
  forget(session: LiveSession): void;
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

const levelIndex = (l: string | undefined): number => (l === undefined ? 0 : LEVELS.indexOf(l as LoggingLevel));

let streamCounter = 0;
const newStreamId = (): string => {
  const b = new Uint8Array(6);
  crypto.getRandomValues(b);
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return `${s}${(++streamCounter).toString(36)}`;
};

/** What an unused map reads as. */
const EMPTY_MAP: ReadonlyMap<string, never> = new Map<string, never>();

const idKey = (id: JsonRpcId): string => (typeof id === 'number' ? `n${id}` : `s${id}`);

/** A legacy session held in memory. */
export class LiveSession implements StreamHost, SessionOps, ExchangeHost {
  // The maps are created on first use: an idle session (most of them) holds none (W4, memory per idle session).
  #inflight: Map<string, CallContext> | undefined;
  #streams: Map<string, LogicalStream> | undefined;
  /** Requests in flight, by id key, for `notifications/cancelled`. */
  get inflight(): ReadonlyMap<string, CallContext> {
    return this.#inflight ?? EMPTY_MAP;
  }
  /** POST-born streams still owed to the client. */
  get streams(): ReadonlyMap<string, LogicalStream> {
    return this.#streams ?? EMPTY_MAP;
  }
  /** The standalone GET stream, once the client opened one. */
  standalone: LogicalStream | undefined;
  /** Live HTTP connections on this session's streams. */
  connections = 0;
  /** HTTP+SSE (2024-11-05 transport): the one SSE connection that carries everything; undefined for Streamable HTTP. */
  channel: { send(text: string): void; close(): void } | undefined;
  #pending: Map<number, Pending> | undefined;
  #nextId = 0;

  /**
   * @param host The transport.
   * @param record The stored record.
   */
  constructor(
    private readonly host: SessionHost,
    public record: SessionRecord,
  ) {}

  get events(): EventStore | undefined {
    return this.host.events;
  }
  get keepAliveMs(): number {
    return this.host.keepAliveMs;
  }
  get maxBufferedBytes(): number {
    return this.host.maxBufferedBytes;
  }
  /** Whether SSE polling (priming events, retry, server-side close) applies: 2025-11-25 and a store (RSM-05). */
  get polling(): boolean {
    return this.channel === undefined && this.host.events !== undefined && this.record.protocolVersion >= '2025-11-25';
  }
  /** The SSE reconnect hint (ms). */
  get retryMs(): number {
    return this.host.retryMs;
  }
  /** Pending server-to-client requests. */
  get pendingCount(): number {
    return this.#pending?.size ?? 0;
  }

  connectionOpened(): void {
    this.connections++;
    this.host.stats.connections++;
  }
  connectionClosed(): void {
    this.connections--;
    this.host.stats.connections--;
    this.record.lastSeenAt = Date.now();
  }
  streamDone(stream: LogicalStream): void {
    if (this.#streams?.get(stream.id) === stream) this.#streams.delete(stream.id);
    if (this.standalone === stream) this.standalone = undefined;
  }

  /**
   * Applies a lifecycle event through the transition table.
   * @param event The event.
   * @returns false when the event is not allowed (closed session).
   */
  transition(event: SessionEvent): boolean {
    const next = nextSessionState(this.record.state, event);
    if (next === undefined) return false;
    if (next !== this.record.state) {
      this.record.state = next;
      if (next !== 'closed') this.host.save(this.record);
    }
    return true;
  }

  /** ExchangeHost: opens a POST-born stream, primed for 2025-11-25 clients. */
  openStream(): { stream: LogicalStream; body: ReadableStream<Uint8Array> } {
    const stream = new LogicalStream(newStreamId(), 'post', this);
    (this.#streams ??= new Map<string, LogicalStream>()).set(stream.id, stream);
    return { stream, body: stream.attach(this.polling ? this.host.retryMs : undefined) };
  }

  /** Opens (or re-opens) the standalone GET stream. */
  openStandalone(): ReadableStream<Uint8Array> {
    this.standalone ??= new LogicalStream(newStreamId(), 'get', this);
    return this.standalone.attach(this.polling ? this.host.retryMs : undefined);
  }

  /** ExchangeHost: where a POST's messages go when it cannot carry them (the GET stream). */
  fallback(text: string): boolean {
    return this.sendUnrelated(text);
  }

  /**
   * Sends a message that relates to no request: on the GET stream only, never broadcast within the session (SH-09).
   * @param text Serialised message.
   * @returns false when there is no GET stream to carry it.
   */
  sendUnrelated(text: string): boolean {
    if (this.channel !== undefined) {
      this.channel.send(text);
      return true;
    }
    if (this.standalone === undefined) return false;
    this.standalone.send(text);
    return true;
  }

  /** SessionOps: `logging/setLevel` (LOG-01). */
  setLogLevel(level: LoggingLevel): void {
    this.record.logLevel = level;
    this.host.save(this.record);
  }
  /** SessionOps: `resources/subscribe` (RES-03). */
  subscribe(uri: string): void {
    const subs = (this.record.subscriptions ??= []);
    if (!subs.includes(uri)) {
      subs.push(uri);
      this.host.save(this.record);
    }
  }
  /** SessionOps: `resources/unsubscribe`. */
  unsubscribe(uri: string): void {
    const subs = this.record.subscriptions;
    const i = subs?.indexOf(uri) ?? -1;
    if (i >= 0) {
      subs!.splice(i, 1);
      this.host.save(this.record);
    }
  }

  /** Whether a log message at `level` passes the session's threshold. */
  logs(level: LoggingLevel): boolean {
    return levelIndex(level) >= levelIndex(this.record.logLevel);
  }

  /**
   * Registers a request in flight and builds its handler context.
   * @param request The request.
   * @param exchange Its POST exchange.
   * @param rctx The adapter's request context.
   * @returns The context.
   */
  begin(request: JsonRpcRequest, exchange: Channel, rctx: RequestContext | undefined): CallContext {
    const ctx = new CallContext(this, request, exchange, rctx);
    (this.#inflight ??= new Map<string, CallContext>()).set(idKey(request.id), ctx);
    return ctx;
  }

  /** The request is answered. */
  end(ctx: CallContext): void {
    const key = idKey(ctx.requestId);
    if (this.#inflight?.get(key) === ctx) this.#inflight.delete(key);
  }

  /**
   * `notifications/cancelled` (CAN-01): aborts the request if it is still running; unknown ids are ignored.
   * @param requestId The cancelled request.
   * @param reason The client's reason.
   */
  cancel(requestId: JsonRpcId, reason: string | undefined): void {
    this.inflight.get(idKey(requestId))?.cancel(reason ?? 'Cancelled by the client');
  }

  /**
   * A response POSTed by the client to one of our requests (S2C-02). Unknown ids are dropped (JR-12).
   * @param message The response.
   */
  resolveResponse(message: JsonRpcResponse): void {
    if (typeof message.id !== 'number') return;
    const p = this.#pending?.get(message.id);
    if (p === undefined) return;
    if (message.error !== undefined) p.reject(new McpError(message.error.code, message.error.message, message.error.data));
    else p.resolve(message.result);
  }

  /**
   * Sends a request to the client on the request's own stream and waits for the answer.
   * @param ctx The handler context it belongs to.
   * @param method Method.
   * @param params Params.
   * @param options Timeout and signal.
   * @returns The client's result.
   */
  request(ctx: CallContext, method: string, params: Record<string, unknown> | undefined, options: ClientRequestOptions | undefined): Promise<unknown> {
    const id = ++this.#nextId; // never reused within the session (JR-06)
    const stats = this.host.stats;
    return new Promise((resolve, reject) => {
      const timeoutMs = options?.timeoutMs ?? this.host.clientRequestTimeoutMs;
      const signals = [ctx.signal, options?.signal].filter((s): s is AbortSignal => s !== undefined);
      const cleanup = () => {
        clearTimeout(timer);
        if (this.#pending?.delete(id)) stats.pendingClientRequests--;
        for (const s of signals) s.removeEventListener('abort', onAbort);
      };
      const giveUp = (error: unknown, reason: string) => {
        cleanup();
        // LC-08: tell the client we stopped waiting.
        ctx.exchange.related(messageText('notifications/cancelled', { requestId: id, reason }));
        reject(error);
      };
      const onAbort = () => {
        const s = signals.find((x) => x.aborted);
        giveUp(s?.reason ?? new McpError(ErrorCode.InternalError, 'Aborted'), 'The server stopped waiting');
      };
      const timer = setTimeout(
        () => giveUp(new McpError(ErrorCode.RequestTimeout, `The client did not answer ${method} within ${timeoutMs} ms`), 'Timed out'),
        timeoutMs,
      );
      for (const s of signals) {
        if (s.aborted) {
          cleanup();
          reject(s.reason);
          return;
        }
        s.addEventListener('abort', onAbort, { once: true });
      }
      (this.#pending ??= new Map<number, Pending>()).set(id, {
        resolve: (r) => {
          cleanup();
          resolve(r);
        },
        reject: (e) => {
          cleanup();
          reject(e);
        },
      });
      stats.pendingClientRequests++;
      if (!ctx.exchange.related(messageText(method, params, id))) {
        cleanup();
        reject(new McpError(ErrorCode.InternalError, `Cannot send ${method}: the client accepts no event stream on this request and has no GET stream open`));
      }
    });
  }

  /**
   * Ends the session: aborts its requests, fails its pending client requests, closes its streams and drops their
   * events (RSM-07). Idempotent.
   * @param reason Why.
   */
  close(reason: 'close' | 'expire'): void {
    if (!this.transition(reason)) return;
    for (const ctx of [...this.inflight.values()]) ctx.cancel('The session ended');
    this.#inflight?.clear();
    for (const p of [...(this.#pending?.values() ?? [])]) p.reject(new McpError(ErrorCode.InternalError, 'The session ended'));
    for (const s of [...this.streams.values()]) s.close();
    this.standalone?.close();
    this.channel?.close();
    this.host.forget(this);
  }
}

/** The handler context of one request in a live session. */
export class CallContext implements HandlerContext, InputHost {
  /** InputHost: a session asks through server-to-client requests. */
  readonly stateless = false;
  #ac: AbortController | undefined;
  #answers: InputResponses | undefined;
  #state: unknown;
  #log: Logger | undefined;
  #lastProgress = -Infinity;

  /**
   * @param session The session.
   * @param request The request.
   * @param exchange Its exchange.
   * @param rctx Adapter context.
   */
  constructor(
    readonly session: LiveSession,
    private readonly request: JsonRpcRequest,
    readonly exchange: Channel,
    private readonly rctx: RequestContext | undefined,
  ) {}

  get signal(): AbortSignal {
    return (this.#ac ??= new AbortController()).signal;
  }
  /** Whether the request was cancelled. */
  get cancelled(): boolean {
    return this.#ac?.signal.aborted === true;
  }
  /** Aborts the handler's signal (string reason: object reasons are known to leak in Node). */
  cancel(reason: string): void {
    (this.#ac ??= new AbortController()).abort(reason);
  }
  get requestId(): JsonRpcId {
    return this.request.id;
  }
  get sessionId(): string {
    return this.session.record.id;
  }
  get protocolVersion(): string {
    return this.session.record.protocolVersion;
  }
  get clientCapabilities(): Readonly<Record<string, unknown>> {
    return this.session.record.clientCapabilities;
  }
  get clientInfo(): Readonly<{ name: string; version: string }> | undefined {
    return this.session.record.clientInfo;
  }
  get authInfo(): AuthInfo | undefined {
    return this.rctx?.authInfo;
  }
  get remoteAddress(): string | undefined {
    return this.rctx?.remoteAddress;
  }
  get meta(): Readonly<Record<string, unknown>> | undefined {
    return this.request.params?._meta as Record<string, unknown> | undefined;
  }
  get log(): Logger {
    return (this.#log ??= createLogger((level, text) => {
      if (this.cancelled || !this.exchange.open || !this.session.logs(level)) return;
      this.exchange.related(text(), false);
    }));
  }

  progress(progress: number, total?: number, message?: string): void {
    // PROG-01: only while the request is active (after its response the token is dead), strictly increasing.
    if (this.cancelled || !this.exchange.open) return;
    const text = progressText(this.meta?.progressToken, this.#lastProgress, progress, total, message);
    if (text === undefined) return;
    this.#lastProgress = progress;
    this.exchange.related(text, false);
  }

  elicit(params: ElicitParams, options?: ClientRequestOptions): Promise<ElicitResult> {
    const cap = this.clientCapabilities.elicitation as Record<string, unknown> | undefined;
    const mode = params.mode ?? 'form';
    // Elicitation exists from 2025-06-18, URL mode from 2025-11-25 (S2C-01, S2C-03).
    const since = mode === 'url' ? '2025-11-25' : '2025-06-18';
    if (this.protocolVersion < since) {
      return Promise.reject(new McpError(ErrorCode.InvalidRequest, `${mode === 'url' ? 'URL-mode elicitation' : 'Elicitation'} needs protocol ${since} or later; this session uses ${this.protocolVersion}`));
    }
    // S2C-01: only what the client declared; `elicitation: {}` means form only.
    const ok = cap !== undefined && (mode === 'form' ? cap.form !== undefined || cap.url === undefined : cap.url !== undefined);
    if (!ok) return Promise.reject(new McpError(ErrorCode.InvalidRequest, `The client does not support ${mode}-mode elicitation`));
    // S2C-03: URL mode carries an elicitationId on 2025-11-25 sessions.
    const wire = mode === 'url' && params.mode === 'url' && params.elicitationId === undefined ? { ...params, elicitationId: crypto.randomUUID() } : params;
    return this.session.request(this, 'elicitation/create', wire as unknown as Record<string, unknown>, options) as Promise<ElicitResult>;
  }

  sample(params: CreateMessageParams, options?: ClientRequestOptions): Promise<CreateMessageResult> {
    const cap = this.clientCapabilities.sampling as Record<string, unknown> | undefined;
    if (cap === undefined) return Promise.reject(new McpError(ErrorCode.InvalidRequest, 'The client does not support sampling'));
    if (params.tools !== undefined && cap.tools === undefined) {
      return Promise.reject(new McpError(ErrorCode.InvalidRequest, 'The client does not support tool use in sampling (sampling.tools)'));
    }
    return this.session.request(this, 'sampling/createMessage', params as unknown as Record<string, unknown>, options) as Promise<CreateMessageResult>;
  }

  listRoots(options?: ClientRequestOptions): Promise<{ roots: Root[] }> {
    if (this.clientCapabilities.roots === undefined) {
      return Promise.reject(new McpError(ErrorCode.InvalidRequest, 'The client does not support roots'));
    }
    return this.session.request(this, 'roots/list', undefined, options) as Promise<{ roots: Root[] }>;
  }

  get inputResponses(): InputResponses | undefined {
    return this.#answers;
  }
  get requestState(): unknown {
    return this.#state;
  }
  /** InputHost: never collects questions (they are asked right away). */
  takeAsks(): undefined {
    return undefined;
  }
  /** InputHost: the answers of an emulated round. */
  setInput(answers: InputResponses, state: unknown): void {
    this.#answers = answers;
    this.#state = state;
  }
  /** InputHost: one question of an input-required result, as a server-to-client request. */
  ask(request: InputRequest): Promise<unknown> {
    if (request.method === 'elicitation/create') return this.elicit(request.params);
    if (request.method === 'sampling/createMessage') return this.sample(request.params);
    return this.listRoots();
  }

  /** Sessions run no 2026 tasks (yet): never a task. */
  get taskId(): undefined {
    return undefined;
  }
  startTask(): Promise<void> {
    return Promise.resolve();
  }
  reportStatus(): void {}

  closeStream(retryMs?: number): void {
    if (!this.session.polling || !this.exchange.upgrade()) return;
    this.exchange.closeConnection(retryMs ?? this.session.retryMs);
  }
}
