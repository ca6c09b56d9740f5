/**
 * The stateless 2026-07-28 path (checklist §6–7): every POST stands alone, carries its version and capabilities in
 * `_meta`, mirrors key fields in headers, and never touches a session. Every error status is decided before the
 * first SSE byte (TRAP-09).
 */
import { isPlainObject } from '../plain-object';
import { isThenable } from '../thenable';
import { McpError, toErrorObject } from '../errors';
import { ErrorCode } from '../jsonrpc/codes';
import { classify } from '../jsonrpc/messages';
import type { JsonRpcId, JsonRpcRequest } from '../jsonrpc/messages';
import { RawJson, errorText, resultText } from '../jsonrpc/serialize';
import type { RequestStateCodec, StateBinding } from '../mrtr/request-state';
import { META_PROTOCOL_VERSION, META_SERVER_INFO, readEnvelope } from '../protocol/envelope';
import type { Envelope } from '../protocol/envelope';
import { MODERN_VERSIONS, SUPPORTED_VERSIONS, isLegacyVersion, isModernVersion } from '../protocol/versions';
import type { Call } from '../server/call';
import { METHODS } from '../server/handlers';
import type { MethodHandler } from '../server/handlers';
import { inputRequestWire, isInputRequired, missingCapability, missingCapabilityError } from '../server/mrtr';
import type { InputRequired } from '../server/mrtr';
import type { Registry } from '../server/registry';
import type { ScopeGate } from '../server/scopes';
import type { CacheHint, ToolTaskConfig } from '../server/types';
import type { ObservedRun } from '../server/observe';
import type { RequestContext } from '../types';
import type { ListenHub, SubscriptionFilter } from './listen';
import type { Accepts } from './media';
import { checkMirrorHeaders } from './mirror-headers';
import { acceptedResponse, errorResponse, jsonResponse } from './responses';
import type { JsonHead } from './responses';
import { StatelessContext } from './stateless-context';
import { TASKS_EXTENSION, taskFields, taskState } from '../tasks/extension';
import type { Outcome, TaskRuntime } from '../tasks/runtime';
import { StatelessExchange } from './stateless-exchange';

/** Resolved settings of the stateless path. */
export interface StatelessSettings {
  readonly keepAliveMs: number;
  readonly maxBufferedBytes: number;
  /** `serverInfo` for result `_meta` (M-06). */
  readonly serverInfo: Record<string, unknown>;
  readonly instructions: string | undefined;
  /** Server capabilities for `server/discover`. */
  readonly capabilities: Record<string, unknown>;
  /** Caching hint for cacheable results without their own (CACHE-01). */
  readonly cache: Required<CacheHint>;
  readonly requestState: RequestStateCodec;
  /** `subscriptions/listen` streams (`withListen`); without them the method is unknown. */
  readonly listen: ListenHub | undefined;
  readonly onError: (error: unknown) => void;
  /** Instrumentation around handler runs (the `observe` option). */
  readonly observe?: ObservedRun | undefined;
  /** Open stateless SSE streams (shared with the exchanges). */
  readonly counters: { streams: number };
  /** Tools' scopes and their challenges (`withScopes`, AUTH-06); undefined without the feature. */
  readonly scopes: ScopeGate | undefined;
  /** Tool calls that run as tasks (2026 tasks extension, `withTasks`); without them the `tasks/*` methods are unknown. */
  readonly tasks: TaskRuntime | undefined;
  /**
   * Whether 2025 sessions are served beside this path (a dual-era server). Without them the server is modern-only
   * (DUAL-08): it answers every POST itself and names only the modern versions as supported.
   */
  readonly sessions: boolean;
}

/** Whether the request declared the tasks extension (M-10, DUAL-09). */
const declaresTasks = (envelope: Envelope): boolean => {
  const ext = envelope.clientCapabilities.extensions;
  return isPlainObject(ext) && isPlainObject(ext[TASKS_EXTENSION]);
};

/** The -32021 for a task feature used without declaring the extension (TKX-02). */
const tasksRequired = (what: string): McpError =>
  new McpError(ErrorCode.MissingRequiredClientCapability, `${what} needs the client capability extensions["${TASKS_EXTENSION}"], which the request did not declare`, {
    requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } },
  });

/** Who owns a task created by a stateless request (TK1-10): the authenticated subject, else every anonymous caller. */
const ownerOf = (rctx: RequestContext | undefined): string => {
  const subject = rctx?.authInfo?.subject;
  return subject === undefined ? 'anonymous' : `subject:${subject}`;
};

const TASK_METHODS: ReadonlySet<string> = new Set(['tasks/get', 'tasks/update', 'tasks/cancel']);


/** Methods removed in 2026-07-28 or never part of it: unknown methods there (M-09, MH-07). */
const NOT_STATELESS: ReadonlySet<string> = new Set(['ping', 'logging/setLevel', 'resources/subscribe', 'resources/unsubscribe']);

/** Methods whose retry may carry `inputResponses` and `requestState`, and what names them (MRTR-01). */
const MRTR_NAME: Readonly<Record<string, 'name' | 'uri'>> = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' };

/** JSON with sorted object keys: the same params give the same text whatever order a client sends them in. */
const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (!isPlainObject(value)) return JSON.stringify(value) ?? 'null';
  const keys = Object.keys(value).sort();
  return `{${keys.filter((k) => value[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
};

const hex = (bytes: ArrayBuffer): string => {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += b.toString(16).padStart(2, '0');
  return s;
};

/**
 * What a sealed requestState is bound to besides the method and principal (MRTR-05): the tool or prompt name (or
 * resource uri) and a SHA-256 digest of its arguments, so a state cannot be replayed with other arguments.
 */
async function bindingName(req: JsonRpcRequest, nameKey: 'name' | 'uri'): Promise<string> {
  const value = req.params?.[nameKey];
  // Only a string names anything: String() of a client's object may throw (an own "toString" key that is no function).
  const name = typeof value === 'string' ? value : '';
  if (nameKey === 'uri') return name;
  const args = req.params?.arguments;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical(isPlainObject(args) ? args : {})));
  return `${name}#${hex(digest)}`;
}

/**
 * The tool name a `tools/call` gives, when `params.name` is a string (anything else names no tool, and the params
 * check answers -32602). Never `String()` of the client's value: an object whose own `toString` key is not a
 * function makes that throw.
 */
const toolNameOf = (req: JsonRpcRequest): string | undefined => {
  const name = req.params?.name;
  return typeof name === 'string' ? name : undefined;
};

/** The HTTP status of a JSON-RPC error on the stateless path (MH-08). */
const statusOf = (code: number): number =>
  code === ErrorCode.MethodNotFound
    ? 404
    : code === ErrorCode.HeaderMismatch || code === ErrorCode.MissingRequiredClientCapability || code === ErrorCode.UnsupportedProtocolVersion
      ? 400
      : code === ErrorCode.InvalidRequest || code === ErrorCode.ParseError
        ? 400
        : 200;

const error = (status: number, code: number, message: string, id?: JsonRpcId, data?: unknown): Response =>
  errorResponse(status, code, message, { id, data, nullId: false });

/**
 * Whether a POST belongs to the stateless path (DUAL-02, DUAL-03 step 5): its `_meta` names a version, or its
 * MCP-Protocol-Version header names a version that is not a legacy one. `initialize` without `_meta` always opens a
 * legacy session (TRAP-07).
 * @param body The parsed body.
 * @param header The MCP-Protocol-Version header.
 * @returns True for the stateless path.
 */
export function isStatelessRequest(body: unknown, header: string | null): boolean {
  if (!isPlainObject(body)) return header !== null && isModernVersion(header.trim());
  const params = body.params;
  if (isPlainObject(params) && isPlainObject(params._meta) && params._meta[META_PROTOCOL_VERSION] !== undefined) return true;
  if (header === null || body.method === 'initialize') return false;
  const v = header.trim();
  return isModernVersion(v) || !isLegacyVersion(v);
}

/**
 * What tells the stateless path that the client went away (MH-05): the adapter's signal, else the request's own
 * (Bun and Deno abort it when the client disconnects, and `export default { fetch: mcp.handle }` passes no context).
 */
const disconnectSignal = (request: Request, rctx: RequestContext | undefined): AbortSignal | undefined => rctx?.signal ?? request.signal;

/** The stateless transport over the shared registry. */
export class StatelessHttp {
  /** Requests being handled. */
  inflight = 0;
  readonly #discover: RawJson;
  readonly #serverMeta: Record<string, unknown>;
  /** `"resultType":"complete","_meta":{...serverInfo}}`: how a plain complete result ends on the wire. */
  readonly #completeTail: string;
  /** The versions this server serves at all: `data.supported` of -32022 and `supportedVersions` (DUAL-05). */
  readonly #supported: readonly string[];

  /**
   * @param registry Tools, resources, prompts (shared with the sessions, never their state).
   * @param settings Resolved options.
   */
  constructor(
    private readonly registry: Registry,
    private readonly settings: StatelessSettings,
  ) {
    this.#serverMeta = { [META_SERVER_INFO]: settings.serverInfo };
    this.#supported = settings.sessions ? SUPPORTED_VERSIONS : MODERN_VERSIONS;
    this.#completeTail = `"resultType":"complete","_meta":${JSON.stringify(this.#serverMeta)}}`;
    const discover: Record<string, unknown> = {
      resultType: 'complete',
      supportedVersions: this.#supported,
      capabilities: settings.capabilities,
    };
    if (settings.instructions !== undefined) discover.instructions = settings.instructions;
    discover.ttlMs = settings.cache.ttlMs;
    discover.cacheScope = settings.cache.scope;
    discover._meta = this.#serverMeta;
    this.#discover = new RawJson(JSON.stringify(discover));
  }

  /**
   * One POST of the stateless path, its body already parsed.
   * @param body The JSON body.
   * @param request The HTTP request.
   * @param rctx The adapter's context.
   * @param accepts What the client accepts.
   * @returns The response.
   */
  post(body: unknown, request: Request, rctx: RequestContext | undefined, accepts: Accepts): Promise<Response> | Response {
    if (Array.isArray(body)) return error(400, ErrorCode.InvalidRequest, 'Batches are not part of protocol 2026-07-28; send one message per POST (JR-10)');
    const c = classify(body);
    if (c.kind === 'invalid') return error(400, c.code, c.reason, c.id);
    if (c.kind === 'response') {
      return error(400, ErrorCode.InvalidRequest, 'Clients must not send JSON-RPC responses in protocol 2026-07-28 (MH-02, JR-12)');
    }
    const message = c.message;
    const id = c.kind === 'request' ? c.message.id : undefined;
    const header = request.headers.get('mcp-protocol-version')?.trim();
    const meta = message.params?._meta;
    const version = isPlainObject(meta) ? meta[META_PROTOCOL_VERSION] : undefined;
    // M-01, HDR-01, HDR-02, M-05: the version first, so that a client learns what is served.
    if (typeof version !== 'string') {
      if (version !== undefined) return error(400, ErrorCode.InvalidParams, `params._meta["${META_PROTOCOL_VERSION}"] must be a string (M-01)`, id);
      if (!this.settings.sessions) {
        // DUAL-08: a modern-only server meeting a legacy client. Its initialize learns what is served (-32022).
        if (c.kind === 'request' && message.method === 'initialize') {
          const asked = message.params?.protocolVersion;
          return this.#unsupported(typeof asked === 'string' ? asked : (header ?? ''), id);
        }
        if (header === undefined) {
          return error(400, ErrorCode.HeaderMismatch, `Missing MCP-Protocol-Version header: this server serves ${MODERN_VERSIONS.join(', ')} only, where every request carries it (HDR-02, DUAL-08)`, id);
        }
      }
      if (header !== undefined && !isModernVersion(header)) return this.#unsupported(header, id);
      return error(400, ErrorCode.InvalidParams, `Missing params._meta["${META_PROTOCOL_VERSION}"]: every 2026-07-28 request carries its protocol version (M-01)`, id);
    }
    if (header === undefined) {
      return error(400, ErrorCode.HeaderMismatch, `Missing MCP-Protocol-Version header; it must equal _meta["${META_PROTOCOL_VERSION}"] "${version}" (HDR-02)`, id);
    }
    if (header !== version) {
      return error(400, ErrorCode.HeaderMismatch, `MCP-Protocol-Version header "${header}" does not match _meta["${META_PROTOCOL_VERSION}"] "${version}" (HDR-01)`, id);
    }
    if (!isModernVersion(version)) return this.#unsupported(version, id);
    const envelope = readEnvelope(meta as Record<string, unknown>, version);
    if (typeof envelope === 'string') return error(400, ErrorCode.InvalidParams, `Invalid request envelope: ${envelope} (M-01)`, id);
    // MH-02: notifications are accepted and dropped; the core defines none a client sends over HTTP (JR-05).
    if (c.kind === 'notification') return acceptedResponse();
    const req = c.message;
    const mismatch = checkMirrorHeaders(request.headers, req.method, req.params, (name) => this.registry.tools.get(name)?.headerParams);
    if (mismatch !== undefined) return error(400, ErrorCode.HeaderMismatch, mismatch, id);
    if (req.method === 'server/discover') return jsonResponse(resultText(req.id, this.#discover));
    const { listen, tasks } = this.settings;
    if (req.method === 'subscriptions/listen' && listen !== undefined) return this.#listen(listen, req, envelope, accepts, rctx, disconnectSignal(request, rctx));
    if (TASK_METHODS.has(req.method) && tasks !== undefined) return this.#task(tasks, req, envelope, rctx);
    if (req.method === 'tools/call') {
      // AUTH-06: a tool's scopes are checked before it runs or becomes a task.
      const gate = this.settings.scopes;
      const refused = gate !== undefined && this.registry.scopedTools > 0 ? gate.check(this.registry.tools, req.method, req.params, rctx?.authInfo) : undefined;
      if (refused !== undefined) {
        const http = gate!.refusal(refused, rctx?.authInfo, version)!;
        return errorResponse(http.status, refused.code, refused.message, { id: req.id, data: refused.data, nullId: false, headers: http.headers });
      }
      const name = toolNameOf(req);
      const task = name === undefined ? undefined : this.registry.tools.get(name)?.task;
      if (task !== undefined) {
        const declared = declaresTasks(envelope);
        if (!declared && task.support === 'required') {
          const e = tasksRequired(`Tool "${name}" runs only as a task; it`);
          return error(400, e.code, e.message, req.id, e.data);
        }
        // A tool registers with `task` only on a server that has tasks (the registry checks), so `tasks` is there.
        if (declared && task.start !== 'explicit' && tasks !== undefined) return this.#startTask(tasks, req, envelope, rctx);
        if (declared) return this.#run(req, METHODS['tools/call']!, envelope, accepts, rctx, () => disconnectSignal(request, rctx), true);
      }
    }
    const handler = NOT_STATELESS.has(req.method) || !Object.hasOwn(METHODS, req.method) ? undefined : METHODS[req.method];
    if (handler === undefined) {
      const removed = NOT_STATELESS.has(req.method) || req.method === 'initialize';
      return error(404, ErrorCode.MethodNotFound, `Method not found: ${req.method}${removed ? ' (removed in protocol 2026-07-28, M-09)' : ''}`, req.id);
    }
    return this.#run(req, handler, envelope, accepts, rctx, () => disconnectSignal(request, rctx));
  }

  #unsupported(requested: string, id: JsonRpcId | undefined): Response {
    const message = !this.settings.sessions
      ? `Unsupported protocol version "${requested}": this server serves ${MODERN_VERSIONS.join(', ')} only, per request, with no initialize or sessions (M-05, DUAL-08)`
      : isLegacyVersion(requested)
        ? `Protocol version "${requested}" is served through initialize and a session, not per request (DUAL-05); per request: ${MODERN_VERSIONS.join(', ')}`
        : `Unsupported protocol version "${requested}" (M-05); supported: ${SUPPORTED_VERSIONS.join(', ')}`;
    return error(400, ErrorCode.UnsupportedProtocolVersion, message, id, {
      supported: this.#supported,
      requested,
    });
  }

  #listen(hub: ListenHub, req: JsonRpcRequest, envelope: Envelope, accepts: Accepts, rctx: RequestContext | undefined, signal: AbortSignal | undefined): Response {
    const filter = req.params?.notifications;
    if (!isPlainObject(filter)) return jsonResponse(errorText(req.id, { code: ErrorCode.InvalidParams, message: 'subscriptions/listen needs params.notifications, an object (SUB-01)' }));
    // TKX-08: asking for taskIds needs the tasks extension, declared in this request (its shape is checked after).
    const taskIds = filter.taskIds;
    const wantsTasks = taskIds !== undefined;
    if (wantsTasks && !declaresTasks(envelope)) {
      const e = tasksRequired('subscriptions/listen with params.notifications.taskIds');
      return error(400, e.code, e.message, req.id, e.data);
    }
    if (wantsTasks && (!Array.isArray(taskIds) || !taskIds.every((t) => typeof t === 'string'))) {
      return jsonResponse(errorText(req.id, { code: ErrorCode.InvalidParams, message: 'params.notifications.taskIds must be an array of task id strings' }));
    }
    for (const k of ['toolsListChanged', 'promptsListChanged', 'resourcesListChanged'] as const) {
      if (filter[k] !== undefined && typeof filter[k] !== 'boolean') {
        return jsonResponse(errorText(req.id, { code: ErrorCode.InvalidParams, message: `params.notifications.${k} must be a boolean` }));
      }
    }
    const subs = filter.resourceSubscriptions;
    if (subs !== undefined && (!Array.isArray(subs) || !subs.every((s) => typeof s === 'string'))) {
      return jsonResponse(errorText(req.id, { code: ErrorCode.InvalidParams, message: 'params.notifications.resourceSubscriptions must be an array of URI strings' }));
    }
    // SUB-02: the answer is a stream, so the client must take one.
    if (!accepts.sse) return error(406, ErrorCode.InvalidRequest, 'subscriptions/listen answers with an event stream: Accept must list text/event-stream', req.id);
    if (hub.full) {
      return errorResponse(503, ErrorCode.InternalError, 'Too many open subscriptions/listen streams on this server; retry later', {
        id: req.id,
        nullId: false,
        headers: { 'retry-after': '5' },
      });
    }
    // TKX-09: the stream's tasks are those of this principal only (TK1-10), so it is kept with the stream.
    return hub.open(req.id, filter as SubscriptionFilter, signal, wantsTasks ? ownerOf(rctx) : undefined);
  }

  #run(
    req: JsonRpcRequest,
    handler: MethodHandler,
    envelope: Envelope,
    accepts: Accepts,
    rctx: RequestContext | undefined,
    signal: () => AbortSignal | undefined,
    explicitTask = false,
  ): Promise<Response> | Response {
    let ctx: StatelessContext;
    const exchange = new StatelessExchange(this.settings, accepts.sse, accepts.json, () => ctx.cancel('The client closed the response stream'));
    // MH-05: the client going away cancels the request (watched once the handler looks at ctx.signal).
    ctx = new StatelessContext(req, envelope, exchange, rctx, signal);
    this.inflight++;
    const call: Call = { ctx, version: envelope.protocolVersion, session: undefined };
    let finished = false;
    const finish = (text: string | undefined, head?: JsonHead) => {
      if (finished) return;
      finished = true;
      this.inflight--;
      ctx.dispose();
      exchange.reply(ctx.cancelled ? undefined : text, head);
    };
    // `task.start: 'explicit'`: the run becomes a task when the handler calls ctx.startTask() (TKX, MRTR first).
    let detached: Parameters<TaskRuntime['settle']>[0] | undefined;
    let starting: Promise<void> | undefined;
    const tasks = this.settings.tasks;
    if (explicitTask && tasks !== undefined) {
      ctx.task = {
        taskId: undefined,
        // One task however often (or concurrently) the handler calls it.
        start: () =>
          (starting ??= (async () => {
            const { record, run } = await tasks.create(req, envelope, rctx, ownerOf(rctx), this.#taskConfig(req));
            detached = run;
            tasks.adopt(run, ctx);
            finish(resultText(req.id, this.#handle(record)));
          })()),
        status: () => {},
      };
    }
    // Computed only when a requestState is opened or sealed (a SHA-256 of the arguments).
    let binding: Promise<StateBinding> | undefined;
    const nameKey = MRTR_NAME[req.method];
    const bind = (): Promise<StateBinding> =>
      (binding ??= bindingName(req, nameKey ?? 'name').then((name) => ({ method: req.method, name, principal: rctx?.authInfo?.subject })));
    const observe = this.settings.observe;
    const invoke = (): unknown =>
      observe === undefined
        ? handler(this.registry, req.params, call)
        : observe(req.method, req.id, req.params, envelope.protocolVersion, undefined, undefined, rctx?.authInfo, () => handler(this.registry, req.params, call), () => ctx.cancelled);
    // What the run produced becomes the answer; a plain result does so without waiting on anything.
    const settle = async (outcome: Outcome): Promise<void> => {
      if (detached !== undefined && tasks !== undefined) {
        await tasks.settle(detached, outcome);
        return;
      }
      try {
        if ('error' in outcome) throw outcome.error;
        const result = outcome.ok;
        let text: string;
        if (isInputRequired(result)) text = resultText(req.id, await this.#inputRequired(result, ctx, await bind()));
        else if (result instanceof RawJson) text = resultText(req.id, result);
        else text = resultText(req.id, this.#complete(result as Record<string, unknown>, req.method === 'resources/read' || req.method === 'resources/list' ? (call.cache ?? this.settings.cache) : undefined));
        finish(text);
      } catch (e) {
        const err = toErrorObject(e, this.settings.onError);
        // A handler's InsufficientScopeError: 401/403 with the challenge while nothing streamed (AUTH-06).
        finish(errorText(req.id, err), this.settings.scopes?.refusal(e, rctx?.authInfo, envelope.protocolVersion) ?? { status: statusOf(err.code) });
      }
    };
    if (nameKey !== undefined && (req.params?.inputResponses !== undefined || req.params?.requestState !== undefined)) {
      // Answers only come back on a retry (MRTR-04): restore them first.
      void (async () => {
        let outcome: Outcome;
        try {
          await this.#restoreInput(req, ctx, bind);
          outcome = { ok: await invoke() };
        } catch (e) {
          outcome = { error: e };
        }
        await settle(outcome);
      })();
    } else {
      let out: unknown;
      let outcome: Outcome | undefined;
      try {
        out = invoke();
      } catch (e) {
        outcome = { error: e };
      }
      if (outcome === undefined && isThenable(out)) {
        void Promise.resolve(out).then(
          (ok) => settle({ ok }),
          (error: unknown) => settle({ error }),
        );
      } else void settle(outcome ?? { ok: out });
    }
    // A handler that answered at once has its response decided already: no promise to wait on.
    return exchange.settled ?? exchange.response;
  }

  /** The task settings of the tool a `tools/call` names (a task starts only for a registered tool, named by a string). */
  #taskConfig(req: JsonRpcRequest): ToolTaskConfig {
    const name = toolNameOf(req);
    return (name === undefined ? undefined : this.registry.tools.get(name)?.task) ?? {};
  }

  /** The task handle a `tools/call` answers with (TKX-03): `resultType: "task"` and the task's fields. */
  #handle(record: Parameters<typeof taskFields>[0]): Record<string, unknown> {
    // `content: []` keeps the answer a valid CallToolResult for clients and validators that know no tasks.
    return { resultType: 'task', ...taskFields(record), content: [], _meta: this.#serverMeta };
  }

  /** A `tools/call` that runs as a task from the start: stored first, so a `tasks/get` right after finds it. */
  async #startTask(tasks: TaskRuntime, req: JsonRpcRequest, envelope: Envelope, rctx: RequestContext | undefined): Promise<Response> {
    try {
      const { record, run } = await tasks.create(req, envelope, rctx, ownerOf(rctx), this.#taskConfig(req));
      tasks.start(run);
      return jsonResponse(resultText(req.id, this.#handle(record)));
    } catch (e) {
      const err = toErrorObject(e, this.settings.onError);
      return jsonResponse(errorText(req.id, err), statusOf(err.code));
    }
  }

  /** `tasks/get`, `tasks/update`, `tasks/cancel` of the 2026 extension (TKX-04..08). */
  async #task(tasks: TaskRuntime, req: JsonRpcRequest, envelope: Envelope, rctx: RequestContext | undefined): Promise<Response> {
    try {
      // The gate comes before any lookup (TKX-02).
      if (!declaresTasks(envelope)) throw tasksRequired(req.method);
      const taskId = req.params?.taskId;
      if (typeof taskId !== 'string' || taskId === '') throw new McpError(ErrorCode.InvalidParams, `${req.method} needs params.taskId, a non-empty string`);
      const owner = ownerOf(rctx);
      if (req.method === 'tasks/get') {
        const record = await tasks.get(taskId, owner);
        const out: Record<string, unknown> = { resultType: 'complete', ...taskState(record), _meta: this.#serverMeta };
        return jsonResponse(resultText(req.id, out));
      }
      if (req.method === 'tasks/update') {
        const responses = req.params?.inputResponses;
        if (!isPlainObject(responses)) throw new McpError(ErrorCode.InvalidParams, 'tasks/update needs params.inputResponses, an object of answers by key');
        await tasks.update(taskId, owner, responses);
      } else {
        await tasks.cancel(taskId, owner);
      }
      // TKX-05, TKX-06: an empty acknowledgement.
      return jsonResponse(resultText(req.id, { resultType: 'complete', _meta: this.#serverMeta }));
    } catch (e) {
      const err = toErrorObject(e, this.settings.onError);
      return jsonResponse(errorText(req.id, err), statusOf(err.code));
    }
  }

  /** MRTR-04, MRTR-05: verifies the echoed state and hands the answers to the handler's context. */
  async #restoreInput(req: JsonRpcRequest, ctx: StatelessContext, bind: () => Promise<StateBinding>): Promise<void> {
    const params = req.params ?? {};
    const responses = params.inputResponses;
    const sealed = params.requestState;
    if (responses !== undefined && !isPlainObject(responses)) {
      throw new McpError(ErrorCode.InvalidParams, 'params.inputResponses must be an object of answers by key (MRTR-04)');
    }
    let answers: Record<string, unknown> = {};
    let state: unknown;
    if (sealed !== undefined) {
      const payload = await this.settings.requestState.open(sealed, await bind());
      answers = { ...payload.answers };
      state = payload.user;
    }
    if (responses !== undefined) Object.assign(answers, responses);
    ctx.setInput(answers, state);
  }

  /** The wire form of an input-required answer (MRTR-01..03, MRTR-07: no caching fields). */
  async #inputRequired(ir: InputRequired, ctx: StatelessContext, binding: StateBinding): Promise<Record<string, unknown>> {
    const caps = ctx.clientCapabilities;
    const inputRequests: Record<string, unknown> = {};
    let n = 0;
    for (const [key, request] of Object.entries(ir.requests)) {
      const missing = missingCapability(request, caps);
      if (missing !== undefined) throw missingCapabilityError(request, missing);
      inputRequests[key] = inputRequestWire(request);
      n++;
    }
    const result: Record<string, unknown> = { resultType: 'input_required' };
    if (n > 0) result.inputRequests = inputRequests;
    // Always sealed: it carries earlier answers (a retry brings only the latest round's) and the handler's state,
    // bound to this request and principal, with an expiry (MRTR-05).
    const answers = ctx.inputResponses;
    const carry = answers !== undefined && Object.keys(answers).length > 0;
    result.requestState = await this.settings.requestState.seal({ user: ir.state, answers: carry ? { ...answers } : undefined }, binding);
    result._meta = this.#serverMeta;
    return result;
  }

  /** JR-14, M-06, CACHE-01: resultType, serverInfo, and caching fields on cacheable results. */
  #complete(result: Record<string, unknown>, cache: CacheHint | undefined): Record<string, unknown> | RawJson {
    // The common case (a plain result with no resultType, _meta or cache hint): one stringify and the fixed tail
    // spliced in, instead of copying the result.
    if (cache === undefined && isPlainObject(result) && !Object.hasOwn(result, 'resultType') && !Object.hasOwn(result, '_meta') && result.toJSON === undefined) {
      const json = JSON.stringify(result);
      return new RawJson(json === '{}' ? `{${this.#completeTail}` : `${json.slice(0, -1)},${this.#completeTail}`);
    }
    // JR-14: a handler's own resultType never reaches the wire (an extension value needs the client's consent, an
    // input_required one the capability check and the sealing that inputRequired() gets).
    const out: Record<string, unknown> = { ...result, resultType: 'complete' };
    if (cache !== undefined) {
      out.ttlMs = cache.ttlMs ?? this.settings.cache.ttlMs;
      out.cacheScope = cache.scope ?? this.settings.cache.scope;
    }
    const meta = result._meta;
    out._meta = isPlainObject(meta) ? { ...meta, ...this.#serverMeta } : this.#serverMeta;
    return out;
  }
}
