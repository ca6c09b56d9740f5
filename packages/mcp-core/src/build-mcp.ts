/**
 * @module The server builder behind `createMcp`, `createLeanMcp` and `createStatelessMcp`: one registry, the 2026 path,
 * the 2025 sessions when given, and the optional parts of a feature kit.
 */
import { ErrorCode } from './jsonrpc/codes';
import { errorText, messageText } from './jsonrpc/serialize';
import { LOOPBACK_HOSTS, hostAllowed, normaliseAllowlist, originAllowed } from './http/guards';
import { errorResponse, jsonResponse, nullIdFor } from './http/responses';
import { isResponse, nativeResponse } from './http/text-response';
import { createMemoryBus } from './bus/index';
import type { McpEvent } from './bus/index';
import { readPost } from './http/post';
import { StatelessHttp, isStatelessRequest } from './http/stateless';
import { capabilitiesFor } from './server/capabilities';
import { createRequestStateCodec } from './mrtr/request-state';
import { METHODS } from './server/handlers';
import { TASKS_EXTENSION } from './tasks/extension';
import { META_SERVER_INFO } from './protocol/envelope';
import { isModernVersion } from './protocol/versions';
import { Registry, checkCacheHint } from './server/registry';
import type { ListKind } from './server/registry';
import type { CacheHint, Registration, ToolConfig, ToolHandler } from './server/types';
import type { FeatureKit, SessionsKit } from './features/kit';
import type { Mcp, McpOptions } from './mcp';
import type { FetchHandler, RequestContext } from './types';

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

/** What `stats()` reads from the sessions when there are none. */
const NO_SESSION_STATS = { connections: 0, pendingClientRequests: 0 } as const;

/**
 * Builds a server from its options and the optional parts it has (see `createMcp`, `createLeanMcp`,
 * `createStatelessMcp`).
 * @param options Identity, endpoint and limits.
 * @param kit The optional parts.
 * @param sessions The 2025 Streamable HTTP transport and its stores; without them the server is modern-only (DUAL-08).
 * @returns The server.
 * @throws TypeError for an option whose feature is missing (`tasks` without tasks, say).
 */
export function buildMcp(options: McpOptions, kit: FeatureKit, sessions: SessionsKit | undefined): Mcp {
  for (const [option, part, feature] of [
    ['tasks', kit.tasks, 'withTasks'],
    ['maxListenStreams', kit.listen, 'withListen'],
    ['observe', kit.observe, 'withObserve'],
    ['auth', kit.scopes, 'withScopes'],
  ] as const) {
    if (options[option] !== undefined && part === undefined) {
      throw new TypeError(`The ${option} option needs the ${feature} feature: build the server with createMcp, or add ${feature} to its features (createLeanMcp, createStatelessMcp)`);
    }
  }
  if (options.legacySse !== undefined && options.legacySse !== false && kit.legacySse === undefined) {
    throw new TypeError('The legacySse option needs the withLegacySse feature: build the server with createMcp, or add withLegacySse to createLeanMcp');
  }
  const onError = options.onError ?? ((e: unknown) => console.error('[mcp]', e));
  if (options.observe !== undefined && typeof options.observe !== 'function') throw new TypeError('The observe option must be a function (request) => { run?, end? } | undefined');
  const observe = options.observe === undefined || kit.observe === undefined ? undefined : kit.observe(options.observe, onError);
  const endpoint = options.endpoint === undefined ? '/mcp' : options.endpoint;
  const allowedHosts = normaliseAllowlist(options.allowedHosts ?? LOOPBACK_HOSTS);
  const allowedOrigins = normaliseAllowlist(options.allowedOrigins ?? LOOPBACK_HOSTS);
  const events = options.eventStore === false || sessions === undefined ? undefined : (options.eventStore ?? sessions.createMemoryEventStore());
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
  const scopes = kit.scopes?.(options.auth);
  const pageSize = options.pageSize ?? 100;
  const registry = new Registry(pageSize, changed, { compileTemplate: kit.compileTemplate, valibot: kit.valibot, tasks: kit.tasks !== undefined, scopes: scopes?.register });
  const maxBodyBytes = options.maxBodyBytes ?? 4 * MiB;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const maxBufferedBytes = options.maxBufferedBytes ?? MiB;
  const transport = sessions === undefined ? undefined : new sessions.StreamableHttp(registry, {
    maxBodyBytes,
    keepAliveMs,
    maxBufferedBytes,
    clientRequestTimeoutMs: options.clientRequestTimeoutMs ?? 60_000,
    retryMs: options.retryMs ?? 1000,
    idleTimeoutMs: options.sessions?.idleTimeoutMs ?? 30 * 60_000,
    maxSessions: options.sessions?.maxSessions ?? 10_000,
    store: options.sessions?.store ?? sessions.createMemorySessionStore(),
    events,
    serverInfo,
    instructions: options.instructions,
    onError,
    observe,
    scopes,
  });

  const Legacy = kit.legacySse;
  const sse =
    options.legacySse === false || Legacy === undefined
      ? undefined
      : {
          ssePath: options.legacySse?.ssePath ?? '/sse',
          messagesPath: options.legacySse?.messagesPath ?? '/messages',
        };
  const legacy = sse === undefined || Legacy === undefined || transport === undefined ? undefined : new Legacy(transport, { ...sse, maxBodyBytes, keepAliveMs, maxBufferedBytes });

  checkCacheHint('createMcp', options.cache);
  const cache: Required<CacheHint> = { ttlMs: options.cache?.ttlMs ?? 0, scope: options.cache?.scope ?? 'private' };
  // DISC-02, M-10: the tasks extension is declared under extensions only (DUAL-09: never as the 2025 `tasks`).
  const modernCaps: Record<string, unknown> = capabilitiesFor('2025-11-25', false, false);
  if (kit.tasks !== undefined) modernCaps.extensions = { [TASKS_EXTENSION]: {} };
  // Without listen streams a stateless client has no way to hear a change (SUB-01), so none is promised.
  if (kit.listen === undefined) {
    for (const key of ['tools', 'resources', 'prompts'] as const) modernCaps[key] = {};
  }
  const Listen = kit.listen;
  const listen = Listen === undefined ? undefined : new Listen({
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
  const taskKit = kit.tasks;
  const tasks = taskKit === undefined ? undefined : new taskKit.TaskRuntime(registry, METHODS['tools/call']!, {
    store: options.tasks?.store ?? taskKit.createMemoryTaskStore(),
    ttlMs: taskTtl,
    pollIntervalMs: taskPoll,
    stream: { keepAliveMs, maxBufferedBytes, counters: statelessCounters },
    onError,
    observe,
    // TKX-09: status changes travel the bus, so a listen stream in any process hears them.
    publish: announce,
  });
  if (taskKit !== undefined && tasks !== undefined && transport !== undefined) transport.tasks = new taskKit.SessionTasks(registry, tasks, pageSize, onError, transport.sessions);
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
    observe,
    scopes,
    sessions: transport !== undefined,
  });
  // One fan-out for both eras: the GET stream of 2025 sessions, the listen streams of 2026 clients. Task status
  // changes are 2026 listen-stream notifications only (TKX-09): 2025 sessions have no `notifications/tasks`.
  const unsubscribe = bus.subscribe((event) => {
    if (event.type === 'tasks/status') {
      // Wakes this process's waiters; a cancel made by another process reaches a handler running here.
      tasks?.statusChanged(event.taskId, event.task.status);
      // TK1-08: a 2025-11-25 task's status changes go to the GET stream of the session that created it (MAY).
      if (event.session !== undefined && taskKit !== undefined) {
        transport?.sessions.get(event.session)?.sendUnrelated(messageText('notifications/tasks/status', taskKit.task2025FromState(event.task)));
      }
      return listen?.dispatch(event);
    }
    // A modern-only server has no sessions: listen streams are the only way a client hears a change.
    if (transport !== undefined) {
      if (event.type === 'resources/updated') transport.resourceUpdated(event.uri, messageText('notifications/resources/updated', { uri: event.uri }));
      else transport.broadcast(messageText(`notifications/${event.type}`, {}));
    }
    listen?.dispatch(event);
  });

  let closed = false;
  /** A failure no transport turned into an answer: reported, and a 500 with a JSON-RPC error. */
  const failed = (error: unknown): Response => {
    onError(error);
    return jsonResponse(errorText(undefined, { code: ErrorCode.InternalError, message: 'Internal error' }), 500);
  };
  /** The POST of a parsed body: the era decides the transport. */
  const posted = (read: Exclude<Awaited<ReturnType<typeof readPost>>, Response>, request: Request, rctx: RequestContext | undefined): Promise<Response> | Response =>
    // DUAL-03: the era is decided per request; a stateless request never sees a session (DUAL-06). A modern-only
    // server answers every POST on the stateless path, legacy traffic included (DUAL-08).
    transport === undefined || isStatelessRequest(read.body, request.headers.get('mcp-protocol-version'))
      ? stateless.post(read.body, request, rctx, read.accepts)
      : transport.postParsed(read.body, request, rctx, read.accepts);
  /** Routes a request; an answer decided at once comes back without a promise. */
  const dispatch = (request: Request, rctx?: RequestContext): Promise<Response> | Response => {
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
      return legacy!.post(request, rctx);
    }
    switch (request.method) {
      case 'POST': {
        const read = readPost(request, rctx, maxBodyBytes);
        if (read instanceof Promise) return read.then((r) => (isResponse(r) ? r : posted(r, request, rctx)));
        return isResponse(read) ? read : posted(read, request, rctx);
      }
      case 'GET':
      case 'DELETE': {
        // MH-01: no GET or DELETE in 2026-07-28.
        const pv = request.headers.get('mcp-protocol-version');
        // DUAL-08: a modern-only server has neither, whatever the client speaks.
        if (transport === undefined || (pv !== null && isModernVersion(pv.trim()))) return methodNotAllowed(request.method, 'POST', false);
        return request.method === 'GET' ? transport.get(request, rctx) : transport.delete(request, rctx);
      }
      default:
        return methodNotAllowed(request.method, transport === undefined ? 'POST' : 'GET, POST, DELETE', nullIdFor(request));
    }
  };
  const route = (request: Request, rctx?: RequestContext): Promise<Response> => {
    let out: Promise<Response> | Response;
    try {
      out = dispatch(request, rctx);
    } catch (error) {
      return Promise.resolve(failed(error));
    }
    return out instanceof Promise ? out.then(undefined, failed) : Promise.resolve(out);
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
      const runningTasks = tasks?.running ?? 0;
      let inflight = stateless.inflight;
      for (const s of transport?.sessions.values() ?? []) inflight += s.inflight.size;
      const { connections, pendingClientRequests } = transport?.stats ?? NO_SESSION_STATS;
      const memory = events as { stats?: () => { events: number } } | undefined;
      return {
        sessions: transport?.sessions.size ?? 0,
        connections: connections + statelessCounters.streams,
        inflight,
        pendingClientRequests,
        listenStreams: listen?.count ?? 0,
        tasks: runningTasks,
        timers:
          (transport?.sweeping === true ? 1 : 0) + pendingClientRequests + (keepAliveMs === 0 ? 0 : connections + statelessCounters.streams) + (listen?.timers ?? 0) + runningTasks,
        bufferedEvents: memory?.stats?.().events ?? 0,
      };
    },
    close: async () => {
      closed = true;
      unsubscribe();
      listen?.close();
      tasks?.close();
      transport?.close();
    },
  };
}
