/**
 * A live legacy session in this process: its streams, its requests in flight and its own requests to the client.
 * The serialisable part lives in a {@link SessionRecord} in the session store.
 */
import type { SseStream } from '../sse/index';
import { McpError } from '../errors';
import type { EventStore } from '../events/index';
import { ErrorCode } from '../jsonrpc/codes';
import type { JsonRpcId, JsonRpcRequest, JsonRpcResponse } from '../jsonrpc/messages';
import { messageText } from '../jsonrpc/serialize';
import { LEVELS } from '../protocol/params';
import { nextSessionState, shareFrozen } from '../session/index';
import type { LiveRecord, SessionEvent, SessionRecord, SessionState } from '../session/index';
import type { SessionOps } from '../server/call';
import { createLogger } from '../server/related';
import type { InputHost, InputRequest } from '../server/mrtr';
import type { RequestContext } from '../types';
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
import { ContextBase } from './context-base';
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
let streamPrefix: string | undefined;
/**
 * A stream id: a random prefix drawn once per process (48 bits: ids from processes sharing an event store do not
 * collide) and a counter. Ids need not be secret: Last-Event-ID only ever resumes the requesting session's own
 * streams (RSM-03).
 */
const newStreamId = (): string => {
  if (streamPrefix === undefined) {
    const b = crypto.getRandomValues(new Uint8Array(6));
    streamPrefix = '';
    for (const x of b) streamPrefix += x.toString(16).padStart(2, '0');
  }
  return `${streamPrefix}${(++streamCounter).toString(36)}`;
};

/** What an unused map reads as. */
const EMPTY_MAP: ReadonlyMap<string, never> = new Map<string, never>();

const idKey = (id: JsonRpcId): string => (typeof id === 'number' ? `n${id}` : `s${id}`);

/**
 * Session timestamps are kept as milliseconds since the first session of the process: small integers, which V8
 * stores inside the object, where epoch milliseconds would each take a separate heap number (W4, memory per idle
 * session). Offsets past about 24 days no longer fit and are stored boxed again, which costs memory, never
 * correctness. (Taken at first use, not at module load: some runtimes report time 0 outside a request.)
 */
let clockBase: number | undefined;

/**
 * `ms` as an offset from the clock base, as a small integer when it is one (arithmetic on epoch milliseconds yields
 * heap numbers even for integral results; `| 0` makes the int32 case a small integer again).
 */
const sinceBase = (ms: number): number => {
  const offset = ms - (clockBase ??= Date.now());
  const int = offset | 0;
  return int === offset ? int : offset;
};
/** The inverse of {@link sinceBase}; only called once a session exists, so the base is set. */
const fromBase = (offset: number): number => clockBase! + offset;

/** What a session holds only once it is used: idle sessions (most of them) carry none of it (W4). */
class Busy {
  /** Requests in flight, by id key. */
  inflight: Map<string, CallContext> | undefined = undefined;
  /** POST-born streams still owed to the client. */
  streams: Map<string, LogicalStream> | undefined = undefined;
  standalone: LogicalStream | undefined = undefined;
  channel: { send(text: string): void; close(): void } | undefined = undefined;
  /** Server-to-client requests waiting for the client's answer. */
  pending: Map<number, Pending> | undefined = undefined;
  nextId = 0;
  logLevel: string | undefined = undefined;
  subscriptions: string[] | undefined = undefined;
}

/**
 * A legacy session held in memory. It is its own {@link SessionRecord}: the record's fields are the session's, and
 * {@link LiveSession.toRecord} copies them out for the session store. An idle session is this one object with
 * fixed fields: client capabilities and client info point at shared frozen copies, timestamps are small integers,
 * and everything that only a used session needs lives in a `Busy` part created on first use (W4, memory per idle
 * session).
 */
export class LiveSession implements StreamHost, SessionOps, ExchangeHost, SessionRecord, LiveRecord {
  /** The `Mcp-Session-Id` value (SES-02). */
  readonly id: string;
  /** Lifecycle state; changed through {@link LiveSession.transition}. */
  state: SessionState;
  /** The negotiated protocol version (LC-03). */
  protocolVersion: string;
  /** The client's `initialize` capabilities: a shared, deeply frozen copy (see `shareFrozen`). */
  clientCapabilities: Record<string, unknown>;
  /** The client's `initialize` `clientInfo`: a shared, deeply frozen copy; undefined before `initialize` (HTTP+SSE). */
  clientInfo: { name: string; version: string; [k: string]: unknown } | undefined;
  /** The authenticated principal that created the session (SES-08). */
  subject: string | undefined;
  /** Live HTTP connections on this session's streams. */
  connections = 0;
  #createdAt: number;
  #lastSeenAt: number;
  #busy: Busy | undefined = undefined;

  /**
   * @param host The transport.
   * @param record The session's record: a fresh one, or one read from the session store. Its fields are copied.
   */
  constructor(
    private readonly host: SessionHost,
    record: SessionRecord,
  ) {
    this.id = record.id;
    this.state = record.state;
    this.protocolVersion = record.protocolVersion;
    this.clientCapabilities = shareFrozen(record.clientCapabilities);
    this.clientInfo = shareFrozen(record.clientInfo);
    this.subject = record.subject;
    this.#createdAt = sinceBase(record.createdAt);
    this.#lastSeenAt = sinceBase(record.lastSeenAt);
    if (record.logLevel !== undefined) this.more().logLevel = record.logLevel;
    if (record.subscriptions !== undefined && record.subscriptions.length > 0) this.more().subscriptions = [...record.subscriptions];
  }

  /** The session's record: the session itself. */
  get record(): SessionRecord {
    return this;
  }
  /** Creation time, ms since the epoch. */
  get createdAt(): number {
    return fromBase(this.#createdAt);
  }
  set createdAt(ms: number) {
    this.#createdAt = sinceBase(ms);
  }
  /** Last use, ms since the epoch (drives idle expiry). */
  get lastSeenAt(): number {
    return fromBase(this.#lastSeenAt);
  }
  set lastSeenAt(ms: number) {
    this.#lastSeenAt = sinceBase(ms);
  }
  /** Set by `logging/setLevel`. */
  get logLevel(): string | undefined {
    return this.#busy?.logLevel;
  }
  set logLevel(level: string | undefined) {
    if (level !== undefined || this.#busy !== undefined) this.more().logLevel = level;
  }
  /** URIs passed to `resources/subscribe`. */
  get subscriptions(): string[] | undefined {
    return this.#busy?.subscriptions;
  }
  set subscriptions(uris: string[] | undefined) {
    if (uris !== undefined || this.#busy !== undefined) this.more().subscriptions = uris;
  }

  /**
   * A fresh, plain copy of the record, for the session store. Client capabilities and info are the shared frozen
   * copies; `subscriptions` is a new array.
   * @returns The record.
   */
  toRecord(): SessionRecord {
    const record: SessionRecord = {
      id: this.id,
      state: this.state,
      protocolVersion: this.protocolVersion,
      clientCapabilities: this.clientCapabilities,
      createdAt: this.createdAt,
      lastSeenAt: this.lastSeenAt,
    };
    if (this.clientInfo !== undefined) record.clientInfo = this.clientInfo;
    const busy = this.#busy;
    if (busy?.logLevel !== undefined) record.logLevel = busy.logLevel;
    if (busy?.subscriptions !== undefined) record.subscriptions = [...busy.subscriptions];
    if (this.subject !== undefined) record.subject = this.subject;
    return record;
  }

  /** The session's `Busy` part, created on first use. (Not a `#private` method: those add a brand field to every instance.) */
  private more(): Busy {
    return (this.#busy ??= new Busy());
  }

  /** Requests in flight, by id key, for `notifications/cancelled`. */
  get inflight(): ReadonlyMap<string, CallContext> {
    return this.#busy?.inflight ?? EMPTY_MAP;
  }
  /** POST-born streams still owed to the client. */
  get streams(): ReadonlyMap<string, LogicalStream> {
    return this.#busy?.streams ?? EMPTY_MAP;
  }
  /** The standalone GET stream, once the client opened one. */
  get standalone(): LogicalStream | undefined {
    return this.#busy?.standalone;
  }
  set standalone(stream: LogicalStream | undefined) {
    if (stream !== undefined || this.#busy !== undefined) this.more().standalone = stream;
  }
  /** HTTP+SSE (2024-11-05 transport): the one SSE connection that carries everything; undefined for Streamable HTTP. */
  get channel(): { send(text: string): void; close(): void } | undefined {
    return this.#busy?.channel;
  }
  set channel(channel: { send(text: string): void; close(): void } | undefined) {
    if (channel !== undefined || this.#busy !== undefined) this.more().channel = channel;
  }

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
    return this.channel === undefined && this.host.events !== undefined && this.protocolVersion >= '2025-11-25';
  }
  /** The SSE reconnect hint (ms). */
  get retryMs(): number {
    return this.host.retryMs;
  }
  /** Pending server-to-client requests. */
  get pendingCount(): number {
    return this.#busy?.pending?.size ?? 0;
  }

  connectionOpened(): void {
    this.connections++;
    this.host.stats.connections++;
  }
  connectionClosed(): void {
    this.connections--;
    this.host.stats.connections--;
    this.lastSeenAt = Date.now();
  }
  streamDone(stream: LogicalStream): void {
    const busy = this.#busy;
    if (busy === undefined) return;
    if (busy.streams?.get(stream.id) === stream) busy.streams.delete(stream.id);
    if (busy.standalone === stream) busy.standalone = undefined;
  }

  /**
   * Applies a lifecycle event through the transition table.
   * @param event The event.
   * @returns false when the event is not allowed (closed session).
   */
  transition(event: SessionEvent): boolean {
    const next = nextSessionState(this.state, event);
    if (next === undefined) return false;
    if (next !== this.state) {
      this.state = next;
      if (next !== 'closed') this.host.save(this);
    }
    return true;
  }

  /** ExchangeHost: opens a POST-born stream, primed for 2025-11-25 clients. */
  openStream(): { stream: LogicalStream; sse: SseStream } {
    const stream = new LogicalStream(newStreamId(), 'post', this);
    const busy = this.more();
    (busy.streams ??= new Map<string, LogicalStream>()).set(stream.id, stream);
    return { stream, sse: stream.attach(this.polling ? this.host.retryMs : undefined) };
  }

  /** Opens (or re-opens) the standalone GET stream. */
  openStandalone(): SseStream {
    const busy = this.more();
    busy.standalone ??= new LogicalStream(newStreamId(), 'get', this);
    return busy.standalone.attach(this.polling ? this.host.retryMs : undefined);
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
    this.more().logLevel = level;
    this.host.save(this);
  }
  /** SessionOps: `resources/subscribe` (RES-03). */
  subscribe(uri: string): void {
    const subs = (this.more().subscriptions ??= []);
    if (!subs.includes(uri)) {
      subs.push(uri);
      this.host.save(this);
    }
  }
  /** SessionOps: `resources/unsubscribe`. */
  unsubscribe(uri: string): void {
    const subs = this.#busy?.subscriptions;
    const i = subs?.indexOf(uri) ?? -1;
    if (i >= 0) {
      subs!.splice(i, 1);
      this.host.save(this);
    }
  }

  /** Whether a log message at `level` passes the session's threshold. */
  logs(level: LoggingLevel): boolean {
    return levelIndex(level) >= levelIndex(this.#busy?.logLevel);
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
    const busy = this.more();
    (busy.inflight ??= new Map<string, CallContext>()).set(idKey(request.id), ctx);
    return ctx;
  }

  /** The request is answered. */
  end(ctx: CallContext): void {
    const inflight = this.#busy?.inflight;
    if (inflight === undefined) return;
    const key = idKey(ctx.requestId);
    if (inflight.get(key) === ctx) inflight.delete(key);
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
    const p = this.#busy?.pending?.get(message.id);
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
    const busy = this.more();
    const id = ++busy.nextId; // never reused within the session (JR-06)
    const stats = this.host.stats;
    return new Promise((resolve, reject) => {
      const timeoutMs = options?.timeoutMs ?? this.host.clientRequestTimeoutMs;
      const signals = [ctx.signal, options?.signal].filter((s): s is AbortSignal => s !== undefined);
      const cleanup = () => {
        clearTimeout(timer);
        if (busy.pending?.delete(id)) stats.pendingClientRequests--;
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
      (busy.pending ??= new Map<number, Pending>()).set(id, {
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
    const busy = this.#busy;
    if (busy !== undefined) {
      for (const ctx of [...(busy.inflight?.values() ?? [])]) ctx.cancel('The session ended');
      busy.inflight?.clear();
      for (const p of [...(busy.pending?.values() ?? [])]) p.reject(new McpError(ErrorCode.InternalError, 'The session ended'));
    }
    if (this.streams.size > 0) for (const s of [...this.streams.values()]) s.close();
    this.standalone?.close();
    this.channel?.close();
    this.host.forget(this);
  }
}

/** The handler context of one request in a live session. */
export class CallContext extends ContextBase<Channel> implements HandlerContext, InputHost {
  /** InputHost: a session asks through server-to-client requests. */
  readonly stateless = false;
  #log: Logger | undefined;

  /**
   * @param session The session.
   * @param request The request.
   * @param exchange Its exchange.
   * @param rctx Adapter context.
   */
  constructor(
    readonly session: LiveSession,
    request: JsonRpcRequest,
    exchange: Channel,
    rctx: RequestContext | undefined,
  ) {
    super(request, exchange, rctx);
  }

  protected related(text: string): void {
    this.exchange.related(text, false);
  }

  get signal(): AbortSignal {
    return (this.ac ??= new AbortController()).signal;
  }
  get sessionId(): string {
    return this.session.id;
  }
  get protocolVersion(): string {
    return this.session.protocolVersion;
  }
  get clientCapabilities(): Readonly<Record<string, unknown>> {
    return this.session.clientCapabilities;
  }
  get clientInfo(): Readonly<{ name: string; version: string }> | undefined {
    return this.session.clientInfo;
  }
  get log(): Logger {
    return (this.#log ??= createLogger((level, text) => {
      if (this.cancelled || !this.exchange.open || !this.session.logs(level)) return;
      this.related(text());
    }));
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

  /** InputHost: never collects questions (they are asked right away). */
  takeAsks(): undefined {
    return undefined;
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
