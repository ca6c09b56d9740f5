/**
 * Streamable HTTP for the legacy handshake revisions 2025-03-26, 2025-06-18 and 2025-11-25 (checklist §4–5):
 * `initialize` opens a session, POST carries messages, GET opens the standalone stream or resumes one, DELETE ends it.
 */
import { McpError, toErrorObject } from '../errors';
import type { InsufficientScopeError } from '../errors';
import type { EventStore } from '../events/index';
import { ErrorCode } from '../jsonrpc/codes';
import { classify } from '../jsonrpc/messages';
import type { Classified, JsonRpcNotification, JsonRpcRequest } from '../jsonrpc/messages';
import { RawJson, errorText, resultText } from '../jsonrpc/serialize';
import { CancelledParams, InitializeParams } from '../protocol/params';
import { LEGACY_VERSIONS, SUPPORTED_VERSIONS, isLegacyVersion, negotiateVersion } from '../protocol/versions';
import type { Call } from '../server/call';
import { capabilitiesFor } from '../server/capabilities';
import { METHODS } from '../server/handlers';
import type { Registry } from '../server/registry';
import type { ScopeGate } from '../server/scopes';
import { EMPTY_OBJECT, createSessionId, memoryStoreLink, shareFrozen } from '../session/index';
import type { LiveRecord, SessionRecord, SessionStore } from '../session/index';
import { SSE_HEADERS } from '../sse/index';
import type { RequestContext } from '../types';
import { readPost } from './post';
import { Exchange } from './exchange';
import type { Channel } from './exchange';
import { LiveSession } from './live-session';
import type { SessionTasks } from './session-tasks';
import type { SessionHost } from './live-session';
import { parseAccept } from './media';
import type { Accepts } from './media';
import { acceptedResponse, emptyResponse, errorResponse, jsonResponse, nullIdFor } from './responses';
import type { JsonHead } from './responses';
import { isResponse, streamResponse } from './text-response';
import type { ObservedRun } from '../server/observe';
import { isThenable } from '../thenable';
import * as v from 'valibot';

/** Resolved transport settings. */
export interface StreamableSettings {
  readonly maxBodyBytes: number;
  readonly keepAliveMs: number;
  readonly maxBufferedBytes: number;
  readonly clientRequestTimeoutMs: number;
  readonly retryMs: number;
  readonly idleTimeoutMs: number;
  readonly maxSessions: number;
  readonly store: SessionStore;
  readonly events: EventStore | undefined;
  /** The initialize result minus protocolVersion and capabilities. */
  readonly serverInfo: Record<string, unknown>;
  readonly instructions: string | undefined;
  readonly onError: (error: unknown) => void;
  /** Instrumentation around handler runs (the `observe` option). */
  readonly observe?: ObservedRun | undefined;
  /** Tools' scopes and their challenges (`withScopes`, AUTH-06); undefined without the feature. */
  readonly scopes: ScopeGate | undefined;
}

/**
 * The legacy Streamable HTTP transport over one registry.
 */
export class StreamableHttp implements SessionHost {
  /** Live sessions of this process. */
  readonly sessions = new Map<string, LiveSession>();
  /** Counters for stats and leak checks. */
  readonly stats = { connections: 0, pendingClientRequests: 0 };
  /** The 2025-11-25 task methods, once the server set them up. */
  tasks: SessionTasks | undefined;
  #sweeper: ReturnType<typeof setInterval> | undefined;
  /** The memory store's by-reference write, when the store is a memory store (see `memoryStoreLink`). */
  readonly #link: ((live: LiveRecord) => void) | undefined;
  /** The initialize result's JSON text per negotiated version (`+auth` when the caller is authenticated). */
  readonly #results = new Map<string, RawJson>();

  /**
   * @param registry Tools, resources, prompts.
   * @param settings Resolved options.
   */
  constructor(
    private readonly registry: Registry,
    private readonly settings: StreamableSettings,
  ) {
    this.#link = memoryStoreLink(settings.store);
  }

  get events(): EventStore | undefined {
    return this.settings.events;
  }
  get keepAliveMs(): number {
    return this.settings.keepAliveMs;
  }
  get maxBufferedBytes(): number {
    return this.settings.maxBufferedBytes;
  }
  get clientRequestTimeoutMs(): number {
    return this.settings.clientRequestTimeoutMs;
  }
  get retryMs(): number {
    return this.settings.retryMs;
  }
  /** Whether the expiry sweeper timer is running. */
  get sweeping(): boolean {
    return this.#sweeper !== undefined;
  }

  /**
   * Persists a session's record. A memory store holds live sessions by reference, so for it this is only a link
   * (no copy); any other store gets a plain copy of the record.
   */
  save(record: SessionRecord): void {
    if (record instanceof LiveSession) {
      if (this.#link !== undefined) {
        this.#link(record);
        return;
      }
      record = record.toRecord();
    }
    const store = this.settings.store;
    this.#write(() => store.set(record));
  }

  forget(session: LiveSession): void {
    const id = session.id;
    this.tasks?.sessionClosed(session);
    if (this.sessions.get(id) === session) this.sessions.delete(id);
    const store = this.settings.store;
    this.#write(() => store.delete(id));
    if (this.sessions.size === 0 && this.#sweeper !== undefined) {
      clearInterval(this.#sweeper);
      this.#sweeper = undefined;
    }
  }

  /**
   * POST: one message (or a 2025-03-26 batch).
   * @param request The request.
   * @param rctx Adapter context.
   * @returns The response.
   */
  async post(request: Request, rctx: RequestContext | undefined): Promise<Response> {
    let read = readPost(request, rctx, this.settings.maxBodyBytes);
    if (read instanceof Promise) read = await read;
    if (isResponse(read)) return read;
    return this.postParsed(read.body, request, rctx, read.accepts);
  }

  /**
   * POST with the body already read and parsed (the endpoint reads once, then picks the era).
   * @param body The JSON body.
   * @param request The request.
   * @param rctx Adapter context.
   * @param accepts What the client accepts.
   * @returns The response.
   */
  async postParsed(body: unknown, request: Request, rctx: RequestContext | undefined, accepts: Accepts): Promise<Response> {
    const sid = request.headers.get('mcp-session-id');
    if (Array.isArray(body)) return this.#batch(body, sid, request, rctx, accepts, nullIdFor(request));
    const c = classify(body);
    if (c.kind === 'invalid') return this.#bare(400, c.code, c.reason, nullIdFor(request), c.id);
    if (c.kind === 'request' && c.message.method === 'initialize') return this.#initialize(c.message, rctx);
    let session = this.#session(request, sid, rctx);
    if (session instanceof Promise) session = await session;
    if (isResponse(session)) return session;
    if (c.kind === 'notification') {
      this.notification(session, c.message);
      return acceptedResponse();
    }
    if (c.kind === 'response') {
      session.resolveResponse(c.message);
      return acceptedResponse();
    }
    session.transition('request');
    const exchange = new Exchange(session, accepts.sse, 1, false, accepts.json);
    this.run(session, c.message, exchange, rctx);
    return exchange.settled ?? exchange.response;
  }

  /**
   * GET: the standalone stream, or a resumed one with Last-Event-ID (RSM-03).
   * @param request The request.
   * @param rctx Adapter context.
   * @returns The response.
   */
  async get(request: Request, rctx: RequestContext | undefined): Promise<Response> {
    if (!parseAccept(request.headers.get('accept')).sse) {
      return errorResponse(406, ErrorCode.InvalidRequest, 'GET needs Accept: text/event-stream (SH-02)', { nullId: nullIdFor(request) });
    }
    const session = await this.#session(request, request.headers.get('mcp-session-id'), rctx);
    if (isResponse(session)) return session;
    const last = request.headers.get('last-event-id');
    const events = this.settings.events;
    if (last !== null && events !== undefined) {
      const streamId = await events.streamOf(last);
      if (streamId !== undefined) {
        const stream = session.streams.get(streamId) ?? (session.standalone?.id === streamId ? session.standalone : undefined);
        // Only this session's streams; a foreign or finished id never replays anything (RSM-03).
        if (stream !== undefined) return streamResponse(stream.resume(last), SSE_HEADERS);
      }
    }
    if (session.standalone?.connected) {
      return errorResponse(409, ErrorCode.InvalidRequest, 'A GET stream is already open for this session (SH-10)', { nullId: nullIdFor(request) });
    }
    return streamResponse(session.openStandalone(), SSE_HEADERS);
  }

  /**
   * DELETE: ends the session (SES-07).
   * @param request The request.
   * @param rctx Adapter context.
   * @returns 200, or the session error.
   */
  async delete(request: Request, rctx: RequestContext | undefined): Promise<Response> {
    let session = this.#session(request, request.headers.get('mcp-session-id'), rctx);
    if (session instanceof Promise) session = await session;
    if (isResponse(session)) return session;
    session.close('close');
    return emptyResponse(200);
  }

  /** Notifies every session that a list changed (on its GET stream, TOOL-06). */
  broadcast(text: string): void {
    for (const s of this.sessions.values()) s.sendUnrelated(text);
  }

  /** `notifications/resources/updated` to the sessions subscribed to `uri` (RES-03). */
  resourceUpdated(uri: string, text: string): void {
    for (const s of this.sessions.values()) if (s.record.subscriptions?.includes(uri)) s.sendUnrelated(text);
  }

  /** Ends every session. */
  close(): void {
    for (const s of [...this.sessions.values()]) s.close('close');
  }

  /** Expires idle sessions: no open connection, nothing in flight, quiet for idleTimeoutMs. */
  sweep(now = Date.now()): void {
    const idle = this.settings.idleTimeoutMs;
    for (const s of [...this.sessions.values()]) {
      if (s.connections === 0 && s.inflight.size === 0 && s.pendingCount === 0 && now - s.record.lastSeenAt >= idle) s.close('expire');
    }
  }

  /** Runs a store write without waiting for it; failures (thrown or rejected) go to onError. */
  #write(write: () => unknown): void {
    try {
      const done = write();
      if (isThenable(done)) done.then(undefined, this.settings.onError);
    } catch (error) {
      this.settings.onError(error);
    }
  }

  #bare(status: number, code: number, message: string, nullId: boolean, id?: string | number): Response {
    return jsonResponse(errorText(id, { code, message }, nullId), status);
  }

  /**
   * The caller's session, or the error to answer. A session this process holds is found without a promise (the
   * usual case, on every request); only a miss asks the store, which may have it from another process.
   */
  #session(request: Request, sid: string | null, rctx: RequestContext | undefined): LiveSession | Response | Promise<LiveSession | Response> {
    if (sid === null) {
      return errorResponse(400, ErrorCode.InvalidRequest, 'Missing Mcp-Session-Id header: send initialize first (SES-04)', { nullId: nullIdFor(request) });
    }
    const session = this.sessions.get(sid);
    return session === undefined ? this.#storedSession(request, sid, rctx) : this.#admit(request, session, rctx);
  }

  async #storedSession(request: Request, sid: string, rctx: RequestContext | undefined): Promise<LiveSession | Response> {
    const record = await this.settings.store.get(sid);
    let session = this.sessions.get(sid);
    if (session === undefined && record !== undefined && record.state !== 'closed') {
      session = new LiveSession(this, record);
      this.sessions.set(sid, session);
      this.#startSweeper();
    }
    return this.#admit(request, session, rctx);
  }

  /** SES-08, PVH-03 and the idle clock, for a session found by id. */
  #admit(request: Request, session: LiveSession | undefined, rctx: RequestContext | undefined): LiveSession | Response {
    // SES-08: a session is bound to the principal that created it; anyone else gets "not found".
    if (session === undefined || (session.record.subject !== undefined && session.record.subject !== rctx?.authInfo?.subject)) {
      return errorResponse(404, ErrorCode.InvalidRequest, 'Session not found: it expired or was deleted; send initialize again (SES-05)', {
        nullId: nullIdFor(request),
      });
    }
    const pv = request.headers.get('mcp-protocol-version');
    if (pv !== null && !isLegacyVersion(pv)) {
      return errorResponse(400, ErrorCode.UnsupportedProtocolVersion, `Unsupported MCP-Protocol-Version "${pv}" (PVH-03)`, {
        data: { supported: SUPPORTED_VERSIONS, requested: pv },
        nullId: false,
      });
    }
    session.record.lastSeenAt = Date.now();
    return session;
  }

  /**
   * Validates `initialize` params, negotiates the version (LC-03) and fills the record.
   * @internal shared with the HTTP+SSE transport.
   * @param params The request's params.
   * @param record The session record to fill.
   * @returns The initialize result as JSON text (the same object for every session of one version).
   */
  handshake(params: unknown, record: SessionRecord): RawJson {
    const parsed = v.safeParse(InitializeParams, params);
    if (!parsed.success) {
      const issue = parsed.issues[0];
      const path = (issue.path ?? []).map((p) => String(p.key).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
      throw new McpError(ErrorCode.InvalidParams, `Invalid initialize params: /${path}: ${issue.message}`);
    }
    const p = parsed.output;
    const version = negotiateVersion(p.protocolVersion);
    record.protocolVersion = version;
    // Shared frozen copies: sessions of the same client software hold one object between them (W4).
    record.clientCapabilities = shareFrozen(p.capabilities);
    record.clientInfo = shareFrozen(p.clientInfo);
    const authenticated = record.subject !== undefined;
    const key = authenticated ? `${version}+auth` : version;
    // Everything in the result follows from the version and whether the caller is authenticated: its JSON text is
    // built once per pair, not on every initialize.
    let result = this.#results.get(key);
    if (result === undefined) {
      const capabilities = capabilitiesFor(version, authenticated, this.tasks !== undefined);
      const value: Record<string, unknown> = { protocolVersion: version, capabilities, serverInfo: this.settings.serverInfo };
      if (this.settings.instructions !== undefined) value.instructions = this.settings.instructions;
      this.#results.set(key, (result = new RawJson(JSON.stringify(value))));
    }
    return result;
  }

  /**
   * Whether the session cap is reached (503 with Retry-After for new sessions).
   * @internal
   */
  get full(): boolean {
    return this.sessions.size >= this.settings.maxSessions;
  }

  /**
   * A fresh session record (state `initializing`) bound to the caller's principal (SES-08).
   * @internal
   */
  newRecord(rctx: RequestContext | undefined): SessionRecord {
    const now = Date.now();
    const record: SessionRecord = {
      id: createSessionId(),
      state: 'initializing',
      protocolVersion: LEGACY_VERSIONS[LEGACY_VERSIONS.length - 1]!,
      clientCapabilities: EMPTY_OBJECT,
      createdAt: now,
      lastSeenAt: now,
    };
    const subject = rctx?.authInfo?.subject;
    if (subject !== undefined) record.subject = subject;
    return record;
  }

  /**
   * Registers a new live session and starts the expiry sweeper.
   * @internal
   */
  adopt(session: LiveSession): void {
    this.sessions.set(session.id, session);
    this.save(session);
    this.#startSweeper();
  }

  #initialize(request: JsonRpcRequest, rctx: RequestContext | undefined): Response {
    const record = this.newRecord(rctx);
    let result: RawJson;
    try {
      result = this.handshake(request.params, record);
    } catch (error) {
      return errorResponse(400, ErrorCode.InvalidParams, (error as Error).message, { id: request.id });
    }
    if (this.full) {
      return errorResponse(503, ErrorCode.InternalError, 'Too many open sessions; retry later', { id: request.id, headers: { 'retry-after': '5' } });
    }
    this.adopt(new LiveSession(this, record));
    return jsonResponse(resultText(request.id, result), 200, { 'mcp-session-id': record.id });
  }

  /**
   * Handles a client notification of a session.
   * @internal shared with the HTTP+SSE transport.
   */
  notification(session: LiveSession, n: JsonRpcNotification): void {
    // Never answered, even when unknown or malformed (JR-05).
    if (n.method === 'notifications/initialized') session.transition('initialized');
    else if (n.method === 'notifications/cancelled') {
      const p = v.safeParse(CancelledParams, n.params);
      if (p.success) session.cancel(p.output.requestId, p.output.reason);
    }
  }

  #batch(items: unknown[], sid: string | null, request: Request, rctx: RequestContext | undefined, accepts: Accepts, nullId: boolean): Promise<Response> | Response {
    return (async () => {
      if (items.length === 0) return this.#bare(400, ErrorCode.InvalidRequest, 'Empty batch (JR-11)', nullId);
      const session = sid === null ? undefined : await this.#session(request, sid, rctx);
      if (isResponse(session)) return session;
      // JR-10: batches exist only in 2025-03-26.
      if (session === undefined || session.record.protocolVersion !== '2025-03-26') {
        return this.#bare(400, ErrorCode.InvalidRequest, 'Batches are only accepted in a 2025-03-26 session (JR-10)', nullId);
      }
      const classified: Classified[] = items.map(classify);
      // An element with a method and no id is a notification even when malformed: never answered (JR-05).
      const owed = (c: Classified, i: number): boolean => {
        if (c.kind === 'request') return true;
        if (c.kind !== 'invalid') return false;
        const item = items[i];
        return !(typeof item === 'object' && item !== null && 'method' in item && !('id' in item));
      };
      const requests = classified.filter(owed);
      if (classified.some((c) => c.kind === 'request' && c.message.method === 'initialize')) {
        return this.#bare(400, ErrorCode.InvalidRequest, 'initialize must not be batched (LC-04)', nullId);
      }
      for (const c of classified) {
        if (c.kind === 'notification') this.notification(session, c.message);
        else if (c.kind === 'response') session.resolveResponse(c.message);
      }
      if (requests.length === 0) return acceptedResponse();
      session.transition('request');
      const exchange = new Exchange(session, accepts.sse, requests.length, true, accepts.json);
      for (const c of requests) {
        if (c.kind === 'invalid') exchange.reply(errorText(c.id, { code: c.code, message: c.reason }, true));
        else if (c.kind === 'request') this.run(session, c.message, exchange, rctx);
      }
      return exchange.response;
    })();
  }

  /**
   * Runs one request of a session and replies on its channel. Never throws.
   * @internal shared with the HTTP+SSE transport.
   */
  run(session: LiveSession, request: JsonRpcRequest, exchange: Channel, rctx: RequestContext | undefined): void {
    const version = session.record.protocolVersion;
    // AUTH-06: a tool's scopes are checked before it runs or becomes a task.
    const refused = this.refusal(request, rctx, version);
    if (refused !== undefined) {
      exchange.reply(errorText(request.id, toErrorObject(refused.error, this.settings.onError)), refused.http);
      return;
    }
    const gate = this.settings.scopes;
    // 2025-11-25 experimental tasks (TK1-*): task-augmented tools/call and the tasks/* methods.
    if (this.tasks !== undefined && version >= '2025-11-25' && this.tasks.handle(session, request, exchange, rctx)) return;
    // Own keys only: "constructor" or "__proto__" are unknown methods, not Object.prototype members (JR-08).
    const method = Object.hasOwn(METHODS, request.method) ? METHODS[request.method] : undefined;
    if (method === undefined) {
      exchange.reply(errorText(request.id, { code: ErrorCode.MethodNotFound, message: `Method not found: ${request.method}` }));
      return;
    }
    const ctx = session.begin(request, exchange, rctx);
    const call: Call = { ctx, version, session };
    const done = (text: string, refusal?: JsonHead) => {
      session.end(ctx);
      // A cancelled request owes no response (CAN-01).
      exchange.reply(ctx.cancelled ? undefined : text, refusal);
    };
    const fail = (error: unknown) => done(errorText(request.id, toErrorObject(error, this.settings.onError)), gate?.refusal(error, rctx?.authInfo, version));
    try {
      const observe = this.settings.observe;
      const out =
        observe === undefined
          ? method(this.registry, request.params, call)
          : observe(request.method, request.id, request.params, call.version, session.id, undefined, rctx?.authInfo, () => method(this.registry, request.params, call), () => ctx.cancelled);
      if (isThenable(out)) out.then((r) => done(resultText(request.id, r)), fail);
      else done(resultText(request.id, out));
    } catch (error) {
      fail(error);
    }
  }

  /**
   * The refusal of a request whose tool needs scopes the caller does not hold (AUTH-06), with its HTTP form, or
   * undefined (always, while no tool has scopes).
   * @internal shared with the HTTP+SSE transport, which answers it on the POST.
   */
  refusal(request: JsonRpcRequest, rctx: RequestContext | undefined, version: string): { error: InsufficientScopeError; http: JsonHead } | undefined {
    const gate = this.settings.scopes;
    const error = gate !== undefined && this.registry.scopedTools > 0 ? gate.check(this.registry.tools, request.method, request.params, rctx?.authInfo) : undefined;
    return error === undefined ? undefined : { error, http: gate!.refusal(error, rctx?.authInfo, version)! };
  }

  #startSweeper(): void {
    if (this.#sweeper !== undefined) return;
    const every = Math.max(50, Math.min(60_000, Math.floor(this.settings.idleTimeoutMs / 2)));
    this.#sweeper = setInterval(() => this.sweep(), every);
    (this.#sweeper as { unref?: () => void }).unref?.();
  }
}
