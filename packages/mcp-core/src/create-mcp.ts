/**
 * @module createMcp: the server object whose `handle` is a pure `Request -> Response` function.
 */
import { createMemoryEventStore } from './events/index';
import type { EventStore } from './events/index';
import { ErrorCode } from './jsonrpc/codes';
import { errorText, messageText } from './jsonrpc/serialize';
import { LOOPBACK_HOSTS, hostAllowed, normaliseAllowlist, originAllowed } from './http/guards';
import type { Allowlist } from './http/guards';
import { errorResponse, jsonResponse, nullIdFor } from './http/responses';
import { isResponse, nativeResponse } from './http/text-response';
import { createMemoryBus } from './bus/index';
import type { McpEvent, NotificationBus } from './bus/index';
import { LegacySse } from './http/legacy-sse';
import { ListenHub } from './http/listen';
import { readPost } from './http/post';
import { StatelessHttp, isStatelessRequest } from './http/stateless';
import { SessionTasks, task2025FromState } from './http/session-tasks';
import { StreamableHttp, capabilitiesFor } from './http/streamable';
import { createRequestStateCodec } from './mrtr/request-state';
import { METHODS } from './server/handlers';
import { createMemoryTaskStore } from './tasks/memory-store';
import { TASKS_EXTENSION, TaskRuntime } from './tasks/runtime';
import type { TaskStore } from './tasks/store';
import type { RequestStateOptions } from './mrtr/request-state';
import { META_SERVER_INFO } from './protocol/envelope';
import { isModernVersion } from './protocol/versions';
import { Registry, checkCacheHint } from './server/registry';
import type { ListKind } from './server/registry';
import { createMemorySessionStore } from './session/index';
import type { SessionStore } from './session/index';
import type {
  AnySchema,
  CacheHint,
  Icon,
  InferOutput,
  PromptConfig,
  PromptHandler,
  Registration,
  ResourceConfig,
  ResourceHandler,
  ResourceTemplateConfig,
  ResourceTemplateHandler,
  ToolConfig,
  ToolHandler,
} from './server/types';
import type { FetchHandler, RequestContext } from './types';

/** Options of {@link createMcp}. */
export interface McpOptions {
  /** Server name (`serverInfo.name`). */
  name: string;
  /** Server version (`serverInfo.version`). */
  version: string;
  /** Display name. */
  title?: string;
  /** One-line description (2025-11-25). */
  description?: string;
  /** Server icons (2025-11-25). */
  icons?: Icon[];
  /** Server home page (2025-11-25). */
  websiteUrl?: string;
  /** Instructions for the model, sent in the initialize result and the `server/discover` result. */
  instructions?: string;
  /**
   * Path of the MCP endpoint; requests to other paths get 404. It matches at the end of the request path, so the
   * handler works under a mount prefix (`/api/mcp`). `null` serves every path (for embedders that route themselves).
   * Default `/mcp`.
   */
  endpoint?: string | null;
  /** Host header allowlist (DNS-rebinding protection): hostnames or `host:port`. Default: loopback names. `'*'` disables. */
  allowedHosts?: Allowlist;
  /** Origin allowlist: origins or hostnames. Default: loopback names. Requests without Origin pass. `'*'` disables. */
  allowedOrigins?: Allowlist;
  /** Request body limit in bytes (413 past it). Default 4 MiB. */
  maxBodyBytes?: number;
  /** Items per page of list results. Default 100. */
  pageSize?: number;
  /** SSE keep-alive comment period in ms; 0 disables. Default 15 000. */
  keepAliveMs?: number;
  /** Bytes an SSE connection may hold for a slow reader before it is dropped (its stream stays resumable). Default 1 MiB. */
  maxBufferedBytes?: number;
  /** How long a handler waits for a client's answer (elicitation, sampling, roots). Default 60 000 ms. */
  clientRequestTimeoutMs?: number;
  /** The SSE `retry` hint (ms) sent to 2025-11-25 clients with the priming event. Default 1000. */
  retryMs?: number;
  /** Legacy sessions. */
  sessions?: {
    /** Where session records live. Default: in memory. */
    store?: SessionStore;
    /** A session with no request and no open stream for this long expires. Default 30 min. */
    idleTimeoutMs?: number;
    /** Live sessions allowed; past it `initialize` gets 503 with Retry-After. Default 10 000. */
    maxSessions?: number;
  };
  /**
   * The legacy HTTP+SSE transport of 2024-11-05 (GET stream + POST messages), served beside the Streamable HTTP
   * endpoint. Paths match at the end of the request path, so a mount prefix works. `false` turns it off.
   * Default `{ ssePath: '/sse', messagesPath: '/messages' }`.
   */
  legacySse?: { ssePath?: string; messagesPath?: string } | false;
  /** Event store for `Last-Event-ID` resumability; `false` turns resumability off. Default: bounded in memory. */
  eventStore?: EventStore | false;
  /**
   * Caching hint on 2026-07-28 cacheable results (`server/discover`, the lists, `resources/read`; CACHE-01) that
   * have none of their own (a resource's `cache`). Default `{ ttlMs: 0, scope: 'private' }`: always revalidate, and
   * never share across users.
   */
  cache?: CacheHint;
  /**
   * Sealing of the 2026-07-28 multi round-trip `requestState` (MRTR-05). Give every process of one deployment the
   * same `secret` (at least 32 bytes), or a retry that reaches another process is refused. Default: a random
   * per-process secret and a 10-minute lifetime.
   */
  requestState?: RequestStateOptions;
  /**
   * Carries change notifications (list changes, resource updates) to 2025 sessions and 2026 listen streams. Give
   * processes a shared bus (Redis pub/sub, say) to reach clients connected elsewhere. Default: in memory.
   */
  bus?: NotificationBus;
  /** Open `subscriptions/listen` streams allowed; past it a listen gets 503 with Retry-After. Default 10 000. */
  maxListenStreams?: number;
  /**
   * Tool calls that run as tasks (tools registered with `task`). `store` holds the task records (give processes a
   * shared one, Redis say, so any of them answers `tasks/get`; the handler itself runs in the process that started
   * it). Defaults: in memory (10 000 tasks), `ttlMs` 1 hour, `pollIntervalMs` 1000.
   */
  tasks?: { store?: TaskStore; ttlMs?: number; pollIntervalMs?: number };
  /** Receives unexpected errors (handler bugs, store failures). Default: `console.error`. */
  onError?: (error: unknown) => void;
}

/** Live counts, for monitoring and leak checks. */
export interface McpStats {
  /** Live legacy sessions. */
  sessions: number;
  /** Open SSE connections: session streams and stateless request streams (listen streams count in `listenStreams`). */
  connections: number;
  /** Requests being handled. */
  inflight: number;
  /** Server-to-client requests waiting for an answer (each holds a timer). */
  pendingClientRequests: number;
  /** Open 2026-07-28 `subscriptions/listen` streams. */
  listenStreams: number;
  /** Task handlers running or waiting for input in this process. */
  tasks: number;
  /**
   * Timers the server holds: the expiry sweeper, one per pending client request, one keep-alive per session
   * connection, per stateless SSE response and per listen stream, one expiry timer per task of this process.
   */
  timers: number;
  /** Events buffered for resumption (in-memory event store only; 0 otherwise). */
  bufferedEvents: number;
}

/** The server: register features, then serve `handle`. */
export interface Mcp {
  /** The fetch handler: `export default { fetch: mcp.handle }` on Bun or Deno; adapters call it too. Bound. */
  readonly handle: FetchHandler;
  /**
   * Registers a tool.
   * @example
   * ```ts
   * mcp.tool('echo', { inputSchema: v.object({ text: v.string() }) }, ({ text }) => ({ content: [{ type: 'text', text }] }));
   * ```
   */
  tool<In extends AnySchema | undefined = undefined, Out extends AnySchema | undefined = undefined>(
    name: string,
    config: ToolConfig<In, Out>,
    handler: ToolHandler<In extends AnySchema ? InferOutput<In> : Record<string, never>>,
  ): Registration;
  /** Registers a fixed resource. */
  resource(name: string, uri: string, config: ResourceConfig, handler: ResourceHandler): Registration;
  /** Registers a resource template (RFC 6570). */
  resourceTemplate(name: string, uriTemplate: string, config: ResourceTemplateConfig, handler: ResourceTemplateHandler): Registration;
  /** Registers a prompt. */
  prompt(name: string, config: PromptConfig, handler: PromptHandler): Registration;
  /** Tells subscribed clients that a resource changed (`notifications/resources/updated`), through the bus. */
  resourceUpdated(uri: string): void;
  /**
   * Announces a change through the bus: to 2025 sessions (their GET stream) and to 2026 listen streams that asked
   * for it. Rejects when the event is invalid or the bus fails. Registering or removing a tool, resource or prompt announces itself; use this for changes the server
   * cannot see (a tool's behaviour depends on a database, say).
   */
  publish(event: McpEvent): Promise<void>;
  /** Live counts. */
  stats(): McpStats;
  /** Ends every session and releases every timer and stream; later requests get 503. */
  close(): Promise<void>;
}

const MiB = 1024 * 1024;

const pathnameOf = (url: string): string => {
  const scheme = url.indexOf('://');
  const start = url.indexOf('/', scheme === -1 ? 0 : scheme + 3);
  if (start === -1) return '/';
  let end = url.length;
  const q = url.indexOf('?', start);
  if (q !== -1) end = q;
  const h = url.indexOf('#', start);
  if (h !== -1 && h < end) end = h;
  return url.slice(start, end);
};

/** Whether `path` is `route` or ends with it on a segment boundary (mounting under a prefix). */
const routeMatches = (path: string, route: string): boolean =>
  path === route || (path.endsWith(route) && route.startsWith('/') && path.length > route.length);

const hostOfUrl = (url: string): string => {
  const scheme = url.indexOf('://');
  const from = scheme === -1 ? 0 : scheme + 3;
  const end = url.indexOf('/', from);
  return url.slice(from, end === -1 ? url.length : end);
};

const methodNotAllowed = (method: string, allow: string, nullId: boolean): Response =>
  errorResponse(405, ErrorCode.InvalidRequest, `Method ${method} is not allowed here; use ${allow.replace(', DELETE', ' or DELETE')}`, {
    headers: { allow },
    nullId,
  });

/**
 * Creates an MCP server. Build it once at start-up; `handle` serves every request with no per-request construction.
 * @param options Identity, endpoint and limits.
 * @returns The server.
 * @example
 * ```ts
 * import { createMcp } from '@x/mcp-core';
 * const mcp = createMcp({ name: 'demo', version: '1.0.0' });
 * mcp.tool('hello', {}, () => ({ content: [{ type: 'text', text: 'hi' }] }));
 * export default { fetch: mcp.handle };
 * ```
 */
export function createMcp(options: McpOptions): Mcp {
  const onError = options.onError ?? ((e: unknown) => console.error('[mcp]', e));
  const endpoint = options.endpoint === undefined ? '/mcp' : options.endpoint;
  const allowedHosts = normaliseAllowlist(options.allowedHosts ?? LOOPBACK_HOSTS);
  const allowedOrigins = normaliseAllowlist(options.allowedOrigins ?? LOOPBACK_HOSTS);
  const events = options.eventStore === false ? undefined : (options.eventStore ?? createMemoryEventStore());
  const serverInfo: Record<string, unknown> = { name: options.name, version: options.version };
  for (const k of ['title', 'description', 'icons', 'websiteUrl'] as const) if (options[k] !== undefined) serverInfo[k] = options[k];

  const bus = options.bus ?? createMemoryBus({ onError });
  /** Announces an event; rejects when the event is invalid or the bus fails. */
  const publish = async (event: McpEvent): Promise<void> => {
    await bus.publish(event);
  };
  /** The server's own announcements: a failing bus is reported, not thrown into a registration. */
  const announce = (event: McpEvent): void => void publish(event).catch(onError);
  let pending: Set<ListKind> | undefined;
  const changed = (kind: ListKind) => {
    // Coalesce registrations made in one tick into one notification per list (TOOL-06).
    if (pending === undefined) {
      pending = new Set();
      queueMicrotask(() => {
        const kinds = pending!;
        pending = undefined;
        for (const k of kinds) announce({ type: `${k}/list_changed` });
      });
    }
    pending.add(kind);
  };
  const registry = new Registry(options.pageSize ?? 100, changed);
  const maxBodyBytes = options.maxBodyBytes ?? 4 * MiB;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const maxBufferedBytes = options.maxBufferedBytes ?? MiB;
  const transport = new StreamableHttp(registry, {
    maxBodyBytes,
    keepAliveMs,
    maxBufferedBytes,
    clientRequestTimeoutMs: options.clientRequestTimeoutMs ?? 60_000,
    retryMs: options.retryMs ?? 1000,
    idleTimeoutMs: options.sessions?.idleTimeoutMs ?? 30 * 60_000,
    maxSessions: options.sessions?.maxSessions ?? 10_000,
    store: options.sessions?.store ?? createMemorySessionStore(),
    events,
    serverInfo,
    instructions: options.instructions,
    onError,
  });


  const sse =
    options.legacySse === false
      ? undefined
      : {
          ssePath: options.legacySse?.ssePath ?? '/sse',
          messagesPath: options.legacySse?.messagesPath ?? '/messages',
        };
  const legacy = sse === undefined ? undefined : new LegacySse(transport, { ...sse, maxBodyBytes, keepAliveMs, maxBufferedBytes });

  checkCacheHint('createMcp', options.cache);
  const cache: Required<CacheHint> = { ttlMs: options.cache?.ttlMs ?? 0, scope: options.cache?.scope ?? 'private' };
  // DISC-02, M-10: the tasks extension is declared under extensions only (DUAL-09: never as the 2025 `tasks`).
  const { tasks: _legacyTasks, ...sessionCaps } = capabilitiesFor('2025-11-25');
  const modernCaps: Record<string, unknown> = { ...sessionCaps, extensions: { [TASKS_EXTENSION]: {} } };
  const listen = new ListenHub({
    keepAliveMs,
    maxBufferedBytes,
    maxStreams: options.maxListenStreams ?? 10_000,
    honours: { toolsListChanged: true, promptsListChanged: true, resourcesListChanged: true, resourceSubscriptions: true },
    resultMeta: { [META_SERVER_INFO]: serverInfo },
  });
  registry.modernPageFields = { resultType: 'complete', ttlMs: cache.ttlMs, cacheScope: cache.scope, _meta: { [META_SERVER_INFO]: serverInfo } };
  const statelessCounters = { streams: 0 };
  const taskTtl = options.tasks?.ttlMs ?? 60 * 60_000;
  const taskPoll = options.tasks?.pollIntervalMs ?? 1000;
  for (const [k, n] of [['tasks.ttlMs', taskTtl], ['tasks.pollIntervalMs', taskPoll]] as const) {
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${k} must be a positive integer, got ${n}`);
  }
  const tasks = new TaskRuntime(registry, METHODS['tools/call']!, {
    store: options.tasks?.store ?? createMemoryTaskStore(),
    ttlMs: taskTtl,
    pollIntervalMs: taskPoll,
    stream: { keepAliveMs, maxBufferedBytes, counters: statelessCounters },
    onError,
    // TKX-09: status changes travel the bus, so a listen stream in any process hears them.
    publish: announce,
  });
  transport.tasks = new SessionTasks(registry, tasks, options.pageSize ?? 100, onError);
  const stateless = new StatelessHttp(registry, {
    counters: statelessCounters,
    tasks,
    keepAliveMs,
    maxBufferedBytes,
    serverInfo,
    instructions: options.instructions,
    capabilities: modernCaps,
    cache,
    requestState: createRequestStateCodec(options.requestState),
    listen,
    onError,
  });
  // One fan-out for both eras: the GET stream of 2025 sessions, the listen streams of 2026 clients. Task status
  // changes are 2026 listen-stream notifications only (TKX-09): 2025 sessions have no `notifications/tasks`.
  const unsubscribe = bus.subscribe((event) => {
    if (event.type === 'tasks/status') {
      // TK1-08: a 2025-11-25 task's status changes go to the GET stream of the session that created it (MAY).
      if (event.session !== undefined) {
        transport.sessions.get(event.session)?.sendUnrelated(messageText('notifications/tasks/status', task2025FromState(event.task)));
      }
      return listen.dispatch(event);
    }
    if (event.type === 'resources/updated') transport.resourceUpdated(event.uri, messageText('notifications/resources/updated', { uri: event.uri }));
    else transport.broadcast(messageText(`notifications/${event.type}`, {}));
    listen.dispatch(event);
  });

  let closed = false;
  const route = async (request: Request, rctx?: RequestContext): Promise<Response> => {
    try {
      if (closed) return errorResponse(503, ErrorCode.InternalError, 'The server is shutting down', { nullId: nullIdFor(request) });
      const path = pathnameOf(request.url);
      let route: 'mcp' | 'sse' | 'messages' = 'mcp';
      if (sse !== undefined && routeMatches(path, sse.ssePath)) route = 'sse';
      else if (sse !== undefined && routeMatches(path, sse.messagesPath)) route = 'messages';
      else if (endpoint !== null && !routeMatches(path, endpoint)) {
        return errorResponse(404, ErrorCode.InvalidRequest, `No MCP endpoint at ${path}; the endpoint is ${endpoint}`, { nullId: nullIdFor(request) });
      }
      // DNS-rebinding protection (SEC-01): Host always, Origin when present (browsers), both 403.
      const host = request.headers.get('host') ?? hostOfUrl(request.url);
      if (!hostAllowed(host, allowedHosts)) {
        return errorResponse(403, ErrorCode.InvalidRequest, `Forbidden: Host "${host}" is not allowed`, { nullId: nullIdFor(request) });
      }
      const origin = request.headers.get('origin');
      if (origin !== null && !originAllowed(origin, allowedOrigins)) {
        return errorResponse(403, ErrorCode.InvalidRequest, `Forbidden: Origin "${origin}" is not allowed`, { nullId: nullIdFor(request) });
      }
      if (route === 'sse') {
        if (request.method !== 'GET') return methodNotAllowed(request.method, 'GET', nullIdFor(request));
        return legacy!.get(request, rctx, rctx?.mountPath ?? path.slice(0, path.length - sse!.ssePath.length));
      }
      if (route === 'messages') {
        if (request.method !== 'POST') return methodNotAllowed(request.method, 'POST', nullIdFor(request));
        return await legacy!.post(request, rctx);
      }
      switch (request.method) {
        case 'POST': {
          const read = await readPost(request, rctx, maxBodyBytes);
          if (isResponse(read)) return read;
          // DUAL-03: the era is decided per request; a stateless request never sees a session (DUAL-06).
          if (isStatelessRequest(read.body, request.headers.get('mcp-protocol-version'))) {
            return await stateless.post(read.body, request, rctx, read.accepts);
          }
          return await transport.postParsed(read.body, request, rctx, read.accepts);
        }
        case 'GET':
        case 'DELETE': {
          // MH-01: no GET or DELETE in 2026-07-28.
          const pv = request.headers.get('mcp-protocol-version');
          if (pv !== null && isModernVersion(pv.trim())) return methodNotAllowed(request.method, 'POST', false);
          return request.method === 'GET' ? await transport.get(request, rctx) : await transport.delete(request, rctx);
        }
        default:
          return methodNotAllowed(request.method, 'GET, POST, DELETE', nullIdFor(request));
      }
    } catch (error) {
      onError(error);
      return jsonResponse(errorText(undefined, { code: ErrorCode.InternalError, message: 'Internal error' }), 500);
    }
  };

  // Lazy responses only for adapters that asked for them; everyone else (Bun, Deno, frameworks) gets native ones.
  const handle: FetchHandler = (request, rctx) =>
    rctx?.lazyResponse === true ? route(request, rctx) : route(request, rctx).then(nativeResponse);

  const registration = (remove: () => void): Registration => ({ remove });

  return {
    handle,
    tool: (name, config, handler) => registration(registry.addTool(name, config as ToolConfig, handler as ToolHandler<any>)),
    resource: (name, uri, config, handler) => registration(registry.addResource(name, uri, config, handler)),
    resourceTemplate: (name, uriTemplate, config, handler) => registration(registry.addTemplate(name, uriTemplate, config, handler)),
    prompt: (name, config, handler) => registration(registry.addPrompt(name, config, handler)),
    resourceUpdated: (uri) => {
      if (typeof uri !== 'string' || uri === '') throw new TypeError('resourceUpdated(uri) needs a non-empty URI string');
      announce({ type: 'resources/updated', uri });
    },
    publish,
    stats: () => {
      // Each task of this process holds one expiry timer.
      const runningTasks = tasks.running;
      let inflight = stateless.inflight;
      for (const s of transport.sessions.values()) inflight += s.inflight.size;
      const { connections, pendingClientRequests } = transport.stats;
      const memory = events as { stats?: () => { events: number } } | undefined;
      return {
        sessions: transport.sessions.size,
        connections: connections + statelessCounters.streams,
        inflight,
        pendingClientRequests,
        listenStreams: listen.count,
        tasks: runningTasks,
        timers:
          (transport.sweeping ? 1 : 0) + pendingClientRequests + (keepAliveMs === 0 ? 0 : connections + statelessCounters.streams) + listen.timers + runningTasks,
        bufferedEvents: memory?.stats?.().events ?? 0,
      };
    },
    close: async () => {
      closed = true;
      unsubscribe();
      listen.close();
      tasks.close();
      transport.close();
    },
  };
}
